"""Every route by which a per-call source reaches fit_resample, or says why not."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST


def fast_sampler(**params):
    # The CycleGAN route: mode="auto" would spend inner folds choosing.
    params = {"mode": "translate", **params}
    return CycleGANOversampler(**FAST, random_state=0, **params)


@pytest.fixture
def source():
    """An unlabelled source with a row count unlike X's, so it is never sliced."""
    return np.random.RandomState(1).normal(size=(70, 6))


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def test_per_call_source_overrides_the_constructors(imbalanced, source):
    X, y = imbalanced
    sampler = fast_sampler(source=np.zeros((30, 6)))
    X_call, _ = sampler.fit_resample(X, y, source=source)
    assert sampler._source.n_rows == len(source)
    X_init, _ = fast_sampler(source=source).fit_resample(X, y)
    np.testing.assert_array_equal(X_call, X_init)
    assert sampler.source.shape == (30, 6)  # the parameter itself is untouched


def test_pipeline_routes_a_requested_source(imbalanced, source, routing):
    X, y = imbalanced
    pipe = Pipeline(
        [
            ("aug", fast_sampler().set_fit_resample_request(source=True)),
            ("clf", LogisticRegression()),
        ]
    )
    pipe.fit(X, y, source=source)
    assert pipe.named_steps["aug"]._source.n_rows == len(source)


def test_unrequested_source_is_refused_under_routing(imbalanced, source, routing):
    X, y = imbalanced
    pipe = Pipeline([("aug", fast_sampler()), ("clf", LogisticRegression())])
    with pytest.raises(Exception, match="set_fit_resample_request"):
        pipe.fit(X, y, source=source)


def test_cross_validate_routes_the_whole_source(imbalanced, source, routing):
    X, y = imbalanced
    seen = []

    class Recording(CycleGANOversampler):
        def _fit_resample(self, X, y, source=None):
            seen.append(len(source))
            return super()._fit_resample(X, y, source=source)

    aug = Recording(**FAST, mode="translate", random_state=0).set_fit_resample_request(
        source=True
    )
    pipe = Pipeline([("aug", aug), ("clf", LogisticRegression())])
    cross_validate(pipe, X, y, cv=2, params={"source": source})
    assert seen == [len(source), len(source)]


def test_source_with_as_many_rows_as_X_warns(imbalanced):
    X, y = imbalanced
    with pytest.warns(UserWarning, match="sliced it per fold"):
        fast_sampler().fit_resample(X, y, source=X[::-1])


@pytest.mark.parametrize("name", ["source.csv", "source.csv.gz", "source.parquet"])
def test_table_path_source(tmp_path, imbalanced, source, name):
    X, y = imbalanced
    columns = [f"f{i}" for i in range(6)]
    frame = pd.DataFrame(source, columns=columns)
    path = tmp_path / name
    if name.endswith(".parquet"):
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False)
    X_df = pd.DataFrame(X, columns=columns)
    X_path, _ = fast_sampler(source=str(path)).fit_resample(X_df, y)
    X_call, _ = fast_sampler().fit_resample(X_df, y, source=path)
    X_array, _ = fast_sampler(source=frame).fit_resample(X_df, y)
    pd.testing.assert_frame_equal(X_path, X_array, rtol=1e-6)
    pd.testing.assert_frame_equal(X_call, X_array, rtol=1e-6)


def test_table_source_is_streamed_in_chunks(tmp_path, imbalanced, source, monkeypatch):
    # Memory stays bounded by a chunk: the rows reach a temporary memory map
    # a few at a time, and no file is left behind.
    from sklearn_cyclegan import _io

    monkeypatch.setattr(_io, "STREAM_ROWS", 16)
    monkeypatch.setattr(_io.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    X, y = imbalanced
    columns = [f"f{i}" for i in range(6)]
    frame = pd.DataFrame(source, columns=columns).assign(label="x", file="a.wav")
    frame.to_csv(tmp_path / "source.csv", index=False)
    X_df = pd.DataFrame(X, columns=columns[::-1])  # X's order, not the file's
    seen = []
    chunks = _io._chunks
    monkeypatch.setattr(
        _io, "_chunks", lambda *a: (seen.append(len(c)) or c for c in chunks(*a))
    )
    sampler = fast_sampler(source=str(tmp_path / "source.csv"))
    X_path, _ = sampler.fit_resample(X_df, y)
    assert isinstance(sampler._source.source, np.memmap)
    assert max(seen) == 16 and sum(seen) == len(source)
    assert list((tmp_path / "tmp").iterdir()) == []
    X_frame, _ = fast_sampler(source=frame[columns[::-1]]).fit_resample(X_df, y)
    pd.testing.assert_frame_equal(X_path, X_frame)


def test_non_numeric_table_source_columns_are_named(tmp_path, imbalanced, source):
    X, y = imbalanced
    frame = pd.DataFrame(source[:, :5]).assign(speaker="a")
    frame.to_csv(tmp_path / "source.csv", index=False)
    with pytest.warns(UserWarning, match="matched to X's by position"):
        with pytest.raises(ValueError, match=r"column\(s\) \['speaker'\] are not"):
            fast_sampler(source=str(tmp_path / "source.csv")).fit_resample(X, y)


def test_unknown_source_file_type_is_named(imbalanced, tmp_path):
    X, y = imbalanced
    for name in ("source.xlsx", "source.npz"):
        with pytest.raises(ValueError, match=r"unknown source type; use \.npy"):
            fast_sampler(source=str(tmp_path / name)).fit_resample(X, y)


def test_source_dropped_by_a_pipeline_without_routing_warns(imbalanced, source):
    # imbalanced-learn collects aug__source for the step, then calls
    # fit_resample without it; the sampler says so and what to do instead.
    X, y = imbalanced
    aug = fast_sampler(mode="auto")  # no source reaches it: interpolation
    pipe = Pipeline([("aug", aug), ("clf", LogisticRegression())])
    with pytest.warns(UserWarning, match=r"did not pass \['source'\].*set_params"):
        pipe.fit(X, y, aug__source=source)
    assert pipe.named_steps["aug"]._source.n_rows != len(source)
    pipe.set_params(aug__source=source, aug__mode="translate").fit(X, y)
    assert pipe.named_steps["aug"]._source.n_rows == len(source)
