"""Saving and loading fitted samplers and pipelines with pickle and joblib."""

import pickle

import joblib
import numpy as np
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST


@pytest.fixture(scope="module")
def fitted(request):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=120, n_features=5, weights=[0.8, 0.2], random_state=1
    )
    sampler = CycleGANOversampler(random_state=0, **FAST)
    sampler.fit_resample(X, y)
    return sampler, X, y


def _joblib_roundtrip(obj, tmp_path):
    joblib.dump(obj, tmp_path / "model.joblib")
    return joblib.load(tmp_path / "model.joblib")


@pytest.mark.parametrize(
    "roundtrip",
    [
        lambda obj, _: pickle.loads(pickle.dumps(obj)),
        _joblib_roundtrip,
    ],
    ids=["pickle", "joblib"],
)
def test_loaded_sampler_samples_the_same_rows(fitted, tmp_path, roundtrip):
    sampler, X, _ = fitted
    X_before, y_before = sampler.sample(7)
    loaded = roundtrip(sampler, tmp_path)
    X_after, y_after = loaded.sample(7)
    np.testing.assert_array_equal(X_after, X_before)
    np.testing.assert_array_equal(y_after, y_before)
    np.testing.assert_array_equal(loaded.transfer(X[:4], 1), sampler.transfer(X[:4], 1))
    assert len(loaded.history_) == len(sampler.history_)


def test_loaded_pipeline_predicts_the_same(fitted, tmp_path):
    _, X, y = fitted
    pipeline = make_pipeline(
        CycleGANOversampler(random_state=0, **FAST), LogisticRegression()
    ).fit(X, y)
    loaded = _joblib_roundtrip(pipeline, tmp_path)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))
    X_before, _ = pipeline[0].sample(3)
    np.testing.assert_array_equal(loaded[0].sample(3)[0], X_before)


def test_skops_cannot_save_the_torch_networks(fitted):
    # Documented in the user guide: skops has no loader for torch tensors, so
    # pickle/joblib (trusted files only) is the supported format.
    sio = pytest.importorskip("skops.io")
    with pytest.raises(Exception):  # noqa: B017 - skops raises a RuntimeError from torch
        sio.dumps(fitted[0])
