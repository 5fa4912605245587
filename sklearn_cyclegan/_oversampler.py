"""CycleGANOversampler: imbalanced-learn sampler that style-transfers source rows."""

import copy
import hashlib
import inspect
import os
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data
from skorch.callbacks import Checkpoint, LoadInitState

from ._callbacks import (
    DivergenceError,
    EpochProgress,
    EpochSeed,
    TrainingInterruptedWarning,
)
from ._categorical import CategoricalColumns
from ._constraints import AdamBetas, LayerSizes, TorchDevice
from ._data import CycleGANData
from ._diversity import MAX_ROWS, diversity_ratios, warn_if_collapsed
from ._docstrings import rst_to_markdown
from ._early_stopping import (
    VALIDATION_SOURCE_ROWS,
    JointEarlyStopping,
    ValidationDistance,
    split_validation,
)
from ._interpolation import class_interpolations
from ._io import is_table, read_source, stream_table, table_columns
from ._net import CycleGANNet
from ._presets import PRESETS
from ._scaling import SourceRows, TargetScaler, iter_chunks
from ._threads import AdaptThreads, thread_limited
from ._validation import (
    check_exact_integers,
    check_feature_types,
    check_float32_range,
    check_labels,
    integer_columns,
)

__all__ = ["CycleGANOversampler"]

MIN_CLASS_ROWS = 2
# Source rows per class pushed through the generators at once: large enough
# that each layer is one long, efficient matmul, small enough that a chunk of
# four classes at 1582 features stays near 100 MB.
GENERATION_ROWS = 4096
# Interpolated source rows per class, at least, when source is None.
POOL_ROWS = 1000


@Substitution(
    sampling_strategy=rst_to_markdown(BaseOverSampler._sampling_strategy_docstring),
)
class CycleGANOversampler(BaseOverSampler):
    """Over-sample by CycleGAN style transfer from an unlabelled source set.

    For every class k a CycleGAN learns a generator G_k that maps rows of an
    unlabelled *source* data set to class k, and an inverse F_k back; a
    classifier trained on the generated rows keeps the classes apart (Bao et
    al., 2019).  All classes' CycleGANs train together as one batched
    computation through a skorch net.  Synthetic rows of class k are G_k
    applied to randomly drawn source rows.

    Read more in the [user guide](../user-guide/) (``docs/user-guide.md``).

    Parameters
    ----------
    {sampling_strategy}

    source : array-like, DataFrame, str or path-like of shape \
            (n_source_rows, n_features), default=None
        The unlabelled source domain, with the same features as ``X`` (for a
        DataFrame, the same columns; they are reordered to match ``X``).  A
        ``numpy.memmap`` is streamed in batches, never copied whole; a path to
        a ``.npy`` file is memory-mapped the same way (and, unlike an array,
        costs nothing to clone in cross-validation).  A path to a ``.csv``,
        ``.csv.gz``, ``.tsv`` or ``.parquet`` table is read whole when
        fitting, as the CLI reads it.  ``fit_resample(X, y, source=S)``
        overrides it for one call.  When None,
        ``fallback_source`` says what serves as the source, so the sampler
        works on any table without an extra corpus.

    fallback_source : {{"interpolate", "pooled"}}, default=None
        The source when ``source`` is None.  ``"interpolate"``: each class's
        own rows, interpolated between a row and one of its 5 nearest
        neighbours in the class (imbalanced-learn's ``SMOTE``), so every
        CycleGAN translates rows that already belong to its class; on a
        generic table the content cycle consistency keeps *is* the class.
        ``"pooled"``: the rows of all classes passed to ``fit_resample``
        (mostly the majority class, whose content the minority's synthetic
        rows then keep).  None: the preset's (``"fast"``: ``"interpolate"``,
        ``"paper"``: ``"pooled"``).  With ``"interpolate"`` the fast preset
        trains no epochs unless ``pretrain_epochs``/``max_epochs`` are given:
        its residual generators stay the identity and the synthetic rows are
        the interpolations, because every adversarial refinement measured on
        the KEEL tables lowered balanced accuracy (see the results page).

    preset : {{"fast", "paper"}}, default="fast"
        Supplies every parameter below that is left as None (see
        ``sklearn_cyclegan._presets.PRESETS``).  ``"paper"``: hidden sizes
        1000-500-1000 / 1000-1000 / 100-100, 10,000 pre-training and 2,000 joint
        epochs, lr 2e-4, Adam betas (0.9, 0.999), 2 generator steps per
        discriminator step, as in the authors' code.  ``"fast"``: one hidden
        layer of 128 in G, F and D, 100 + 300 epochs, lr 1e-3, betas
        (0.5, 0.999), 1 generator step, and no training at all when each
        class interpolates its own rows (``source=None``); it brings synthetic
        class means closer to the real ones than the source's
        (docs/results.md, Table 1).  Timings are in the user guide.

    generator_hidden : int or tuple of int, default=None
        Hidden layer sizes of each G_k and F_k.

    discriminator_hidden : int or tuple of int, default=None
        Hidden layer sizes of each discriminator D_k^T, D_k^S.

    classifier_hidden : int or tuple of int, default=None
        Hidden layer sizes of the auxiliary classifier C.

    pretrain_epochs : int, default=None
        Epochs of cycle-reconstruction pre-training of G and F.

    max_epochs : int, default=None
        Epochs of joint adversarial training.  An epoch is
        ``floor(n_min / batch_size)`` batches, ``n_min`` being the size of the
        smallest class (or of the source, if smaller).

    lambda_cycle : float, default=5.0
        Weight of the cycle-consistency loss (paper: 5).

    lambda_cls : float, default=2.0
        Weight of the classifier loss on generated rows (paper: 0 or 2).
        Larger values push classes apart at the cost of realism.

    real_label : float, default=0.9
        Target of real rows in the discriminator and generator log losses
        (one-sided label smoothing).

    lambda_identity : float, default=None
        Weight of CycleGAN's identity term (Zhu et al., 2017): each generator
        should leave rows that already belong to its output domain unchanged,
        ``G_k(t) ≈ t`` and ``F_k(s) ≈ s``.  None: the preset's (``"fast"``:
        see ``_presets.py``; ``"paper"``: 0, as Bao et al.).

    residual : bool, default=None
        Whether each generator learns a change of its input,
        ``G_k(s) = s + g_k(s)``, starting at the identity.  None: the
        preset's (False, the authors' plain networks; ``"fast"`` with
        interpolated sources: True).

    enforce_min_max_values : bool, default=True
        Clip every synthetic value to the range of its feature in ``X``, as
        SDV's option of the same name does; integer columns are rounded and
        clipped whatever this says.

    categorical_features : "auto" or array-like, default=None
        Columns holding categories, one-hot encoded for the networks and
        decoded to the category of largest generated value, so every
        synthetic value is a category seen in ``X``; the output keeps ``X``'s
        column order and dtypes (a pandas categorical keeps its categories,
        an object column stays object).  As in imbalanced-learn's ``SMOTENC``:
        column indices, column names (``X`` a DataFrame) or a boolean mask.
        ``"auto"`` (``X`` a DataFrame): the category and string columns, and
        object columns not holding only numbers; boolean columns stay numeric
        (a rounded 0/1, as without this parameter; name them to encode them).
        None: every column is numeric.  A ``source`` or ``transfer`` input
        must have ``X``'s raw columns, encoded with the encoder fitted on
        ``X``; a category ``X`` lacks becomes an all-zero block there (a
        memory-mapped source is then encoded in memory, whole).  Missing
        values in a categorical column are refused.

    dropout : float, default=0.2
        Dropout in generators and discriminators during training.

    classifier_dropout : float, default=0.5
        Dropout in the auxiliary classifier.

    negative_slope : float, default=0.2
        Slope of the leaky ReLU activations.

    batch_size : int, default=64
        Rows per class per batch; shrinks to the smallest class's size.

    lr : float, default=None
        Adam learning rate of all optimisers (paper: 2e-4; "fast": 1e-3).

    betas : tuple of two floats, default=None
        Adam's ``(beta1, beta2)`` (paper's code: torch/TF defaults
        ``(0.9, 0.999)``; "fast": ``(0.5, 0.999)``, the usual GAN choice, without
        which short runs let the generators outpace the discriminators).

    lr_decay : float, default=0.8
        Joint-training learning rate factor applied every ``lr_decay_every`` epochs.

    lr_decay_every : int, default=50
        Joint-training epochs between two learning-rate decays by ``lr_decay``.

    generator_steps : int, default=None
        Generator updates per discriminator update (paper's code: 2; "fast": 1).

    early_stopping : bool, default=False
        Hold back ``validation_fraction`` of every class's rows from training
        and stop joint training once the distance between generated and
        held-back rows (``valid_distance`` in ``history_``: mean per-feature
        1-D Wasserstein distance in scaled space) has not improved for
        ``n_iter_no_change`` joint epochs; the weights of the best epoch are
        kept.  Needs at least 3 rows per class.  ``fit_resample`` still
        returns every original row.

    validation_fraction : float, default=0.1
        Share of each class's rows held back when ``early_stopping`` is on
        (at least one row per class).

    n_iter_no_change : int, default=10
        Patience of ``early_stopping``, in joint epochs.

    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra callbacks for the training net, e.g. ``skorch.callbacks.Checkpoint``.

    net_params : dict, default=None
        Further keyword arguments of ``CycleGANNet``, routed by skorch's
        prefixes, e.g. ``{{"optimizer__betas": (0.5, 0.999)}}``.

    device : str, default="auto"
        Torch device for training and generation: "auto" (CUDA when present)
        or any string torch reads as a device ("cpu", "cuda", "cuda:1").

    n_threads : "auto", int or None, default="auto"
        CPU threads for torch and BLAS during ``fit_resample``, ``sample`` and
        ``transfer``; the caller's settings are restored afterwards.  "auto"
        takes the cores this process may use (affinity and cgroup quota) less
        those busy with other runnable tasks, at least 1 and at most torch's
        thread count at the call (so ``OMP_NUM_THREADS``, joblib's limits in
        worker processes and ``torch.set_num_threads`` still hold), so that
        concurrent fits do not oversubscribe the CPU; None leaves the thread
        settings as they are.  See ``docs/performance.md``.

    verbose : int, default=0
        0 silent, 1 a progress bar over epochs, 2 skorch's per-epoch table.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, batch shuffles and the choice of
        source rows.  On CPU the same seed and data give identical output.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of synthetic rows per class, as imbalanced-learn computes it.

    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the per-class networks.

    net_ : CycleGANNet
        The fitted skorch net holding all networks and optimisers.

    history_ : skorch.History
        Per-epoch losses (``cycle_loss``, ``discriminator_loss``,
        ``adversarial_loss``, ``classifier_loss``), durations and phase.

    device_ : str
        Device the networks were trained on.

    diversity_ : ndarray of shape (n_classes,)
        Per class, the mean distance from each synthetic row to its nearest
        synthetic neighbour divided by the same among the class's real rows,
        in min-max scaled space and on equally many rows (at most 1000).  About
        1 means the synthetic rows spread like the real ones; below
        ``sklearn_cyclegan._diversity.COLLAPSE_THRESHOLD`` (0.1) a
        ``ModeCollapseWarning`` is issued.

    categorical_features_ : ndarray of int
        Indices of the columns encoded as categories (empty when none are).

    n_features_in_ : int
        Number of features seen during ``fit_resample``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when ``X`` had them.

    See Also
    --------
    imblearn.over_sampling.SMOTE : Over-sample by interpolating between neighbours.
    imblearn.over_sampling.RandomOverSampler : Over-sample by duplicating rows.

    Notes
    -----
    ``fit_resample`` returns the original rows unchanged and in order, followed
    by the synthetic rows grouped by class in the order of ``classes_``.

    References
    ----------
    .. [1] F. Bao, M. Neumann, N. T. Vu, "CycleGAN-based Emotion Style Transfer
       as Data Augmentation for Speech Emotion Recognition", Interspeech 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_cyclegan import CycleGANOversampler
    >>> X, y = make_classification(n_samples=300, weights=[0.8, 0.2], random_state=0)
    >>> np.bincount(y)
    array([238,  62])
    >>> X_res, y_res = CycleGANOversampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([238, 238])
    >>> bool((X_res[: len(X)] == X).all())  # the original rows come first
    True
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "source": ["array-like", str, os.PathLike, None],
        "preset": [StrOptions(set(PRESETS))],
        "fallback_source": [StrOptions({"interpolate", "pooled"}), None],
        "residual": ["boolean", None],
        "lambda_identity": [Interval(Real, 0, None, closed="left"), None],
        "enforce_min_max_values": ["boolean"],
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
        "generator_hidden": [
            Interval(Integral, 1, None, closed="left"),
            LayerSizes(),
            None,
        ],
        "discriminator_hidden": [
            Interval(Integral, 1, None, closed="left"),
            LayerSizes(),
            None,
        ],
        "classifier_hidden": [
            Interval(Integral, 1, None, closed="left"),
            LayerSizes(),
            None,
        ],
        "pretrain_epochs": [Interval(Integral, 0, None, closed="left"), None],
        "max_epochs": [Interval(Integral, 0, None, closed="left"), None],
        "lambda_cycle": [Interval(Real, 0, None, closed="left")],
        "lambda_cls": [Interval(Real, 0, None, closed="left")],
        "real_label": [Interval(Real, 0, 1, closed="right")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "classifier_dropout": [Interval(Real, 0, 1, closed="left")],
        "negative_slope": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither"), None],
        "betas": [AdamBetas(), None],
        "lr_decay": [Interval(Real, 0, 1, closed="right")],
        "lr_decay_every": [Interval(Integral, 1, None, closed="left")],
        "generator_steps": [Interval(Integral, 1, None, closed="left"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "callbacks": [list, None],
        "net_params": [dict, None],
        "device": [StrOptions({"auto"}), TorchDevice()],
        "n_threads": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        source=None,
        fallback_source=None,
        preset="fast",
        generator_hidden=None,
        discriminator_hidden=None,
        classifier_hidden=None,
        pretrain_epochs=None,
        max_epochs=None,
        lambda_cycle=5.0,
        lambda_cls=2.0,
        real_label=0.9,
        lambda_identity=None,
        residual=None,
        enforce_min_max_values=True,
        categorical_features=None,
        dropout=0.2,
        classifier_dropout=0.5,
        negative_slope=0.2,
        batch_size=64,
        lr=None,
        betas=None,
        lr_decay=0.8,
        lr_decay_every=50,
        generator_steps=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        callbacks=None,
        net_params=None,
        device="auto",
        n_threads="auto",
        verbose=0,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.source = source
        self.fallback_source = fallback_source
        self.preset = preset
        self.generator_hidden = generator_hidden
        self.discriminator_hidden = discriminator_hidden
        self.classifier_hidden = classifier_hidden
        self.pretrain_epochs = pretrain_epochs
        self.max_epochs = max_epochs
        self.lambda_cycle = lambda_cycle
        self.lambda_cls = lambda_cls
        self.real_label = real_label
        self.residual = residual
        self.lambda_identity = lambda_identity
        self.enforce_min_max_values = enforce_min_max_values
        self.categorical_features = categorical_features
        self.dropout = dropout
        self.classifier_dropout = classifier_dropout
        self.negative_slope = negative_slope
        self.batch_size = batch_size
        self.lr = lr
        self.betas = betas
        self.lr_decay = lr_decay
        self.lr_decay_every = lr_decay_every
        self.generator_steps = generator_steps
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.net_params = net_params
        self.device = device
        self.n_threads = n_threads
        self.verbose = verbose
        self.random_state = random_state

    # -- validation ------------------------------------------------------------

    def _check_X_y(self, X, y, accept_sparse=False):
        if (
            sp.issparse(X)
            or isinstance(getattr(X, "dtypes", None), pd.Series)
            and any(isinstance(t, pd.SparseDtype) for t in X.dtypes)
        ):
            raise TypeError(
                "CycleGANOversampler does not accept sparse input; "
                "convert it with X.toarray() (or DataFrame.sparse.to_dense())."
            )
        self._categorical, self.categorical_features_ = None, np.array([], int)
        if self.categorical_features is not None:
            self._categorical = CategoricalColumns(self.categorical_features).fit(X)
            self.categorical_features_ = self._categorical.categorical_
            if self._categorical.empty:
                self._categorical = None
        if self._categorical is None:
            check_feature_types(X)
        if isinstance(y, pd.api.extensions.ExtensionArray):
            # e.g. the Arrow-backed strings of pandas 3's Series.values, which
            # numpy-style fancy indexing (and so imbalanced-learn) cannot take.
            y = y.to_numpy()
        self._integer_columns = integer_columns(X)
        if self._categorical is None:
            # sample() and transfer() return X's dtypes, as fit_resample does.
            dtypes = getattr(X, "dtypes", None)
            X, y, binarize_y = super()._check_X_y(X, y, accept_sparse=accept_sparse)
            check_exact_integers(X, "X")
            self._dtypes = dtypes if isinstance(dtypes, pd.Series) else X.dtype
            return X, y, binarize_y
        # The numeric checks run on the encoding; the names and width are X's own.
        _, y, binarize_y = super()._check_X_y(
            self._categorical.transform(X), y, accept_sparse=accept_sparse
        )
        validate_data(self, X=X, reset=True, skip_check_array=True)
        self._integer_columns = self._categorical.integer_columns(self._integer_columns)
        return self._categorical.raw_array(X), y, binarize_y

    def fit(self, X, y, **params):
        check_labels(y)
        return super().fit(X, y, **params)

    fit.__doc__ = BaseOverSampler.fit.__doc__

    def _resolved(self, name):
        value = getattr(self, name)
        if value is not None:
            return value
        preset = PRESETS[self.preset]
        if name in preset.get("interpolated", {}) and self._interpolates():
            return preset["interpolated"][name]
        return preset[name]

    def _interpolates(self):
        """Whether each class's source is its own rows, interpolated."""
        # A source given to fit_resample for one call counts as a source.
        given = self.source is not None or getattr(self, "_fit_source_given", False)
        return not given and self._resolved("fallback_source") == "interpolate"

    def _hidden(self, name):
        return tuple(int(s) for s in np.atleast_1d(self._resolved(name)))

    def _betas(self):
        return tuple(float(b) for b in self._resolved("betas"))

    def _check_classes(self, y):
        classes, y_encoded, counts = np.unique(
            y, return_inverse=True, return_counts=True
        )
        if len(classes) < 2:
            raise ValueError(
                "CycleGANOversampler needs at least 2 classes; y has "
                f"{len(classes)} class."
            )
        small = counts < MIN_CLASS_ROWS
        if small.any():
            detail = ", ".join(
                f"{c!r}: {n}" for c, n in zip(classes[small], counts[small])
            )
            raise ValueError(
                f"Every class needs at least {MIN_CLASS_ROWS} rows to train its "
                "CycleGAN; "
                f"too few rows in class {detail}."
            )
        return classes, y_encoded

    def _check_source(self, X, source):
        if source is None:
            return X
        if isinstance(source, (str, os.PathLike)):
            if is_table(source) and getattr(self, "_categorical", None) is None:
                # Streamed into a memory map, as large as it may be; the header
                # picks X's columns as a DataFrame source's would.
                header = pd.DataFrame(columns=table_columns(source))
                columns = list(self._columns_of_X(header, "source").columns)
                source = stream_table(source, columns)
            else:
                source = read_source(source)
        if sp.issparse(source):
            raise TypeError("source must be dense; convert it with source.toarray().")
        source = self._encoded(self._columns_of_X(source, "source"), "source")
        if not isinstance(source, np.memmap):
            # Finite values are checked while the scaler streams over the rows.
            source = check_array(
                source, dtype="numeric", ensure_all_finite=False, input_name="source"
            )
        check_exact_integers(source, "source")
        if source.ndim != 2 or source.shape[1] != X.shape[1]:
            raise ValueError(
                f"source has {source.shape[1] if source.ndim == 2 else source.shape} "
                f"features per row, but X has {X.shape[1]}; both must describe the "
                "same features."
            )
        if source.shape[0] < MIN_CLASS_ROWS:
            raise ValueError(
                f"source needs at least {MIN_CLASS_ROWS} rows, got {source.shape[0]}."
            )
        return source

    def _columns_of_X(self, frame, name):
        """``frame``'s columns of X, in X's order, when both have names."""
        if not isinstance(frame, pd.DataFrame):
            return frame
        if not hasattr(self, "feature_names_in_"):
            if frame.columns.map(type).isin([str]).any():
                # As scikit-learn warns for a named X after an unnamed fit.
                warnings.warn(
                    f"{name} has column names but X had none, so its columns are "
                    "matched to X's by position; pass both as DataFrames to match "
                    "them by name, or both as arrays.",
                    UserWarning,
                    stacklevel=3,
                )
            return frame
        missing = [c for c in self.feature_names_in_ if c not in frame.columns]
        if missing:
            raise ValueError(
                f"{name} lacks {len(missing)} column(s) of X, e.g. "
                f"{[str(c) for c in missing[:5]]}."
            )
        return frame[list(self.feature_names_in_)]

    def _check_device(self):
        device = (
            "cuda"
            if self.device == "auto" and torch.cuda.is_available()
            else self.device
        )
        device = "cpu" if device == "auto" else device
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(
                f"device={self.device!r} was asked for, but CUDA is not available."
            )
        return device

    # -- fitting ---------------------------------------------------------------

    def _build_net(self, n_classes, n_features, seed=0, validation=None):
        callbacks = [("epoch_seed", EpochSeed(seed))]
        if self.n_threads == "auto":
            callbacks.append(("adapt_threads", AdaptThreads()))
        if validation is not None:
            callbacks.append(("valid_distance", ValidationDistance(*validation)))
        callbacks += list(self.callbacks or [])
        if validation is not None:
            # After the user's callbacks, so a checkpoint still saves the last epoch.
            callbacks.append(
                (
                    "early_stopping",
                    JointEarlyStopping(
                        patience=self.n_iter_no_change,
                        sink=print if self.verbose else _silent,
                    ),
                )
            )
        if self.verbose == 1:
            callbacks.append(("progress", EpochProgress()))
        return CycleGANNet(
            module__n_classes=n_classes,
            module__n_features=n_features,
            module__generator_hidden=self._hidden("generator_hidden"),
            module__discriminator_hidden=self._hidden("discriminator_hidden"),
            module__classifier_hidden=self._hidden("classifier_hidden"),
            module__dropout=self.dropout,
            module__classifier_dropout=self.classifier_dropout,
            module__negative_slope=self.negative_slope,
            module__residual=self._resolved("residual"),
            criterion__lambda_cycle=self.lambda_cycle,
            criterion__lambda_cls=self.lambda_cls,
            criterion__real_label=self.real_label,
            criterion__lambda_identity=self._resolved("lambda_identity"),
            lr=self._resolved("lr"),
            pretrain_epochs=self._resolved("pretrain_epochs"),
            max_epochs=self._resolved("max_epochs"),
            batch_size=self.batch_size,
            generator_steps=self._resolved("generator_steps"),
            lr_decay=self.lr_decay,
            lr_decay_every=self.lr_decay_every,
            callbacks=callbacks,
            device=self.device_,
            verbose=int(self.verbose >= 2),
            **{"optimizer__betas": self._betas(), **(self.net_params or {})},
        )

    def fit_resample(self, X, y, *, source=None):
        """Resample the dataset, training one CycleGAN per class.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            The labelled rows.

        y : array-like of shape (n_samples,)
            The class of each row of ``X``.

        source : array-like, DataFrame, str or path-like, default=None
            A source for this call only, overriding the constructor's
            ``source`` (same accepted types).  Under scikit-learn's metadata
            routing, request it with ``set_fit_resample_request(source=True)``
            so that ``pipeline.fit(X, y, source=S)`` reaches the sampler.

        Returns
        -------
        X_resampled : {ndarray, dataframe} of shape (n_samples_new, n_features)
            The original rows followed by the synthetic ones.

        y_resampled : ndarray of shape (n_samples_new,)
            The labels of ``X_resampled``.
        """
        # Before imbalanced-learn's target checks, whose numpy sort fails on
        # None or mixed label types with a bare TypeError.
        check_labels(y)
        if source is not None and _n_rows(source) == _n_rows(X):
            # Cross-validation slices every fit parameter with len(X) rows
            # along with X, so such a source may have reached us cut per fold.
            warnings.warn(
                f"source has as many rows as X ({_n_rows(X)}); if it was passed "
                "through cross-validation or a splitter, scikit-learn sliced it "
                "per fold like X. Pass it to the constructor "
                "(CycleGANOversampler(source=S)) or as a file path to keep it "
                "whole.",
                UserWarning,
                stacklevel=2,
            )
        if source is None:
            _warn_if_pipeline_dropped_params()
        # Only a given source is passed on, so subclasses that override
        # _fit_resample(X, y) keep working.
        params = {} if source is None else {"source": source}
        return super().fit_resample(X, y, **params)

    @thread_limited
    def _fit_resample(self, X, y, source=None):
        X_given, X = X, self._encoded(X, "X")
        self._fit_source_given = source is not None
        self.classes_, y_encoded = self._check_classes(y)
        _check_output_size(len(X) + sum(self.sampling_strategy_.values()), X.shape[1])
        self.device_ = self._check_device()
        source = self._check_source(X, self.source if source is None else source)
        random_state = check_random_state(self.random_state)
        torch_seed, batch_seed, self._sample_seed = random_state.randint(2**31, size=3)

        self._target_scaler = TargetScaler(
            self._integer_columns, clip=self.enforce_min_max_values
        ).fit(X)
        check_float32_range(self._target_scaler.scaler_, "X")
        X_scaled = self._target_scaler.transform(X)
        if self._interpolates():
            self._source = self._interpolated_source(X, y_encoded, batch_seed)
        else:
            self._source = SourceRows(source)
        check_float32_range(self._source.scaler, "source")
        validation, train = None, np.ones(len(y_encoded), dtype=bool)
        if self.early_stopping:
            validation_rng = np.random.default_rng([batch_seed, 2])
            train = ~split_validation(
                y_encoded,
                len(self.classes_),
                self.validation_fraction,
                validation_rng,
                MIN_CLASS_ROWS,
            )
            picks = validation_rng.choice(
                self._source.n_rows,
                min(self._source.n_rows, VALIDATION_SOURCE_ROWS),
                replace=False,
            )
            if self._source.n_groups is not None:
                picks = np.stack(
                    [self._source.offset(k) + picks for k in range(len(self.classes_))]
                )
            validation = (
                [
                    X_scaled[~train & (y_encoded == k)]
                    for k in range(len(self.classes_))
                ],
                self._source.take(picks),
            )
        data = CycleGANData(
            self._source,
            [X_scaled[train & (y_encoded == k)] for k in range(len(self.classes_))],
            np.random.default_rng(batch_seed),
        )
        self.net_ = self._build_net(
            len(self.classes_), X.shape[1], seed=batch_seed, validation=validation
        )
        if _uses_checkpoint(self.callbacks):
            # A checkpoint saved by this fit resumes only a fit of the same
            # kind; hashing the data costs a pass over it, so only then.
            self.net_.fingerprint_ = self._fingerprint(X, y_encoded)
        with _seeded_torch(torch_seed, self.device_):
            self.net_.fit(data)
        self.history_ = self.net_.history
        self._warn_if_interrupted()
        self.diversity_ = self._diversity(X_scaled, y_encoded)
        warn_if_collapsed(self.diversity_, self.classes_)

        counts = {c: self.sampling_strategy_.get(c, 0) for c in self.classes_}
        X_new, y_new = self._generate(counts, np.random.default_rng(self._sample_seed))
        return (
            np.vstack(
                [X_given, self._decoded(X_new).astype(X_given.dtype, copy=False)]
            ),
            np.concatenate([y, y_new.astype(y.dtype, copy=False)]),
        )

    def _fingerprint(self, X, y_encoded):
        """Digest of the training data, the source, the parameters and the seed."""
        digest = hashlib.sha256()
        digest.update(np.ascontiguousarray(X, dtype=np.float64).tobytes())
        digest.update(np.ascontiguousarray(y_encoded).tobytes())
        source = self._source.source
        if self._source.stamp is not None:
            # Hashing a large file would cost a pass over it; its identity will do.
            digest.update(repr((self._source.stamp, source.shape)).encode())
        else:
            # In chunks: a streamed table source must not be copied whole.
            for chunk in iter_chunks(source):
                digest.update(np.ascontiguousarray(chunk).data)
        # Not what only changes how or where it runs, nor the callbacks
        # (resuming adds LoadInitState).
        skip = {"callbacks", "verbose", "n_threads", "device", "source"}
        params = sorted(
            (k, v) for k, v in self.get_params(deep=False).items() if k not in skip
        )
        digest.update(repr(params).encode())
        return digest.hexdigest()

    def _interpolated_source(self, X, y_encoded, seed):
        """Each class's own rows, interpolated: the source of ``"interpolate"``."""
        n_classes = len(self.classes_)
        # Enough rows that the requested synthetic rows come from distinct ones.
        n_rows = max(POOL_ROWS, *self.sampling_strategy_.values(), 0)
        # X's scaler, but one that copies: transfer() scales the user's rows.
        scaler = copy.deepcopy(self._target_scaler.scaler_).set_params(copy=True)
        X = np.asarray(X, dtype=np.float64)
        # Neighbours in standardised units, as for SMOTE after a StandardScaler:
        # one outlier would squeeze a feature's min-max range and mute it.
        std = X.std(axis=0)
        pools = class_interpolations(
            X,
            y_encoded,
            n_classes,
            n_rows,
            random_state=int(seed),
            scale=1.0 / np.where(std > 0, std, 1.0),
        )
        return SourceRows(pools, scaler=scaler, n_groups=n_classes)

    def _warn_if_interrupted(self):
        planned = self.net_.total_epochs
        done = len(self.history_)
        stopped_early = done > 0 and self.history_[-1].get("stopped_early", False)
        if done < planned and not stopped_early:
            warnings.warn(
                f"CycleGAN training stopped at epoch {done} of {planned} "
                "(interrupted); "
                "the synthetic rows come from the partly trained networks. Pass a "
                "TrainingCheckpoint in callbacks to be able to resume.",
                TrainingInterruptedWarning,
                stacklevel=4,
            )

    def _diversity(self, X_scaled, y_encoded):
        """Per class, spread of synthetic rows relative to real ones (_diversity)."""
        rng = np.random.default_rng([self._sample_seed, 1])
        n_rows = [
            min(int(np.sum(y_encoded == k)), self._source.n_rows, MAX_ROWS)
            for k in range(len(self.classes_))
        ]
        X_syn, _ = self._generate(dict(zip(self.classes_, n_rows)), rng)
        synthetic = np.split(
            self._target_scaler.transform(X_syn), np.cumsum(n_rows)[:-1]
        )
        real = [
            rng.permutation(X_scaled[y_encoded == k])[:n] for k, n in enumerate(n_rows)
        ]
        return diversity_ratios(real, synthetic)

    # -- generation ------------------------------------------------------------

    def _generate(self, counts, rng):
        """Exactly ``counts[c]`` synthetic rows of each class ``c``, class by class."""
        n_source = self._source.n_rows
        classes = [k for k, c in enumerate(self.classes_) if counts.get(c, 0) > 0]
        sizes = np.array(
            [int(counts[self.classes_[k]]) for k in classes], dtype=np.int64
        )
        X_new = np.empty((int(sizes.sum()), self._target_scaler.scaler_.n_features_in_))
        if not classes:
            return X_new, self.classes_[:0]
        # Each class draws its own source rows: without replacement while the
        # source lasts, then whole new passes over it.
        picks = np.zeros((len(classes), sizes.max()), dtype=np.int64)
        for i, size in enumerate(sizes):
            passes = [rng.permutation(n_source) for _ in range(-(-size // n_source))]
            picks[i, :size] = (
                self._source.offset(classes[i]) + np.concatenate(passes)[:size]
            )
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        shifts = self._shifts_source()
        # Chunk by chunk, each block goes from the generator straight into its
        # place in the output, so no second copy of all rows is ever held.
        for start in range(0, sizes.max(), GENERATION_ROWS):
            active = np.flatnonzero(sizes > start)
            chunk = picks[active, start : start + GENERATION_ROWS]
            rows = self._source.take(chunk)
            generated = self.net_.transfer(
                rows, groups=[classes[i] for i in active]
            ).numpy()
            _check_generated(generated)
            for block, source, index, i in zip(generated, rows, chunk, active):
                n = min(sizes[i] - start, GENERATION_ROWS)
                out = X_new[offsets[i] + start :][:n]
                if shifts:
                    # Source and X share units: add the generator's change to
                    # the exact source row instead of rescaling a float32 one.
                    delta = block[:n] - source[:n].numpy()
                    base = self._source.source[index[:n]]
                    self._target_scaler.shift(base, delta, out=out)
                else:
                    self._target_scaler.inverse_transform(block[:n], out=out)
        self._source.release()
        return X_new, np.repeat(self.classes_[classes], sizes)

    def _shifts_source(self):
        """Whether synthetic rows are source rows plus a residual generator's change."""
        return (
            self._source.n_groups is not None and self.net_.module_.generator.residual
        )

    @thread_limited
    def sample(self, n_samples, *, classes=None, random_state=None):
        """Draw synthetic rows only, without the original data.

        Parameters
        ----------
        n_samples : int or dict
            Rows per class, or a ``{class: n_rows}`` dict.
        classes : array-like, default=None
            Classes to draw when ``n_samples`` is an int; all when None.
        random_state : int, RandomState instance or None, default=None
            Seeds the choice of source rows; when None, the fitted sampler's
            own seed, so repeated calls return the same rows.

        Returns
        -------
        X_synthetic : ndarray or DataFrame of shape (n_rows, n_features)
        y_synthetic : ndarray of shape (n_rows,)
        """
        check_is_fitted(self, "net_")
        if isinstance(n_samples, dict):
            counts = dict(n_samples)
            bad = {
                c: n
                for c, n in counts.items()
                if isinstance(n, bool) or not isinstance(n, Integral) or n < 0
            }
            if bad:
                raise ValueError(
                    f"n_samples must map classes to non-negative ints; got {bad!r}."
                )
        else:
            if not isinstance(n_samples, Integral) or n_samples < 0:
                raise ValueError(
                    "n_samples must be a non-negative int or a dict, got "
                    f"{n_samples!r}."
                )
            wanted = self.classes_ if classes is None else np.asarray(classes)
            counts = {c: int(n_samples) for c in wanted}
        unknown = [c for c in counts if c not in set(self.classes_.tolist())]
        if unknown:
            raise ValueError(
                f"Unknown classes {unknown}; the sampler was fitted on "
                f"{self.classes_.tolist()}."
            )
        _check_output_size(sum(counts.values()), self.n_features_in_)
        if random_state is None:
            rng = np.random.default_rng(self._sample_seed)
        else:
            rng = np.random.default_rng(check_random_state(random_state).randint(2**31))
        X_new, y_new = self._generate(counts, rng)
        return self._wrap(self._decoded(X_new)), y_new

    @thread_limited
    def transfer(self, X_source, target_class):
        """Style-transfer given source rows to ``target_class``: G_k(X_source).

        Parameters
        ----------
        X_source : array-like of shape (n_rows, n_features)
            Rows in the source domain's units.
        target_class : label
            One of ``classes_``.

        Returns
        -------
        X_transferred : ndarray or DataFrame of shape (n_rows, n_features)
        """
        check_is_fitted(self, "net_")
        # Element by element: numpy < 2 cannot compare an int array to a str.
        matches = np.flatnonzero([c == target_class for c in self.classes_])
        if matches.size != 1:
            raise ValueError(
                f"Unknown class {target_class!r}; fitted classes are "
                f"{self.classes_.tolist()}."
            )
        X_source = self._encoded(self._columns_of_X(X_source, "X_source"), "X_source")
        rows = check_array(X_source, dtype="numeric", input_name="X_source")
        if rows.shape[1] != self._target_scaler.scaler_.n_features_in_:
            raise ValueError(
                f"X_source has {rows.shape[1]} features, expected "
                f"{self.n_features_in_}."
            )
        scaled = self._source.scaler.transform(rows).astype(np.float32)
        generated = self.net_.transfer(
            torch.from_numpy(scaled)[None], groups=matches
        ).numpy()[0]
        return self._wrap(
            self._decoded(self._target_scaler.inverse_transform(generated))
        )

    def _encoded(self, X, name):
        """``X`` with its categorical columns one-hot encoded, when there are any."""
        if getattr(self, "_categorical", None) is None:
            return X
        return self._categorical.transform(X, name)

    def _decoded(self, X):
        """Generated rows back in X's columns: one category per one-hot block."""
        if getattr(self, "_categorical", None) is None:
            return X
        return self._categorical.inverse_transform(X)

    def _wrap(self, X):
        if getattr(self, "_categorical", None) is not None:
            if not hasattr(self, "feature_names_in_"):
                return X
            return self._categorical.frame(X, self.feature_names_in_)
        dtypes = getattr(self, "_dtypes", None)  # None: pickled by 0.1.0
        if not hasattr(self, "feature_names_in_"):
            return X if dtypes is None else X.astype(dtypes, copy=False)
        frame = pd.DataFrame(X, columns=self.feature_names_in_)
        if dtypes is None:
            return frame
        return frame.astype(dict(zip(self.feature_names_in_, dtypes)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


def _warn_if_pipeline_dropped_params():
    """Warn when imbalanced-learn's Pipeline dropped this step's fit parameters.

    Without metadata routing its ``fit`` collects ``aug__source=S`` for the
    step but calls ``fit_resample`` without it (imbalanced-learn 0.13-0.14),
    and nothing else would tell the user that ``S`` was never used.
    """
    frame = inspect.currentframe()
    try:
        for _ in range(4):
            frame = frame.f_back
            if frame is None:
                return
            code = frame.f_code
            if code.co_name == "_fit_resample_one" and "imblearn" in code.co_filename:
                params = frame.f_locals.get("params") or {}
                dropped = sorted(params.get("fit", {}))
                break
        else:
            return
    finally:
        del frame
    if dropped and not params.get("fit_resample"):
        warnings.warn(
            f"imbalanced-learn's Pipeline did not pass {dropped} to "
            "CycleGANOversampler.fit_resample: without metadata routing it gives "
            "samplers no fit parameters. Set the source on the step instead "
            "(pipe.set_params(<step>__source=S)), or enable routing "
            "(sklearn.set_config(enable_metadata_routing=True)) and request it "
            "(CycleGANOversampler().set_fit_resample_request(source=True)).",
            UserWarning,
            stacklevel=3,
        )


def _n_rows(data):
    if isinstance(data, (str, os.PathLike)):
        return None  # a file is never sliced by cross-validation
    return data.shape[0] if hasattr(data, "shape") else len(data)


def _silent(*args, **kwargs):
    pass


def _uses_checkpoint(callbacks):
    """Whether any callback (bare or ``(name, callback)``) saves or loads state."""
    return any(
        isinstance(cb[-1] if isinstance(cb, tuple) else cb, (Checkpoint, LoadInitState))
        for cb in callbacks or []
    )


def _check_output_size(n_rows, n_features):
    """Refuse, before training, an output larger than this machine's memory."""
    # The float64 rows generated, then the output in X's dtype beside them.
    needed = 2 * n_rows * n_features * 8
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return  # memory size unknown (not POSIX): let numpy decide
    if needed > total:
        raise MemoryError(
            f"{n_rows:,} rows x {n_features} features were asked for: "
            f"about {needed / 2**30:,.1f} GiB to build, more than this machine's "
            f"{total / 2**30:,.1f} GiB of memory. Ask for fewer rows, or draw them "
            "in parts with sample()."
        )


# Real rows scale into [0, 1]; a generated value this many ranges away is no
# row of any class.  Finite losses can hide such a blow-up (e.g. lr=10).
DIVERGED_RANGE = 100.0


def _check_generated(rows):
    """Raise DivergenceError for non-finite or exploded generated rows."""
    if not np.isfinite(rows).all():
        raise DivergenceError(
            "The generators produced non-finite rows; training diverged. Lower "
            "the learning rate or try another random_state."
        )
    worst = float(np.abs(rows - 0.5).max(initial=0.0))
    if worst > DIVERGED_RANGE:
        raise DivergenceError(
            f"The generators produced values {worst:.3g} feature ranges away from "
            "the data (real rows lie within 1); training diverged although the "
            "losses stayed finite. Lower the learning rate (lr) or try another "
            "random_state."
        )


class _seeded_torch:
    """Seed torch's global generators for a block, restoring them afterwards.

    Dropout and weight initialisation draw from the global generator; forking
    it keeps the user's own torch random state untouched.
    """

    def __init__(self, seed, device):
        devices = [torch.device(device)] if str(device).startswith("cuda") else []
        self._fork = torch.random.fork_rng(devices=devices)
        self.seed = int(seed)

    def __enter__(self):
        self._fork.__enter__()
        torch.manual_seed(self.seed)

    def __exit__(self, *exc):
        return self._fork.__exit__(*exc)
