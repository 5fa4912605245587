"""Where the source rows come from: given, read from a file, or interpolated.

``resolve_source`` is the one stop between the sampler and the generators:
it reads a path (streaming a table into a memory map), picks and orders X's
columns, encodes categories with X's layout, checks the rows, and returns the
``SourceRows`` the networks train on and generate from.  Without a source it
is either all of X's rows ("pooled") or each class's own rows interpolated.
"""

import copy
import os
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_array

from ._interpolation import class_interpolations
from ._io import is_table, read_source, stream_table, table_columns
from ._scaling import SourceRows
from ._validation import check_exact_integers, check_float32_range

__all__ = ["MIN_SOURCE_ROWS", "columns_of_X", "resolve_source"]

MIN_SOURCE_ROWS = 2


def resolve_source(
    source, X, y_encoded, *, layout, interpolate, n_rows, seed, target_scaler
):
    """The source rows of a fit, checked and min-max scaled on access.

    Parameters
    ----------
    source : array-like, DataFrame, str, path-like or None
        The source as the user gave it; None: X's rows (pooled).
    X : ndarray of shape (n_samples, n_features)
        The encoded training rows.
    y_encoded : ndarray of shape (n_samples,)
        Class index of each row of ``X``.
    layout : ColumnLayout
        X's fitted layout, which picks and encodes the source's columns.
    interpolate : bool
        Build each class's source from its own rows, interpolated; ``source``
        is then None.
    n_rows : int
        Interpolated rows per class.
    seed : int
        Seeds the interpolation.
    target_scaler : TargetScaler
        X's fitted scaler, which also scales interpolated rows.

    Returns
    -------
    SourceRows
    """
    if interpolate:
        rows = _interpolated_source(X, y_encoded, n_rows, seed, target_scaler)
    else:
        rows = SourceRows(X if source is None else _check_source(source, X, layout))
    check_float32_range(rows.scaler, "source")
    return rows


def columns_of_X(frame, name, feature_names):
    """``frame``'s columns of X, in X's order, when both have names."""
    if not isinstance(frame, pd.DataFrame):
        return frame
    columns = _columns_of_X(list(frame.columns), name, feature_names)
    return frame if columns is None else frame[columns]


def _columns_of_X(columns, name, feature_names):
    """X's column names, checked against ``columns``; None to match by position."""
    if feature_names is None:
        if any(type(column) is str for column in columns):
            # As scikit-learn warns for a named X after an unnamed fit.
            warnings.warn(
                f"{name} has column names but X had none, so its columns are "
                "matched to X's by position; pass both as DataFrames to match "
                "them by name, or both as arrays.",
                UserWarning,
                stacklevel=4,
            )
        return None
    missing = [c for c in feature_names if c not in set(columns)]
    if missing:
        raise ValueError(
            f"{name} lacks {len(missing)} column(s) of X, e.g. "
            f"{[str(c) for c in missing[:5]]}."
        )
    return list(feature_names)


def _read(path, layout):
    """The source a path names: a table streamed into a memory map, or read."""
    if is_table(path) and layout.passthrough:
        # Streamed into a memory map, as large as it may be; the header
        # picks X's columns as a DataFrame source's would.
        header = table_columns(path)
        columns = _columns_of_X(header, "source", layout.feature_names_)
        return stream_table(path, header if columns is None else columns)
    return read_source(path)


def _check_source(source, X, layout):
    """A given source as a 2-D numeric array (or memmap) with X's encoded columns."""
    if isinstance(source, (str, os.PathLike)):
        source = _read(source, layout)
    if sp.issparse(source):
        raise TypeError("source must be dense; convert it with source.toarray().")
    source = columns_of_X(source, "source", layout.feature_names_)
    # Before any cast to float64 (a DataFrame's, the encoding's).
    check_exact_integers(source, "source", skip=layout.categorical_)
    source = layout.transform(source, "source", check_known=True)
    if not isinstance(source, np.memmap):
        # Finite values are checked while the scaler streams over the rows.
        source = check_array(
            source, dtype="numeric", ensure_all_finite=False, input_name="source"
        )
    if source.ndim != 2 or source.shape[1] != X.shape[1]:
        raise ValueError(
            f"source has {source.shape[1] if source.ndim == 2 else source.shape} "
            f"features per row, but X has {X.shape[1]}; both must describe the "
            "same features."
        )
    if source.shape[0] < MIN_SOURCE_ROWS:
        raise ValueError(
            f"source needs at least {MIN_SOURCE_ROWS} rows, got {source.shape[0]}."
        )
    return source


def _interpolated_source(X, y_encoded, n_rows, seed, target_scaler):
    """Each class's own rows, interpolated: the source of ``"interpolate"``."""
    n_classes = int(y_encoded.max()) + 1
    # X's scaler, but one that copies: transfer() scales the user's rows.
    scaler = copy.deepcopy(target_scaler.scaler_).set_params(copy=True)
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
