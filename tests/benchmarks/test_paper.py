"""The paper benchmark's smallest pieces, on the real EmoDB and TESS data."""

import numpy as np
import pytest

from benchmarks import _paper_experiments as ex
from benchmarks._paper_samplers import resampled
from sklearn_cyclegan import CycleGANOversampler

from ..conftest import FAST


def test_synthetic_only_keeps_exactly_the_generated_rows(emodb, tess, tmp_path):
    from joblib import Memory

    X, y, _ = emodb
    X = X.to_numpy()
    sampler = CycleGANOversampler(
        sampling_strategy=dict.fromkeys(np.unique(y), 140),
        source=tess,
        random_state=0,
        device="cpu",
        **FAST,
    )
    memory = Memory(tmp_path, verbose=0)
    X_all, y_all = resampled(sampler, "all", memory).fit_resample(X, y)
    X_syn, y_syn = resampled(sampler, "synthetic", memory).fit_resample(X, y)
    np.testing.assert_array_equal(X_all[: len(X)], X)
    np.testing.assert_array_equal(X_syn, X_all[len(X) :])
    np.testing.assert_array_equal(y_syn, y_all[len(y) :])
    # 140 rows per class in all: 13 new anger rows (127 real), 78 new sad (62 real).
    counts = dict(zip(*np.unique(y_syn, return_counts=True)))
    assert counts == {"anger": 13, "happy": 69, "neutral": 61, "sad": 78}
    # The second step reused the first one's fit instead of training again.
    assert len(list(tmp_path.rglob("output.pkl"))) == 1


def test_quick_cv_scores_every_row_on_real_speakers(emodb, tess, tmp_path):
    X, y, speaker = emodb
    classes = np.unique(y)
    from joblib import Memory

    def make(seed):
        return ex.table2_pipelines(
            seed,
            classes,
            tess[X.columns].to_numpy(),
            n_synthetic=130,
            lambdas=(2.0,),
            baselines=("none",),
            cyclegan_params=FAST,
            memory=Memory(tmp_path, verbose=0),
        )

    result = ex.run_cv(make, X.to_numpy(), y, speaker, seeds=[0], max_folds=1)
    assert set(result["scores"]) == {"none", "real+syn lcls=2", "syn lcls=2"}
    for scores in result["scores"].values():
        assert scores.shape == (1, 1) and 0 <= scores[0, 0] <= 1
    # Speaker 03 is the first fold; without augmentation the MLP is far above chance.
    assert result["scores"]["none"][0, 0] > 0.5
    first = np.sort(np.unique(speaker))[0]
    np.testing.assert_array_equal(result["y"], y[speaker == first])
    # One cached over-sampler fit per fold served both CycleGAN pipelines.
    assert len(list(tmp_path.rglob("output.pkl"))) == 1


def test_feature_gaps_of_identical_sets_are_zero_and_grow_with_a_shift(emodb):
    X, y, _ = emodb
    X = X.to_numpy()
    gaps = ex.feature_gaps(X, y, X, {"same": (X, y), "shifted": (X + X.std(0), y)})
    assert gaps["target-same"] == pytest.approx(0.0, abs=1e-12)
    assert gaps["target-shifted"] > 0.05
    assert gaps["target-source"] > 0  # class means differ from the pooled mean
