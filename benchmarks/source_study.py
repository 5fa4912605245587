"""Does a source earn its place?  Issue 22's study: imbalanced LOSO, one idea at a time.

Run from the repository root, one thread, one process (results are cached per
(task, source, arm, seed, fold) under ``--out``, so an interrupted run resumes)::

    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
    python -m benchmarks.source_study --corpus nemo --arms none,ros,smote,cw,pl
    python -m benchmarks.source_study --corpus nemo --arms ours,ours-cur5 --seeds 0,1
    python -m benchmarks.source_study --corpus emodb --source tess --arms pl,lib
    python -m benchmarks.source_study --corpus nemo --table
    python -m benchmarks.source_study --corpus emodb --source tess --table
    python -m benchmarks.source_study --summary
    python -m benchmarks.source_study --corpus nemo --fit-times

Tasks (``--corpus``; data loading in ``_source_study_data``).  ``nemo``:
nEMO's four classes (neutral, happy, anger, sad), leave one speaker out (9
folds).  Inside each training fold only, the classes are subsampled to
neutral 100 % / happy 50 % / anger 25 % / sad 15 % of their rows (seeded by
the run seed and the fold); the test speaker is untouched.  ``emodb``:
EmoDB's four classes as they come (127 / 79 / 71 / 62), 10 folds.
``nemo-bal``: nEMO's four classes as they are (no subsampling), LOSO, and
*augmentation* instead of balancing: every row-making arm asks for
``round(AUGMENT * n_c)`` more rows of each class ``c`` (``AUGMENT = 0.5``;
``cw`` stays, as the arm without rows).  Cross-corpus tasks, one fold, each
corpus z-normalised on its own, tested on all four-class rows of the second
corpus: ``nemo-urdu``, ``nemo-emodb``, ``nemo-chicken_run`` (nEMO with the
profile above), ``emodb-nemo``, ``emodb-urdu`` and ``emodb-chicken_run``
(Chicken Run is the labelled film, both dubs; not in the film source).  Data
come from ``$SKLEARN_CYCLEGAN_DATA`` (default ``../shared/data`` beside the
checkout).

Every arm turns the training rows into (rows, labels, weights); a
``StandardScaler`` fitted on those rows and ``MLPClassifier(100, 100)``
(``max_iter=200``, no early stopping, ``random_state=seed``) follow, so the
sampler sits before the scaler.  The score is UAR (balanced accuracy) on the
test speaker or corpus.

Sources (``--source``), the unlabelled rows of the source-using arms (``pl``,
``ours*``, ``gate-*``, ``floor*``, ``lib*``), never labelled data: ``film``
(default; ``cartoons_source_is09.csv.gz``, 13,254 rows of film dialogue),
``tess``, ``urdu``, ``nemo``, ``emodb`` (every row of that corpus, all its
emotions, labels dropped) and ``pool`` (every source the task allows, each
z-normalised on its own, stacked); ``shuffled``, a negative control, is
the film with every column shuffled on its own (values kept, structure gone).
A source never holds the test speaker or
the test corpus, so a task's training and test corpora are not its sources
(``nemo`` cannot use ``nemo``; ``nemo-urdu`` neither ``nemo`` nor ``urdu``).
A source smaller than the rows asked reuses its rows (``pick_source``).
Source arms are cached under ``cache/<task>@<source>/<arm>``, the film's
under ``cache/<task>/<arm>``; the arms that read no source (``SOURCE_FREE``)
always under ``cache/<task>/<arm>``, computed once for every source.
``--summary`` prints one row per (task, source) with every baseline and
``lib`` cached: ``lib`` against SMOTE and against the best of none, ROS,
SMOTE and class weights, paired over seeds.

Arms:

* ``none``, ``ros``, ``smote``; ``cw``: no rows, ``sample_weight`` inversely
  proportional to the class counts (``MLPClassifier.fit`` takes it).
* ``pl``: untranslated pseudo-labelled source rows (``source_rows``).
* ``smote-cur5`` / ``ours-cur5``: five times the rows needed, the most
  confident per class kept (``curate``), as the control for each other.
* ``smote-std``: SMOTE on the training rows standardised (a scaler fitted on
  them), its new rows mapped back: neighbours in standardised units, as the
  library's interpolation finds them (``lib-interp`` against ``smote``).
* ``smote-reseed``: ``smote`` with the sampler's seed moved by ``RESEED``
  (the classifier's kept): SMOTE against itself, the noise of the differences.
* ``scorer``: no MLP at all: the logistic regression that rates the source
  rows for ``pl`` (``real_scorer``, fitted on the real training rows), scored
  on the test fold itself.  A mechanism control: ``pl`` may gain by teaching
  the MLP this linear model's decisions rather than the source's content.
* ``ours``: ``CycleGANOversampler(source=..., random_state=seed)``, defaults.
* ``ours-std``: ``ours`` with its synthetic set z-normalised on its own and
  mapped to the training rows' per-feature mean and std (the authors' code).
* ``gate-post``: class k's generator of the ``ours`` fit applied to the
  source rows ``pl`` picks for class k (translation after gating).
* ``gate-train``: per minority class k, a default ``CycleGANOversampler``
  whose source is only the rows ``pl`` picks for k, translating exactly those.
* ``floor``: ``pl`` or ``smote``, whichever scores the higher UAR over three
  group folds of the training speakers (``FloorOverSampler``); ``floor-lr``
  decides with a logistic regression instead of the evaluation MLP.
* ``lib``: the library's default with the source (``mode="auto"``, groups
  given), its inner means recorded; ``lib-noclip``, ``lib-interp`` and
  ``lib-select`` change one parameter.  ``--margins`` combines the three into
  the default's rule at other margins (``margins``).
"""

import argparse
import json
import time
from numbers import Integral, Real
from pathlib import Path
from unittest import mock

import numpy as np
from imblearn.base import BaseSampler
from imblearn.over_sampling import SMOTE, RandomOverSampler
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods

from benchmarks._paths import OUT
from benchmarks._source_study_data import (
    AUGMENTED,
    N_FOLDS,
    SOURCE_NAMES,
    augmented,
    load_task,
    needed,
    source_problem,
    subsample,
)

ARMS = [
    "none",
    "ros",
    "smote",
    "cw",
    "pl",
    "smote-cur5",
    "smote-std",
    "smote-reseed",
    "scorer",
    "ours",
    "ours-cur5",
    "ours-std",
    "gate-post",
    "gate-train",
    "floor",
    "floor-lr",
    "lib",
    "lib-noclip",
    "lib-interp",
    "lib-select",
    "lib-draws2",
]


# The library's own sampler: its default with the source, and two ablations.
LIBRARY_ARMS = {
    "lib": {},
    "lib-noclip": {"enforce_min_max_values": False},
    "lib-interp": {"mode": "interpolate"},
    "lib-select": {"mode": "select"},
    "lib-draws2": {},
}
# Ablations of the library's inner-fold rule: draws of the inner folds.
INNER_DRAWS = {"lib-draws2": 2}


# -- shared pieces -------------------------------------------------------------


def classifier(seed):
    """The evaluation classifier, identical in every arm."""
    return MLPClassifier(
        hidden_layer_sizes=(100, 100),
        max_iter=200,
        early_stopping=False,
        random_state=seed,
    )


def real_scorer(X, y):
    """A logistic regression on the real training rows that rates new rows."""
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(X, y)


# -- stages: (X, y, candidate rows, counts, rng) -> synthetic rows ------------


def align(S, X):
    """``S`` moved to ``X``'s per-feature mean and std (each z-normalised alone)."""
    s_std = S.std(axis=0)
    z = (S - S.mean(axis=0)) / np.where(s_std > 0, s_std, 1.0)
    return z * X.std(axis=0) + X.mean(axis=0)


def curate(candidates, labels, counts, scorer):
    """Per class ``c``, the ``counts[c]`` candidates of label ``c`` rated most ``c``."""
    proba = scorer.predict_proba(candidates)
    column = {c: i for i, c in enumerate(scorer.classes_)}
    rows, ys = [], []
    for c, n in counts.items():
        idx = np.flatnonzero(labels == c)
        best = idx[np.argsort(-proba[idx, column[c]], kind="stable")[:n]]
        rows.append(candidates[best])
        ys.append(np.full(len(best), c, dtype=object))
    return np.vstack(rows), np.concatenate(ys)


def pick_source(S_aligned, counts, scorer):
    """Indices of source rows per class: the most confident, each row used once.

    A class first takes rows the scorer assigns to it (argmax), most confident
    first; when those run out it takes the unused rows it rates highest.
    Classes that need the most rows choose first.  When the unused rows run
    out (a source smaller than the rows asked), a class reuses rows in its own
    rank order, as the library's ``mode="select"`` does; the film never runs
    out, so its picks are each row once.
    """
    proba = scorer.predict_proba(S_aligned)
    column = {c: i for i, c in enumerate(scorer.classes_)}
    top = proba.argmax(axis=1)
    used = np.zeros(len(S_aligned), dtype=bool)
    picks = {}
    for c in sorted(counts, key=counts.get, reverse=True):
        p = proba[:, column[c]]
        order = np.lexsort((-p, top != column[c]))
        fresh = order[~used[order]][: counts[c]]
        used[fresh] = True
        picks[c] = np.concatenate([fresh, np.resize(order, counts[c] - len(fresh))])
    return picks


def source_rows(X, y, S, counts, rng=None, scorer=None):
    """Untranslated pseudo-labelled source rows: ``(rows, labels)``.

    The source is aligned to ``X`` per feature, rated by a classifier on the
    real rows and each class gets its most confident rows (``pick_source``).
    ``rng`` is unused (the stage is deterministic) but keeps the stage's
    signature.
    """
    scorer = real_scorer(X, y) if scorer is None else scorer
    S_aligned = align(S, X)
    picks = pick_source(S_aligned, counts, scorer)
    rows = np.vstack([S_aligned[picks[c]] for c in counts])
    labels = np.concatenate([np.full(len(picks[c]), c, dtype=object) for c in counts])
    return rows, labels


class SourceOverSampler(BaseSampler):
    """Balance classes with pseudo-labelled rows of an unlabelled source.

    Parameters
    ----------
    source : ndarray of shape (n_source, n_features)
        Unlabelled rows in the units of ``X``'s corpus.
    sampling_strategy : str, dict or callable
        As imbalanced-learn's; ``"auto"`` gives each class the rows it lacks to
        match the largest (``needed``).
    """

    _sampling_type = "over-sampling"
    _parameter_constraints = {"source": ["array-like"]}

    def __init__(self, source, sampling_strategy="auto"):
        super().__init__(sampling_strategy=sampling_strategy)
        self.source = source

    def _fit_resample(self, X, y):
        counts = (
            needed(y)
            if isinstance(self.sampling_strategy, str)
            and self.sampling_strategy == "auto"
            else {c: n for c, n in self.sampling_strategy_.items() if n > 0}
        )
        rows, labels = source_rows(X, y, np.asarray(self.source, float), counts)
        return np.vstack([X, rows]), np.concatenate([y, labels.astype(y.dtype)])


class FloorOverSampler(BaseSampler):
    """``SourceOverSampler`` or SMOTE, whichever wins over inner group folds.

    The choice is made on the training rows only: ``n_splits`` group folds
    (stratified folds when no groups are given), each candidate resampling the
    inner training rows, ``StandardScaler`` + the evaluation classifier scoring
    UAR on the inner validation rows.  The source is used only if its mean UAR
    is at least SMOTE's plus ``margin`` points.

    Parameters
    ----------
    source : ndarray of shape (n_source, n_features)
    sampling_strategy : str, dict or callable
        Given to both candidates; a callable (``augmented``) sizes each inner
        fold by its own rows.
    n_splits : int
    margin : float
        UAR points the source must win by.
    random_state : int
    estimator : classifier or None
        Scores the candidates after a ``StandardScaler``; None is the
        evaluation MLP seeded with ``random_state``.
    """

    _sampling_type = "over-sampling"
    _parameter_constraints = {
        "source": ["array-like"],
        "n_splits": [Integral],
        "margin": [Real],
        "random_state": [Integral],
        "estimator": [HasMethods(["fit", "predict"]), None],
    }

    def __init__(
        self,
        source,
        sampling_strategy="auto",
        n_splits=3,
        margin=0.0,
        random_state=0,
        estimator=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.source = source
        self.n_splits = n_splits
        self.margin = margin
        self.random_state = random_state
        self.estimator = estimator

    def candidates(self):
        return {
            "smote": SMOTE(
                sampling_strategy=self.sampling_strategy,
                random_state=self.random_state,
            ),
            "pl": SourceOverSampler(self.source, self.sampling_strategy),
        }

    def choose(self, X, y, groups=None):
        """The winning candidate's name and every candidate's inner UARs."""
        if groups is None:
            folds = StratifiedKFold(
                self.n_splits, shuffle=True, random_state=self.random_state
            ).split(X, y)
        else:
            folds = GroupKFold(self.n_splits).split(X, y, groups)
        inner = {name: [] for name in self.candidates()}
        for train, val in folds:
            for name, sampler in self.candidates().items():
                Xr, yr = sampler.fit_resample(X[train], y[train])
                inner[name].append(
                    fit_score(
                        Xr, yr, None, X[val], y[val], self.random_state, self.estimator
                    )
                )
        means = {k: 100 * float(np.mean(v)) for k, v in inner.items()}
        choice = "pl" if means["pl"] >= means["smote"] + self.margin else "smote"
        return choice, means

    def fit_resample(self, X, y, groups=None):
        self.choice_, self.inner_uar_ = self.choose(X, y, groups)
        return self.candidates()[self.choice_].fit_resample(X, y)

    def _fit_resample(self, X, y):
        raise NotImplementedError  # fit_resample above routes ``groups``


def standardised_smote(X, y, strategy, seed):
    """SMOTE's new rows found in ``X``'s standardised units, mapped back.

    The library's interpolation searches neighbours in standardised units
    (``sklearn_cyclegan/_interpolation.py``); this is SMOTE with only that
    changed, to tell whether it explains ``lib-interp`` against ``smote``.
    """
    scaler = StandardScaler().fit(X)
    Xs, ys = SMOTE(sampling_strategy=strategy, random_state=seed).fit_resample(
        scaler.transform(X), y
    )
    return scaler.inverse_transform(Xs[len(X) :]), ys[len(X) :]


# -- one fold -----------------------------------------------------------------


def fit_score(X, y, weight, X_test, y_test, seed, estimator=None):
    """UAR of scaler + MLP (or ``estimator``) fitted on ``(X, y, weight)``."""
    scaler = StandardScaler().fit(X)
    clf = classifier(seed) if estimator is None else clone(estimator)
    clf.fit(scaler.transform(X), y, sample_weight=weight)
    return balanced_accuracy_score(y_test, clf.predict(scaler.transform(X_test)))


class Fold:
    """One (seed, fold): the subsampled training rows and what arms share."""

    def __init__(self, X, y, groups, X_test, y_test, S, seed, augment=False):
        self.X, self.y, self.groups = X, y, groups
        self.X_test, self.y_test, self.S, self.seed = X_test, y_test, S, seed
        # Balancing: "auto" and the rows each class lacks.  Augmentation: the
        # target counts of ``augmented`` and the rows each class gains.
        self.strategy = augmented(y) if augment else "auto"
        self.counts = (
            {c: n - int(np.sum(y == c)) for c, n in self.strategy.items()}
            if augment
            else needed(y)
        )
        self.floor_strategy = augmented if augment else "auto"
        self._cache = {}

    def shared(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def scorer(self):
        return self.shared("scorer", lambda: real_scorer(self.X, self.y))

    @property
    def cyclegan(self):
        from sklearn_cyclegan import CycleGANOversampler

        def fit():
            start = time.perf_counter()
            sampler = CycleGANOversampler(
                mode="translate",
                sampling_strategy=self.strategy,
                source=self.S,
                random_state=self.seed,
                device="cpu",
                n_threads=1,
            )
            Xr, yr = sampler.fit_resample(self.X, self.y)
            self.cyclegan_seconds = time.perf_counter() - start
            return sampler, Xr[len(self.X) :], yr[len(self.X) :]

        return self.shared("cyclegan", fit)

    def with_rows(self, rows, labels):
        return np.vstack([self.X, rows]), np.concatenate([self.y, labels]), None

    def arm(self, name):
        """``(rows, labels, weights)`` the classifier is fitted on, for arm ``name``."""
        X, y, seed = self.X, self.y, self.seed
        if name == "none":
            return X, y, None
        if name == "ros":
            ros = RandomOverSampler(sampling_strategy=self.strategy, random_state=seed)
            return (*ros.fit_resample(X, y), None)
        if name in ("smote", "smote-reseed"):
            # Same classifier seed, the sampler's own draws reseeded: how far
            # SMOTE lands from itself, the noise floor of every "- smote".
            draws = seed if name == "smote" else seed + RESEED
            smote = SMOTE(sampling_strategy=self.strategy, random_state=draws)
            return (*smote.fit_resample(X, y), None)
        if name == "cw":
            classes, counts = np.unique(y, return_counts=True)
            per_class = dict(zip(classes, len(y) / (len(classes) * counts)))
            return X, y, np.array([per_class[c] for c in y])
        if name == "pl":
            return self.with_rows(
                *source_rows(X, y, self.S, self.counts, scorer=self.scorer)
            )
        if name == "smote-cur5":
            strategy = {c: int(np.sum(y == c)) + 5 * n for c, n in self.counts.items()}
            Xs, ys = SMOTE(sampling_strategy=strategy, random_state=seed).fit_resample(
                X, y
            )
            return self.with_rows(
                *curate(Xs[len(X) :], ys[len(X) :], self.counts, self.scorer)
            )
        if name == "smote-std":
            return self.with_rows(*standardised_smote(X, y, self.strategy, seed))
        return self.translated_arm(name)

    def translated_arm(self, name):
        """The arms built on the default CycleGAN's fit (``arm``'s other half)."""
        X, seed = self.X, self.seed
        sampler, rows, labels = self.cyclegan
        if name == "ours":
            return self.with_rows(rows, labels)
        if name == "ours-cur5":
            cand, cand_y = sampler.sample(
                {c: 5 * n for c, n in self.counts.items()}, random_state=seed + 1
            )
            return self.with_rows(*curate(cand, cand_y, self.counts, self.scorer))
        if name == "ours-std":
            return self.with_rows(align(rows, X), labels)
        if name == "gate-post":
            picks = pick_source(align(self.S, X), self.counts, self.scorer)
            rows = np.vstack(
                [sampler.transfer(self.S[picks[c]], c) for c in self.counts]
            )
            labels = np.concatenate(
                [np.full(len(picks[c]), c, dtype=object) for c in self.counts]
            )
            return self.with_rows(rows, labels)
        if name == "gate-train":
            return self.with_rows(*self.gated_translation())
        raise ValueError(f"unknown arm {name!r}")

    def gated_translation(self):
        """Class k's CycleGAN trained on, and applied to, the rows ``pl`` gives k.

        One default fit per class (all classes' rows as targets, as the
        oversampler needs them, but only class k's rows are generated).
        """
        from sklearn_cyclegan import CycleGANOversampler

        picks = pick_source(align(self.S, self.X), self.counts, self.scorer)
        rows, labels = [], []
        for c, n in self.counts.items():
            sampler = CycleGANOversampler(
                mode="translate",
                sampling_strategy={c: int(np.sum(self.y == c)) + n},
                source=self.S[picks[c]],
                random_state=self.seed,
                device="cpu",
                n_threads=1,
            )
            Xr, yr = sampler.fit_resample(self.X, self.y)
            rows.append(Xr[len(self.X) :])
            labels.append(yr[len(self.X) :])
        return np.vstack(rows), np.concatenate(labels)

    def library_default(self, start, **params):
        """The library's default with the source (``mode="auto"``, groups given),
        or with ``params`` changed."""
        from sklearn_cyclegan import CycleGANOversampler

        sampler = CycleGANOversampler(
            sampling_strategy=self.strategy,
            source=self.S,
            random_state=self.seed,
            n_threads=1,
            **params,
        )
        X, y = sampler.fit_resample(self.X, self.y, groups=self.groups)
        uar = fit_score(X, y, None, self.X_test, self.y_test, self.seed)
        return {
            "uar": uar,
            "choice": "pl" if sampler.mode_ == "select" else "smote",
            # Mean inner UAR per candidate (None unless mode="auto" chose):
            # with lib-select and lib-interp, any margin's outcome (margins).
            "inner": sampler.summary_["inner_uar"],
            # Every inner fold's score, draw after draw, unrounded: summary_
            # rounds to 2 decimals, which can flip a lead at the margin.
            "inner_folds": sampler._inner,
            "seconds": time.perf_counter() - start,
        }

    def run(self, name, scores):
        """``{"uar": ..., "seconds": ...}`` of arm ``name``.

        ``scores`` maps arm names to this fold's finished results, so that
        ``floor`` reuses the chosen candidate's score instead of refitting it.
        """
        start = time.perf_counter()
        if name == "scorer":
            uar = balanced_accuracy_score(self.y_test, self.scorer.predict(self.X_test))
            return {"uar": uar, "seconds": time.perf_counter() - start}
        if name in ("floor", "floor-lr"):
            estimator = (
                LogisticRegression(max_iter=2000) if name == "floor-lr" else None
            )
            floor = FloorOverSampler(
                self.S,
                self.floor_strategy,
                random_state=self.seed,
                estimator=estimator,
            )
            choice, inner = floor.choose(self.X, self.y, self.groups)
            result = {
                "uar": scores[choice]["uar"],
                "choice": choice,
                "inner": inner,
                "seconds": time.perf_counter() - start,
            }
            return result
        if name.startswith("lib"):
            from sklearn_cyclegan import _floor

            draws = INNER_DRAWS.get(name, _floor.INNER_REPEATS)
            with mock.patch.object(_floor, "INNER_REPEATS", draws):
                return self.library_default(start, **LIBRARY_ARMS[name])
        X, y, weight = self.arm(name)
        uar = fit_score(X, y, weight, self.X_test, self.y_test, self.seed)
        result = {"uar": uar, "seconds": time.perf_counter() - start}
        if name == "ours":
            result["cyclegan_seconds"] = self.cyclegan_seconds
        return result


# -- driver -------------------------------------------------------------------

# Arms that never read the source: cached once per task, whatever ``--source``.
# Added to a run seed for the sampler's draws of ``smote-reseed``.
RESEED = 1000
SOURCE_FREE = (
    "none",
    "ros",
    "smote",
    "cw",
    "smote-cur5",
    "smote-std",
    "smote-reseed",
    "scorer",
)
BASELINES = ("none", "ros", "smote", "cw")


def task_dir(corpus, arm, source="film"):
    """Cache folder of ``arm``: ``corpus``, or ``corpus@source`` for a source arm
    with a source other than the film (the film's layout predates sources)."""
    return corpus if source == "film" or arm in SOURCE_FREE else f"{corpus}@{source}"


def _path(out, corpus, arm, seed, fold, source="film"):
    folder = out / "cache" / task_dir(corpus, arm, source) / arm
    return folder / f"seed{seed}_fold{fold}.json"


def run(corpus, arms, seeds, out, max_folds=None, source="film"):
    """Fill the cache for ``arms`` x ``seeds`` x folds, seed-major; print progress."""
    X_all, y_all, groups_all, profile, S, folds = load_task(corpus, max_folds, source)
    # ``floor`` reads the outer scores of its candidates.
    order = [
        a
        for a in ARMS
        if a in arms or (a in ("smote", "pl") and {"floor", "floor-lr"} & set(arms))
    ]

    def path(arm, seed, f):
        return _path(out, corpus, arm, seed, f, source)

    for seed in seeds:
        for f, (train, X_test, y_test) in enumerate(folds):
            todo = [a for a in order if not path(a, seed, f).exists()]
            if not todo:
                continue
            keep = train[
                subsample(y_all[train], profile, np.random.default_rng([seed, f]))
            ]
            fold = Fold(
                X_all[keep],
                y_all[keep],
                groups_all[keep],
                X_test,
                y_test,
                S,
                seed,
                augment=corpus in AUGMENTED,
            )
            scores = {
                a: json.loads(path(a, seed, f).read_text())
                for a in order
                if a not in todo
            }
            for arm in todo:
                scores[arm] = fold.run(arm, scores)
                path(arm, seed, f).parent.mkdir(parents=True, exist_ok=True)
                path(arm, seed, f).write_text(json.dumps(scores[arm]))
            print(
                f"{corpus}@{source} seed {seed} fold {f}: "
                + ", ".join(f"{a} {100 * scores[a]['uar']:.1f}" for a in todo),
                flush=True,
            )
    return len(folds)


def load_scores(out, corpus, arm, seeds, n_folds, source="film"):
    """``(n_seeds, n_folds)`` UARs in %, or None if any is missing."""
    paths = [
        _path(out, corpus, arm, s, f, source) for s in seeds for f in range(n_folds)
    ]
    if not all(p.exists() for p in paths):
        return None
    runs = [json.loads(p.read_text()) for p in paths]
    uar = 100 * np.array([r["uar"] for r in runs]).reshape(len(seeds), n_folds)
    seconds = float(np.mean([r["seconds"] for r in runs]))
    return uar, seconds, runs


def paired(uar, ref):
    """Mean over seeds of ``uar`` - ``ref`` (per-seed means) and its SE."""
    diff = uar.mean(axis=1) - ref.mean(axis=1)
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
    return diff.mean(), se


def chosen(runs):
    """``"k/n"``: the runs (seed, fold) whose sampler chose the source."""
    return f"{sum(r['choice'] == 'pl' for r in runs)}/{len(runs)}"


def table(out, corpus, seeds, n_folds, reference="smote", source="film"):
    """Markdown: mean UAR, per seed, paired difference to ``reference`` ± SE."""
    ref = load_scores(out, corpus, reference, seeds, n_folds, source)
    lines = [
        f"| arm | UAR % | per seed | − {reference} (± SE over seeds) | wins / losses"
        " (seed, fold) | s per fold |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for arm in ARMS:
        got = load_scores(out, corpus, arm, seeds, n_folds, source)
        if got is None:
            continue
        uar, seconds, runs = got
        mean, se = paired(uar, ref[0])
        note = ""
        if arm.startswith("floor") or arm in ("lib", "lib-noclip"):
            note = f" (source chosen in {chosen(runs)} folds)"
        lines.append(
            f"| {arm}{note} | {uar.mean(axis=1).mean():.2f} | "
            + " / ".join(f"{v:.1f}" for v in uar.mean(axis=1))
            + f" | {mean:+.2f} ± {se:.2f} | {int((uar > ref[0]).sum())} / "
            f"{int((uar < ref[0]).sum())} | {seconds:.1f} |"
        )
    return "\n".join(lines)


def summary(out, seeds, max_folds=None, margin=None, repeats=None):
    """Markdown: per (task, source) with every baseline and ``lib`` cached, the
    library's default against SMOTE and against the best baseline.

    With ``margin``, ``lib`` is its rule replayed at that margin (``replay``)
    instead of the runs' own choices.
    """
    lines = [
        "| task | source | SMOTE UAR % | best baseline | lib UAR % | lib − SMOTE"
        " (± SE) | lib − best (± SE) | source chosen (seed, fold) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for task, source, n_folds in _lib_runs(out, max_folds):
        got = {
            arm: load_scores(out, task, arm, seeds, n_folds, source)
            for arm in (*BASELINES, "lib")
        }
        if any(v is None for v in got.values()):
            continue
        uar = {arm: v[0] for arm, v in got.items()}
        used = chosen(got["lib"][2])
        if margin is not None:
            replayed = replay(out, task, source, seeds, n_folds, margin, repeats)
            if replayed is None:
                continue
            uar["lib"], n = replayed
            used = f"{n}/{uar['lib'].size}"
        best = max(BASELINES, key=lambda a: uar[a].mean())
        cells = [
            "{:+.2f} ± {:.2f}".format(*paired(uar["lib"], uar[ref]))
            for ref in ("smote", best)
        ]
        lines.append(
            f"| {task} | {source} | {uar['smote'].mean():.2f} | {best} "
            f"{uar[best].mean():.2f} | {uar['lib'].mean():.2f} | "
            f"{cells[0]} | {cells[1]} | {used} |"
        )
    return "\n".join(lines)


# Margins of the inner-fold rule that ``margins`` tabulates (UAR points).
MARGINS = (0.0, 0.5, 1.0, 1.5, 2.0)


def replay(out, task, source, seeds, n_folds, margin, repeats=None, arm="lib"):
    """``lib``'s UARs with the rule at ``margin``, and the folds using the source.

    ``mode="auto"`` fits exactly what ``mode="select"`` or
    ``mode="interpolate"`` fits once it has chosen, so the rule with margin
    ``m`` scores ``lib-select`` where ``lib``'s recorded inner means have
    select >= interpolate + m, and ``lib-interp`` elsewhere.  ``repeats``
    replays the rule on the first ``repeats`` draws of the inner folds (the
    library's draw r is the same whatever their number); None: the runs' own.
    None unless all three arms are cached with inner scores.
    """
    got = _replay_inputs(out, task, source, seeds, n_folds, repeats, arm)
    return None if got is None else _at_margin(*got, margin)


def _replay_inputs(out, task, source, seeds, n_folds, repeats=None, arm="lib"):
    """``(lead, select UARs, interpolate UARs)`` of ``replay``, or None.

    ``lead`` is select's mean inner UAR minus interpolation's, per seed and fold.
    """
    got = {
        name: load_scores(out, task, name, seeds, n_folds, source)
        for name in (arm, "lib-select", "lib-interp")
    }
    if any(v is None for v in got.values()):
        return None
    lead = [_lead(r, repeats) for r in got[arm][2]]
    if any(v is None for v in lead):
        return None
    lead = np.array(lead).reshape(len(seeds), n_folds)
    return lead, got["lib-select"][0], got["lib-interp"][0]


def _lead(run, repeats):
    """Select's mean inner UAR minus interpolation's in one ``lib`` run.

    From the run's inner fold scores when recorded (all of them, or the first
    ``repeats`` draws), else from its recorded means (rounded to 2 decimals,
    so a lead within 0.01 of the margin may replay either way).
    """
    from sklearn_cyclegan._floor import INNER_FOLDS

    folds = run.get("inner_folds")
    if folds is None:
        inner = run.get("inner")
        if inner is None and run.get("choice") == "smote":
            # No inner folds ran (a source smaller than the rows asked for):
            # interpolation at any margin.
            return -np.inf
        if repeats is not None or inner is None:
            return None
        return inner["select"] - inner["interpolate"]
    n = len(folds["select"]) if repeats is None else repeats * INNER_FOLDS
    if len(folds["select"]) < n:
        return None
    return float(np.mean(folds["select"][:n]) - np.mean(folds["interpolate"][:n]))


def _at_margin(lead, select, interpolate, margin):
    use = lead >= margin
    return np.where(use, select, interpolate), int(use.sum())


def margins(out, seeds, max_folds=None, repeats=None, arm="lib"):
    """Markdown: ``lib``'s rule at ``MARGINS``, against SMOTE, per (task, source)."""
    lines = [
        "| task | source | "
        + " | ".join(f"margin {m:g}: − SMOTE (source chosen)" for m in MARGINS)
        + " |",
        "| --- | --- |" + " --- |" * len(MARGINS),
    ]
    for task, source, n_folds in _lib_runs(out, max_folds, arm):
        smote = load_scores(out, task, "smote", seeds, n_folds, source)
        got = _replay_inputs(out, task, source, seeds, n_folds, repeats, arm)
        if smote is None or got is None:
            continue
        cells = [
            "{:+.2f} ± {:.2f} ({})".format(*paired(uar, smote[0]), n)
            for uar, n in (_at_margin(*got, m) for m in MARGINS)
        ]
        lines.append(f"| {task} | {source} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _lib_runs(out, max_folds, arm="lib"):
    """``(task, source, n_folds)`` of every cache folder holding ``arm``."""
    folders = {p.parent.name for p in (out / "cache").glob(f"*/{arm}")}
    for task in N_FOLDS:
        for source in SOURCE_NAMES:
            if task_dir(task, arm, source) in folders:
                yield task, source, min(max_folds or N_FOLDS[task], N_FOLDS[task])


def fit_times(corpus, seed=0, fold=0, source="film"):
    """Seconds of each sampler's ``fit_resample`` on one training fold, one thread."""
    from sklearn_cyclegan import CycleGANOversampler

    X_all, y_all, groups_all, profile, S, folds = load_task(corpus, source=source)
    train = folds[fold][0]
    keep = train[subsample(y_all[train], profile, np.random.default_rng([seed, fold]))]
    X, y, groups = X_all[keep], y_all[keep], groups_all[keep]
    samplers = {
        "SMOTE": lambda: SMOTE(random_state=seed).fit_resample(X, y),
        "source rows (pl)": lambda: SourceOverSampler(S).fit_resample(X, y),
        "floor rule + rows": lambda: FloorOverSampler(
            S, random_state=seed
        ).fit_resample(X, y, groups),
        f"CycleGANOversampler(source={source}, mode='translate')": lambda: (
            CycleGANOversampler(
                source=S, mode="translate", random_state=seed, device="cpu", n_threads=1
            ).fit_resample(X, y)
        ),
    }
    for name, fit in samplers.items():
        start = time.perf_counter()
        fit()
        print(f"| {name} | {time.perf_counter() - start:.1f} |", flush=True)


def _ints(text):
    return [int(v) for v in text.split(",") if v]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=list(N_FOLDS), default="nemo")
    parser.add_argument("--source", choices=SOURCE_NAMES, default="film")
    parser.add_argument("--arms", default="none,ros,smote,cw")
    parser.add_argument("--seeds", type=_ints, default=[0, 1, 2, 3, 4])
    parser.add_argument("--max-folds", type=int, default=None)
    parser.add_argument("--out", type=Path, default=OUT / "source_study")
    parser.add_argument("--table", action="store_true", help="only print the table")
    parser.add_argument(
        "--summary", action="store_true", help="only print every task's lib summary"
    )
    parser.add_argument(
        "--margin",
        type=float,
        default=None,
        help="with --summary: lib's rule replayed at this margin (needs lib-select,"
        " lib-interp)",
    )
    parser.add_argument(
        "--margins",
        action="store_true",
        help="only print lib's inner-fold rule at other margins (needs lib-select,"
        " lib-interp)",
    )
    parser.add_argument(
        "--inner-repeats",
        type=int,
        default=None,
        help="with --margins or --summary --margin: replay lib's rule on its first"
        " K draws of the inner folds (default: the runs' own)",
    )
    parser.add_argument(
        "--lib-arm",
        default="lib",
        help="with --margins: the lib arm whose inner scores are replayed",
    )
    parser.add_argument("--reference", default="smote", help="arm of the differences")
    parser.add_argument(
        "--fit-times", action="store_true", help="time each sampler on fold 0, seed 0"
    )
    args = parser.parse_args(argv)
    arms = [a for a in args.arms.split(",") if a]
    unknown = set(arms) - set(ARMS)
    if unknown:
        parser.error(f"unknown arms {sorted(unknown)}; choose from {ARMS}")
    if args.summary:
        print(
            summary(
                args.out, args.seeds, args.max_folds, args.margin, args.inner_repeats
            )
        )
        return
    if args.margins:
        print(
            margins(
                args.out, args.seeds, args.max_folds, args.inner_repeats, args.lib_arm
            )
        )
        return
    problem = source_problem(args.corpus, args.source)
    if problem:
        parser.error(f"{problem}: a source never holds the test speaker or corpus")
    import torch

    torch.set_num_threads(1)
    n_folds = N_FOLDS[args.corpus]
    if args.fit_times:
        print("| sampler | fit_resample seconds |\n| --- | --- |")
        fit_times(args.corpus, source=args.source)
        return
    if not args.table:
        start = time.perf_counter()
        n_folds = run(
            args.corpus, arms, args.seeds, args.out, args.max_folds, args.source
        )
        print(f"{time.perf_counter() - start:.0f} s", flush=True)
    print(
        table(
            args.out,
            args.corpus,
            args.seeds,
            args.max_folds or n_folds,
            args.reference,
            args.source,
        )
    )


if __name__ == "__main__":
    main()
