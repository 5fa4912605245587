"""The n_threads policy: applied during fit/sample/transfer, restored after."""

import os

import pytest
import torch
from skorch.callbacks import Callback

from sklearn_cyclegan import CycleGANOversampler, _threads

from .conftest import FAST


class RecordThreads(Callback):
    def initialize(self):
        self.seen = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.seen.append(torch.get_num_threads())


@pytest.fixture
def torch_threads():
    """Set torch's thread count for a test; restored afterwards."""
    before = torch.get_num_threads()
    yield torch.set_num_threads
    torch.set_num_threads(before)


def test_fit_runs_with_n_threads_and_restores_user_setting(imbalanced):
    X, y = imbalanced
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    try:
        recorder = RecordThreads()
        sampler = CycleGANOversampler(
            **FAST, n_threads=2, callbacks=[("threads", recorder)], random_state=0
        )
        sampler.fit_resample(X, y)
        seen = dict(sampler.net_.callbacks_)["threads"].seen
        assert set(seen) == {2}
        assert torch.get_num_threads() == 3
        sampler.sample(5)
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)


def test_auto_drops_to_one_thread_when_oversubscribed(monkeypatch, torch_threads):
    torch_threads(4)
    monkeypatch.setattr(_threads, "available_cores", lambda: 4)
    monkeypatch.setattr(_threads, "running_processes", lambda: 9)
    assert _threads.resolve_threads("auto") == 1
    monkeypatch.setattr(_threads, "running_processes", lambda: 2)
    assert _threads.resolve_threads("auto") == 3
    monkeypatch.setattr(_threads, "running_processes", lambda: None)
    assert _threads.resolve_threads("auto") == 4


def test_available_cores_within_affinity():
    assert 1 <= _threads.available_cores() <= len(os.sched_getaffinity(0))


@pytest.mark.parametrize("bad", [0, -1, "many", 1.5])
def test_invalid_n_threads_rejected(imbalanced, bad):
    X, y = imbalanced
    with pytest.raises(ValueError, match="n_threads"):
        CycleGANOversampler(**FAST, n_threads=bad).fit_resample(X, y)


def test_none_leaves_threads_alone(imbalanced):
    X, y = imbalanced
    before = torch.get_num_threads()
    recorder = RecordThreads()
    sampler = CycleGANOversampler(
        **FAST, n_threads=None, callbacks=[("threads", recorder)], random_state=0
    )
    sampler.fit_resample(X, y)
    assert set(dict(sampler.net_.callbacks_)["threads"].seen) == {before}


def test_auto_follows_the_load_during_training(imbalanced, monkeypatch, torch_threads):
    X, y = imbalanced
    torch_threads(2)
    before = torch.get_num_threads()
    load = iter([0, 0] + [5] * 100)  # idle at the start, then oversubscribed
    monkeypatch.setattr(_threads, "available_cores", lambda: 2)
    monkeypatch.setattr(_threads, "running_processes", lambda: next(load))
    recorder = RecordThreads()
    fast = {**FAST, "pretrain_epochs": 6, "max_epochs": 6}
    sampler = CycleGANOversampler(
        **fast, callbacks=[("threads", recorder)], random_state=0
    )
    sampler.fit_resample(X, y)
    seen = dict(sampler.net_.callbacks_)["threads"].seen
    assert seen[0] == 2 and seen[-1] == 1, seen
    assert torch.get_num_threads() == before


def test_auto_stays_within_the_threads_torch_was_given(
    imbalanced, monkeypatch, torch_threads
):
    # OMP_NUM_THREADS, joblib's one thread per worker process or the caller's
    # torch.set_num_threads: "auto" fills idle cores only up to that.
    X, y = imbalanced
    torch_threads(1)
    monkeypatch.setattr(_threads, "available_cores", lambda: 4)
    monkeypatch.setattr(_threads, "running_processes", lambda: 1)
    recorder = RecordThreads()
    fast = {**FAST, "pretrain_epochs": 6, "max_epochs": 6}
    sampler = CycleGANOversampler(
        **fast, callbacks=[("threads", recorder)], random_state=0
    )
    sampler.fit_resample(X, y)
    assert set(dict(sampler.net_.callbacks_)["threads"].seen) == {1}
    assert _threads._ceiling is None
