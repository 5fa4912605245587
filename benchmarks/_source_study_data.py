"""Tasks, sources and corpora of issue 22's source study (``source_study``).

A task names a training corpus and, for cross-corpus tasks, a test corpus
(``"nemo-urdu"``: train on nEMO, test on URDU).  A source is unlabelled rows
the source-using arms draw from; the rule from the issue is that a source
never holds the test speaker or the test corpus, so a task's training and
test corpora are never its sources.
"""

import numpy as np
import pandas as pd
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.preprocessing import StandardScaler

from benchmarks._paper_data import EMOTIONS
from benchmarks._paths import shared_data

META = ("file", "speaker", "gender", "label", "film", "language", "segment")
# Share of each class kept in a nEMO training fold (issue 22's profile).
PROFILE = {"neutral": 1.0, "happy": 0.5, "anger": 0.25, "sad": 0.15}
# Augmentation tasks ask every row-making arm for round(AUGMENT * n_c) more
# rows of each class c instead of balancing: on a near-balanced corpus
# there is nothing to balance, so the question becomes whether extra rows help.
AUGMENT = 0.5
AUGMENTED = {"nemo-bal"}
# Cross-corpus tasks: training corpus - test corpus (films not in the source).
CROSS = {
    "nemo-urdu": "urdu",
    "emodb-chicken_run": "chicken_run",
    "nemo-emodb": "emodb",
    "emodb-nemo": "nemo",
    "emodb-urdu": "urdu",
    "nemo-chicken_run": "chicken_run",
}
N_FOLDS = {
    "nemo": 9,
    "emodb": 10,
    "nemo-urdu": 1,
    "emodb-chicken_run": 1,
    "nemo-bal": 9,
    "nemo-emodb": 1,
    "emodb-nemo": 1,
    "emodb-urdu": 1,
    "nemo-chicken_run": 1,
}
# Unlabelled sources: the film dialogue, or labelled corpora with every row
# (all emotions) and the labels dropped.  "pool" stacks every allowed one.
SOURCES = {
    "film": "cartoons_source_is09.csv.gz",
    "tess": "tess_is09.csv.gz",
    "urdu": "urdu_is09.csv.gz",
    "nemo": "nemo_is09.csv.gz",
    "emodb": "emodb_is09.csv.gz",
}
# A negative control, never pooled: the film with each column shuffled on its
# own (fixed seed), so every feature keeps its values and the rows lose any
# structure.  Whatever the library's default gains from it is chance, and the
# inner folds should leave it out.
SHUFFLED = "shuffled"
SOURCE_NAMES = [*SOURCES, "pool", SHUFFLED]


def _read(name):
    data = shared_data()
    if not (data / name).exists():
        raise FileNotFoundError(
            f"{data / name} is missing; set SKLEARN_CYCLEGAN_DATA to the shared data."
        )
    return pd.read_csv(data / name)


def corpora(task):
    """``(training corpus, test corpus)`` of ``task``."""
    train = task.split("-")[0]
    return train, CROSS.get(task, train)


def allowed_sources(task):
    """The single sources ``task`` may use: neither its training nor test corpus."""
    return [s for s in SOURCES if s not in corpora(task)]


def source_problem(task, source):
    """Why ``source`` may not serve ``task``, or None when it may."""
    train, test = corpora(task)
    if source == train:
        return (
            f"source {source!r} is the training corpus of {task!r}: it would hold"
            " the test speaker"
            if train == test
            else f"source {source!r} is the training corpus of {task!r}"
        )
    if source == test:
        return f"source {source!r} is the test corpus of {task!r}"
    if source not in SOURCE_NAMES:
        return f"unknown source {source!r}; choose from {SOURCE_NAMES}"
    return None


def load_corpus(name, columns=None):
    """``(X, y, speaker, columns)`` of the four-class rows of corpus ``name``."""
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
    )


def load_source(columns, name="film", task=None):
    """Unlabelled rows of source ``name`` in ``columns``' order.

    ``"pool"`` stacks every source ``task`` allows, each z-normalised on its
    own first (corpora differ in level and spread); a single source stays
    raw, as every arm maps it to the training rows itself.
    """
    if name == "pool":
        return np.vstack(
            [
                StandardScaler().fit_transform(load_source(columns, part))
                for part in allowed_sources(task)
            ]
        )
    if name == SHUFFLED:
        rows = load_source(columns, "film")
        rng = np.random.default_rng(0)
        return np.column_stack([rng.permutation(column) for column in rows.T])
    return _read(SOURCES[name])[columns].to_numpy(float)


def load_task(corpus, max_folds=None, source="film"):
    """Rows, labels, groups, profile, source and ``[(train, X_test, y_test)]``.

    ``nemo``, ``nemo-bal`` and ``emodb`` are leave one speaker out; a
    cross-corpus task trains on all of its training corpus and tests on the
    test corpus, each z-normalised on its own (the source stays raw: every
    arm maps it to the training rows itself).
    """
    train_corpus, test_corpus = corpora(corpus)
    X, y, groups, columns = load_corpus(train_corpus)
    profile = PROFILE if train_corpus == "nemo" and corpus not in AUGMENTED else None
    S = load_source(columns, source, corpus)
    if corpus in CROSS:
        X_test, y_test, *_ = load_corpus(test_corpus, columns)
        X = StandardScaler().fit_transform(X)
        X_test = StandardScaler().fit_transform(X_test)
        return X, y, groups, profile, S, [(np.arange(len(y)), X_test, y_test)]
    splits = LeaveOneGroupOut().split(X, y, groups)
    folds = [(train, X[test], y[test]) for train, test in splits][:max_folds]
    return X, y, groups, profile, S, folds


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


def augmented(y):
    """Target counts of an augmentation task: ``{c: n_c + round(AUGMENT * n_c)}``.

    Also an imbalanced-learn ``sampling_strategy`` callable (it returns the
    counts wanted after resampling, as a dict strategy gives them).
    """
    classes, counts = np.unique(y, return_counts=True)
    return {c: int(n + round(AUGMENT * n)) for c, n in zip(classes, counts)}
