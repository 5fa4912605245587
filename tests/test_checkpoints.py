"""Interruption and resumption: checkpoints that resume, refuse or start afresh.

docs/what-can-go-wrong.md lists the failure modes these tests provoke.
"""

import json
import signal
import time

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from skorch.callbacks import Callback, LoadInitState

from benchmarks.checkpoints import kill_and_resume
from sklearn_cyclegan import (
    CheckpointError,
    CycleGANOversampler,
    TrainingCheckpoint,
)

from ._failures import SHORT, check_resampled


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
    check_resampled(X, y, X_part, y_part, interrupted)
    assert not np.array_equal(X_part, X_full)

    resumed = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
    )
    X_res, y_res = resumed.fit_resample(X, y)
    assert len(resumed.history_) == 6
    np.testing.assert_array_equal(X_res, X_full)
    np.testing.assert_array_equal(y_res, y_full)
    assert resumed.history_[:, "phase"] == ["pretrain"] * 3 + ["joint"] * 3


def _fit_folder(d):
    """The one fit folder in checkpoint folder ``d``."""
    (folder,) = d.glob("fit-*")
    return folder


def _saved_folder(d):
    return (
        _fit_folder(d)
        / json.loads((_fit_folder(d) / "manifest.json").read_text())["folder"]
    )


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
        (
            lambda d: (_fit_folder(d) / "manifest.json").write_text("{"),
            "manifest.*unreadable",
        ),
        (
            lambda d: (_fit_folder(d) / "manifest.json").write_text("{}"),
            "does not name a save",
        ),
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
    torn = _fit_folder(tmp_path) / "save-000005-dead"
    torn.mkdir()
    (torn / "params.pt").write_bytes(b"half")
    resumed = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
    )
    X_res, _ = resumed.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_full)
    fit = _fit_folder(tmp_path)
    assert [p.name for p in fit.glob("save-*")] == [_saved_folder(tmp_path).name]
    assert json.loads((fit / "manifest.json").read_text())["epoch"] == 6


def test_first_save_cut_off_starts_afresh(imbalanced, tmp_path):
    X, y = imbalanced
    X_full, _ = CycleGANOversampler(random_state=0, **SHORT).fit_resample(X, y)
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path), every=100)
    interrupted = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, InterruptAt(1, mid_epoch=True)], **SHORT
    )
    with pytest.warns(UserWarning, match="stopped at epoch"):
        interrupted.fit_resample(X, y)
    # What a kill during the first save leaves: a folder and no manifest.
    (_fit_folder(tmp_path) / "save-000001-dead").mkdir()
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
    # The benchmark's child translates: the mode that trains and checkpoints.
    expected, _ = CycleGANOversampler(
        source=source, mode="translate", random_state=0, **params
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


def test_checkpoint_of_another_fit_is_never_resumed(imbalanced, tmp_path):
    # A fold must never resume the networks another fold trained on its rows:
    # each fit saves in the folder of its own fingerprint.
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    CycleGANOversampler(random_state=0, callbacks=[checkpoint], **SHORT).fit_resample(
        X, y
    )
    first = _saved_folder(tmp_path)
    other_X, other_y = X[::-1].copy(), y[::-1].copy()
    fresh, _ = CycleGANOversampler(random_state=1, **SHORT).fit_resample(
        other_X, other_y
    )
    other = CycleGANOversampler(
        random_state=1, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
    )
    np.testing.assert_array_equal(other.fit_resample(other_X, other_y)[0], fresh)
    assert len(list(tmp_path.glob("fit-*"))) == 2 and first.is_dir()


def test_checkpoint_with_another_fingerprint_is_refused(imbalanced, tmp_path):
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    CycleGANOversampler(random_state=0, callbacks=[checkpoint], **SHORT).fit_resample(
        X, y
    )
    manifest = _fit_folder(tmp_path) / "manifest.json"
    manifest.write_text(
        json.dumps(dict(json.loads(manifest.read_text()), fingerprint="0" * 64))
    )
    resumed = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
    )
    with pytest.raises(CheckpointError, match="saved by a fit on other data"):
        resumed.fit_resample(X, y)


def test_parallel_cross_validation_folds_share_a_checkpoint_folder(
    imbalanced, tmp_path
):
    # Clones share dirname; with loky's two processes each fold used to delete
    # the other's save in progress (FileNotFoundError mid-fit).
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path), every=1)
    model = make_pipeline(
        CycleGANOversampler(
            random_state=0, callbacks=[checkpoint, LoadInitState(checkpoint)], **SHORT
        ),
        LogisticRegression(),
    )
    first = cross_validate(model, X, y, cv=4, n_jobs=2, error_score="raise")
    assert len(list(tmp_path.glob("fit-*"))) == 4
    # Every fold resumes its own finished save, so the scores repeat exactly.
    again = cross_validate(model, X, y, cv=4, n_jobs=2, error_score="raise")
    np.testing.assert_array_equal(first["test_score"], again["test_score"])
