"""Does a source earn its place?  Issue 22's study: imbalanced LOSO, one idea at a time.

Run from the repository root, one thread, one process (results are cached per
(corpus, arm, seed, fold) under ``--out``, so an interrupted run resumes)::

    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
    python -m benchmarks.source_study --corpus nemo --arms none,ros,smote,cw,pl
    python -m benchmarks.source_study --corpus nemo --arms ours,ours-cur5 --seeds 0,1
    python -m benchmarks.source_study --corpus nemo --table
    python -m benchmarks.source_study --corpus nemo --fit-times

Protocol.  ``nemo``: nEMO's four classes (neutral, happy, anger, sad), leave
one speaker out (9 folds).  Inside each training fold only, the classes are
subsampled to neutral 100 % / happy 50 % / anger 25 % / sad 15 % of their rows
(seeded by the run seed and the fold); the test speaker is untouched.
``emodb``: EmoDB's four classes as they come (127 / 79 / 71 / 62), 10 folds.
``nemo-urdu``: train on nEMO (same profile), test on URDU, each corpus
z-normalised on its own; ``emodb-chicken_run`` likewise from EmoDB to the
labelled film Chicken Run (both dubs; not in the source).  Data come from
``$SKLEARN_CYCLEGAN_DATA`` (default ``../shared/data`` beside the checkout).
Every arm turns the training rows into (rows, labels, weights); a
``StandardScaler`` fitted on those rows and ``MLPClassifier(100, 100)``
(``max_iter=200``, no early stopping, ``random_state=seed``) follow, so the
sampler sits before the scaler.  The score is UAR (balanced accuracy) on the
test speaker.  The source is the unlabelled film corpus
(``cartoons_source_is09.csv.gz``, 13,254 rows), never labelled data.

Arms:

* ``none``, ``ros``, ``smote``; ``cw``: no rows, ``sample_weight`` inversely
  proportional to the class counts (``MLPClassifier.fit`` takes it).
* ``pl``: untranslated pseudo-labelled source rows (``source_rows``).
* ``smote-cur5`` / ``ours-cur5``: five times the rows needed, the most
  confident per class kept (``curate``), as the control for each other.
* ``ours``: ``CycleGANOversampler(source=film, random_state=seed)``, defaults.
* ``ours-std``: ``ours`` with its synthetic set z-normalised on its own and
  mapped to the training rows' per-feature mean and std (the authors' code).
* ``gate-post``: class k's generator of the ``ours`` fit applied to the
  source rows ``pl`` picks for class k (translation after gating).
* ``gate-train``: per minority class k, a default ``CycleGANOversampler``
  whose source is only the rows ``pl`` picks for k, translating exactly those.
* ``floor``: ``pl`` or ``smote``, whichever scores the higher UAR over three
  group folds of the training speakers (``FloorOverSampler``); ``floor-lr``
  decides with a logistic regression instead of the evaluation MLP.
"""

import argparse
import json
import time
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn.base import BaseSampler
from imblearn.over_sampling import SMOTE, RandomOverSampler
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods

from benchmarks._paper_data import EMOTIONS
from benchmarks._paths import OUT, shared_data

META = ("file", "speaker", "gender", "label", "film", "language", "segment")
# Share of each class kept in a nEMO training fold (issue 22's profile).
PROFILE = {"neutral": 1.0, "happy": 0.5, "anger": 0.25, "sad": 0.15}
# Cross-corpus tasks: training corpus-test corpus.
# Cross-corpus tasks: train corpus - test corpus (a film not in the source).
CROSS = {"nemo-urdu": "urdu", "emodb-chicken_run": "chicken_run"}
N_FOLDS = {"nemo": 9, "emodb": 10, "nemo-urdu": 1, "emodb-chicken_run": 1}
ARMS = [
    "none",
    "ros",
    "smote",
    "cw",
    "pl",
    "smote-cur5",
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
]


# The library's own sampler: its default with the source, and two ablations.
LIBRARY_ARMS = {
    "lib": {},
    "lib-noclip": {"enforce_min_max_values": False},
    "lib-interp": {"mode": "interpolate"},
}


# -- data ---------------------------------------------------------------------


def _read(name):
    data = shared_data()
    if not (data / name).exists():
        raise FileNotFoundError(
            f"{data / name} is missing; set SKLEARN_CYCLEGAN_DATA to the shared data."
        )
    return pd.read_csv(data / name)


def load_corpus(name, columns=None):
    """``(X, y, speaker, columns, profile)`` of the four-class corpus ``name``."""
    frame = _read(f"{name}_is09.csv.gz")
    frame = frame[frame["label"].isin(EMOTIONS)].reset_index(drop=True)
    if columns is None:
        columns = [c for c in frame.columns if c not in META]
    return (
        frame[columns].to_numpy(float),
        frame["label"].to_numpy(dtype=object),
        # The film has no speakers; its segments stand in (it is only tested on).
        frame.get("speaker", frame.get("segment")).astype(str).to_numpy(),
        columns,
        PROFILE if name == "nemo" else None,
    )


def load_task(corpus, max_folds=None):
    """Rows, labels, groups, profile, source and ``[(train, X_test, y_test)]``.

    ``nemo`` and ``emodb`` are leave one speaker out; ``nemo-urdu`` trains on
    all of nEMO and tests on URDU, each corpus z-normalised on its own (the
    source stays raw: every arm maps it to the training rows itself).
    """
    train_corpus = corpus.split("-")[0]
    X, y, groups, columns, profile = load_corpus(train_corpus)
    S = load_source(columns)
    if corpus in CROSS:
        X_test, y_test, *_ = load_corpus(CROSS[corpus], columns)
        X = StandardScaler().fit_transform(X)
        X_test = StandardScaler().fit_transform(X_test)
        return X, y, groups, profile, S, [(np.arange(len(y)), X_test, y_test)]
    splits = LeaveOneGroupOut().split(X, y, groups)
    folds = [(train, X[test], y[test]) for train, test in splits][:max_folds]
    return X, y, groups, profile, S, folds


def load_source(columns):
    """The unlabelled film dialogue rows (13,254) in ``columns``' order."""
    return _read("cartoons_source_is09.csv.gz")[columns].to_numpy(float)


def subsample(y, profile, rng):
    """Indices keeping ``profile[c]`` of each class ``c`` (all rows when None)."""
    if profile is None:
        return np.arange(len(y))
    keep = [
        rng.choice(idx, int(round(profile[c] * len(idx))), replace=False)
        for c in profile
        for idx in [np.flatnonzero(y == c)]
    ]
    return np.sort(np.concatenate(keep))


def needed(y):
    """Rows each class lacks to match the largest: ``{class: n}``."""
    classes, counts = np.unique(y, return_counts=True)
    return {
        c: int(counts.max() - n) for c, n in zip(classes, counts) if n < counts.max()
    }


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
    Classes that need the most rows choose first.
    """
    proba = scorer.predict_proba(S_aligned)
    column = {c: i for i, c in enumerate(scorer.classes_)}
    top = proba.argmax(axis=1)
    used = np.zeros(len(S_aligned), dtype=bool)
    picks = {}
    for c in sorted(counts, key=counts.get, reverse=True):
        p = proba[:, column[c]]
        order = np.lexsort((-p, top != column[c]))
        order = order[~used[order]][: counts[c]]
        used[order] = True
        picks[c] = order
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
    """

    _sampling_type = "over-sampling"
    _parameter_constraints = {"source": ["array-like"]}

    def __init__(self, source, sampling_strategy="auto"):
        super().__init__(sampling_strategy=sampling_strategy)
        self.source = source

    def _fit_resample(self, X, y):
        counts = needed(y)
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
            "smote": SMOTE(random_state=self.random_state),
            "pl": SourceOverSampler(self.source),
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


# -- one fold -----------------------------------------------------------------


def fit_score(X, y, weight, X_test, y_test, seed, estimator=None):
    """UAR of scaler + MLP (or ``estimator``) fitted on ``(X, y, weight)``."""
    scaler = StandardScaler().fit(X)
    clf = classifier(seed) if estimator is None else clone(estimator)
    clf.fit(scaler.transform(X), y, sample_weight=weight)
    return balanced_accuracy_score(y_test, clf.predict(scaler.transform(X_test)))


class Fold:
    """One (seed, fold): the subsampled training rows and what arms share."""

    def __init__(self, X, y, groups, X_test, y_test, S, seed):
        self.X, self.y, self.groups = X, y, groups
        self.X_test, self.y_test, self.S, self.seed = X_test, y_test, S, seed
        self.counts = needed(y)
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
            return (*RandomOverSampler(random_state=seed).fit_resample(X, y), None)
        if name == "smote":
            return (*SMOTE(random_state=seed).fit_resample(X, y), None)
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
            source=self.S, random_state=self.seed, n_threads=1, **params
        )
        X, y = sampler.fit_resample(self.X, self.y, groups=self.groups)
        uar = fit_score(X, y, None, self.X_test, self.y_test, self.seed)
        return {
            "uar": uar,
            "choice": "pl" if sampler.mode_ == "select" else "smote",
            "seconds": time.perf_counter() - start,
        }

    def run(self, name, scores):
        """``{"uar": ..., "seconds": ...}`` of arm ``name``.

        ``scores`` maps arm names to this fold's finished results, so that
        ``floor`` reuses the chosen candidate's score instead of refitting it.
        """
        start = time.perf_counter()
        if name in ("floor", "floor-lr"):
            estimator = (
                LogisticRegression(max_iter=2000) if name == "floor-lr" else None
            )
            floor = FloorOverSampler(
                self.S, random_state=self.seed, estimator=estimator
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
            return self.library_default(start, **LIBRARY_ARMS[name])
        X, y, weight = self.arm(name)
        uar = fit_score(X, y, weight, self.X_test, self.y_test, self.seed)
        result = {"uar": uar, "seconds": time.perf_counter() - start}
        if name == "ours":
            result["cyclegan_seconds"] = self.cyclegan_seconds
        return result


# -- driver -------------------------------------------------------------------


def _path(out, corpus, arm, seed, fold):
    return out / "cache" / corpus / arm / f"seed{seed}_fold{fold}.json"


def run(corpus, arms, seeds, out, max_folds=None):
    """Fill the cache for ``arms`` x ``seeds`` x folds, seed-major; print progress."""
    X_all, y_all, groups_all, profile, S, folds = load_task(corpus, max_folds)
    # ``floor`` reads the outer scores of its candidates.
    order = [
        a
        for a in ARMS
        if a in arms or (a in ("smote", "pl") and {"floor", "floor-lr"} & set(arms))
    ]
    for seed in seeds:
        for f, (train, X_test, y_test) in enumerate(folds):
            todo = [a for a in order if not _path(out, corpus, a, seed, f).exists()]
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
            )
            scores = {
                a: json.loads(_path(out, corpus, a, seed, f).read_text())
                for a in order
                if a not in todo
            }
            for arm in todo:
                scores[arm] = fold.run(arm, scores)
                path = _path(out, corpus, arm, seed, f)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(scores[arm]))
            print(
                f"{corpus} seed {seed} fold {f}: "
                + ", ".join(f"{a} {100 * scores[a]['uar']:.1f}" for a in todo),
                flush=True,
            )
    return len(folds)


def load_scores(out, corpus, arm, seeds, n_folds):
    """``(n_seeds, n_folds)`` UARs in %, or None if any is missing."""
    paths = [_path(out, corpus, arm, s, f) for s in seeds for f in range(n_folds)]
    if not all(p.exists() for p in paths):
        return None
    runs = [json.loads(p.read_text()) for p in paths]
    uar = 100 * np.array([r["uar"] for r in runs]).reshape(len(seeds), n_folds)
    seconds = float(np.mean([r["seconds"] for r in runs]))
    return uar, seconds, runs


def table(out, corpus, seeds, n_folds, reference="smote"):
    """Markdown: mean UAR, per seed, paired difference to ``reference`` ± SE."""
    ref = load_scores(out, corpus, reference, seeds, n_folds)
    lines = [
        f"| arm | UAR % | per seed | − {reference} (± SE over seeds) | wins / losses"
        " (seed, fold) | s per fold |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for arm in ARMS:
        got = load_scores(out, corpus, arm, seeds, n_folds)
        if got is None:
            continue
        uar, seconds, runs = got
        per_seed = uar.mean(axis=1)
        diff = per_seed - ref[0].mean(axis=1)
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
        note = ""
        if arm.startswith("floor") or arm in ("lib", "lib-noclip"):
            note = (
                f" (source chosen in {sum(r['choice'] == 'pl' for r in runs)}"
                f"/{len(runs)} folds)"
            )
        lines.append(
            f"| {arm}{note} | {per_seed.mean():.2f} | "
            + " / ".join(f"{v:.1f}" for v in per_seed)
            + f" | {diff.mean():+.2f} ± {se:.2f} | {int((uar > ref[0]).sum())} / "
            f"{int((uar < ref[0]).sum())} | {seconds:.1f} |"
        )
    return "\n".join(lines)


def fit_times(corpus, seed=0, fold=0):
    """Seconds of each sampler's ``fit_resample`` on one training fold, one thread."""
    from sklearn_cyclegan import CycleGANOversampler

    X_all, y_all, groups_all, profile, S, folds = load_task(corpus)
    train = folds[fold][0]
    keep = train[subsample(y_all[train], profile, np.random.default_rng([seed, fold]))]
    X, y, groups = X_all[keep], y_all[keep], groups_all[keep]
    samplers = {
        "SMOTE": lambda: SMOTE(random_state=seed).fit_resample(X, y),
        "source rows (pl)": lambda: SourceOverSampler(S).fit_resample(X, y),
        "floor rule + rows": lambda: FloorOverSampler(
            S, random_state=seed
        ).fit_resample(X, y, groups),
        "CycleGANOversampler(source=film, mode='translate')": lambda: (
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
    parser.add_argument("--arms", default="none,ros,smote,cw")
    parser.add_argument("--seeds", type=_ints, default=[0, 1, 2, 3, 4])
    parser.add_argument("--max-folds", type=int, default=None)
    parser.add_argument("--out", type=Path, default=OUT / "source_study")
    parser.add_argument("--table", action="store_true", help="only print the table")
    parser.add_argument("--reference", default="smote", help="arm of the differences")
    parser.add_argument(
        "--fit-times", action="store_true", help="time each sampler on fold 0, seed 0"
    )
    args = parser.parse_args(argv)
    arms = [a for a in args.arms.split(",") if a]
    unknown = set(arms) - set(ARMS)
    if unknown:
        parser.error(f"unknown arms {sorted(unknown)}; choose from {ARMS}")
    import torch

    torch.set_num_threads(1)
    n_folds = N_FOLDS[args.corpus]
    if args.fit_times:
        print("| sampler | fit_resample seconds |\n| --- | --- |")
        fit_times(args.corpus)
        return
    if not args.table:
        start = time.perf_counter()
        n_folds = run(args.corpus, arms, args.seeds, args.out, args.max_folds)
        print(f"{time.perf_counter() - start:.0f} s", flush=True)
    print(
        table(
            args.out, args.corpus, args.seeds, args.max_folds or n_folds, args.reference
        )
    )


if __name__ == "__main__":
    main()
