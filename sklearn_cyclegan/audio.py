"""OpenSmileFeatures: scikit-learn transformer, audio files to openSMILE functionals.

openSMILE is an optional dependency (``pip install "sklearn-cyclegan[audio]"``)
and is imported only when a transformer is fitted.  Its licence allows
research, personal and educational use; commercial use needs a licence from
audEERING.
"""

import os
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

__all__ = ["OpenSmileFeatures", "FEATURE_SETS"]

# Our names (openSMILE's configuration names) -> members of opensmile.FeatureSet.
FEATURE_SETS = {
    "IS09_emotion": "IS09",
    "IS10_paraling": "IS10",
    "emobase": "emobase",
    "eGeMAPSv02": "eGeMAPSv02",
    "ComParE_2016": "ComParE_2016",
}


def _import_opensmile():
    try:
        import opensmile
    except ImportError as exc:
        raise ImportError(
            "OpenSmileFeatures needs the optional 'opensmile' package; install it with "
            'pip install "sklearn-cyclegan[audio]".'
        ) from exc
    return opensmile


class OpenSmileFeatures(TransformerMixin, BaseEstimator):
    """Extract openSMILE functionals (one row per audio file).

    The input is a list of paths to audio files (any format openSMILE reads,
    e.g. WAV); the output is a DataFrame with one row per file and
    openSMILE's own column names, ready for ``CycleGANOversampler``
    and any scikit-learn classifier.

    Parameters
    ----------
    feature_set : {"IS10_paraling", "IS09_emotion", "emobase", "eGeMAPSv02", \
"ComParE_2016"}, default="IS10_paraling"
        openSMILE feature set.  ``"IS10_paraling"`` (1582 functionals, the set
        Bao et al. (2019) call emobase2010) is the paper's;
        ``"IS09_emotion"`` (384) is the INTERSPEECH 2009 emotion challenge
        set, the one the EmoDB and TESS tables in the examples use;
        ``"eGeMAPSv02"`` (88) is the small expert set.

    n_jobs : int, default=None
        Files processed in parallel by openSMILE; None means 1.

    verbose : int, default=0
        When positive, openSMILE shows a progress bar over files.

    Attributes
    ----------
    feature_names_out_ : ndarray of str of shape (n_features_out,)
        openSMILE's names of the functionals, in column order.

    smile_ : opensmile.Smile
        The configured extractor.

    See Also
    --------
    sklearn_cyclegan.CycleGANOversampler : Over-sample the extracted features.

    Notes
    -----
    openSMILE is distributed by audEERING under a licence for research,
    personal and educational use only; commercial use needs a separate
    licence.  See https://github.com/audeering/opensmile.

    Examples
    --------
    >>> from sklearn_cyclegan.audio import OpenSmileFeatures
    >>> features = OpenSmileFeatures(feature_set="eGeMAPSv02")  # doctest: +SKIP
    >>> X = features.fit_transform(["a.wav", "b.wav"])  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (2, 88)
    """

    _parameter_constraints: dict = {
        "feature_set": [StrOptions(set(FEATURE_SETS))],
        "n_jobs": [Interval(Integral, 1, None, closed="left"), None],
        "verbose": ["verbose"],
    }

    def __init__(self, feature_set="IS10_paraling", *, n_jobs=None, verbose=0):
        self.feature_set = feature_set
        self.n_jobs = n_jobs
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Configure the extractor; no audio is read.

        Parameters
        ----------
        X : sequence of str or path-like, default=None
            Paths to audio files; only checked to be a list of paths.
        y : None
            Ignored.

        Returns
        -------
        self : OpenSmileFeatures
        """
        if X is not None:
            _check_paths(X, must_exist=False)
        opensmile = _import_opensmile()
        self.smile_ = opensmile.Smile(
            feature_set=getattr(opensmile.FeatureSet, FEATURE_SETS[self.feature_set]),
            feature_level=opensmile.FeatureLevel.Functionals,
            num_workers=self.n_jobs or 1,
            verbose=bool(self.verbose),
        )
        self.feature_names_out_ = np.asarray(self.smile_.feature_names, dtype=object)
        return self

    def transform(self, X):
        """Extract the functionals of every file.

        Parameters
        ----------
        X : sequence of str or path-like of length n_files
            Paths to audio files.

        Returns
        -------
        features : DataFrame of shape (n_files, n_features_out)
            One row per file, in input order, indexed by the paths as given.
        """
        check_is_fitted(self, "smile_")
        paths = _check_paths(X, must_exist=True)
        if not paths:
            return pd.DataFrame(
                columns=self.feature_names_out_,
                dtype=np.float32,
                index=pd.Index([], name="file"),
            )
        frame = self.smile_.process_files(paths)
        # openSMILE indexes by (file, start, end); one row per file is all we ask for.
        return frame.set_axis(pd.Index(paths, name="file"), axis=0)

    def get_feature_names_out(self, input_features=None):
        """openSMILE's names of the output columns.

        Parameters
        ----------
        input_features : None
            Ignored; the input is a list of files, not features.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self, "smile_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags


def _check_paths(X, must_exist):
    """A list of path strings from a 1-D sequence of paths, or a clear error."""
    if isinstance(X, (str, os.PathLike)):
        raise TypeError(
            "OpenSmileFeatures expects a list of audio file paths, got a single path; "
            "wrap it in a list."
        )
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                "OpenSmileFeatures expects one column of file paths, "
                f"got {X.shape[1]} columns."
            )
        X = X.iloc[:, 0]
    values = list(np.asarray(X, dtype=object).ravel()) if not isinstance(X, list) else X
    bad = [v for v in values if not isinstance(v, (str, os.PathLike))]
    if bad:
        raise TypeError(
            "OpenSmileFeatures expects paths to audio files, "
            f"got {type(bad[0]).__name__} "
            f"values such as {bad[0]!r}."
        )
    paths = [os.fspath(v) for v in values]
    if must_exist:
        missing = [p for p in paths if not os.path.isfile(p)]
        if missing:
            raise FileNotFoundError(
                f"{len(missing)} audio file(s) not found, e.g. {missing[0]!r}."
            )
    return paths
