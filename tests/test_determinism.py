"""Determinism: one seed, the same rows across processes, threads and pickles.

docs/what-can-go-wrong.md lists the failure modes these tests provoke.
"""

import pickle

import numpy as np
import torch
from imblearn.pipeline import make_pipeline
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate

from sklearn_cyclegan import (
    CycleGANOversampler,
)

from ._failures import SHORT
from .conftest import FAST


def _synthetic_rows(X, y, n_threads):
    torch.set_num_threads(n_threads)
    X_res, _ = CycleGANOversampler(random_state=0, **SHORT).fit_resample(X, y)
    return X_res[len(X) :]


def test_same_seed_same_rows_in_other_processes_and_thread_counts(imbalanced):
    X, y = imbalanced
    mine = _synthetic_rows(X, y, 1)
    # Two loky worker processes, with one and two torch threads.  The pool
    # stays up, so the cross-validation test below reuses warm workers.
    others = Parallel(n_jobs=2, backend="loky")(
        delayed(_synthetic_rows)(X, y, n) for n in (1, 2)
    )
    for rows in others:
        np.testing.assert_array_equal(rows, mine)


def test_same_seed_same_rows_after_pickling(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, **FAST)
    copy = pickle.loads(pickle.dumps(sampler))
    X_a, _ = sampler.fit_resample(X, y)
    X_b, _ = copy.fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    fitted = pickle.loads(pickle.dumps(sampler))
    np.testing.assert_array_equal(fitted.sample(20)[0], sampler.sample(20)[0])


def test_fits_in_two_threads_of_one_process_give_the_same_rows(imbalanced):
    # torch's generator is global: unserialised fits drew each other's masks.
    X, y = imbalanced
    source = np.random.default_rng(0).normal(size=(200, X.shape[1]))

    def fit():
        sampler = CycleGANOversampler(
            source=source, mode="translate", random_state=0, **SHORT
        )
        return sampler.fit_resample(X, y)[0]

    alone = fit()
    rows = Parallel(n_jobs=2, backend="threading")(delayed(fit)() for _ in range(2))
    for other in rows:
        np.testing.assert_array_equal(other, alone)


def test_different_seeds_give_different_rows(imbalanced):
    X, y = imbalanced
    X_a, _ = CycleGANOversampler(random_state=0, **FAST).fit_resample(X, y)
    X_b, _ = CycleGANOversampler(random_state=1, **FAST).fit_resample(X, y)
    np.testing.assert_array_equal(X_a[: len(X)], X_b[: len(X)])
    assert not np.isclose(X_a[len(X) :], X_b[len(X) :]).any(axis=1).all()


def test_cross_validation_same_rows_for_n_jobs_1_and_2(imbalanced):
    X, y = imbalanced
    pipe = make_pipeline(
        CycleGANOversampler(random_state=0, **FAST), LogisticRegression()
    )
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    runs = [
        cross_validate(pipe, X, y, cv=cv, n_jobs=n_jobs, return_estimator=True)
        for n_jobs in (1, 2)
    ]
    for serial, parallel in zip(*(run["estimator"] for run in runs)):
        rows = [p[0].sample(30)[0] for p in (serial, parallel)]
        np.testing.assert_array_equal(*rows)
    np.testing.assert_array_equal(runs[0]["test_score"], runs[1]["test_score"])
