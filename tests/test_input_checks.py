"""Input checks: nothing lost, nothing invented, bad input refused with a reason.

docs/what-can-go-wrong.md lists the failure modes these tests provoke.
"""

import pickle

import numpy as np
import pandas as pd
import pytest

from sklearn_cyclegan import (
    CycleGANOversampler,
)

from ._failures import SHORT, Poison, check_resampled
from .conftest import FAST, fast_net


def test_dataframe_rows_labels_and_counts_are_exact(imbalanced):
    X, y = imbalanced
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    labels = pd.Series(np.array(["low", "mid", "high"])[y], name="label")
    frame_before, labels_before = frame.copy(), labels.copy()
    sampler = CycleGANOversampler(
        sampling_strategy={"high": 150, "mid": 70}, random_state=0, **FAST
    )
    X_res, y_res = sampler.fit_resample(frame, labels)
    pd.testing.assert_frame_equal(frame, frame_before)
    pd.testing.assert_series_equal(labels, labels_before)
    pd.testing.assert_frame_equal(X_res.iloc[: len(frame)], frame)
    assert list(X_res.columns) == list(frame.columns)
    assert y_res.iloc[: len(labels)].tolist() == labels.tolist()
    synthetic = y_res.iloc[len(labels) :].tolist()
    # Grouped by class in classes_ order, exactly as many as asked for.
    expected = {"high": 150 - (y == 2).sum(), "mid": 70 - (y == 1).sum()}
    assert synthetic == ["high"] * expected["high"] + ["mid"] * expected["mid"]


def test_array_inputs_are_not_modified(imbalanced):
    X, y = imbalanced
    X_int = np.rint(X * 10).astype(np.int64)
    X_before, y_before = X_int.copy(), y.copy()
    sampler = CycleGANOversampler(random_state=0, **FAST)
    X_res, y_res = sampler.fit_resample(X_int, y)
    np.testing.assert_array_equal(X_int, X_before)
    np.testing.assert_array_equal(y, y_before)
    assert X_res.dtype == np.int64
    check_resampled(X_int, y, X_res, y_res, sampler)


@pytest.mark.parametrize("bad", [{0: -3}, {0: 2.5}, {0: "3"}, {0: True}])
def test_sample_refuses_bad_counts(imbalanced, bad):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, **FAST)
    sampler.fit_resample(X, y)
    with pytest.raises(ValueError, match="non-negative ints"):
        sampler.sample(bad)


def test_source_far_from_zero_keeps_its_spread(imbalanced):
    # float32 steps are 8 units at 1e8: scaling after the cast collapsed rows.
    X, y = imbalanced
    X = X + 1e8
    sampler = CycleGANOversampler(
        **fast_net(module__residual=True),
        source=X.copy(),
        mode="translate",
        pretrain_epochs=0,
        max_epochs=0,
    )
    X_res, _ = sampler.fit_resample(X, y)
    synthetic = X_res[len(X) :]
    # Identity generators between identically scaled domains return source rows.
    gap = np.abs(synthetic[:, None, :] - X[None]).max(axis=2).min(axis=1)
    assert gap.max() < 1e-4


@pytest.mark.parametrize(
    "bad, message",
    [
        (None, "missing label"),
        (np.nan, "missing label"),
        (1, "mixes label types"),
    ],
)
def test_bad_labels_are_named(bad, message):
    X = np.random.default_rng(0).normal(size=(30, 3))
    y = np.array(["a"] * 20 + ["b"] * 9 + [bad], dtype=object)
    with pytest.raises(ValueError, match=message):
        CycleGANOversampler(random_state=0).fit_resample(X, y)


def test_transfer_names_missing_columns():
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(30, 3)), columns=list("abc"))
    # transfer() needs trained generators: a translation, with no epochs.
    sampler = CycleGANOversampler(
        source=X[::2], mode="translate", pretrain_epochs=0, max_epochs=0
    )
    sampler.set_params(random_state=0).fit_resample(X, np.array([0] * 20 + [1] * 10))
    with pytest.raises(ValueError, match=r"lacks 1 column.*'c'"):
        sampler.transfer(X[["a", "b"]], 1)


def test_huge_sampling_strategy_fails_before_training(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(
        sampling_strategy={2: 10**12}, random_state=0, callbacks=[Poison(0.0)], **SHORT
    )
    with pytest.raises(MemoryError, match=r"GiB to build"):
        sampler.fit_resample(X, y)
    assert not hasattr(sampler, "net_")


@pytest.mark.parametrize(
    "dtype, base", [(np.int64, 2**62), (np.uint64, 2**64 - 1000), (np.int64, -(2**60))]
)
def test_integers_beyond_float64_are_refused(imbalanced, dtype, base):
    # float64 spacing is 1024 at 2**62: the synthetic rows all came back
    # equal, and uint64 near 2**64 wrapped around to 0.
    X, y = imbalanced
    steps = np.round(np.abs(X) * 10).astype(dtype)
    X = steps + dtype(base) if base > 0 else steps - dtype(-base)
    with pytest.raises(
        ValueError, match=rf"integers beyond \+-2\*\*53 in {X.shape[1]} column"
    ):
        CycleGANOversampler(random_state=0, **FAST).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"source has integers beyond"):
        CycleGANOversampler(source=X, random_state=0, **FAST).fit_resample(
            (X - X.min(axis=0)).astype(np.int64), y
        )


def test_integers_up_to_two_to_the_53_are_kept_exact(imbalanced):
    X, y = imbalanced
    base = 2**52
    X = np.round(X * 10).astype(np.int64) + base
    X_res, _ = CycleGANOversampler(random_state=0, **FAST).fit_resample(X, y)
    offsets = X_res[len(X) :] - base
    assert X_res.dtype == np.int64
    # Within the columns' range: interpolations of integers, not wrapped around.
    assert (offsets >= (X - base).min(axis=0)).all()
    assert (offsets <= (X - base).max(axis=0)).all()


def test_named_source_columns_against_unnamed_X_warn(imbalanced):
    X, y = imbalanced
    source = pd.DataFrame(X[:, ::-1], columns=[f"f{i}" for i in range(X.shape[1])])
    with pytest.warns(UserWarning, match="matched to X's by position"):
        CycleGANOversampler(source=source, random_state=0, **SHORT).fit_resample(X, y)


def test_memory_mapped_source_rewritten_after_fit_is_refused(imbalanced, tmp_path):
    # Reading past the end of a shrunk mapping killed the process (SIGBUS).
    X, y = imbalanced
    path = tmp_path / "source.npy"
    np.save(path, np.random.default_rng(0).normal(size=(500, X.shape[1])))
    sampler = CycleGANOversampler(
        source=str(path), mode="translate", random_state=0, **SHORT
    )
    sampler.fit_resample(X, y)
    copy = pickle.loads(pickle.dumps(sampler))  # holds the rows themselves
    np.save(path, np.zeros((10, X.shape[1])))
    with pytest.raises(RuntimeError, match="source.npy' was changed or removed"):
        sampler.sample(5)
    assert len(copy.sample(5)[0]) == 5 * len(sampler.classes_)


@pytest.mark.parametrize("scale, offset", [(1.0, 1e10), (1e-16, 0.0)])
def test_extreme_scales_stay_within_the_columns(imbalanced, scale, offset):
    # float32 before scaling gave +-163 at 1e10 and +-0.05 against a 3e-16
    # spread.  Columns narrower than MinMaxScaler's 10 * eps count as constant.
    X, y = imbalanced
    X = X * scale + offset
    sampler = CycleGANOversampler(source=X.copy(), random_state=0, **SHORT)
    synthetic = sampler.fit_resample(X, y)[0][len(X) :]
    assert (synthetic >= X.min(axis=0)).all() and (synthetic <= X.max(axis=0)).all()
    if offset:
        assert (synthetic.std(axis=0) > 0.1 * X.std(axis=0)).all()


def test_transfer_beyond_the_fitted_range_is_clipped_not_nan(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, **SHORT)
    sampler.fit_resample(X, y)
    out = sampler.transfer(X * 1e6, sampler.classes_[0])
    assert np.isfinite(out).all()
    assert (out >= X.min(axis=0)).all() and (out <= X.max(axis=0)).all()


def test_sample_and_transfer_return_the_dtypes_of_X(imbalanced):
    X, y = imbalanced
    frame = pd.DataFrame(np.round(X * 10), columns=[f"f{i}" for i in range(X.shape[1])])
    frame = frame.astype({"f0": "int64", "f1": "int32", "f2": "float32"})
    frame["f3"] = frame["f3"] > 0
    for data in (frame, frame.to_numpy(dtype=np.int64)):
        sampler = CycleGANOversampler(random_state=0, **SHORT)
        X_res, _ = sampler.fit_resample(data, y)
        X_new, _ = sampler.sample(3)
        moved = sampler.transfer(data, sampler.classes_[0])
        if isinstance(data, pd.DataFrame):
            pd.testing.assert_series_equal(X_new.dtypes, X_res.dtypes)
            pd.testing.assert_series_equal(moved.dtypes, X_res.dtypes)
        else:
            assert X_new.dtype == moved.dtype == X_res.dtype == np.int64
