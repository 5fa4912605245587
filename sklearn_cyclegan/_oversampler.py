"""CycleGANOversampler: imbalanced-learn sampler that style-transfers source rows."""

import time

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch.history import History

from ._callbacks import verbosity_level
from ._checks import check_rows, warn_if_small
from ._constraints import PARAMETER_CONSTRAINTS
from ._diversity import warn_if_collapsed
from ._docstrings import rst_to_markdown
from ._floor import check_groups, choose_for, planned_mode, source_too_small
from ._generation import check_output_size, generate, sample_counts
from ._input import check_input
from ._presets import AUTO_KEYS, interpolates
from ._realism import warn_if_separable
from ._routing import warn_if_pipeline_dropped_params, warn_if_sliced
from ._scaling import TargetScaler
from ._selection import select, selected_rows
from ._source import resolve_source
from ._summary import fit_summary, summary_line
from ._threads import thread_limited
from ._training import MIN_CLASS_ROWS, train, widest_layer
from ._transfer import transfer_rows
from ._validation import check_classes, check_device, check_float32_range, check_labels

__all__ = ["CycleGANOversampler"]

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

    **By default no CycleGAN is trained** (``mode="auto"``, ``preset="fast"``):
    without a source the synthetic rows are interpolations between each
    class's own rows and their neighbours, as imbalanced-learn's ``SMOTE``
    makes them, because every adversarial refinement of them measured on the
    KEEL tables lowered balanced accuracy (see the results page); with a
    source, the source's own rows, aligned to ``X`` and picked per class by
    a classifier fitted on ``X`` (``mode="select"``) when three inner folds
    score them 1 UAR point above those interpolations, because translating
    a source tied SMOTE where its untranslated rows beat it (issue 22).  Pass
    ``mode="translate"`` to train the CycleGANs.  After a fit, ``mode_`` says
    what ran and ``summary_`` what it did.

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
        ``.csv.gz``, ``.tsv`` or ``.parquet`` table is streamed a few thousand
        rows at a time into a temporary memory map (read whole only with
        ``categorical_features``).  ``fit_resample(X, y, source=S)``
        overrides it for one call.  When None, the preset says what serves
        as the source, so the sampler works on any table without an extra
        corpus.  ``"fast"``: each class's own rows, interpolated between a row
        and one of its 5 nearest neighbours in the class (imbalanced-learn's
        ``SMOTE``), so every CycleGAN translates rows that already belong to
        its class; no epochs are trained unless
        ``pretrain_epochs``/``max_epochs`` are given, so its residual
        generators stay the identity and the synthetic rows are the
        interpolations, because every adversarial refinement measured on the
        KEEL tables lowered balanced accuracy (see the results page).
        ``"paper"``: the rows of all classes passed to ``fit_resample``,
        translated by CycleGANs trained for the paper's 12,000 epochs.

    mode : {{"auto", "interpolate", "select", "translate"}}, default="auto"
        What makes the synthetic rows (user guide, "Using a source").
        ``"interpolate"``: each class's own rows, interpolated; a source is
        not used and no network is trained.  ``"select"``: the source's rows,
        untranslated: aligned to ``X`` per feature (the source's mean and std
        replaced by ``X``'s), rated by a ``StandardScaler`` +
        ``LogisticRegression`` fitted on ``X``, each class taking the rows
        rated most likely for it; each source row is used at most once
        (classes needing most rows choose first) until the source runs out,
        then reused in the class's rank order.  ``"translate"``: source rows
        through trained CycleGANs (the paper's method; with
        ``preset="paper"`` and no source, the pooled rows of ``X``).
        ``"auto"``: without a source, the preset's own choice (interpolation
        for ``"fast"``, as before this parameter existed); with one,
        ``"translate"`` for ``preset="paper"``, else ``"select"`` if its
        mean balanced accuracy over 3 inner folds of ``X`` is at least 1
        point (of 100) above ``"interpolate"``'s, and ``"interpolate"``
        otherwise (``GroupKFold`` over ``fit_resample``'s ``groups`` when
        given, else a shuffled ``StratifiedKFold`` seeded by
        ``random_state``; a ``StandardScaler`` + ``MLPClassifier(100,
        100)`` scores each); ``"interpolate"`` without inner folds when the
        source has fewer rows than the fit asks for (``"select"`` would
        repeat them).

    preset : {{"fast", "paper"}}, default="fast"
        Supplies every parameter below left as ``"auto"``, and the network
        and optimiser details ``net_params`` can override (see
        ``sklearn_cyclegan._presets.PRESETS``).  What ``"auto"`` becomes:

        | parameter | ``"fast"`` | ``"fast"``, no source | ``"paper"`` |
        | --- | --- | --- | --- |
        | ``generator_hidden`` | (128,) | (128,) | (1000, 500, 1000) |
        | ``pretrain_epochs`` | 100 | 0 | 10000 |
        | ``max_epochs`` | 300 | 0 | 2000 |
        | ``lr`` | 0.001 | 0.001 | 0.0002 |

        The values a fit used are in ``summary_``.  ``"paper"``: hidden sizes
        1000-500-1000 / 1000-1000 / 100-100, 10,000 pre-training and 2,000 joint
        epochs, lr 2e-4, Adam betas (0.9, 0.999), 2 generator steps per
        discriminator step, as in the authors' code.  ``"fast"``: one hidden
        layer of 128 in G, F and D, 100 + 300 epochs, lr 1e-3, betas
        (0.5, 0.999), 1 generator step, and no training at all when each
        class interpolates its own rows (``source=None``); it brings synthetic
        class means closer to the real ones than the source's
        (docs/results.md, Table 1).  Timings are in the user guide.

    generator_hidden : int, tuple of int or "auto", default="auto"
        Hidden layer sizes of each G_k and F_k; "auto": the preset's.

    pretrain_epochs : int or "auto", default="auto"
        Epochs of cycle-reconstruction pre-training of G and F; "auto": the
        preset's.

    max_epochs : int or "auto", default="auto"
        Epochs of joint adversarial training; "auto": the preset's.  An epoch is
        ``floor(n_min / batch_size)`` batches, ``n_min`` being the size of the
        smallest class (or of the source, if smaller).

    lambda_cycle : float, default=5.0
        Weight of the cycle-consistency loss (paper: 5).

    lambda_cls : float, default=2.0
        Weight of the classifier loss on generated rows (paper: 0 or 2).
        Larger values push classes apart at the cost of realism.

    enforce_min_max_values : bool, default=True
        Clip every generated value (``mode_`` "interpolate" or "translate")
        to the range of its feature in ``X``, as SDV's option of the same
        name does; integer columns are rounded and clipped whatever this
        says.  Rows that ``mode="select"`` takes from the source are real
        recordings and keep their aligned values: clipping them lowered
        EmoDB's UAR from 81.34 to 81.08 % (``python -m
        benchmarks.source_study --corpus emodb``, arms lib-noclip and lib).

    categorical_features : "auto", array-like or None, default=None
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

    batch_size : int, default=64
        Rows per class per batch; shrinks to the smallest class's size.

    lr : float or "auto", default="auto"
        Adam learning rate of all optimisers; "auto": the preset's (paper:
        2e-4; "fast": 1e-3).

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
        prefixes; they override the preset and the parameters above.  The
        network and optimiser details are set here:
        ``module__discriminator_hidden`` and ``module__classifier_hidden``
        (layer sizes), ``module__dropout`` and ``module__classifier_dropout``
        (0.2, 0.5), ``module__negative_slope`` (leaky ReLU slope, 0.2),
        ``criterion__real_label`` (one-sided label smoothing, 0.9),
        ``optimizer__betas`` (Adam's; ``"paper"`` (0.9, 0.999), ``"fast"``
        (0.5, 0.999)), ``generator_steps`` (generator updates per
        discriminator update; 2 and 1), ``lr_decay`` and ``lr_decay_every``
        (joint-training learning rate times 0.8 every 50 epochs), e.g.
        ``{{"optimizer__betas": (0.5, 0.999), "module__dropout": 0.1}}``.

    device : str, default="auto"
        Torch device for training and generation: "auto" (CUDA when present)
        or any string torch reads as a device ("cpu", "cuda", "cuda:1").

    n_threads : "auto", "load", int or None, default="auto"
        CPU threads for torch and BLAS during ``fit_resample``, ``sample`` and
        ``transfer``; the caller's settings are restored afterwards.  Torch's
        results depend on its thread count, so "auto" uses only facts that
        do not change between runs: 1 thread when no hidden layer is wider
        than 256 units (the ``"fast"`` preset), else the cores this process
        may use (affinity and cgroup quota), at most torch's thread count at
        the call (so ``OMP_NUM_THREADS``, joblib's limits in worker processes
        and ``torch.set_num_threads`` still hold).  "load" (opt-in) takes
        those cores less the ones busy with other runnable tasks, re-read
        every 5 epochs, so that concurrent wide fits do not oversubscribe the
        CPU, at the cost of rows that may differ from run to run.  None
        leaves the thread settings as they are.  See ``docs/performance.md``.

    verbose : "auto" or int, default="auto"
        0 silent; 1 a progress bar over epochs and, after the fit, one line
        saying what ran (``summary_``); 2 skorch's per-epoch table and that
        line.  "auto": a progress bar on stderr once training has taken 3 s,
        only when stderr is a terminal and only in the main thread of the
        main process (never in joblib's workers), nothing else.

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

    mode_ : {{"interpolate", "select", "translate"}}
        What made the synthetic rows: "interpolate", each class's own rows
        interpolated with no CycleGAN epoch trained; "select", the source's
        aligned rows picked per class (``net_`` is then None); "translate",
        source rows through trained generators.

    summary_ : dict
        What the fit did: ``mode``, ``chosen_by`` ("inner folds", "mode",
        "preset" or "source size"), ``inner_uar`` and ``inner_uar_folds`` (with
        ``mode="auto"`` and a source: each candidate's mean and per-fold
        inner balanced accuracy in %, else None), ``source`` (in words),
        ``source_rows``,
        ``preset``, the values ``generator_hidden``, ``pretrain_epochs``,
        ``max_epochs`` and ``lr`` took, ``epochs_planned``, ``epochs_run``,
        ``stopped_early``, ``detection_auc`` (a ``{{class: AUC}}`` dict, None
        when not checked) and ``seconds`` (wall time of ``fit_resample``).
        ``verbose=1`` prints it as one line.

    diversity_ : ndarray of shape (n_classes,)
        Per class, the mean distance from each synthetic row to its nearest
        synthetic neighbour divided by the same among the class's real rows,
        in min-max scaled space and on equally many rows (at most 1000).  About
        1 means the synthetic rows spread like the real ones; below
        ``sklearn_cyclegan._diversity.COLLAPSE_THRESHOLD`` (0.1) a
        ``ModeCollapseWarning`` is issued.

    detection_auc_ : ndarray of shape (n_classes,)
        Per class, the cross-fitted ROC AUC of a small forest telling
        synthetic rows from real ones (3 folds, at most 500 rows of each, in
        min-max scaled space; ``sklearn_cyclegan._realism``).  About 0.5 means
        the rows pass for real; at or above
        ``sklearn_cyclegan._realism.SEPARABLE_AUC`` (0.95) a
        ``SeparableRowsWarning`` is issued.  NaN when ``mode_`` is
        "interpolate" (no check: the rows are SMOTE's), a class has fewer
        than 3 rows or, with "select", received no rows.

    categorical_features_ : ndarray of int
        Indices of the columns encoded as categories (empty when none are).

    layout_ : ColumnLayout
        X's columns as the networks see them: ``layout_.transform(X)``
        encodes rows (one-hot blocks for categorical columns, rows as given
        when every column is numeric), ``layout_.inverse_transform`` decodes
        generated rows and ``layout_.wrap`` gives them X's type and dtypes.

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

    A class with fewer than ``MIN_RELIABLE_ROWS`` (6) rows issues a
    ``SmallClassWarning``: without a source its synthetic rows are
    interpolations between those few rows (with 2 rows, points on one
    segment), with one its CycleGAN learns the class from a handful of rows.
    Fewer than 2 rows is an error.

    References
    ----------
    F. Bao, M. Neumann, N. T. Vu, "CycleGAN-based Emotion Style Transfer as
    Data Augmentation for Speech Emotion Recognition", Interspeech 2019.

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

    # Not requested unless asked for: a pipeline routing the outer splitter's
    # groups (params={"groups": g}) to every step must not fail on this one.
    __metadata_request__fit_resample = {"groups": False}  # noqa: RUF012

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        **PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        source=None,
        mode="auto",
        preset="fast",
        generator_hidden="auto",
        pretrain_epochs="auto",
        max_epochs="auto",
        lambda_cycle=5.0,
        lambda_cls=2.0,
        enforce_min_max_values=True,
        categorical_features=None,
        batch_size=64,
        lr="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        callbacks=None,
        net_params=None,
        device="auto",
        n_threads="auto",
        verbose="auto",
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.source = source
        self.mode = mode
        self.preset = preset
        self.generator_hidden = generator_hidden
        self.pretrain_epochs = pretrain_epochs
        self.max_epochs = max_epochs
        self.lambda_cycle = lambda_cycle
        self.lambda_cls = lambda_cls
        self.enforce_min_max_values = enforce_min_max_values
        self.categorical_features = categorical_features
        self.batch_size = batch_size
        self.lr = lr
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
        return check_input(self, X, y, super()._check_X_y, accept_sparse)

    def fit(self, X, y, **params):
        check_labels(y)
        return super().fit(X, y, **params)

    fit.__doc__ = BaseOverSampler.fit.__doc__

    # -- fitting ---------------------------------------------------------------

    def _unchecked(self, **params):
        """A sampler like this one, skipping the checks (mode="auto"'s inner folds)."""
        inner = type(self)(**params)
        inner._skip_checks = True
        return inner

    def fit_resample(self, X, y, *, source=None, groups=None):
        """Resample the dataset: interpolate, select or translate rows per ``mode``.

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

        groups : array-like of shape (n_samples,), default=None
            The group of each row of ``X`` (e.g. its speaker).  Only
            ``mode="auto"`` with a source uses it: its inner folds are then
            ``GroupKFold`` folds that never split a group, as the outer
            evaluation does, instead of stratified ones.  Route it like
            ``source`` (``set_fit_resample_request(groups=True)``); scikit-learn
            then slices it per fold together with ``X``, which is what the
            inner folds need.

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
        warn_if_sliced(source, X)
        if source is None:
            warn_if_pipeline_dropped_params()
        check_groups(groups, y)
        # Only given arguments are passed on, so subclasses that override
        # _fit_resample(X, y) keep working.
        params = {"source": source, "groups": groups}
        params = {k: v for k, v in params.items() if v is not None}
        return super().fit_resample(X, y, **params)

    @thread_limited(widest_layer)
    def _fit_resample(self, X, y, source=None, groups=None):
        # Validate.
        started = time.perf_counter()
        X_given, X = X, self.layout_.transform(X, "X")
        self.classes_, y_encoded = check_classes(y, MIN_CLASS_ROWS)
        check_output_size(len(X) + sum(self.sampling_strategy_.values()), X.shape[1])
        self.device_ = check_device(self.device)
        source = self.source if source is None else source
        mode = planned_mode(self.mode, source is not None, self.preset)
        random_state = check_random_state(self.random_state)
        torch_seed, batch_seed, self._sample_seed = random_state.randint(2**31, size=3)
        # Scale X; resolve the source (first the given one, when inner folds
        # need it to choose a mode).
        self._target_scaler = TargetScaler(
            self.layout_.integer_columns_, clip=self.enforce_min_max_values
        ).fit(X)
        check_float32_range(self._target_scaler.scaler_, "X")
        X_scaled = self._target_scaler.transform(X)
        self._inner, given = None, None
        if mode == "choose":
            given = self._resolve(source, X, y_encoded, False, batch_seed)
            if source_too_small(given.n_rows, self.sampling_strategy_):
                mode = "interpolate"
            else:
                mode, self._inner = choose_for(
                    self, X, y, given.source, groups, random_state, self._unchecked
                )
        interpolated = (
            interpolates(self.preset, source is not None)
            if mode == "auto"
            else mode == "interpolate"
        )
        warn_if_small(self, y_encoded, not interpolated)
        if given is None or interpolated:
            given = self._resolve(source, X, y_encoded, interpolated, batch_seed)
        self._source = given
        counts = {c: self.sampling_strategy_.get(c, 0) for c in self.classes_}
        # What ran, final once the networks are trained.
        self.mode_ = mode
        if mode == "select":
            self._selection = select(X, y_encoded, given.source, self.classes_, counts)
            self.net_, self.history_ = None, History()
            # No preset value was used: no network was built.
            self._resolved = dict.fromkeys(AUTO_KEYS)
        else:
            self.net_, self._resolved = train(
                self,
                X,
                X_scaled,
                y_encoded,
                given,
                mode=mode,
                interpolated=interpolated,
                seeds=(torch_seed, batch_seed),
            )
            self.history_ = self.net_.history
            trained = len(self.history_) > 0
            self.mode_ = "interpolate" if interpolated and not trained else "translate"
        self.diversity_, self.detection_auc_ = check_rows(
            self,
            X_scaled,
            y_encoded,
            generate=self._generate,
            scaler=self._target_scaler,
            n_source=given.n_rows,
            seed=self._sample_seed,
            skip=getattr(self, "_skip_checks", False),
        )
        warn_if_collapsed(self.diversity_, self.classes_)
        warn_if_separable(self.detection_auc_, self.classes_, mode=self.mode_)

        # Generate, in X's columns.
        X_new, y_new = self._generate(counts, np.random.default_rng(self._sample_seed))
        X_new = self.layout_.inverse_transform(X_new)
        self.summary_ = fit_summary(
            self, source, interpolated, started, self._inner, given, self._resolved
        )
        if verbosity_level(self.verbose):
            print(summary_line(self.summary_))
        return (
            np.vstack([X_given, X_new.astype(X_given.dtype, copy=False)]),
            np.concatenate([y, y_new.astype(y.dtype, copy=False)]),
        )

    def _resolve(self, source, X, y_encoded, interpolated, seed):
        return resolve_source(
            source,
            X,
            y_encoded,
            layout=self.layout_,
            interpolate=interpolated,
            # Enough rows that the requested synthetic rows come from distinct ones.
            n_rows=max(POOL_ROWS, *self.sampling_strategy_.values(), 0),
            seed=seed,
            target_scaler=self._target_scaler,
        )

    def _generate(self, counts, rng):
        """Exactly ``counts[c]`` encoded synthetic rows of each class ``c``."""
        if self.mode_ == "select":
            return selected_rows(
                self._selection, self._target_scaler, self.classes_, counts, rng
            )
        return generate(
            self.net_, self._source, self._target_scaler, self.classes_, counts, rng
        )

    @thread_limited(widest_layer)
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
        counts = sample_counts(n_samples, classes, self.classes_)
        check_output_size(sum(counts.values()), self.n_features_in_)
        if random_state is None:
            rng = np.random.default_rng(self._sample_seed)
        else:
            rng = np.random.default_rng(check_random_state(random_state).randint(2**31))
        X_new, y_new = self._generate(counts, rng)
        return self.layout_.wrap(self.layout_.inverse_transform(X_new)), y_new

    @thread_limited(widest_layer)
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

        Raises
        ------
        ValueError
            When the fit did not translate (``mode_`` is not "translate"):
            no generator was trained.
        """
        check_is_fitted(self, "net_")
        return transfer_rows(
            self, X_source, target_class, self._target_scaler, self._source.scaler
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags
