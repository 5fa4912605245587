"""``mode="auto"`` with a source: inner folds choose "interpolate" or "select".

Whether a source's rows help depends on the data set: in issue 22's study
(imbalanced LOSO, 5 seeds) the selected film rows scored +2.3 UAR over SMOTE
on nEMO but -0.3 on EmoDB.  So the choice is made per fit, on X's rows only:
3 inner folds (``GroupKFold`` over ``groups`` when given, else a seeded,
shuffled ``StratifiedKFold``), each candidate resampling the inner training
rows as the sampler would, a ``StandardScaler`` + ``MLPClassifier(100, 100)``
scoring balanced accuracy (UAR) on the inner validation rows.  The source is
used only if its mean inner UAR beats interpolation's by ``INNER_MARGIN``
points, and never when it has fewer rows than the fit asks for
(``source_too_small``).  Measured as the library's ``lib`` arm in
``benchmarks/source_study.py``: +1.9 ± 0.8 UAR over SMOTE on nEMO with the
film (source chosen in 31 of 45 folds), and within 0.5 of SMOTE on EmoDB with
each of six sources over 10 seeds (docs/results-source-study.md).
"""

import warnings
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

__all__ = [
    "CANDIDATES",
    "check_groups",
    "INNER_FOLDS",
    "INNER_MARGIN",
    "INNER_REPEATS",
    "MODES",
    "choose_for",
    "choose_mode",
    "per_fold",
    "planned_mode",
    "source_too_small",
]

MODES = ("auto", "interpolate", "select", "translate")
# The modes inner folds choose between.
CANDIDATES = ("interpolate", "select")
# UAR points the source's mean inner score must beat interpolation's by.  A
# single fit's select-minus-interpolate lead has a standard deviation of
# 1.2-1.7 points around its data set's mean, and on EmoDB, where the
# source's rows do not help, that mean is -0.5 to +0.5: at a margin of 0 a
# useless source won about every other fit.  A margin of 1 kept EmoDB within
# 0.5 of SMOTE over 10 seeds with every source (URDU's rows: -0.71 -> -0.47)
# at a cost of 0.7 of nEMO's +2.6 (docs/results-source-study.md, "The
# margin").
INNER_MARGIN = 1.0
INNER_FOLDS = 3
# Times the inner folds are drawn, each with its own partition and seed.  Two
# draws (and their mean) chose no better than one at the same margin and
# doubled the inner cost ("Two draws of the inner folds").
INNER_REPEATS = 1
# Every class needs this many rows in each inner training fold (see
# MIN_CLASS_ROWS in the sampler).
MIN_INNER_ROWS = 2


def planned_mode(mode, source_given, preset):
    """The mode a fit runs, or ``"choose"`` when inner folds decide.

    ``mode="auto"``: without a source, the preset's own fallback (interpolation
    for "fast", the pooled rows translated for "paper"); with one, "translate"
    for the paper's preset and the inner folds' choice otherwise.
    """
    if mode == "select" and not source_given:
        raise ValueError(
            'mode="select" picks rows of a source, but none was given; pass '
            'source=..., or use mode="interpolate".'
        )
    if mode == "translate" and not source_given and preset == "fast":
        raise ValueError(
            'mode="translate" with preset="fast" needs a source to translate; '
            'pass source=..., or preset="paper" to translate the pooled rows of '
            "X (the paper's fallback)."
        )
    if mode != "auto":
        return mode
    if not source_given:
        return "auto"  # as before modes existed: the preset decides
    return "translate" if preset == "paper" else "choose"


def source_too_small(n_source, new_rows):
    """Whether a source has fewer rows than the fit asks for in all.

    ``mode="select"`` would then repeat its rows: on nEMO (about 1,750 new
    rows) URDU's 400 rows and EmoDB's 454, each repeated three or four
    times, cost the default up to 1.8 UAR against SMOTE within the corpus
    and 2.5 across corpora, and the inner folds, asking fewer rows, did not
    see it.  ``mode="auto"`` interpolates instead, without inner folds.

    Parameters
    ----------
    n_source : int
        Rows of the resolved source.
    new_rows : dict
        New rows per class (the fit's ``sampling_strategy_``).
    """
    return n_source < sum(new_rows.values())


def inner_folds(y, groups, seed, repeat=0):
    """The inner (train, validation) index pairs over X's rows.

    With fewer than ``INNER_FOLDS`` groups, one fold per group; with a single
    group, stratified folds, as without groups.  ``repeat`` 0 is
    ``GroupKFold``'s own partition; every later repeat shuffles the groups
    (seeded by ``seed + repeat``).
    """
    n_groups = 0 if groups is None else len(np.unique(np.asarray(groups)))
    if n_groups >= 2:
        n_splits = min(INNER_FOLDS, n_groups)
        folds = (
            GroupKFold(n_splits)
            if repeat == 0
            else GroupKFold(n_splits, shuffle=True, random_state=seed + repeat)
        )
        return list(folds.split(y, y, groups))
    folds = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=seed + repeat)
    return list(folds.split(y, y))


def inner_scorer(seed):
    """The classifier of the study's floor, identical for both candidates."""
    return make_pipeline(
        StandardScaler(),
        MLPClassifier(
            hidden_layer_sizes=(100, 100),
            max_iter=200,
            early_stopping=False,
            random_state=seed,
        ),
    )


def choose_mode(make_sampler, X, y, groups, seed):
    """``(mode, inner)``: the winning candidate and each one's inner scores.

    Parameters
    ----------
    make_sampler : callable
        ``make_sampler(mode, seed)`` returns an unfitted sampler that resamples
        (X, y) the given way.
    X : ndarray of shape (n_samples, n_features)
        The encoded training rows.
    y : ndarray of shape (n_samples,)
    groups : array-like of shape (n_samples,) or None
        Group of each row (e.g. speaker); inner folds never split a group.
    seed : int
        Seeds the folds, the candidates and the scorer (``seed + r`` for
        draw ``r`` of the ``INNER_REPEATS`` draws).

    Returns
    -------
    mode : {"interpolate", "select"}
    inner : dict
        ``{"interpolate": [UAR %, ...], "select": [...]}`` per usable fold,
        draw after draw.
        Empty lists (and "interpolate") when no fold keeps at least
        ``MIN_INNER_ROWS`` rows of every class for training.
    """
    inner = {mode: [] for mode in CANDIDATES}
    classes = np.unique(y)
    for repeat in range(INNER_REPEATS):
        for train, val in inner_folds(y, groups, seed, repeat):
            _, counts = np.unique(y[train], return_counts=True)
            if len(counts) < len(classes) or counts.min() < MIN_INNER_ROWS:
                continue
            for mode in CANDIDATES:
                inner[mode].append(
                    inner_score(make_sampler(mode, seed + repeat), X, y, train, val)
                )
    if not inner["select"]:
        return "interpolate", inner
    means = {mode: np.mean(scores) for mode, scores in inner.items()}
    wins = means["select"] >= means["interpolate"] + INNER_MARGIN
    chosen = "select" if wins else "interpolate"
    return chosen, inner


def inner_score(sampler, X, y, train, val):
    """UAR (%) on the ``val`` rows of the scorer fitted on ``sampler``'s
    resampling of the ``train`` rows."""
    with warnings.catch_warnings():
        # The candidates' own warnings (small classes, realism) and the
        # scorer's convergence are about inner folds, not the user's fit.
        warnings.simplefilter("ignore")
        X_res, y_res = sampler.fit_resample(X[train], y[train])
        scorer = inner_scorer(sampler.random_state).fit(X_res, y_res)
        uar = balanced_accuracy_score(y[val], scorer.predict(X[val]))
    return 100 * float(uar)


def check_groups(groups, y):
    """Refuse ``groups`` that do not name one group per row."""
    if groups is not None and len(groups) != len(y):
        raise ValueError(
            f"groups has {len(groups)} entries but X has {len(y)} rows; "
            "pass one group per row."
        )


def per_fold(new_rows, y):
    """A ``sampling_strategy`` asking any subset of ``y`` for ``new_rows``' shares.

    Parameters
    ----------
    new_rows : dict
        New rows per class for all of ``y`` (the fit's ``sampling_strategy_``).
    y : ndarray of shape (n_samples,)

    Returns
    -------
    strategy : callable
        ``strategy(y_subset)`` gives each class of ``new_rows`` its rows in
        ``y_subset`` plus the same share of new rows (rounded) as in ``y``.
    """
    classes, counts = np.unique(y, return_counts=True)
    share = {c: new_rows.get(c, 0) / n for c, n in zip(classes, counts)}
    return partial(_targets, share=share)


def _targets(y, share):
    classes, counts = np.unique(y, return_counts=True)
    return {
        c: int(n + round(share[c] * n))
        for c, n in zip(classes, counts)
        if share.get(c, 0) > 0
    }


def choose_for(sampler, X, y, source, groups, random_state, unchecked):
    """``choose_mode`` with candidates configured like ``sampler``.

    An int ``sampler.random_state`` seeds the folds, candidates and scorer
    itself, as in the study whose floor this is; otherwise a seed is drawn
    from ``random_state`` (a RandomState).

    ``X`` and ``source`` are encoded: the inner samplers see one-hot blocks
    as numeric columns.  They skip the realism and diversity checks (made
    by ``unchecked(**params)``, a sampler of ``sampler``'s kind).  A
    ``sampling_strategy`` given as a dict or callable names counts of the
    whole of ``X``, which an inner fold does not have; each inner fold asks
    instead for the same share of new rows per class (``per_fold``), so a
    fit that augments balanced classes is judged on augmenting, not on
    balancing.
    """
    params = {
        **sampler.get_params(deep=False),
        "source": source,
        "categorical_features": None,
        "early_stopping": False,
        "callbacks": None,
        "n_threads": None,  # already limited by the enclosing fit
        "verbose": 0,
    }
    if not isinstance(sampler.sampling_strategy, (str, Real)):
        params["sampling_strategy"] = per_fold(sampler.sampling_strategy_, y)

    def make_sampler(mode, seed):
        return unchecked(**{**params, "mode": mode, "random_state": seed})

    seed = sampler.random_state
    if not isinstance(seed, Integral):
        seed = int(random_state.randint(2**31))
    return choose_mode(make_sampler, X, y, groups, seed)
