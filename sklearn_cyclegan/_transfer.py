"""``transfer()``: given source rows through one class's trained generator."""

import numpy as np
import torch
from sklearn.utils.validation import check_array

from ._source import columns_of_X

__all__ = ["transfer_rows"]


def transfer_rows(sampler, X_source, target_class, target_scaler, source_scaler):
    """G_k(X_source) for a fitted ``sampler``, in X's columns and dtypes.

    ``sampler`` is read for its fitted attributes (``mode_``, ``classes_``,
    ``layout_``, ``net_``); ``target_scaler`` is X's ``TargetScaler`` and
    ``source_scaler`` the resolved source's min-max scaler.
    """
    if sampler.mode_ != "translate":
        raise ValueError(
            f"transfer() needs trained generators, but this fit ran "
            f"mode_={sampler.mode_!r} (no CycleGAN was trained); fit with "
            'mode="translate" and a source to style-transfer rows.'
        )
    classes = sampler.classes_
    # Element by element: numpy < 2 cannot compare an int array to a str.
    matches = np.flatnonzero([c == target_class for c in classes])
    if matches.size != 1:
        raise ValueError(
            f"Unknown class {target_class!r}; fitted classes are {classes.tolist()}."
        )
    layout = sampler.layout_
    X_source = columns_of_X(X_source, "X_source", layout.feature_names_)
    rows = check_array(
        layout.transform(X_source, "X_source"),
        dtype="numeric",
        input_name="X_source",
    )
    if rows.shape[1] != target_scaler.scaler_.n_features_in_:
        raise ValueError(
            f"X_source has {rows.shape[1]} features, expected {sampler.n_features_in_}."
        )
    scaled = source_scaler.transform(rows).astype(np.float32)
    generated = sampler.net_.transfer(
        torch.from_numpy(scaled)[None], groups=matches
    ).numpy()[0]
    rows = target_scaler.inverse_transform(generated)
    return layout.wrap(layout.inverse_transform(rows))
