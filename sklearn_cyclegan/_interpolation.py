"""When no unlabelled data is given, each class's source: its own rows, interpolated.

Cycle consistency keeps the *content* of a source row.  In speech that is the
speaker and the words, independent of the emotion; in a generic table the
content often *is* the class, so translating the pooled rows (mostly the
majority class) into a minority class left the synthetic rows nearer the
majority than the minority (issue 15, docs/results.md).  Each class's source
is therefore made of that class's own rows, interpolated SMOTE-style between a
row and one of its nearest neighbours in the class (imbalanced-learn's
``SMOTE``), and its CycleGAN learns to move the interpolations onto the class
(in the spirit of SMOTified-GAN, Sharma et al., 2022).
"""

import numpy as np
from imblearn.over_sampling import SMOTE
from sklearn.neighbors import NearestNeighbors

__all__ = ["ScaledNeighbors", "class_interpolations"]

# SMOTE's own default; a class of n rows uses min(K_NEIGHBORS, n - 1).
K_NEIGHBORS = 5


class ScaledNeighbors(NearestNeighbors):
    """Euclidean nearest neighbours of the rows times ``scale``.

    The same neighbours as the weighted Minkowski metric with weights
    ``scale**2``, but through scikit-learn's matrix-product search: the
    weighted metric is computed pair by pair, which took 158 s instead of
    1 s for a table with a 1000-level categorical column (1000 one-hot
    columns; issue 20).

    Parameters
    ----------
    n_neighbors : int, default=5
    scale : ndarray of shape (n_features,), default=None
        Per-feature factor applied before the search; None: 1.
    """

    def __init__(self, n_neighbors=5, scale=None):
        super().__init__(n_neighbors=n_neighbors)
        self.scale = scale

    def _scaled(self, X):
        return X if self.scale is None else np.asarray(X) * self.scale

    def fit(self, X, y=None):
        return super().fit(self._scaled(X))

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        X = None if X is None else self._scaled(X)
        return super().kneighbors(X, n_neighbors, return_distance)


def class_interpolations(X, y_encoded, n_classes, n_rows, random_state, scale):
    """``n_rows`` interpolated rows per class, stacked class after class.

    Neighbours are found in scaled units (``X * scale``), while rows are
    interpolated in the user's units, so a feature on which two neighbours
    agree keeps their exact value.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Rows of every class, in the user's units.
    y_encoded : ndarray of shape (n_samples,)
        Class indices ``0 .. n_classes - 1``; every class has >= 2 rows.
    n_classes, n_rows : int
    random_state : int
    scale : ndarray of shape (n_features,)
        Per-feature factor of the scaling whose distances count (``1 / std``
        for standardised distances).

    Returns
    -------
    pools : ndarray of shape (n_classes * n_rows, n_features)
    """
    X = np.asarray(X, dtype=np.float64)
    pools = []
    for k in range(n_classes):
        in_class = (y_encoded == k).astype(np.int64)
        size = int(in_class.sum())
        # SMOTE grows class 1 of a two-class problem: the class against the
        # rest.  Its neighbours are searched among the class's rows only.
        neighbours = ScaledNeighbors(
            n_neighbors=min(K_NEIGHBORS, size - 1) + 1, scale=scale
        )
        smote = SMOTE(
            sampling_strategy={1: size + n_rows},
            k_neighbors=neighbours,
            random_state=random_state + k,
        )
        X_res, _ = smote.fit_resample(X, in_class)
        pools.append(X_res[len(X) :])
    return np.concatenate(pools)
