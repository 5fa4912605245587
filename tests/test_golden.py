"""The same rows for the same random_state: outputs pinned before a refactor.

``tests/data/golden.npz`` holds, per case, a SHA-256 digest of the synthetic
rows (and of ``sample``/``transfer`` output where a case draws them), their
column sums and their first rows.  It was written by the code of commit
1cc48a6, before the sampler was split into stages and its network options
moved to ``net_params``; the cases below express the same settings with the
current parameters.  Equality is exact: the refactor changes no arithmetic.
"""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from sklearn_cyclegan import CycleGANOversampler

from .conftest import EMOTIONS, data_file

GOLDEN = Path(__file__).parent / "data" / "golden.npz"
HEAD_ROWS = 3
SMALL = {"generator_hidden": (16,), "pretrain_epochs": 2, "max_epochs": 2}


def _numeric():
    X, y = make_classification(
        n_samples=300, n_features=8, weights=[0.8, 0.2], random_state=0
    )
    return X, y, {}, {}


def _numeric_source():
    X, y = make_classification(
        n_samples=200,
        n_features=6,
        n_informative=3,
        n_classes=3,
        weights=[0.6, 0.3, 0.1],
        random_state=1,
    )
    source = np.random.default_rng(2).normal(size=(150, 6))
    # Every option that left the constructor, set away from its default.
    net_params = {
        "module__discriminator_hidden": (16,),
        "module__classifier_hidden": (8,),
        "module__dropout": 0.1,
        "module__classifier_dropout": 0.3,
        "module__negative_slope": 0.1,
        "criterion__real_label": 1.0,
        "optimizer__betas": (0.9, 0.99),
        "lr_decay": 0.5,
        "lr_decay_every": 1,
        "generator_steps": 2,
    }
    # mode="translate": the CycleGAN rows pinned before modes existed.
    params = {**SMALL, "source": source, "net_params": net_params}
    return X, y, {**params, "mode": "translate"}, {}


def _paper_pooled():
    X, y = make_classification(
        n_samples=120, n_features=5, random_state=3, weights=[0.7, 0.3]
    )
    params = {
        **SMALL,
        "preset": "paper",
        "net_params": {
            "module__discriminator_hidden": (16,),
            "module__classifier_hidden": (8,),
        },
    }
    return X, y, params, {}


def _categorical():
    rng = np.random.default_rng(4)
    n = 90
    y = np.repeat([0, 1, 2], [50, 30, 10])
    X = pd.DataFrame(
        {
            "size": rng.normal(size=n) + y,
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
            "kind": rng.choice(["a", "b"], n).astype(object),
            "count": rng.integers(0, 9, n),
        }
    )
    return X, y, {"categorical_features": "auto"}, {}


def _categorical_trained():
    X, y, params, _ = _categorical()
    return X, y, {**params, **SMALL}, {}


def _emodb():
    frame = pd.read_csv(data_file("emodb_is09.csv.gz"))
    frame = frame[frame["label"].isin(EMOTIONS)].reset_index(drop=True)
    X = frame.drop(columns=["file", "speaker", "gender", "label"])
    source = pd.read_csv(data_file("tess_is09.csv.gz"))
    source = source.drop(columns=["speaker", "label"])
    params = {**SMALL, "mode": "translate"}
    return X, frame["label"].to_numpy(dtype=object), params, {"source": source}


CASES = {
    "numeric": _numeric,
    "numeric_source": _numeric_source,
    "paper_pooled": _paper_pooled,
    "categorical": _categorical,
    "categorical_trained": _categorical_trained,
    "emodb_tess": _emodb,
}


def _digest(frame):
    """SHA-256 of rows as float64 bytes, categories through their codes."""
    rows = pd.DataFrame(frame).copy()
    for column in rows.columns:
        if not pd.api.types.is_numeric_dtype(rows[column]):
            rows[column] = pd.Categorical(rows[column].astype(str)).codes
    rows = np.ascontiguousarray(rows.to_numpy(dtype=np.float64))
    return hashlib.sha256(rows.tobytes()).hexdigest(), rows


def outputs(name, params=None, fit_kwargs=None):
    """Digests, column sums and first rows of one case's outputs."""
    X, y, new_params, new_kwargs = CASES[name]()
    params = new_params if params is None else params
    fit_kwargs = new_kwargs if fit_kwargs is None else fit_kwargs
    sampler = CycleGANOversampler(n_threads=1, random_state=0, **params)
    X_res, _ = sampler.fit_resample(X, y, **fit_kwargs)
    result = {}
    synthetic = pd.DataFrame(X_res).iloc[len(X) :]
    drawn = {"resampled": synthetic, "sampled": sampler.sample(4)[0]}
    if "source" in params or "source" in fit_kwargs:
        source = params.get("source", fit_kwargs.get("source"))
        drawn["transferred"] = sampler.transfer(source[:5], sampler.classes_[-1])
    for kind, rows in drawn.items():
        digest, numbers = _digest(rows)
        result[f"{name}/{kind}/digest"] = np.array(digest)
        result[f"{name}/{kind}/sums"] = numbers.sum(axis=0)
        result[f"{name}/{kind}/head"] = numbers[:HEAD_ROWS]
    return result


@pytest.mark.parametrize("name", list(CASES))
def test_same_rows_as_before_the_refactor(name):
    golden = np.load(GOLDEN)
    result = outputs(name)
    keys = sorted(k for k in golden.files if k.startswith(f"{name}/"))
    assert keys == sorted(result)
    for key in keys:
        if key.endswith("/digest"):
            continue
        np.testing.assert_array_equal(result[key], golden[key], err_msg=key)
    for key in keys:
        if key.endswith("/digest"):
            assert str(result[key]) == str(golden[key]), key
