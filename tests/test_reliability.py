"""Failure modes of training: divergence, collapse, interruption, randomness.

Each test provokes the failure for real (an exploding learning rate, NaN
injected into a batch, zeroed generator weights, a KeyboardInterrupt between
epochs) and checks what the sampler then does; docs/what-can-go-wrong.md
lists them.
"""

import json
import pickle
import signal
import time
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from imblearn.pipeline import make_pipeline
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from skorch.callbacks import Callback, LoadInitState

from benchmarks.checkpoints import kill_and_resume
from sklearn_cyclegan import (
    CheckpointError,
    CycleGANOversampler,
    DivergenceError,
    ModeCollapseWarning,
    TrainingCheckpoint,
)
from sklearn_cyclegan._diversity import COLLAPSE_THRESHOLD, diversity_ratios

from .conftest import FAST, assert_resampled

# A tiny schedule that still crosses from pre-training into joint training.
SHORT = dict(FAST, pretrain_epochs=3, max_epochs=3)


class InjectNaN(Callback):
    """Poison the source rows of one batch, as corrupt input would."""

    def __init__(self, epoch=1):
        self.epoch = epoch

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if len(net.history) == self.epoch:
            batch[0].fill_(float("nan"))


class InterruptAt(Callback):
    """Press Ctrl-C at the end of epoch ``epoch`` (after any checkpoint saved
    it), or, with ``mid_epoch``, just before its first batch."""

    def __init__(self, epoch=1, mid_epoch=False):
        self.epoch = epoch
        self.mid_epoch = mid_epoch

    def on_batch_begin(self, net, **kwargs):
        if self.mid_epoch and len(net.history) == self.epoch:
            raise KeyboardInterrupt

    def on_epoch_end(self, net, **kwargs):
        if not self.mid_epoch and len(net.history) == self.epoch:
            raise KeyboardInterrupt


class Poison(Callback):
    """Overwrite every generator weight with ``value`` once training ends."""

    def __init__(self, value=0.0):
        self.value = value

    def on_train_end(self, net, **kwargs):
        with torch.no_grad():
            for p in net.module_.generator.parameters():
                p.fill_(self.value)


def _check_resampled(X, y, X_res, y_res, sampler):
    """Resampled as the fitted sampler's ``sampling_strategy_`` asks."""
    asked = {c: k for c, k in sampler.sampling_strategy_.items() if k > 0}
    assert_resampled(X, y, X_res, y_res, asked)


# -- divergence ----------------------------------------------------------------


def test_nan_in_a_batch_stops_training_naming_epoch_and_loss(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(
        random_state=0, callbacks=[InjectNaN(epoch=2)], **SHORT
    )
    with pytest.raises(
        DivergenceError, match=r"epoch 2 \(pretrain phase\): cycle_loss = nan"
    ):
        sampler.fit_resample(X, y)


def test_exploding_learning_rate_is_caught(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, lr=1e12, **dict(SHORT, max_epochs=20))
    with pytest.raises(
        DivergenceError,
        match=r"diverged at epoch \d+ \((pretrain|joint) "
        r"phase\): \w+_loss = (nan|inf)",
    ):
        sampler.fit_resample(X, y)


def test_non_finite_generator_output_is_refused(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(
        random_state=0, callbacks=[Poison(float("nan"))], **FAST
    )
    with pytest.raises(DivergenceError, match="non-finite rows"):
        sampler.fit_resample(X, y)


# -- mode collapse -------------------------------------------------------------


def test_collapsed_generator_warns_and_reports_zero_diversity(imbalanced):
    X, y = imbalanced
    # Plain generators: zero weights map every row to one point (a residual
    # generator with zero weights is the identity instead).
    sampler = CycleGANOversampler(
        random_state=0, callbacks=[Poison(0.0)], residual=False, **FAST
    )
    with pytest.warns(ModeCollapseWarning, match="3 class"):
        X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.diversity_, 0.0)
    # The collapsed rows are still returned, and still only the ones asked for.
    _check_resampled(X, y, X_res, y_res, sampler)


def test_healthy_fit_reports_diversity_without_warning(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, **SHORT)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModeCollapseWarning)
        sampler.fit_resample(X, y)
    assert sampler.diversity_.shape == (3,)
    assert (sampler.diversity_ > COLLAPSE_THRESHOLD).all()


def test_diversity_ratio_scale():
    rng = np.random.default_rng(0)
    real = rng.uniform(size=(200, 5))
    fresh = rng.uniform(size=(200, 5))
    point = np.full((200, 5), 0.5) + rng.normal(scale=1e-3, size=(200, 5))
    ratios = diversity_ratios(
        [real, real, real, np.ones((5, 5))], [fresh, point, real[:1], np.ones((5, 5))]
    )
    assert 0.8 < ratios[0] < 1.25  # same distribution: about 1
    assert ratios[1] < COLLAPSE_THRESHOLD  # one point plus tiny noise
    assert np.isnan(ratios[2])  # one synthetic row: nothing to compare
    assert ratios[3] == 1.0  # no spread in either


# -- interruption and resumption ----------------------------------------------


@pytest.mark.parametrize(
    "stop_at, mid_epoch",
    [
        (2, False),  # between two pre-training epochs
        (4, False),  # between two joint epochs
        (5, True),  # inside a joint epoch: its checkpoint is the one of epoch 4
    ],
)
def test_interrupted_fit_is_usable_and_resumes_to_the_same_result(
    imbalanced, tmp_path, stop_at, mid_epoch
):
    X, y = imbalanced
    X_full, y_full = CycleGANOversampler(random_state=0, **SHORT).fit_resample(X, y)

    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    interrupted = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, InterruptAt(stop_at, mid_epoch)], **SHORT
    )
    with pytest.warns(UserWarning, match=f"stopped at epoch {stop_at} of 6"):
        X_part, y_part = interrupted.fit_resample(X, y)
    assert len(interrupted.history_) == stop_at
    _check_resampled(X, y, X_part, y_part, interrupted)
    assert not np.array_equal(X_part, X_full)

    resumed = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
    )
    X_res, y_res = resumed.fit_resample(X, y)
    assert len(resumed.history_) == 6
    np.testing.assert_array_equal(X_res, X_full)
    np.testing.assert_array_equal(y_res, y_full)
    assert resumed.history_[:, "phase"] == ["pretrain"] * 3 + ["joint"] * 3


def _saved_folder(d):
    return d / json.loads((d / "manifest.json").read_text())["folder"]


@pytest.mark.parametrize(
    "damage, message",
    [
        (
            lambda d: open(_saved_folder(d) / "optimizer_generator.pt", "wb").close(),
            "optimizer_generator.pt' is missing, truncated",
        ),
        (
            lambda d: (_saved_folder(d) / "history.json").write_text("[{"),
            "history.json' is missing, truncated",
        ),
        (lambda d: (d / "manifest.json").write_text("{"), "manifest.*unreadable"),
        (lambda d: (d / "manifest.json").write_text("{}"), "does not name a save"),
    ],
)
def test_damaged_checkpoint_is_refused_naming_the_file(
    imbalanced, tmp_path, damage, message
):
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    sampler = CycleGANOversampler(random_state=0, callbacks=[checkpoint], **SHORT)
    sampler.fit_resample(X, y)
    damage(tmp_path)
    resumed = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
    )
    with pytest.raises(CheckpointError, match=f"(?s){message}.*Delete"):
        resumed.fit_resample(X, y)


def test_save_cut_off_leaves_the_previous_one_in_force(imbalanced, tmp_path):
    X, y = imbalanced
    X_full, _ = CycleGANOversampler(random_state=0, **SHORT).fit_resample(X, y)
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path), every=1)
    interrupted = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, InterruptAt(4)], **SHORT
    )
    with pytest.warns(UserWarning, match="stopped at epoch 4"):
        interrupted.fit_resample(X, y)
    # What a kill during the next save leaves: a folder without a manifest.
    torn = tmp_path / "save-000005-dead"
    torn.mkdir()
    (torn / "params.pt").write_bytes(b"half")
    resumed = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
    )
    X_res, _ = resumed.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_full)
    assert [p.name for p in tmp_path.glob("save-*")] == [_saved_folder(tmp_path).name]
    assert json.loads((tmp_path / "manifest.json").read_text())["epoch"] == 6


def test_first_save_cut_off_starts_afresh(imbalanced, tmp_path):
    X, y = imbalanced
    X_full, _ = CycleGANOversampler(random_state=0, **SHORT).fit_resample(X, y)
    (tmp_path / "save-000001-dead").mkdir()
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    resumed = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
    )
    np.testing.assert_array_equal(resumed.fit_resample(X, y)[0], X_full)


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGKILL])
def test_checkpoint_killed_at_a_random_moment_resumes_or_refuses(
    imbalanced, tmp_path, signal_number
):
    # Ten trials per signal: python -m benchmarks.checkpoints.
    X, y = imbalanced
    source = np.random.default_rng(0).normal(size=(200, X.shape[1]))
    params = dict(SHORT, pretrain_epochs=50, max_epochs=150)
    expected, _ = CycleGANOversampler(
        source=source, random_state=0, **params
    ).fit_resample(X, y)
    np.savez(tmp_path / "data.npz", X=X, y=y, source=source)
    delay = np.random.default_rng(signal_number).uniform(0, 0.5)
    outcome, saved = kill_and_resume(
        tmp_path / "data.npz", tmp_path / "run", params, signal_number, delay, expected
    )
    assert outcome in ("identical", "refused"), (outcome, saved)


def test_checkpoint_every_k_epochs_and_the_last(imbalanced, tmp_path):
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path), every=4)
    sampler = CycleGANOversampler(random_state=0, callbacks=[checkpoint], **SHORT)
    sampler.fit_resample(X, y)
    assert sampler.history_[:, "event_cp"] == [False] * 3 + [True, False, True]


class _SlowCheckpoint(TrainingCheckpoint):
    def _save_params(self, *args):
        time.sleep(0.04)  # five files: 0.2 s a save
        super()._save_params(*args)


def test_automatic_checkpoints_keep_saving_under_a_twentieth(imbalanced, tmp_path):
    X, y = imbalanced
    checkpoint = _SlowCheckpoint(dirname=str(tmp_path))
    params = dict(SHORT, pretrain_epochs=20, max_epochs=20)
    start = time.perf_counter()
    sampler = CycleGANOversampler(random_state=0, callbacks=[checkpoint], **params)
    sampler.fit_resample(X, y)
    elapsed = time.perf_counter() - start
    saved = sampler.history_[:, "event_cp"]
    # The first epoch saves (nothing measured yet) and the last always does;
    # any other 0.2 s save waits for 3.8 s of training since the one before.
    assert saved[0] and saved[-1] and sum(saved) < len(saved)
    training = elapsed - 0.2 * sum(saved)
    assert 0.2 * (sum(saved) - 2) <= training / 19


@pytest.mark.parametrize("every", [0, -1, 2.5, "often"])
def test_checkpoint_every_is_validated(every):
    with pytest.raises(ValueError, match="every must be a positive int or 'auto'"):
        TrainingCheckpoint(every=every)


def test_checkpoint_survives_clone(tmp_path):
    # Cross-validation clones the sampler and with it its callbacks.
    sampler = CycleGANOversampler(
        callbacks=[TrainingCheckpoint(dirname=str(tmp_path), fn_prefix="fold_")]
    )
    checkpoint = clone(sampler).callbacks[0]
    assert isinstance(checkpoint, TrainingCheckpoint)
    assert (checkpoint.dirname, checkpoint.fn_prefix) == (str(tmp_path), "fold_")
    assert checkpoint.f_optimizer_generator == "optimizer_generator.pt"


# -- determinism ----------------------------------------------------------------


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
        sampler = CycleGANOversampler(source=source, random_state=0, **SHORT)
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


# -- nothing lost, nothing invented ---------------------------------------------


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
    _check_resampled(X_int, y, X_res, y_res, sampler)


# -- early stopping --------------------------------------------------------------


def test_early_stopping_stops_on_held_back_rows_and_keeps_all_rows(imbalanced):
    X, y = imbalanced
    # A high learning rate: the distance falls within a few epochs, then rises.
    sampler = CycleGANOversampler(
        random_state=0,
        early_stopping=True,
        n_iter_no_change=2,
        lr=1e-2,
        **dict(FAST, max_epochs=60),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # stopping early is no interruption
        warnings.simplefilter("ignore", ModeCollapseWarning)
        X_res, y_res = sampler.fit_resample(X, y)
    history = sampler.history_
    joint = [row for row in history if row["phase"] == "joint"]
    assert all(
        "valid_distance" not in row for row in history[: FAST["pretrain_epochs"]]
    )
    assert all(np.isfinite(row["valid_distance"]) for row in joint)
    assert history[-1]["stopped_early"] is True
    assert len(joint) < 60
    # Stopped after `patience` joint epochs without improvement on the best.
    distances = [row["valid_distance"] for row in joint]
    assert min(distances[-2:]) >= min(distances[:-2]) * (1 - 1e-4)
    _check_resampled(X, y, X_res, y_res, sampler)


class RecordClassSizes(Callback):
    def on_train_begin(self, net, X=None, **kwargs):
        self.class_sizes_ = X.class_sizes.tolist()


def test_early_stopping_trains_without_the_held_back_rows(imbalanced):
    X, y = imbalanced
    record = RecordClassSizes()
    sampler = CycleGANOversampler(
        random_state=0,
        early_stopping=True,
        validation_fraction=0.25,
        callbacks=[record],
        **FAST,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModeCollapseWarning)
        X_res, y_res = sampler.fit_resample(X, y)
    held = [
        len(rows) for rows in dict(sampler.net_.callbacks_)["valid_distance"].valid_rows
    ]
    assert held == [30, 15, 5]  # a quarter of 120, 60 and 20 rows
    assert record.class_sizes_ == [90, 45, 15]
    _check_resampled(X, y, X_res, y_res, sampler)


def test_early_stopping_refuses_classes_too_small_to_split():
    X = np.arange(20.0).reshape(10, 2)
    y = np.array([0] * 8 + [1] * 2)
    with pytest.raises(ValueError, match="at least 3 rows"):
        CycleGANOversampler(early_stopping=True, **FAST).fit_resample(X, y)


def test_exploded_generator_with_finite_losses_raises(imbalanced):
    # Weights of 1e3 give rows 1e5 feature ranges away: finite, but garbage.
    X, y = imbalanced
    sampler = CycleGANOversampler(
        random_state=0, callbacks=[Poison(1e3)], residual=False, **FAST
    )
    with pytest.raises(DivergenceError, match="feature ranges away"):
        sampler.fit_resample(X, y)


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
    nets = {k: v for k, v in FAST.items() if k.endswith("_hidden")}
    sampler = CycleGANOversampler(
        source=X.copy(), residual=True, pretrain_epochs=0, max_epochs=0, **nets
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
    sampler = CycleGANOversampler(random_state=0)
    sampler.fit_resample(X, np.array([0] * 20 + [1] * 10))
    with pytest.raises(ValueError, match=r"lacks 1 column.*'c'"):
        sampler.transfer(X[["a", "b"]], 1)


def test_checkpoint_of_another_fit_is_refused(imbalanced, tmp_path):
    # A fold must never resume the networks another fold trained on its rows.
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    CycleGANOversampler(random_state=0, callbacks=[checkpoint], **SHORT).fit_resample(
        X, y
    )
    for other_X, seed in [(X[::-1].copy(), 0), (X, 1)]:
        other = CycleGANOversampler(
            random_state=seed,
            callbacks=[checkpoint, LoadInitState(checkpoint)],
            **SHORT,
        )
        with pytest.raises(CheckpointError, match="saved by a fit on other data"):
            other.fit_resample(other_X, y[::-1].copy() if seed == 0 else y)


def test_cross_validation_folds_do_not_share_a_checkpoint(imbalanced, tmp_path):
    from sklearn.model_selection import cross_validate

    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    model = make_pipeline(
        CycleGANOversampler(
            random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
        ),
        LogisticRegression(),
    )
    with pytest.raises(CheckpointError, match="another cross-validation fold"):
        cross_validate(model, X, y, cv=3, error_score="raise")


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
    sampler = CycleGANOversampler(source=str(path), random_state=0, **SHORT)
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
