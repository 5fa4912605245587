"""Do synthetic rows look like their class?  ``quality_report``'s class consistency.

A model of the real rows of every class predicts each synthetic row's class;
the share predicted as the row's own label is compared with the same share
for real rows, out of fold.  The model is cross-fitted: each synthetic row is
predicted by the fold model that did not see its nearest real row of the
class, so a copy of a real row scores what its original scores out of fold,
not the in-sample 1.0 of a model that trained on it.
"""

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

__all__ = ["class_consistency", "CONSISTENCY_MODEL"]

# Linear and regularised: cheap on hundreds of features, deterministic, and
# it keeps interpolations between training rows from scoring 1.0 merely for
# lying inside a region it fitted exactly.  Balanced weights make a class's
# share independent of how many rows the other classes have (capping changes
# that) and put chance at about 1 / n_classes.
CONSISTENCY_MODEL = make_pipeline(
    StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000)
)
ONE_CLASS = "consistency needs real rows of two classes or more"


def class_consistency(real, y_real, synthetic, y_synthetic, cv, seed, max_rows):
    """Per class, the share of synthetic and of real rows predicted as their class.

    Parameters
    ----------
    real, synthetic : ndarray of shape (n, n_features)
        Scaled rows.
    y_real, y_synthetic : ndarray
        Their labels; every synthetic label is a real one.
    cv : int
        Most folds of the stratified split of the real rows.
    seed : int
        Seeds the row subsets and the folds.
    max_rows : int
        Real and synthetic rows per class used at most, a random subset.

    Returns
    -------
    synthetic_share, real_share : dict
        Class to share; a class with fewer than two real rows, or without
        synthetic rows, is missing.
    note : str
        Why no class has a value, empty otherwise.
    """
    rng = np.random.default_rng(seed)
    labels, counts = np.unique(y_real, return_counts=True)
    # A class of one real row cannot be held out and learnt at once.
    modelled = labels[counts >= 2]
    if len(modelled) < 2:
        return {}, {}, ONE_CLASS
    real_rows = _subset(y_real, modelled, max_rows, rng)
    synthetic_rows = _subset(y_synthetic, modelled, max_rows, rng)
    real, y_real = real[real_rows], y_real[real_rows]
    synthetic, y_synthetic = synthetic[synthetic_rows], y_synthetic[synthetic_rows]
    n_splits = min(cv, np.unique(y_real, return_counts=True)[1].min())
    real_fold = np.empty(len(real), dtype=int)
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    for k, (_, test) in enumerate(folds.split(real, y_real)):
        real_fold[test] = k
    synthetic_fold = np.empty(len(synthetic), dtype=int)
    for label in np.unique(y_synthetic):
        mine, theirs = y_real == label, y_synthetic == label
        nearest = NearestNeighbors(n_neighbors=1).fit(real[mine])
        index = nearest.kneighbors(synthetic[theirs], return_distance=False)[:, 0]
        synthetic_fold[theirs] = real_fold[mine][index]
    real_hit = np.zeros(len(real), dtype=bool)
    synthetic_hit = np.zeros(len(synthetic), dtype=bool)
    for k in range(n_splits):
        model = clone(CONSISTENCY_MODEL).fit(
            real[real_fold != k], y_real[real_fold != k]
        )
        for rows, y, fold, hit in (
            (real, y_real, real_fold, real_hit),
            (synthetic, y_synthetic, synthetic_fold, synthetic_hit),
        ):
            if (fold == k).any():
                hit[fold == k] = model.predict(rows[fold == k]) == y[fold == k]
    shares = [
        {c: float(hit[y == c].mean()) for c in np.unique(y_synthetic).tolist()}
        for hit, y in ((synthetic_hit, y_synthetic), (real_hit, y_real))
    ]
    return shares[0], shares[1], ""


def _subset(y, labels, max_rows, rng):
    """Sorted indices of at most ``max_rows`` random rows of each of ``labels``."""
    rows = [rng.permutation(np.flatnonzero(y == c))[:max_rows] for c in labels]
    return np.sort(np.concatenate(rows))
