"""Mode-collapse check: are the synthetic rows of each class spread out?

A collapsed generator maps many source rows to (almost) the same output, so
its rows lie much closer to each other than real rows of the class do.  The
check compares, per class, the mean distance from each synthetic row to its
nearest synthetic neighbour with the same statistic among the class's real
rows.  Both are taken in min-max scaled space (every feature weighs the same)
and on equally many rows, because nearest-neighbour distances shrink as rows
are added.
"""

import warnings

import numpy as np
from sklearn.neighbors import NearestNeighbors

from ._stacklevel import user_stacklevel
from .exceptions import ModeCollapseWarning

__all__ = [
    "COLLAPSE_THRESHOLD",
    "diversity_ratios",
    "warn_if_collapsed",
]

#: A class whose ratio falls below this warns.  A fresh draw from the real
#: distribution gives about 1 (tests/test_reliability.py::test_diversity_ratio_scale);
#: a generator whose output is constant gives 0.
COLLAPSE_THRESHOLD = 0.1

#: Rows per class the check looks at, so it stays cheap on large classes.
MAX_ROWS = 1000


def mean_nn_distance(rows):
    """Mean Euclidean distance from each row to its nearest other row.

    NaN for fewer than two rows.
    """
    rows = np.asarray(rows, dtype=np.float64)
    if len(rows) < 2:
        return np.nan
    distances, _ = NearestNeighbors(n_neighbors=2).fit(rows).kneighbors(rows)
    # Column 0 is the row itself (or an exact duplicate: distance 0 either way).
    return float(distances[:, 1].mean())


def diversity_ratios(real, synthetic):
    """Per class, synthetic over real mean nearest-neighbour distance.

    Parameters
    ----------
    real, synthetic : list of ndarray
        Scaled rows of each class; the two lists align.  Each pair is cut to
        the smaller of the two (and to ``MAX_ROWS``) before comparing.

    Returns
    -------
    ratios : ndarray of shape (n_classes,)
        About 1 when the synthetic rows are as spread out as the real ones,
        near 0 when they collapsed.  1 when both have no spread at all, inf
        when only the real rows have none, NaN when a class has fewer than two
        rows to compare.
    """
    ratios = np.empty(len(real))
    for k, (r, s) in enumerate(zip(real, synthetic)):
        n = min(len(r), len(s), MAX_ROWS)
        d_real, d_syn = mean_nn_distance(r[:n]), mean_nn_distance(s[:n])
        if d_real == 0:
            ratios[k] = 1.0 if d_syn == 0 else np.inf
        else:
            ratios[k] = d_syn / d_real
    return ratios


def warn_if_collapsed(ratios, classes, threshold=COLLAPSE_THRESHOLD):
    """Issue one ``ModeCollapseWarning`` naming every collapsed class."""
    collapsed = [
        (c, r) for c, r in zip(np.asarray(classes).tolist(), ratios) if r < threshold
    ]
    if collapsed:
        detail = ", ".join(f"{c!r}: {r:.3g}" for c, r in collapsed)
        warnings.warn(
            f"Synthetic rows of {len(collapsed)} class(es) are much less diverse than "
            f"the real rows (diversity_ below {threshold}): {detail}. The generator "
            "may have collapsed; train longer, lower lambda_cls, or try another "
            "random_state.",
            ModeCollapseWarning,
            stacklevel=user_stacklevel(),
        )
