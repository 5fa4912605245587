"""The columns of X as the networks see them, and back as the user gave them.

A ``ColumnLayout`` exists after every fit.  With no categorical columns it
passes rows through and only restores X's type and dtypes on output; with
some, it one-hot encodes them through ``CategoricalColumns`` and decodes each
generated block to one category.
"""

import numpy as np
import pandas as pd

from ._categorical import CategoricalColumns
from ._validation import check_feature_types, integer_columns

__all__ = ["ColumnLayout"]


class ColumnLayout:
    """Encode X's columns for the networks, decode and wrap generated rows.

    Parameters
    ----------
    categorical_features : "auto", array-like or None
        As the sampler's parameter of that name.

    Attributes
    ----------
    categorical_ : ndarray of int
        Indices of the columns encoded as categories (empty when none are).
    encoder_ : CategoricalColumns or None
        The one-hot encoding; None when every column is numeric.
    integer_columns_ : ndarray of bool or None
        Per encoded column, whether synthetic values are rounded.
    feature_names_ : ndarray or None
        X's column names, when the sampler recorded them.
    dtypes_ : pandas.Series, numpy.dtype or None
        What ``wrap`` converts to: X's column dtypes (a DataFrame) or dtype.
    """

    def __init__(self, categorical_features=None):
        self.categorical_features = categorical_features

    def fit(self, X):
        """Find X's categorical and integer columns; refuse text in numeric ones."""
        self.categorical_ = np.array([], dtype=int)
        self.encoder_ = None
        if self.categorical_features is not None:
            encoder = CategoricalColumns(self.categorical_features).fit(X)
            self.categorical_ = encoder.categorical_
            self.encoder_ = None if encoder.empty else encoder
        if self.passthrough:
            check_feature_types(X)
        self.integer_columns_ = integer_columns(X)
        if not self.passthrough:
            self.integer_columns_ = self.encoder_.integer_columns(self.integer_columns_)
        dtypes = getattr(X, "dtypes", None)
        self.dtypes_ = dtypes if isinstance(dtypes, pd.Series) else None
        self.feature_names_ = None
        return self

    def bind(self, X, feature_names):
        """Record the validated X's dtype and the names output rows get.

        Parameters
        ----------
        X : ndarray
            X as the sampler validated it.
        feature_names : ndarray or None
            The sampler's ``feature_names_in_``, when it has them.
        """
        if self.passthrough and self.dtypes_ is None:
            self.dtypes_ = X.dtype
        self.feature_names_ = feature_names
        return self

    @property
    def passthrough(self):
        """Whether every column is numeric, so encoding changes nothing."""
        return self.encoder_ is None

    def transform(self, X, name="X", check_known=False):
        """Rows as the networks see them: X itself, or encoded float rows.

        With categorical columns, the numeric columns followed by one
        one-hot block per categorical column (float64 ndarray); with
        ``check_known``, a column whose values all miss X's categories is
        refused, and one where most do warns.  Without, ``X`` is returned as
        given, so a memory-mapped source stays one.
        """
        if self.passthrough:
            return X
        return self.encoder_.transform(X, name, check_known=check_known)

    def raw_array(self, X):
        """``X`` as an array in the dtype ``inverse_transform`` returns."""
        return X if self.passthrough else self.encoder_.raw_array(X)

    def inverse_transform(self, encoded):
        """Generated rows in X's columns: one category per one-hot block."""
        if self.passthrough:
            return encoded
        return self.encoder_.inverse_transform(encoded)

    def wrap(self, raw):
        """Rows in X's type: a DataFrame with X's names and dtypes, or an array."""
        names = self.feature_names_
        if not self.passthrough:
            return raw if names is None else self.encoder_.frame(raw, names)
        if names is None:
            return raw.astype(self.dtypes_, copy=False)
        frame = pd.DataFrame(raw, columns=names)
        if isinstance(self.dtypes_, pd.Series):
            return frame.astype(dict(zip(names, self.dtypes_)))
        return frame.astype(self.dtypes_)
