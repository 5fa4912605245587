"""How good are synthetic rows?  Fidelity, detection, class, diversity, copying.

Every measure compares the synthetic rows of a class with the real rows of the
same class (class consistency: with a model of the real rows of every class)
in min-max scaled space, the scaler fitted on all real rows (as the sampler
scales them), so that every feature weighs the same whatever its unit.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp, wasserstein_distance
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import recall_score
from sklearn.model_selection import StratifiedGroupKFold, cross_val_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import check_random_state, check_X_y
from sklearn.utils._param_validation import HasMethods, Interval, validate_params

from ._consistency import class_consistency
from ._diversity import diversity_ratios
from ._validation import check_labels

__all__ = ["quality_report", "REPORT_COLUMNS"]

#: The report's columns, in order.
REPORT_COLUMNS = [
    "class",
    "n_real",
    "n_synthetic",
    "wasserstein",
    "ks",
    "detection_auc",
    "class_consistency",
    "real_consistency",
    "diversity",
    "memorisation",
    "tstr",
    "note",
]
METRICS = REPORT_COLUMNS[3:-1]

NO_SYNTHETIC = "no synthetic rows"
# Rows per side and class the detector sees at most: a forest on all rows of
# a 100k + 80k report took 477 s, 99 % of the report (issue 20); the AUC of a
# random subset estimates the same quantity.
DETECTION_ROWS = 2000


@validate_params(
    {
        "X_real": ["array-like"],
        "y_real": ["array-like"],
        "X_synthetic": ["array-like"],
        "y_synthetic": ["array-like"],
        "X_test": ["array-like", None],
        "y_test": ["array-like", None],
        "detector": [HasMethods(["fit", "predict_proba"]), None],
        "classifier": [HasMethods(["fit", "predict"]), None],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def quality_report(
    X_real,
    y_real,
    X_synthetic,
    y_synthetic,
    *,
    X_test=None,
    y_test=None,
    detector=None,
    classifier=None,
    cv=5,
    random_state=None,
):
    """Judge synthetic rows against the real rows of their class.

    One row per class of ``y_real``, then an ``"all"`` row.  Pass only the
    synthetic rows: after ``X_res, y_res = sampler.fit_resample(X, y)`` they
    are ``X_res[len(X):]`` and ``y_res[len(X):]``.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        The real rows, usually those the sampler was fitted on.

    y_real : array-like of shape (n_real,)
        Their labels.

    X_synthetic : array-like of shape (n_synthetic, n_features)
        The synthetic rows, features in the same order (for two DataFrames,
        the same column names).

    y_synthetic : array-like of shape (n_synthetic,)
        Their labels, each one a class of ``y_real``.  A class without
        synthetic rows gets NaN measures and ``note`` "no synthetic rows".

    X_test : array-like of shape (n_test, n_features), default=None
        Real rows held out from the sampler, on which ``tstr`` is scored.
        When None, ``X_real``: optimistic for samplers that build rows from
        those very rows (SMOTE, and ours with ``source=None``).

    y_test : array-like of shape (n_test,), default=None
        Their labels; given with ``X_test`` or not at all.

    detector : classifier, default=None
        Tells real from synthetic rows for ``detection_auc`` through its
        ``predict_proba``.  None: a
        ``RandomForestClassifier`` of 100 trees.  Trees see a difference in
        any single feature's distribution (a wrong spread or shape, not only
        a shifted mean, which is all a linear model sees) and interactions
        between features, and need no scaling or tuning; fully grown trees
        still split classes of a few dozen rows, where gradient boosting's
        default 20-row leaves cannot (it then scores 0.5 whatever the rows),
        and a forest fits fast on hundreds of features.

    classifier : classifier, default=None
        Trained on the synthetic rows for ``tstr``.  None: a
        ``RandomForestClassifier`` of 100 trees.

    cv : int, default=5
        Folds of ``StratifiedGroupKFold`` for ``detection_auc`` and of
        ``StratifiedKFold`` for ``class_consistency``; fewer when a class has
        fewer real or synthetic rows.

    random_state : int, RandomState instance or None, default=None
        Seeds the folds, the estimators and the row subsets.

    Returns
    -------
    report : DataFrame
        Columns, all measured per class on that class's rows (the
        consistencies with a model of every class):

        - ``class``: the label, ``"all"`` for the last row;
        - ``n_real``, ``n_synthetic``: rows compared (summed in ``"all"``);
        - ``wasserstein``: mean over features of the 1-D Wasserstein
          distance (``scipy.stats.wasserstein_distance``) between real and
          synthetic values; 0 ideal, in units of each feature's real range;
        - ``ks``: mean over features of the two-sample Kolmogorov-Smirnov
          statistic; 0 ideal, 1 when no value ranges overlap;
        - ``detection_auc``: ROC AUC of ``detector`` telling the class's
          real rows from its synthetic ones, averaged over ``cv`` stratified
          folds; a synthetic row identical to a real row
          is kept in that row's fold, so a copy is never scored by a model
          trained on its original; at most ``DETECTION_ROWS`` (2000) random
          real and as many synthetic rows of the class, as ``note`` then
          says.  0.5 (chance) is ideal, 1 means every synthetic row
          is recognised; values a little below 0.5 are chance too, values
          well below mean the synthetic rows sit so close to real rows that
          the detector learns the real ones as synthetic (near-copies; see
          ``memorisation``).  AUC does
          not depend on how many rows each side has;
        - ``class_consistency``: the share of the class's synthetic rows
          that a model of the real rows of *every* class predicts as this
          class.  The model is a ``StandardScaler`` and a
          ``LogisticRegression(class_weight="balanced")``, fitted in ``cv``
          stratified folds of the real rows (at most ``DETECTION_ROWS`` random
          real and as many synthetic rows per class); each synthetic row is
          predicted by the fold model that did not see its nearest real row
          of the class, so a copy of a real row scores what its original
          does.  High: the rows look like their class; near chance
          (``1 / n_classes``) or below: they carry another class's look, or
          none.  Needs real rows of two classes or more, and two real rows of
          the class;
        - ``real_consistency``: the same share for the class's real rows,
          each predicted by the fold model that did not see it: the
          reference for ``class_consistency``, as high as real rows get
          (NaN, like the other measures, for a class without synthetic
          rows).  Interpolations between real rows (SMOTE) may score above
          it, as they lie inside the class;
        - ``diversity``: mean distance from each synthetic row to its nearest
          synthetic neighbour over the same among the real rows, on equally
          many rows of each (at most 1000) - the definition of the sampler's
          ``diversity_``.  About 1 ideal, near 0 for collapsed rows;
        - ``memorisation``: let ``r`` be the median, over the class's real
          rows, of the Euclidean distance from a real row to its nearest
          *other* real row.  The share of synthetic rows whose nearest real
          row of the class lies at a distance ``<= r``.  Rows drawn
          independently from the real distribution give about 0.5 (half of
          them land as close as a typical real neighbour), copies of real rows
          give 1.0, rows far from all real data 0.0.  Well above 0.5 means the
          synthetic rows hug real rows (SMOTE's interpolations between two
          neighbours do by construction) or are too concentrated (then
          ``diversity`` is low too);
        - ``tstr`` (train on synthetic, test on real): a ``classifier`` is
          trained on the synthetic rows of every class that has some and
          predicts every real test row; per class, its recall of that class
          (NaN for a class without synthetic rows).  Needs synthetic rows of
          two classes or more;
        - ``note``: why a value of the row is NaN, empty otherwise.

        The ``"all"`` row holds the unweighted mean over classes of each
        measure (NaN ignored), except ``tstr``: there, the balanced accuracy
        over *all* classes of the test rows, in which a class without
        synthetic rows counts with recall 0 (the classifier never predicts
        it), so it is never higher than the mean of the per-class values.

    See Also
    --------
    plot_quality : Bars of the report and a 2-D PCA of real and synthetic rows.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_cyclegan import quality_report
    >>> X, y = make_classification(n_samples=200, n_features=4, weights=[0.8],
    ...                            random_state=0)
    >>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    >>> report = quality_report(X, y, X_res[len(X):], y_res[len(X):],
    ...                         random_state=0)
    >>> report[["class", "n_real", "n_synthetic"]]
      class  n_real  n_synthetic
    0     0     161            0
    1     1      39          122
    2   all     200          122
    >>> report.loc[0, "note"]
    'no synthetic rows'
    >>> bool(report["memorisation"].iloc[1] > 0.5)  # SMOTE rows hug real rows
    True
    >>> report.loc[1, ["class_consistency", "real_consistency"]].round(2).tolist()
    [1.0, 0.95]
    """
    X_real, y_real, X_synthetic, y_synthetic = check_quality_rows(
        X_real, y_real, X_synthetic, y_synthetic
    )
    if X_test is None and y_test is None:
        X_test, y_test = X_real, y_real
    else:
        X_test, y_test = _check_test(X_test, y_test, X_real)
    rng = check_random_state(random_state)
    detector_seed, cv_seed, diversity_seed, classifier_seed = rng.randint(2**31, size=4)
    # Drawn last, so the other measures keep the values they had before it.
    consistency_seed = rng.randint(2**31)
    if detector is None:
        detector = RandomForestClassifier(random_state=detector_seed)
    if classifier is None:
        classifier = RandomForestClassifier(random_state=classifier_seed)

    scaler = MinMaxScaler().fit(X_real)
    # MinMaxScaler.transform by hand: it refuses the empty X_synthetic allowed here.
    real, synthetic, test = (
        X * scaler.scale_ + scaler.min_ for X in (X_real, X_synthetic, X_test)
    )
    classes = np.unique(y_real)
    recalls, balanced, tstr_note = _tstr(
        classifier, synthetic, y_synthetic, test, y_test
    )
    consistent, consistent_real, consistency_note = class_consistency(
        real, y_real, synthetic, y_synthetic, cv, consistency_seed, DETECTION_ROWS
    )
    diversity_rng = np.random.default_rng(diversity_seed)
    rows = []
    for label in classes:
        r, s = real[y_real == label], synthetic[y_synthetic == label]
        row = {"class": label, "n_real": len(r), "n_synthetic": len(s)}
        notes = []
        if len(s) == 0:
            notes.append(NO_SYNTHETIC)
        else:
            row["wasserstein"], row["ks"] = fidelity(r, s)
            row["detection_auc"] = detection_auc(r, s, detector, cv, cv_seed)
            row["class_consistency"] = consistent.get(label, np.nan)
            row["real_consistency"] = consistent_real.get(label, np.nan)
            notes += _subset_note(len(r), len(s))
            row["diversity"] = diversity_ratios(
                [diversity_rng.permutation(r)], [diversity_rng.permutation(s)]
            )[0]
            row["memorisation"] = memorisation(r, s)
            row["tstr"] = recalls.get(label, np.nan)
            notes += _few_rows_notes(row, consistency_note, tstr_note)
        row["note"] = "; ".join(notes)
        rows.append(row)
    per_class = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    per_class[METRICS] = per_class[METRICS].astype(np.float64)
    summary = {
        "class": "all",
        "n_real": len(real),
        "n_synthetic": len(synthetic),
        **per_class[METRICS].mean().to_dict(),
        "tstr": balanced,
        "note": "",
    }
    report = pd.concat([per_class, pd.DataFrame([summary])], ignore_index=True)
    return report.astype({"class": object, "n_real": np.int64, "n_synthetic": np.int64})


def fidelity(real, synthetic):
    """Mean over features of the Wasserstein distance and of the KS statistic."""
    n_features = real.shape[1]
    wasserstein = [
        wasserstein_distance(real[:, j], synthetic[:, j]) for j in range(n_features)
    ]
    ks = [ks_2samp(real[:, j], synthetic[:, j]).statistic for j in range(n_features)]
    return float(np.mean(wasserstein)), float(np.mean(ks))


def detection_auc(real, synthetic, detector, cv, seed):
    """Cross-validated ROC AUC of ``detector`` telling synthetic from real rows.

    NaN when either side has fewer rows than two folds need.  Each side is
    a random subset of at most ``DETECTION_ROWS`` rows.
    """
    rng = np.random.default_rng(seed)
    real, synthetic = (
        rows[np.sort(rng.permutation(len(rows))[:DETECTION_ROWS])]
        for rows in (real, synthetic)
    )
    n_splits = min(cv, len(real), len(synthetic))
    if n_splits < 2:
        return np.nan
    rows = np.vstack([real, synthetic])
    is_synthetic = np.r_[np.zeros(len(real)), np.ones(len(synthetic))]
    # A copy of a real row shares its fold: tested while the original sits in
    # the training folds with the other label, copies would look more real
    # than real (AUC near 0.05 for a copy of the data).  Grouping near, not
    # identical, rows too would instead push independent draws above 0.5.
    distance, nearest = NearestNeighbors(n_neighbors=1).fit(real).kneighbors(synthetic)
    groups = np.where(
        distance[:, 0] == 0, nearest[:, 0], len(real) + np.arange(len(synthetic))
    )
    if len(np.unique(groups)) < n_splits:
        # Too few groups to leave synthetic rows in every training split.
        groups = len(real) + np.arange(len(synthetic))
    folds = StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed)
    scores = cross_val_score(
        clone(detector),
        rows,
        is_synthetic,
        groups=np.r_[np.arange(len(real)), groups],
        cv=folds,
        scoring="roc_auc",
    )
    return float(scores.mean())


def _subset_note(n_real, n_synthetic):
    """The note of a class whose detection saw a subset of its rows, if any."""
    if max(n_real, n_synthetic) <= DETECTION_ROWS:
        return []
    return [
        f"detection on {min(n_real, DETECTION_ROWS)} of {n_real} real and "
        f"{min(n_synthetic, DETECTION_ROWS)} of {n_synthetic} synthetic rows"
    ]


def _few_rows_notes(row, consistency_note, tstr_note):
    """Why a measure of a class with synthetic rows is NaN."""
    notes = []
    if np.isnan(row["detection_auc"]):
        notes.append("detection needs 2 real and 2 synthetic rows")
    if consistency_note:
        notes.append(consistency_note)
    if row["n_real"] < 2:
        notes.append("diversity, memorisation and consistency need 2 real rows")
    elif row["n_synthetic"] < 2:
        notes.append("diversity needs 2 synthetic rows")
    if tstr_note:
        notes.append(tstr_note)
    return notes


def memorisation(real, synthetic):
    """Share of synthetic rows at most the real rows' median neighbour distance away.

    See ``quality_report`` for the definition; NaN for fewer than two real rows.
    """
    if len(real) < 2:
        return np.nan
    neighbours = NearestNeighbors(n_neighbors=2).fit(real)
    # Column 0 is the real row itself (or a duplicate: distance 0 either way).
    typical = np.median(neighbours.kneighbors(real)[0][:, 1])
    nearest = neighbours.kneighbors(synthetic, n_neighbors=1)[0][:, 0]
    return float(np.mean(nearest <= typical))


def _tstr(classifier, synthetic, y_synthetic, test, y_test):
    """Recall per covered class, and balanced accuracy over all test classes,
    of a classifier fitted on synthetic rows."""
    covered = np.unique(y_synthetic)
    if len(covered) < 2:
        return {}, np.nan, "tstr needs synthetic rows of two classes or more"
    model = clone(classifier).fit(synthetic, y_synthetic)
    tested = np.unique(y_test)
    # Over every class of the test rows: one the classifier never learnt
    # scores recall 0, as balanced_accuracy_score would count it.
    recalls = recall_score(
        y_test, model.predict(test), labels=tested, average=None, zero_division=0
    )
    by_class = dict(zip(tested.tolist(), recalls))
    per_class = {c: by_class.get(c, np.nan) for c in covered.tolist()}
    return per_class, float(np.mean(recalls)), ""


def check_quality_rows(X_real, y_real, X_synthetic, y_synthetic):
    names = _feature_names(X_real), _feature_names(X_synthetic)
    if None not in names and names[0] != names[1]:
        raise ValueError(
            "X_synthetic's columns differ from X_real's; pass the same features "
            "in the same order."
        )
    # Before numpy sorts them: mixed str/int labels fail there with '<'.
    for name, y in (("y_real", y_real), ("y_synthetic", y_synthetic)):
        check_labels(y, name)
    check_labels(
        np.r_[np.asarray(y_real, dtype=object), np.asarray(y_synthetic, dtype=object)],
        "y_real with y_synthetic",
    )
    X_real, y_real = check_X_y(X_real, y_real, dtype=np.float64, ensure_min_samples=2)
    X_synthetic, y_synthetic = check_X_y(
        X_synthetic,
        y_synthetic,
        dtype=np.float64,
        ensure_min_samples=0,
        ensure_min_features=0,
    )
    if X_synthetic.shape[1] != X_real.shape[1]:
        raise ValueError(
            f"X_synthetic has {X_synthetic.shape[1]} features, but X_real has "
            f"{X_real.shape[1]}."
        )
    unknown = np.setdiff1d(y_synthetic, y_real)
    if len(unknown):
        raise ValueError(
            f"y_synthetic holds class(es) {unknown.tolist()} that y_real does not "
            f"have (classes: {np.unique(y_real).tolist()})."
        )
    return X_real, y_real, X_synthetic, y_synthetic


def _check_test(X_test, y_test, X_real):
    if X_test is None or y_test is None:
        raise ValueError("Pass both X_test and y_test, or neither.")
    check_labels(y_test, "y_test")
    X_test, y_test = check_X_y(X_test, y_test, dtype=np.float64)
    if X_test.shape[1] != X_real.shape[1]:
        raise ValueError(
            f"X_test has {X_test.shape[1]} features, but X_real has {X_real.shape[1]}."
        )
    return X_test, y_test


def _feature_names(X):
    columns = getattr(X, "columns", None)
    return None if columns is None else [str(c) for c in columns]
