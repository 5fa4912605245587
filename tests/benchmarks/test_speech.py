"""The speech benchmark's cache, pairing and pipelines."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from benchmarks import speech

from ..conftest import FAST


def test_paired_differences_are_per_seed_with_their_standard_error():
    ours = np.array([[0.80, 0.90], [0.70, 0.70]])
    smote = np.array([[0.70, 0.90], [0.70, 0.80]])
    mean, se, wins, losses = speech.paired(ours, smote)
    # Per-seed differences: +5 and -5 points.
    assert mean == pytest.approx(0.0)
    assert se == pytest.approx(5.0)
    assert (wins, losses) == (1, 1)


def test_before_scaler_puts_the_sampler_first():
    settings = {"n_synthetic": 40, "cyclegan": FAST}
    sources = {"film": None}
    after = speech.make_pipeline("ours film", 0, [0, 1], sources, settings)
    before = speech.make_pipeline(
        "ours film" + speech.BEFORE, 0, [0, 1], sources, settings
    )
    assert [n for n, _ in after.steps] == ["scale", "aug", "clf"]
    assert [n for n, _ in before.steps] == ["aug", "scale", "clf"]
    unscaled = speech.make_pipeline("smote", 0, [0, 1], sources, settings, False)
    assert [n for n, _ in unscaled.steps] == ["aug", "clf"]


def test_run_caches_each_setting_and_seed_and_resumes(monkeypatch, tmp_path):
    X, y = make_classification(120, 6, weights=[0.7], random_state=0)
    splits = [(X[:80], y[:80], X[80:], y[80:]), (X[40:], y[40:], X[:40], y[:40])]
    calls = []

    def task():
        calls.append(1)
        return splits, np.unique(y), {"none": None}, True

    monkeypatch.setitem(speech.TASKS, "loso", task)
    settings = {"max_folds": None, "n_synthetic": 100, "cyclegan": FAST}
    first = speech.run("loso", ["none", "smote"], [0], settings, tmp_path)
    assert first["smote"]["scores"].shape == (1, 2)
    assert len(list((tmp_path / "loso").glob("*.json"))) == 2
    # A second seed computes only that seed; the first comes from the cache.
    second = speech.run("loso", ["none", "smote"], [0, 1], settings, tmp_path)
    np.testing.assert_array_equal(
        second["none"]["scores"][0], first["none"]["scores"][0]
    )
    assert len(calls) == 2
    speech.run("loso", ["none", "smote"], [0, 1], settings, tmp_path)
    assert len(calls) == 2
