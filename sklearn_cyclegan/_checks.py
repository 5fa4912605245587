"""Checks around a fit: classes too small to trust, and the rows it made.

``warn_if_small`` runs before anything is trained; ``check_rows`` after,
measuring each class's synthetic rows against its real ones (diversity,
and, for rows taken from a source, the detection AUC of ``_realism``).
"""

import warnings

import numpy as np

from ._diversity import MAX_ROWS, diversity_ratios
from ._realism import MAX_ROWS as REALISM_ROWS
from ._realism import detection_aucs
from ._stacklevel import user_stacklevel
from .exceptions import SmallClassWarning

__all__ = ["MIN_RELIABLE_ROWS", "check_rows", "warn_if_small"]

# Below this many rows a class warns: its neighbour interpolations use fewer
# than SMOTE's 5 neighbours, and a GAN learns a distribution from a handful
# of points.
MIN_RELIABLE_ROWS = 6


def warn_if_small(sampler, y_encoded, trains_on_source):
    """Warn about classes of fewer than ``MIN_RELIABLE_ROWS`` rows."""
    classes = sampler.classes_
    counts = np.bincount(y_encoded, minlength=len(classes))
    # Only classes that get synthetic rows: the others' rows are kept as is.
    small = (counts < MIN_RELIABLE_ROWS) & _grown(sampler)
    if not small.any():
        return
    detail = ", ".join(
        f"{c!r}: {n}" for c, n in zip(classes[small].tolist(), counts[small])
    )
    if trains_on_source:
        consequence = (
            "its CycleGAN learns the class from that handful of rows (with "
            "mode='select', the classifier that picks source rows does), so "
            "its synthetic rows cannot be trusted to look like the class"
        )
    else:
        consequence = (
            "its synthetic rows are interpolations between those few rows "
            "(with 2 rows, points on the one segment between them)"
        )
    warnings.warn(
        f"{int(small.sum())} class(es) to over-sample have fewer than "
        f"{MIN_RELIABLE_ROWS} rows ({detail}): {consequence}. Collect more "
        "rows of the class, or leave it out of sampling_strategy.",
        SmallClassWarning,
        stacklevel=user_stacklevel(),
    )


def check_rows(
    sampler, X_scaled, y_encoded, *, generate, scaler, n_source, seed, skip=False
):
    """Per class, the diversity and the detection AUC of synthetic rows.

    Both compare equally many synthetic and real rows of each class, drawn
    once.  The detection check runs only when the rows come from a source
    (``mode_`` "translate" or "select"; for "select" only the classes that
    received rows): interpolations' realism is SMOTE's (docs/quality.md).

    Parameters
    ----------
    sampler : CycleGANOversampler
        Read for ``classes_``, ``mode_`` and ``sampling_strategy_`` only.
    X_scaled : ndarray of shape (n_samples, n_features)
        X's encoded rows, min-max scaled.
    y_encoded : ndarray of shape (n_samples,)
    generate : callable
        ``generate(counts, rng)``: ``counts[c]`` encoded synthetic rows of
        each class ``c``, and their labels.
    scaler : TargetScaler
        X's scaler, to compare synthetic rows in X's scaled space.
    n_source : int
        Rows of the resolved source (no class draws more).
    seed : int
        Seeds the rows drawn.
    skip : bool, default=False
        Check nothing (NaN for every class): the samplers of
        ``mode="auto"``'s inner folds skip both checks.

    Returns
    -------
    diversity, detection_auc : ndarray of shape (n_classes,)
    """
    classes = sampler.classes_
    if skip:
        return (np.full(len(classes), np.nan),) * 2
    rng = np.random.default_rng([seed, 1])
    n_rows = [
        min(int(np.sum(y_encoded == k)), n_source, MAX_ROWS)
        for k in range(len(classes))
    ]
    X_syn, _ = generate(dict(zip(classes, n_rows)), rng)
    synthetic = np.split(scaler.transform(X_syn), np.cumsum(n_rows)[:-1])
    real = [rng.permutation(X_scaled[y_encoded == k])[:n] for k, n in enumerate(n_rows)]
    aucs = np.full(len(classes), np.nan)
    if sampler.mode_ in ("translate", "select"):
        aucs = detection_aucs(
            [r[:REALISM_ROWS] for r in real],
            [s[:REALISM_ROWS] for s in synthetic],
            seed=int(rng.integers(2**31)),
        )
    if sampler.mode_ == "select":
        aucs[~_grown(sampler)] = np.nan
    return diversity_ratios(real, synthetic), aucs


def _grown(sampler):
    """Per class, whether ``fit_resample`` adds rows to it."""
    strategy = sampler.sampling_strategy_
    return np.array([strategy.get(c, 0) > 0 for c in sampler.classes_], dtype=bool)
