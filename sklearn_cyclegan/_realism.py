"""Realism check: can a classifier tell a class's synthetic rows from its real ones?

A cheap cousin of ``quality_report``'s ``detection_auc``, run after every fit
that translates source rows, so that detectably fake rows never go unnoticed.
Per class, a small extremely randomised forest is cross-fitted on at most
``MAX_ROWS`` real and as many synthetic rows (min-max scaled, as the sampler
sees them) and its out-of-fold ROC AUC is kept; a class at or above
``SEPARABLE_AUC`` warns.  Any generation mode can call ``detection_aucs`` on
its scaled rows.
"""

import warnings

import numpy as np
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from ._stacklevel import user_stacklevel
from .exceptions import SeparableRowsWarning

__all__ = ["MAX_ROWS", "SEPARABLE_AUC", "detection_aucs", "warn_if_separable"]

#: Real rows per class the check looks at (and as many synthetic ones), so it
#: costs well under a second per class whatever the data's size.
MAX_ROWS = 500

#: A class whose detection AUC reaches this warns.  Rows drawn like the real
#: ones score about 0.5; 0.95 means nearly every synthetic row is recognised.
SEPARABLE_AUC = 0.95

# Folds of the cross-fitting, and trees of the forest: three folds keep two
# thirds of a 62-row class for training.  In a one-off comparison on EmoDB,
# 20 trees called the film source's rows (AUC 0.999-1.000) and SMOTE's
# (0.33-0.51) as 50 did, in a third of the time, where a logistic regression
# missed one class of the film rows; the check then costs about 3 % of a
# default fit with that source (`python -m benchmarks.realism`, docs/quality.md).
N_FOLDS = 3
N_TREES = 20


def detection_aucs(real, synthetic, seed):
    """Per class, cross-fitted ROC AUC of a forest telling synthetic from real.

    Parameters
    ----------
    real, synthetic : list of ndarray
        Scaled rows of each class; the two lists align.  Each pair is cut to
        the smaller of the two and to ``MAX_ROWS`` rows.
    seed : int
        Seeds the folds and the forests.

    Returns
    -------
    aucs : ndarray of shape (n_classes,)
        About 0.5 when the synthetic rows look like the real ones, 1 when
        every one is recognised; NaN for a class with fewer than ``N_FOLDS``
        rows on either side.
    """
    aucs = np.full(len(real), np.nan)
    for k, (r, s) in enumerate(zip(real, synthetic)):
        n = min(len(r), len(s), MAX_ROWS)
        if n < N_FOLDS:
            continue
        rows = np.vstack([r[:n], s[:n]])
        is_synthetic = np.r_[np.zeros(n), np.ones(n)]
        forest = ExtraTreesClassifier(N_TREES, random_state=seed, n_jobs=1)
        folds = StratifiedKFold(N_FOLDS, shuffle=True, random_state=seed)
        scores = cross_val_predict(
            forest, rows, is_synthetic, cv=folds, method="predict_proba"
        )[:, 1]
        aucs[k] = roc_auc_score(is_synthetic, scores)
    return aucs


def warn_if_separable(aucs, classes, threshold=SEPARABLE_AUC, mode="translate"):
    """Issue one ``SeparableRowsWarning`` naming every separable class.

    ``mode="select"`` words it for rows picked from the source untranslated:
    real recordings of another corpus, not fakes.
    """
    separable = [
        (c, a) for c, a in zip(np.asarray(classes).tolist(), aucs) if a >= threshold
    ]
    if not separable:
        return
    detail = ", ".join(f"{c!r}: {a:.3f}" for c, a in separable)
    if mode == "select":
        message = (
            f"A classifier tells the source rows selected for {len(separable)} "
            f"class(es) from X's rows (detection_auc_ >= {threshold}): {detail}. "
            "They are real rows of another data set, aligned to X's mean and "
            "std but detectably different from X's; they were used because "
            "inner folds scored them above interpolation "
            "(summary_['inner_uar']) or because mode='select' asked for them. "
            "Inspect them with quality_report, or pass mode='interpolate' to "
            "leave the source out."
        )
    else:
        message = (
            f"A classifier tells the synthetic rows of {len(separable)} class(es) "
            f"from the real ones (detection_auc_ >= {threshold}): {detail}. They "
            "are detectably fake and may hurt a classifier trained on them. "
            "Inspect them with quality_report, try a source closer to X (same "
            "recording set-up and feature extraction), or fit without a source "
            "(source=None interpolates each class's own rows)."
        )
    warnings.warn(message, SeparableRowsWarning, stacklevel=user_stacklevel())
