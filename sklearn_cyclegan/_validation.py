"""Input checks on X and source that imbalanced-learn's validation does not make."""

from numbers import Integral, Number

import numpy as np
import pandas as pd
import torch

from ._scaling import iter_chunks


def check_feature_types(X):
    """Raise a TypeError naming the non-numeric columns of ``X``, if any.

    The networks emit continuous values; a categorical column has no
    meaningful in-between value, so it must be declared in
    ``categorical_features`` (or one-hot encoded first).
    Object columns pass when they hold only numbers (not numbers written as
    strings, which would come back changed in type).  Checked before
    imbalanced-learn's validation, whose errors ("could not convert string to
    float", or numpy's "at least one array or dtype is required" for a
    DataFrame without columns) do not say what to do.
    """
    hint = (
        "Declare categorical columns with CycleGANOversampler(categorical_features="
        "[...]) (or 'auto' for a DataFrame), which one-hot encodes them and returns "
        "valid categories, or one-hot encode them first."
    )
    dtypes = getattr(X, "dtypes", None)
    if isinstance(dtypes, pd.Series):
        if len(dtypes) == 0:
            raise ValueError("X has no columns; at least 1 feature is required.")
        bad = [
            name
            for name, t in dtypes.items()
            if isinstance(t, pd.CategoricalDtype)
            or not (
                pd.api.types.is_numeric_dtype(t)
                or pd.api.types.is_bool_dtype(t)
                or pd.api.types.is_object_dtype(t)
                and holds_numbers(X[name])
            )
        ]
        if bad:
            raise TypeError(
                f"X has {len(bad)} non-numeric column(s), e.g. "
                f"{[str(b) for b in bad[:5]]}. {hint}"
            )
        return
    array = X if hasattr(X, "dtype") else None
    if array is None:
        try:
            array = np.asarray(X)
        except ValueError:
            return  # ragged input: let the usual validation explain it
    if array.dtype.kind in "OUSMm":
        try:
            np.asarray(array, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"X holds non-numeric values ({exc}). {hint}") from None
        if not holds_numbers(array.ravel()):
            raise TypeError(
                f"X holds numbers written as strings or dates (dtype "
                f"{array.dtype}); convert them with X.astype(float). {hint}"
            )


def check_float32_range(scaler, name):
    """Refuse values that float32, the networks' precision, cannot hold."""
    limit = np.finfo(np.float32).max
    if max(np.abs(scaler.data_min_).max(), np.abs(scaler.data_max_).max()) > limit:
        raise ValueError(
            f"{name} has values beyond +-{limit:.3g}, the float32 range the networks "
            "compute in; rescale it first (e.g. with a log transform or "
            "StandardScaler)."
        )


def check_exact_integers(X, name, skip=()):
    """Refuse integers that float64, where rows are scaled, cannot hold exactly.

    Beyond 2**53 neighbouring integers share one float64, so such a column
    would come back rounded to multiples of 2**k (or, near the top of uint64,
    wrapped around to 0), the original rows included once a DataFrame with a
    float column is cast to float64.  So the check runs on the raw columns,
    before any cast: integer columns of a DataFrame (object columns holding
    Python ints too) or of an integer array.  Columns in ``skip`` (the
    categorical ones, whose values are labels) are not checked.
    """
    skip = set(np.asarray(skip, dtype=int).tolist())
    bad = [
        label
        for i, (label, column) in enumerate(_raw_columns(X))
        if i not in skip and column is not None and _beyond_float64(column)
    ]
    if bad:
        raise ValueError(
            f"{name} has integers beyond +-2**53 in {len(bad)} column(s) "
            f"({', '.join(bad[:5])}), more than float64, in which rows are "
            "scaled, holds exactly; subtract a per-column offset (e.g. "
            "X - X.min(axis=0)), drop identifier columns, or convert those "
            "columns to float if rounding is acceptable."
        )


def _raw_columns(X):
    """``(label, values)`` of each column of a table, as given (no cast)."""
    if isinstance(X, pd.DataFrame):
        for i, (label, column) in enumerate(X.items()):
            yield f"{str(label)!r} (index {i})", column
        return
    array = X if hasattr(X, "dtype") else _as_array(X)
    if array is None or array.ndim != 2 or array.dtype.kind not in "iuO":
        return  # a float array already holds what it holds
    if array.dtype.kind in "iu" and array.size:
        # One pass over the rows (a memory-mapped source may be large); a
        # column within range is then given as None.
        limit = 2**53
        beyond = np.zeros(array.shape[1], dtype=bool)
        for chunk in iter_chunks(array):  # file reads for a memory map
            beyond |= (chunk.max(axis=0) > limit) | (chunk.min(axis=0) < -limit)
        for i in range(array.shape[1]):
            yield f"index {i}", array[:, i] if beyond[i] else None
        return
    for i in range(array.shape[1]):
        yield f"index {i}", array[:, i]


def _as_array(X):
    try:
        return np.asarray(X)
    except ValueError:
        return None  # ragged: the usual validation explains it


def _beyond_float64(column):
    limit = 2**53
    dtype = column.dtype
    if pd.api.types.is_integer_dtype(dtype):
        if len(column) == 0:
            return False
        low, high = column.min(), column.max()
        return bool(pd.notna(high) and (high > limit or low < -limit))
    kind = pd.api.types.infer_dtype(column, skipna=True) if dtype.kind == "O" else ""
    if kind in {"integer", "mixed-integer", "mixed-integer-float"}:
        return any(
            isinstance(v, Integral) and not isinstance(v, bool) and abs(v) > limit
            for v in np.asarray(column, dtype=object).ravel()
        )
    return False


def holds_numbers(values):
    return pd.api.types.infer_dtype(values, skipna=False) in {
        "integer",
        "floating",
        "mixed-integer-float",
        "decimal",
        "boolean",
        "empty",
    }


def integer_columns(X):
    """Which columns hold integers (or booleans), so synthetic values are rounded."""
    dtypes = getattr(X, "dtypes", None)
    if isinstance(dtypes, pd.Series):
        return np.array(
            [
                pd.api.types.is_integer_dtype(t) or pd.api.types.is_bool_dtype(t)
                for t in dtypes
            ]
        )
    dtype = getattr(X, "dtype", None)
    if dtype is not None and getattr(X, "ndim", 0) == 2 and dtype.kind in "iub":
        return np.ones(X.shape[1], dtype=bool)
    return None


def check_labels(y, name="y"):
    """Refuse missing labels and labels of mixed kinds, naming them.

    numpy cannot sort ``None`` or ``NaN`` among strings, nor strings among
    numbers, so both would otherwise surface as a bare ``TypeError: '<' not
    supported`` from deep inside the class counting.
    """
    if y is None or getattr(getattr(y, "dtype", None), "kind", "O") != "O":
        return  # None is sklearn's to refuse; typed arrays hold one kind
    values = np.asarray(y, dtype=object).ravel()
    missing = [v for v in values if v is None or (isinstance(v, float) and v != v)]
    if missing:
        raise ValueError(
            f"{name} has {len(missing)} missing label(s) ({missing[0]!r}); drop those "
            "rows or give them a label."
        )
    kinds = {}
    for v in values:
        kind = (
            "number"
            if isinstance(v, Number) and not isinstance(v, bool)
            else (type(v).__name__)
        )
        kinds.setdefault(kind, v)
    if len(kinds) > 1:
        examples = ", ".join(f"{k} {v!r}" for k, v in sorted(kinds.items()))
        raise ValueError(
            f"{name} mixes label types ({examples}); convert the labels to one "
            "type, e.g. y.astype(str)."
        )


def check_classes(y, min_rows):
    """The classes of ``y`` and each row's class index; at least ``min_rows`` each."""
    classes, y_encoded, counts = np.unique(y, return_inverse=True, return_counts=True)
    if len(classes) < 2:
        raise ValueError(
            f"CycleGANOversampler needs at least 2 classes; y has {len(classes)} class."
        )
    small = counts < min_rows
    if small.any():
        detail = ", ".join(f"{c!r}: {n}" for c, n in zip(classes[small], counts[small]))
        raise ValueError(
            f"Every class needs at least {min_rows} rows to train its "
            "CycleGAN; "
            f"too few rows in class {detail}."
        )
    return classes, y_encoded


def check_device(device):
    """The torch device ``device`` names; "auto" is CUDA when present."""
    wanted = device
    device = "cuda" if device == "auto" and torch.cuda.is_available() else device
    device = "cpu" if device == "auto" else device
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={wanted!r} was asked for, but CUDA is not available.")
    return device
