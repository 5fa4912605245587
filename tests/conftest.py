"""Shared fixtures: fast sampler settings and the real data.

The real data is read from ``$SKLEARN_CYCLEGAN_DATA``, else ``../shared/data``
(``benchmarks._paths.shared_data``, the benchmarks' helper); tests that need
it skip when it is absent.
"""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch

from benchmarks._paths import shared_data

DATA = shared_data()

# The test networks are tiny: one thread avoids the cost of waking a second one
# for every small matmul, which dominates their run time.
torch.set_num_threads(1)

# Small networks and few epochs: enough to exercise every code path.
FAST = {
    "generator_hidden": (16,),
    "pretrain_epochs": 2,
    "max_epochs": 2,
    "net_params": {
        "module__discriminator_hidden": (16,),
        "module__classifier_hidden": (8,),
    },
}


def fast_net(**net_params):
    """``FAST``'s ``net_params`` with more options, as a keyword argument."""
    return {"net_params": {**FAST["net_params"], **net_params}}


EMOTIONS = ["anger", "happy", "neutral", "sad"]


def assert_resampled(X, y, X_res, y_res, expected_new):
    """Original rows first and unchanged, then exactly ``expected_new`` synthetic rows.

    ``expected_new`` maps each class to its number of synthetic rows (classes
    with none left out); labels compare as Python objects, so mixed label
    types (strings, bools, numpy scalars) are checked as given.
    """
    n = len(y)
    X_res, y_res = np.asarray(X_res), np.asarray(y_res, dtype=object)
    np.testing.assert_array_equal(X_res[:n], np.asarray(X))
    np.testing.assert_array_equal(y_res[:n], np.array(y, dtype=object))
    assert Counter(y_res[n:].tolist()) == expected_new
    assert np.isfinite(X_res.astype(np.float64)).all()


def data_file(name):
    path = DATA / name
    if not path.exists():
        pytest.skip(f"real data {path} not available (see SKLEARN_CYCLEGAN_DATA)")
    return path


@pytest.fixture(scope="session")
def emodb():
    """EmoDB IS09 features, the paper's four classes: (X, y, speaker)."""
    frame = pd.read_csv(data_file("emodb_is09.csv.gz"))
    frame = frame[frame["label"].isin(EMOTIONS)].reset_index(drop=True)
    X = frame.drop(columns=["file", "speaker", "gender", "label"])
    return X, frame["label"].to_numpy(dtype=object), frame["speaker"].to_numpy()


@pytest.fixture(scope="session")
def tess():
    """TESS IS09 features, labels dropped: the unlabelled source corpus."""
    frame = pd.read_csv(data_file("tess_is09.csv.gz"))
    return frame.drop(columns=["speaker", "label"])


@pytest.fixture
def imbalanced():
    """Three shuffled Gaussian classes of exactly 120, 60 and 20 rows, 6 features."""
    rng = np.random.RandomState(0)
    y = rng.permutation(np.repeat([0, 1, 2], [120, 60, 20]))
    X = rng.normal(size=(len(y), 6)) + 1.5 * y[:, None]
    return X, y
