"""The KEEL tables benchmark: loading, one fold, caching and the paired verdicts."""

import json

import numpy as np
import pandas as pd
import pytest

from benchmarks import tables

needs_keel = pytest.mark.skipif(
    not tables.DATA.is_dir(), reason=f"{tables.DATA} is absent (shared data)"
)


def test_wins_ties_losses_needs_a_consistent_paired_difference():
    rng = np.random.default_rng(0)
    base = rng.uniform(0.6, 0.9, size=(3, 15))
    better = base + 0.05 + rng.normal(0, 0.005, size=base.shape)
    noisy = base + rng.normal(0, 0.05, size=base.shape)
    assert tables.wins_ties_losses(better, base) == (3, 0, 0)
    assert tables.wins_ties_losses(base, better) == (0, 0, 3)
    assert tables.wins_ties_losses(base, base) == (0, 3, 0)
    assert tables.wins_ties_losses(noisy[:1], base[:1])[1] == 1


@needs_keel
def test_abalone_is_numeric_with_its_category_one_hot():
    X, y = tables.load_table("abalone19")
    assert X.dtype == np.float64 and X.shape[1] == 10
    assert set(np.unique(y)) == {0, 1} and 0 < y.mean() < 0.05


@needs_keel
def test_one_fold_scores_every_classifier_and_caches(tmp_path):
    result = tables.run_fold("glass5", 0, 0, "cyclegan", 0, {}, ("lr", "hgb"))
    assert set(result["scores"]) == {"lr", "hgb"}
    assert all(0 <= s <= 1 for s in result["scores"].values())
    tables.main(
        [
            "--tables",
            "glass5",
            "--repeats",
            "1",
            "--samplers",
            "smote",
            "--n-jobs",
            "1",
            "--out",
            str(tmp_path),
        ]
    )
    cached = sorted((tmp_path / "smote").glob("glass5_r0_f*.json"))
    assert len(cached) == 5
    assert set(json.loads(cached[0].read_text())["scores"]) == set(tables.CLASSIFIERS)


@needs_keel
def test_categorical_samplers_get_raw_categories_and_standardised_numbers():
    frame, y = tables.load_frame("abalone9-18")
    train, test = np.arange(0, len(y), 2), np.arange(1, len(y), 2)
    X_train, X_test, encode = tables._standardised_frames(frame, train, test)
    assert isinstance(X_train["Sex"].dtype, pd.CategoricalDtype)
    numeric = X_train.drop(columns="Sex")
    np.testing.assert_allclose(numeric.mean(), 0, atol=1e-12)
    assert encode.fit(X_train).transform(X_test).shape == (len(test), 10)
    for sampler in tables.CATEGORICAL_SAMPLERS:
        result = tables.run_fold("abalone9-18", 0, 0, sampler, 0, {}, ("lr",))
        assert result["note"] == "" and 0.5 < result["scores"]["lr"] <= 1
