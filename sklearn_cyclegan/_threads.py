"""Thread policy for torch and BLAS during fit, sample and transfer."""

import functools
import os
import threading

import torch
from skorch.callbacks import Callback
from threadpoolctl import threadpool_limits


def available_cores():
    """Cores this process may use: its CPU affinity capped by the cgroup quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def running_processes():
    """Runnable tasks on the machine right now, from /proc/loadavg; None if unknown."""
    try:
        with open("/proc/loadavg") as f:
            return int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None


# torch's thread count when the running fit began: "auto" and "load" never
# go above it, so the limits of the environment (OMP_NUM_THREADS, joblib's one
# thread per worker process, the caller's torch.set_num_threads) hold.  One
# fit runs at a time per process (_TORCH_STATE), so one value suffices.
_ceiling = None

# Widest hidden layer up to which "auto" uses one thread.  Torch's results
# change with its thread count, so any count that follows the machine's load
# breaks "same seed, same rows"; at these sizes a second thread buys little
# (measured by benchmarks/threads.py, docs/performance.md section 7) and two
# fits sharing the cores slow each other far less.
SMALL_LAYER = 256


def resolve_threads(n_threads, widest=None, own=1):
    """Number of threads to use for ``n_threads`` ("auto", "load" or an int).

    "auto" depends only on facts that stay the same from run to run on one
    machine, so a seeded fit gives the same rows whatever else runs: one
    thread when the widest hidden layer ``widest`` is at most
    ``SMALL_LAYER`` (or unknown), else the cores this process may use, at
    most torch's thread count when the fit began.  "load" (opt-in) gives
    those cores less the ones busy with other runnable tasks, ``own`` being
    how many runnable tasks are this process's threads; OpenMP threads spin
    while waiting for each other, so more threads than free cores costs far
    more than it gains, but the count, and so the rows, follow the load.
    """
    if n_threads not in ("auto", "load"):
        return int(n_threads)
    cores = min(available_cores(), _ceiling or torch.get_num_threads())
    if n_threads == "auto":
        return 1 if widest is None or widest <= SMALL_LAYER else cores
    running = running_processes()
    if running is None:
        return cores
    return max(1, min(cores, cores - max(0, running - own)))


class limit_threads:
    """Set torch's and BLAS's thread counts for a block, restoring them afterwards."""

    def __init__(self, n_threads, widest=None):
        self.n_threads = n_threads
        self.widest = widest

    def __enter__(self):
        global _ceiling
        if self.n_threads is None:  # leave the caller's settings alone
            self._blas = None
            return torch.get_num_threads()
        self._torch = torch.get_num_threads()
        self._outer, _ceiling = _ceiling, _ceiling or self._torch
        n = resolve_threads(self.n_threads, self.widest)
        torch.set_num_threads(n)
        self._blas = threadpool_limits(limits=n)
        return n

    def __exit__(self, *exc):
        global _ceiling
        if self._blas is None:
            return
        _ceiling = self._outer
        self._blas.restore_original_limits()
        torch.set_num_threads(self._torch)


# torch's random generator and thread count are global to the process, and a
# fit reseeds the one every epoch and sets the other: two fits running in two
# threads at once would draw each other's dropout masks and change each
# other's thread counts (measured: rows 0.14-0.24 apart from the same seed's).
# So within one process, one fit, sample or transfer runs at a time.
_TORCH_STATE = threading.RLock()


def thread_limited(widest):
    """Decorate an estimator method to run under ``limit_threads(self.n_threads)``,
    one at a time per process; ``widest(self)``, the widest hidden layer of
    its networks, sizes "auto"."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            with _TORCH_STATE, limit_threads(self.n_threads, widest(self)):
                return method(self, *args, **kwargs)

        return wrapper

    return decorate


class AdaptThreads(Callback):
    """Re-choose the "load" thread count every ``every`` epochs.

    Concurrent fits start before their neighbours are busy, so the choice at
    the start of a fit goes stale; reading /proc/loadavg costs microseconds.

    Parameters
    ----------
    every : int, default=5
        Epochs between checks.
    """

    def __init__(self, every=5):
        self.every = every

    def on_epoch_begin(self, net, **kwargs):
        if (len(net.history) - 1) % self.every == 0:  # the first epoch, then every
            own = torch.get_num_threads()
            n = resolve_threads("load", own=own)
            if n != own:
                torch.set_num_threads(n)
                threadpool_limits(limits=n)
