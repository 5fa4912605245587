"""The n_threads policy: applied during fit/sample/transfer, restored after."""

import json
import os
import subprocess
import sys
import time

import pytest
import torch
from skorch.callbacks import Callback

from sklearn_cyclegan import CycleGANOversampler, _threads
from sklearn_cyclegan._training import widest_layer

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


def test_load_drops_to_one_thread_when_oversubscribed(monkeypatch, torch_threads):
    torch_threads(4)
    monkeypatch.setattr(_threads, "available_cores", lambda: 4)
    monkeypatch.setattr(_threads, "running_processes", lambda: 9)
    assert _threads.resolve_threads("load") == 1
    monkeypatch.setattr(_threads, "running_processes", lambda: 2)
    assert _threads.resolve_threads("load") == 3
    monkeypatch.setattr(_threads, "running_processes", lambda: None)
    assert _threads.resolve_threads("load") == 4


@pytest.mark.parametrize("running", [None, 0, 1, 2, 9, 50])
def test_auto_does_not_depend_on_the_load(monkeypatch, torch_threads, running):
    # Torch's results change with its thread count: a count that followed
    # /proc/loadavg gave one seed different rows from run to run (issue 20).
    torch_threads(3)
    monkeypatch.setattr(_threads, "available_cores", lambda: 4)
    monkeypatch.setattr(_threads, "running_processes", lambda: running)
    assert _threads.resolve_threads("auto") == 1
    assert _threads.resolve_threads("auto", widest=128) == 1
    assert _threads.resolve_threads("auto", widest=_threads.SMALL_LAYER) == 1
    # Wide networks: the cores the process may use, within torch's count.
    assert _threads.resolve_threads("auto", widest=1000) == 3
    torch_threads(8)
    assert _threads.resolve_threads("auto", widest=1000) == 4


def test_default_fit_uses_one_thread_and_the_paper_preset_more(monkeypatch):
    monkeypatch.setattr(_threads, "available_cores", lambda: 2)
    assert widest_layer(CycleGANOversampler()) == 128
    assert widest_layer(CycleGANOversampler(preset="paper")) == 1000
    wide = CycleGANOversampler(net_params={"module__discriminator_hidden": 300})
    assert widest_layer(wide) == 300


# Seeded fits in one fresh process, one per line read from stdin: a hash of
# its synthetic rows and the thread counts torch used during its epochs.
_FIT_SCRIPT = """
import hashlib, json, sys
import numpy as np, torch
from skorch.callbacks import Callback
from sklearn.datasets import make_classification
from sklearn_cyclegan import CycleGANOversampler

class Seen(Callback):
    def initialize(self):
        self.seen = set()
        return self
    def on_epoch_end(self, net, **kwargs):
        self.seen.add(torch.get_num_threads())

X, y = make_classification(n_samples=200, n_features=20, weights=[0.8],
                           random_state=0)
source = np.random.default_rng(0).normal(size=(300, 20))
for _ in sys.stdin:
    sampler = CycleGANOversampler(
        source=source, mode="translate", pretrain_epochs=3, max_epochs=3,
        random_state=0,
        callbacks=[("seen", Seen())],
    )
    X_res, _ = sampler.fit_resample(X, y)
    seen = sorted(dict(sampler.net_.callbacks_)["seen"].seen)
    rows = hashlib.sha256(X_res[len(X):].tobytes()).hexdigest()
    print(json.dumps([rows, seen]), flush=True)
"""


def test_same_rows_and_threads_with_zero_one_and_two_busy_cores():
    # The default n_threads="auto" in a fresh process (torch's own default
    # thread count), next to 0, 1 and 2 busy-loop processes: the other load
    # on the machine changes nothing.
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    fits = subprocess.Popen(
        [sys.executable, "-c", _FIT_SCRIPT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    busy, results = [], []
    try:
        for n_busy in (0, 1, 2):
            while len(busy) < n_busy:
                busy.append(subprocess.Popen([sys.executable, "-c", "while 1: pass"]))
            # Long enough for the run queue (/proc/loadavg's count) to show them.
            time.sleep(0.3 * n_busy)
            fits.stdin.write("fit\n")
            fits.stdin.flush()
            results.append(json.loads(fits.stdout.readline()))
    finally:
        for process in [*busy, fits]:
            process.kill()
            process.wait()
    assert results[0][1] == [1], results
    assert results[1] == results[0] and results[2] == results[0], results


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


def test_load_follows_the_load_during_training(imbalanced, monkeypatch, torch_threads):
    X, y = imbalanced
    torch_threads(2)
    before = torch.get_num_threads()
    load = iter([0, 0] + [5] * 100)  # idle at the start, then oversubscribed
    monkeypatch.setattr(_threads, "available_cores", lambda: 2)
    monkeypatch.setattr(_threads, "running_processes", lambda: next(load))
    recorder = RecordThreads()
    fast = {**FAST, "pretrain_epochs": 6, "max_epochs": 6}
    sampler = CycleGANOversampler(
        **fast, n_threads="load", callbacks=[("threads", recorder)], random_state=0
    )
    sampler.fit_resample(X, y)
    seen = dict(sampler.net_.callbacks_)["threads"].seen
    assert seen[0] == 2 and seen[-1] == 1, seen
    assert torch.get_num_threads() == before


@pytest.mark.parametrize(
    "n_threads, params",
    [("load", {}), ("auto", {"generator_hidden": 512})],
)
def test_load_and_auto_stay_within_the_threads_torch_was_given(
    imbalanced, monkeypatch, torch_threads, n_threads, params
):
    # OMP_NUM_THREADS, joblib's one thread per worker process or the caller's
    # torch.set_num_threads: neither policy goes beyond that.
    X, y = imbalanced
    torch_threads(1)
    monkeypatch.setattr(_threads, "available_cores", lambda: 4)
    monkeypatch.setattr(_threads, "running_processes", lambda: 1)
    recorder = RecordThreads()
    fast = {**FAST, "pretrain_epochs": 6, "max_epochs": 6, **params}
    sampler = CycleGANOversampler(
        **fast, n_threads=n_threads, callbacks=[("threads", recorder)], random_state=0
    )
    sampler.fit_resample(X, y)
    assert set(dict(sampler.net_.callbacks_)["threads"].seen) == {1}
    assert _threads._ceiling is None
