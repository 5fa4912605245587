"""Categorical columns: one-hot blocks in, one valid category per block out.

The networks see an all-numeric table, the numeric columns followed by one
one-hot block per categorical column (as CTGAN encodes discrete columns).  A
generated block is turned back into a category by its largest entry, so every
synthetic value is a category seen in ``X``.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_array

from ._validation import holds_numbers

__all__ = ["CategoricalColumns", "as_table"]

# Share of a source's rows below which a categorical column warns that its
# values mostly miss X's categories (none: an error).
MIN_KNOWN = 0.5


def as_table(X):
    """A DataFrame as given, anything else as a 2-D array in its own dtype."""
    if isinstance(X, pd.DataFrame):
        return X
    if not hasattr(X, "dtype"):
        # numpy would make a list of strings and numbers all strings.
        X = np.asarray(X, dtype=object)
    return check_array(X, dtype=None, ensure_all_finite=False, input_name="X")


def auto_categorical(frame):
    """Which columns of a DataFrame ``categorical_features="auto"`` encodes.

    Category and string columns, and object columns unless they hold only
    numbers (those are numeric today and stay so).  Boolean columns stay
    numeric: a 0/1 value rounded back to a bool already yields a valid value,
    with one column instead of a two-column block.
    """
    return np.array(
        [
            isinstance(t, (pd.CategoricalDtype, pd.StringDtype))
            or pd.api.types.is_object_dtype(t)
            and not holds_numbers(frame.iloc[:, i])
            for i, t in enumerate(frame.dtypes)
        ],
        dtype=bool,
    )


def column_indices(X, categorical_features):
    """Sorted indices of the categorical columns of ``X`` (SMOTENC's rules)."""
    n_columns = X.shape[1]
    names = X.columns if isinstance(X, pd.DataFrame) else None
    if isinstance(categorical_features, str) and categorical_features == "auto":
        if names is None:
            raise ValueError(
                "categorical_features='auto' reads the column dtypes of a pandas "
                f"DataFrame, but X is a {type(X).__name__}; name the categorical "
                "columns by index or boolean mask instead."
            )
        return np.flatnonzero(auto_categorical(X))
    values = np.asarray(categorical_features)
    if values.ndim != 1:
        raise ValueError(
            "categorical_features must be 'auto' or a 1-D list of column "
            f"indices, names or a boolean mask; got shape {values.shape}."
        )
    if values.size == 0:
        return np.array([], dtype=np.int64)
    if values.dtype.kind == "b":
        if values.size != n_columns:
            raise ValueError(
                f"categorical_features as a boolean mask needs one entry per "
                f"column of X ({n_columns}), got {values.size}."
            )
        return np.flatnonzero(values)
    if values.dtype.kind in "iu":
        bad = values[(values < -n_columns) | (values >= n_columns)]
        if bad.size:
            raise ValueError(
                f"categorical_features has column index(es) {bad.tolist()} out of "
                f"range for X with {n_columns} columns."
            )
        return np.unique(values % n_columns)
    return _named_indices(X, names, values)


class CategoricalColumns:
    """Encode the categorical columns of a table to one-hot blocks, and back.

    Parameters
    ----------
    categorical_features : "auto" or array-like
        The sampler's parameter of the same name.

    Attributes
    ----------
    categorical_ : ndarray of int
        Indices of the categorical columns in ``X``.
    numeric_ : ndarray of int
        Indices of the other columns, which come first in the encoding.
    encoder_ : OneHotEncoder
        Fitted on the categorical columns; ``categories_`` are those seen.
    dtype_ : numpy dtype
        Dtype of the array that ``inverse_transform`` returns: X's own for an
        array, object for a DataFrame (whose column dtypes are ``dtypes_``).
    """

    def __init__(self, categorical_features):
        self.categorical_features = categorical_features

    def fit(self, X):
        X = as_table(X)
        self.n_features_in_ = X.shape[1]
        self.categorical_ = column_indices(X, self.categorical_features)
        self.numeric_ = np.setdiff1d(np.arange(X.shape[1]), self.categorical_)
        is_frame = isinstance(X, pd.DataFrame)
        self.names_ = list(X.columns) if is_frame else None
        self.dtypes_ = X.dtypes if is_frame else None
        self.dtype_ = np.dtype(object) if is_frame else X.dtype
        if self.empty:
            return self  # nothing to encode: the sampler treats X as numeric
        self.encoder_ = OneHotEncoder(
            # A source row may hold a category X lacks: an all-zero block,
            # which still decodes to one of X's categories.
            handle_unknown="ignore",
            sparse_output=False,
            dtype=np.float64,
        ).fit(self._categories(X, "X"))
        sizes = [len(c) for c in self.encoder_.categories_]
        self.n_encoded_ = len(self.numeric_) + sum(sizes)
        self._blocks = np.split(
            np.arange(len(self.numeric_), self.n_encoded_), np.cumsum(sizes)[:-1]
        )
        return self

    @property
    def empty(self):
        """Whether no column is categorical: encoding would change nothing."""
        return self.categorical_.size == 0

    def _name(self, i):
        return repr(self.names_[i]) if self.names_ is not None else f"{i}"

    def _categories(self, X, name):
        """The categorical columns as an object array, refusing missing values
        and columns that mix numbers and strings."""
        values = np.asarray(_columns(X, self.categorical_), dtype=object)
        missing = pd.isna(values)
        if missing.any():
            column = self.categorical_[np.flatnonzero(missing.any(axis=0))[0]]
            raise ValueError(
                f"{name} has {int(missing.sum())} missing value(s) in categorical "
                f"column {self._name(column)}; fill them (e.g. with a 'missing' "
                "category) or drop those rows."
            )
        for column, block in zip(self.categorical_, values.T):
            # scikit-learn's encoder refuses these without naming the column.
            if pd.api.types.infer_dtype(block, skipna=False) in {
                "mixed",
                "mixed-integer",
            }:
                text = [v for v in block if isinstance(v, str)]
                other = [v for v in block if not isinstance(v, str)]
                if text and other:
                    raise TypeError(
                        f"{name} mixes strings and other values in categorical "
                        f"column {self._name(column)} (e.g. {text[0]!r} and "
                        f"{other[0]!r}); convert it to one type, e.g. "
                        "X[column].astype(str)."
                    )
        return values

    def transform(self, X, name="X", check_known=False):
        """All-numeric float64 rows: the numeric columns, then the one-hot blocks.

        ``check_known``: refuse (or warn about) categorical columns whose
        values mostly miss X's categories (``_check_known``), as for a source.
        """
        X = as_table(X)
        if X.shape[1] != self.n_features_in_:
            hint = ""
            if X.shape[1] == self.n_encoded_:
                hint = (
                    f" It has the width of the one-hot encoding ({self.n_encoded_}); "
                    "give the raw columns, categories unencoded: the sampler "
                    "encodes them with the encoder fitted on X."
                )
            raise ValueError(
                f"{name} has {X.shape[1]} columns, but X has "
                f"{self.n_features_in_}.{hint}"
            )
        numeric = _columns(X, self.numeric_)
        dtypes = numeric.dtypes if isinstance(numeric, pd.DataFrame) else [X.dtype]
        bad = []
        if not all(pd.api.types.is_numeric_dtype(t) for t in dtypes):
            # Column by column only when needed: object arrays are slow.
            numeric = np.asarray(numeric, dtype=object)
            bad = [
                i
                for i, column in zip(self.numeric_, numeric.T)
                if not holds_numbers(column)
            ]
        if bad:
            raise TypeError(
                f"{name} has non-numeric values (or numbers written as strings) in "
                "column(s) "
                f"{', '.join(self._name(i) for i in bad[:5])}, which are not in "
                "categorical_features; add them there."
            )
        numeric = np.asarray(numeric, dtype=np.float64)
        categories = self._categories(X, name)
        encoded = self.encoder_.transform(categories)
        if check_known:
            self._check_known(categories, encoded, name)
        return np.hstack([numeric, encoded])

    def _check_known(self, categories, encoded, name):
        """Refuse a column none of whose values is one of X's categories; warn
        when fewer than ``MIN_KNOWN`` of its rows are.

        An unknown value becomes an all-zero block, which decodes to one
        arbitrary category of X: a source written in other case or as codes
        instead of labels would give that one category for every row.
        """
        start = len(self.numeric_)
        for i, (column, block) in enumerate(zip(self.categorical_, self._blocks)):
            known = encoded[:, block - start].any(axis=1)
            share = float(known.mean()) if len(known) else 1.0
            if share >= MIN_KNOWN:
                continue
            unknown = pd.unique(categories[~known, i])[:3].tolist()
            seen = self.encoder_.categories_[i][:5].tolist()
            message = (
                f"{share:.0%} of {name}'s rows hold one of X's categories in "
                f"categorical column {self._name(column)}: values such as "
                f"{unknown} are not among X's {seen}; values are compared "
                "exactly, type and case included ('f' is not 'F', 1 is not "
                "'1'), and unknown values all decode to one category."
            )
            if not known.any():
                raise ValueError(
                    f"{message} Write the column as X writes it (e.g. "
                    "source[column].str.upper() or .map({code: label}))."
                )
            warnings.warn(message, UserWarning, stacklevel=5)

    def raw_array(self, X):
        """``X`` as an array in the dtype ``inverse_transform`` returns."""
        X = as_table(X)
        return X.to_numpy(dtype=object) if isinstance(X, pd.DataFrame) else X

    def inverse_transform(self, Z):
        """Rows in X's layout: numeric values as generated, each block's argmax."""
        out = np.empty((Z.shape[0], self.n_features_in_), dtype=self.dtype_)
        out[:, self.numeric_] = Z[:, : len(self.numeric_)]
        hard = np.zeros((Z.shape[0], self.n_encoded_ - len(self.numeric_)))
        start = len(self.numeric_)
        for block in self._blocks:
            hard[np.arange(len(Z)), block[np.argmax(Z[:, block], axis=1)] - start] = 1
        out[:, self.categorical_] = self.encoder_.inverse_transform(hard)
        return out

    def integer_columns(self, mask):
        """The rounding mask of the encoding: the numeric columns' own, blocks not."""
        if mask is None:
            return None
        return np.concatenate(
            [mask[self.numeric_], np.zeros(self.n_encoded_ - len(self.numeric_), bool)]
        )

    def frame(self, X, columns):
        """``X`` as a DataFrame with X's column dtypes (categories included)."""
        frame = pd.DataFrame(X, columns=columns)
        if self.dtypes_ is None:
            return frame
        return frame.astype(dict(zip(columns, self.dtypes_, strict=True)))


def _named_indices(X, names, values):
    """Indices of the columns ``values`` names, or why they cannot be found."""
    if values.dtype.kind not in "OU":
        raise ValueError(
            "categorical_features must hold column indices (int), names (str) or "
            f"a boolean mask; got dtype {values.dtype}."
        )
    if names is None:
        raise ValueError(
            f"categorical_features names columns ({values.tolist()[:5]}), but X "
            f"is a {type(X).__name__} without column names; pass a DataFrame or "
            "give column indices."
        )
    missing = [v for v in values.tolist() if v not in names]
    if missing:
        raise ValueError(
            f"categorical_features names column(s) {missing[:5]} that X lacks "
            f"(columns: {[str(c) for c in names[:8]]})."
        )
    return np.unique(names.get_indexer(values))


def _columns(X, indices):
    if isinstance(X, pd.DataFrame):
        return X.iloc[:, indices]
    return X[:, indices]
