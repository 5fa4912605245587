"""A memory-mapped source is streamed, never materialised whole."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh process so that its peak resident size is the fit's alone.
CHILD = r"""
import json, sys
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification

from sklearn_cyclegan import CycleGANOversampler

def rss():
    fields = dict(line.split(":", 1) for line in
                  Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return [int(fields[k].split()[0]) * 1024 for k in ("VmRSS", "VmHWM")]

path, n_features, fast = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
X, y = make_classification(n_samples=150, n_features=n_features, n_informative=5,
                           n_classes=3, weights=[0.5, 0.3, 0.2], random_state=0)
def fit_and_sample(source):
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
    before, _ = rss()
    sampler = CycleGANOversampler(source=source, mode="translate", random_state=0,
                                  device="cpu", **fast)
    sampler.fit_resample(X, y)
    X_syn, _ = sampler.sample(2000)
    _, peak = rss()
    assert len(X_syn) == 3 * 2000
    return peak - before

# The first fit pays one-off allocations (torch kernels, thread pools); the
# second, with the same small in-memory source, is the control.
small = np.load(path, mmap_mode="r")[:500].copy()
fit_and_sample(small)
control = fit_and_sample(small)
streamed = fit_and_sample(path)
print(json.dumps({"control": control, "streamed": streamed}))
"""


def _write_source(path, n_rows, n_features, seed=0):
    array = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(n_rows, n_features)
    )
    rng = np.random.default_rng(seed)
    for start in range(0, n_rows, 10_000):
        stop = min(start + 10_000, n_rows)
        array[start:stop] = rng.random((stop - start, n_features), dtype=np.float32)
    array.flush()
    return array.nbytes


@pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads /proc (Linux)"
)
def test_memmap_source_is_not_materialised(tmp_path):
    """Peak memory of fit + sample grows far less than the source's size.

    A full float32 copy of the source, a whole-array min-max transform
    (float64, twice its size) or keeping the pages of the mapping resident
    (a scattered read maps up to 2 MiB of the file per row on Linux 6 with
    large folios) would each add about the source's size.
    """
    n_features = 300
    path = tmp_path / "source.npy"
    size = _write_source(path, 120_000, n_features)  # 144 MB
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(n_features), json.dumps(FAST)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    extra = result["streamed"] - result["control"]
    assert extra < 0.3 * size, (
        f"a fit and sample with a {size / 2**20:.0f} MiB memory-mapped source grew "
        f"resident memory by {extra / 2**20:.0f} MiB more than with a small "
        "in-memory one"
    )


def test_memmap_and_path_sources_match_in_memory_source(tmp_path):
    """Streaming batches from the mapping changes no number."""
    n_features = 8
    path = tmp_path / "source.npy"
    _write_source(path, 500, n_features, seed=1)
    X, y = make_classification(
        n_samples=120,
        n_features=n_features,
        n_informative=4,
        n_classes=3,
        weights=[0.5, 0.3, 0.2],
        random_state=0,
    )
    results = []
    for source in (np.load(path), str(path)):
        sampler = CycleGANOversampler(
            source=source, mode="translate", random_state=0, device="cpu", **FAST
        )
        results.append(sampler.fit_resample(X, y))
    for X_res, y_res in results[1:]:
        np.testing.assert_array_equal(y_res, results[0][1])
        np.testing.assert_allclose(X_res, results[0][0], rtol=1e-6, atol=1e-9)


# Streams a CSV source slowly, saying when each chunk is read.
STREAM_CHILD = r"""
import sys, time
import sklearn_cyclegan._io as io

chunks = io._chunks

def slow(*args):
    for chunk in chunks(*args):
        print("chunk", flush=True)
        time.sleep(0.2)
        yield chunk

io._chunks = slow
io.stream_table(sys.argv[1], ["a", "b"], chunk_rows=5)
"""


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_killed_stream_leaves_no_temporary_file(tmp_path, signal_name):
    import os
    import signal

    temp = tmp_path / "tmp"
    temp.mkdir()
    path = tmp_path / "source.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i}\n" for i in range(200)))
    child = subprocess.Popen(
        [sys.executable, "-c", STREAM_CHILD, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout.readline() == "chunk\n"
        child.stdout.readline()  # a second chunk: the file is being written
        child.send_signal(getattr(signal, signal_name))
        child.wait(timeout=60)
    finally:
        child.kill()
        child.stdout.close()
    assert child.returncode == -getattr(signal, signal_name)
    assert list(temp.iterdir()) == []


# Truncates the source file from inside the scaler's first pass, after its
# first chunk: the next read lands past the new end of the file.
TRUNCATE_CHILD = r"""
import os, sys
import numpy as np
from sklearn.datasets import make_classification
from sklearn.preprocessing import MinMaxScaler
from sklearn_cyclegan import CycleGANOversampler

path = sys.argv[1]
partial_fit = MinMaxScaler.partial_fit

def truncating_partial_fit(self, X, y=None):
    if len(X) == 1024 and not hasattr(self, "n_samples_seen_"):
        os.truncate(path, 4096)  # the source's first chunk: cut the rest off
    return partial_fit(self, X, y)

MinMaxScaler.partial_fit = truncating_partial_fit
X, y = make_classification(n_samples=120, n_features=6, weights=[0.8],
                           random_state=0)
try:
    CycleGANOversampler(source=path, mode="translate", pretrain_epochs=1,
                        max_epochs=1, random_state=0).fit_resample(X, y)
except RuntimeError as exc:
    print(exc)
"""


def test_npy_source_truncated_during_the_first_scan_is_reported(tmp_path):
    # Issue 20: the scan read through the memory map and the process died of
    # SIGBUS (5 of 5 trials), without a message.
    path = tmp_path / "source.npy"
    np.save(path, np.random.default_rng(0).normal(size=(20_000, 6)))
    done = subprocess.run(
        [sys.executable, "-c", TRUNCATE_CHILD, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "source.npy' was truncated while it was being read" in done.stdout
