"""The checks of ``X`` and ``y`` a fit starts with, and X's column layout."""

import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ._layout import ColumnLayout
from ._validation import check_exact_integers

__all__ = ["check_input"]


def check_input(sampler, X, y, base_check, accept_sparse=False):
    """``(X, y, binarize_y)`` checked; sets ``layout_`` and ``categorical_features_``.

    ``base_check`` is imbalanced-learn's ``_check_X_y`` of ``sampler``.
    """
    if (
        sp.issparse(X)
        or isinstance(getattr(X, "dtypes", None), pd.Series)
        and any(isinstance(t, pd.SparseDtype) for t in X.dtypes)
    ):
        raise TypeError(
            "CycleGANOversampler does not accept sparse input; "
            "convert it with X.toarray() (or DataFrame.sparse.to_dense())."
        )
    layout = ColumnLayout(sampler.categorical_features).fit(X)
    sampler.categorical_features_ = layout.categorical_
    # On the raw columns: validation casts a frame with a float column
    # to float64, which would already have rounded them.
    check_exact_integers(X, "X", skip=layout.categorical_)
    if isinstance(y, pd.api.extensions.ExtensionArray):
        # e.g. the Arrow-backed strings of pandas 3's Series.values, which
        # numpy-style fancy indexing (and so imbalanced-learn) cannot take.
        y = y.to_numpy()
    if layout.passthrough:
        X, y, binarize_y = base_check(X, y, accept_sparse=accept_sparse)
    else:
        # The numeric checks run on the encoding; the names and width are
        # X's own.
        _, y, binarize_y = base_check(
            layout.transform(X), y, accept_sparse=accept_sparse
        )
        validate_data(sampler, X=X, reset=True, skip_check_array=True)
        X = layout.raw_array(X)
    # sample() and transfer() return X's type and dtypes, as fit_resample does.
    sampler.layout_ = layout.bind(X, getattr(sampler, "feature_names_in_", None))
    return X, y, binarize_y
