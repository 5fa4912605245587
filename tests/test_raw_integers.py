"""Integer columns float64 cannot hold are refused on the raw columns.

Issue 20, item 1: a DataFrame mixing an int64 column near 2**62 with a float
column was cast to float64 before the check ran, and 59 of 60 original ids
came back changed.  docs/what-can-go-wrong.md lists these cases.
"""

import numpy as np
import pandas as pd
import pytest

from sklearn_cyclegan import CycleGANOversampler, TableError

from .conftest import FAST


def _mixed_frame(n=60):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"id": 2**62 + np.arange(n), "x": rng.normal(size=n)})


def _labels(n=60):
    return np.array(["a"] * (n * 3 // 4) + ["b"] * (n - n * 3 // 4))


def test_mixed_frame_X_is_refused_naming_the_column():
    X = _mixed_frame()
    with pytest.raises(
        ValueError, match=r"2\*\*53 in 1 column\(s\) \('id' \(index 0\)\)"
    ):
        CycleGANOversampler(random_state=0, **FAST).fit_resample(X, _labels())


def test_mixed_frame_X_with_a_categorical_column_is_refused():
    X = _mixed_frame().assign(kind=["u", "v"] * 30)
    sampler = CycleGANOversampler(categorical_features=["kind"], random_state=0, **FAST)
    with pytest.raises(ValueError, match=r"'id' \(index 0\)"):
        sampler.fit_resample(X, _labels())


def test_huge_integer_categories_are_labels_not_numbers():
    # A categorical column's values are never cast, so large ids are fine there.
    X = _mixed_frame().assign(id=lambda f: f["id"] % 3 + 2**62)
    sampler = CycleGANOversampler(categorical_features=["id"], random_state=0, **FAST)
    X_res, _ = sampler.fit_resample(X, _labels())
    assert set(X_res["id"]) <= set(X["id"])


def _source_frame():
    rng = np.random.default_rng(1)
    return pd.DataFrame({"id": 2**62 + np.arange(257), "x": rng.normal(size=257)})


def _X_in_range():
    return _mixed_frame().assign(id=lambda f: f["id"] - 2**62)


@pytest.mark.parametrize("kind", ["frame", "csv", "parquet", "csv-categorical"])
def test_mixed_source_is_refused_naming_the_column(kind, tmp_path):
    source = _source_frame()
    X, params = _X_in_range(), {}
    if kind.endswith("categorical"):
        source["kind"] = ["u", "v"] * 128 + ["u"]
        X["kind"] = ["u", "v"] * 30
        params["categorical_features"] = ["kind"]
    if kind.startswith("csv"):
        path = tmp_path / "source.csv"
        source.to_csv(path, index=False)
        source = str(path)
    elif kind == "parquet":
        path = tmp_path / "source.parquet"
        source.to_parquet(path)
        source = str(path)
    sampler = CycleGANOversampler(source=source, random_state=0, **params, **FAST)
    error = TableError if kind in {"csv", "parquet"} else ValueError
    with pytest.raises(error, match=r"source.*2\*\*53 in 1 column\(s\) \('id'"):
        sampler.fit_resample(X, _labels())


def test_object_column_of_huge_python_ints_is_refused():
    X = _mixed_frame()
    X["id"] = X["id"].astype(object)
    with pytest.raises(ValueError, match=r"'id' \(index 0\)"):
        CycleGANOversampler(random_state=0, **FAST).fit_resample(X, _labels())
