"""Checkpoints under faults: shared folders, full disks, foreign files.

docs/what-can-go-wrong.md lists the failure modes these tests provoke.
"""

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback, LoadInitState

from sklearn_cyclegan import CheckpointError, CycleGANOversampler, TrainingCheckpoint

from ._failures import SHORT

TORCH_DISK_FULL = (
    "[enforce fail at inline_container.cc:672] . unexpected pos 43584 vs 43472"
)


def _fit(X, y, checkpoint, resume=False, **params):
    callbacks = [checkpoint] + ([LoadInitState(checkpoint)] if resume else [])
    params = dict(SHORT, random_state=0, **params)
    return CycleGANOversampler(callbacks=callbacks, **params).fit_resample(X, y)[0]


def _fit_folder(d):
    (folder,) = d.glob("fit-*")
    return folder


def _manifest(d):
    return json.loads((_fit_folder(d) / "manifest.json").read_text())


def _flock(lock, hold):
    """Command of a process that locks ``lock`` and holds it, or only tries."""
    then = (
        "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"
        if hold
        else "fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)"
    )
    code = "import fcntl, sys, time; f = open(sys.argv[1], 'a'); " + then
    return [sys.executable, "-c", code, str(lock)]


def test_second_fit_of_the_same_kind_is_refused_at_its_start(imbalanced, tmp_path):
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    _fit(X, y, checkpoint)
    saved = sorted(p.name for p in _fit_folder(tmp_path).iterdir())
    # Another process holds the fit folder, as a running fit does.
    holder = subprocess.Popen(
        _flock(_fit_folder(tmp_path) / "lock", hold=True),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CheckpointError, match="in use by another fit"):
            _fit(X, y, checkpoint, resume=True)
    finally:
        holder.kill()
        holder.wait()
    assert sorted(p.name for p in _fit_folder(tmp_path).iterdir()) == saved


class Explode(Callback):
    def on_epoch_end(self, net, **kwargs):
        raise ValueError("boom")


def test_fit_that_raised_does_not_lock_the_next_fit_of_its_thread(imbalanced, tmp_path):
    X, y = imbalanced
    expected = CycleGANOversampler(random_state=0, **SHORT).fit_resample(X, y)[0]
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    failing = CycleGANOversampler(
        random_state=0, callbacks=[checkpoint, Explode()], **SHORT
    )
    with pytest.raises(ValueError, match="boom"):
        failing.fit_resample(X, y)
    # A new callback object (a clone, say) on the same folder, same thread.
    again = TrainingCheckpoint(dirname=str(tmp_path))
    np.testing.assert_array_equal(_fit(X, y, again, resume=True), expected)


def test_refused_resume_unlocks_its_folder_for_other_processes(imbalanced, tmp_path):
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    _fit(X, y, checkpoint)
    (_fit_folder(tmp_path) / "manifest.json").write_text("{")
    with pytest.raises(CheckpointError, match="unreadable"):
        _fit(X, y, checkpoint, resume=True)
    # This process is still alive; its refused fit must not keep the lock.
    probe = subprocess.run(
        _flock(_fit_folder(tmp_path) / "lock", hold=False), capture_output=True
    )
    assert probe.returncode == 0, probe.stderr


def _half_then(error):
    """A ``_save_params`` that writes half a file on the second save, then fails."""
    calls = {"saves": 0}
    original = TrainingCheckpoint._save_params

    def save_params(self, f, net, f_name, log_name):
        if f_name == "f_optimizer_discriminator":  # the first file of a save
            calls["saves"] += 1
        if calls["saves"] == 2 and f_name == "f_module":
            with open(f, "wb") as file:
                file.write(b"PK\x03\x04 half a zip")
            raise error
        original(self, f, net, f_name, log_name)

    return save_params


@pytest.mark.parametrize(
    "error, message",
    [
        (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
        (RuntimeError(TORCH_DISK_FULL), "most often because the disk is full"),
    ],
)
def test_disk_full_during_a_save_deletes_it_and_says_so(
    imbalanced, tmp_path, monkeypatch, error, message
):
    X, y = imbalanced
    expected = CycleGANOversampler(random_state=0, **SHORT).fit_resample(X, y)[0]
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path), every=1)
    monkeypatch.setattr(TrainingCheckpoint, "_save_params", _half_then(error))
    with pytest.raises(CheckpointError, match=message) as raised:
        _fit(X, y, checkpoint)
    text = str(raised.value)
    assert "save-000002-" in text and str(tmp_path) in text
    assert "epoch 1 is still in force" in text and "inline_container" not in text
    # The torn folder is gone at once; the save of epoch 1 is intact.
    assert [p.name for p in _fit_folder(tmp_path).glob("save-*")] == [
        _manifest(tmp_path)["folder"]
    ]
    monkeypatch.undo()
    np.testing.assert_array_equal(_fit(X, y, checkpoint, resume=True), expected)


REAL_DISK_FULL = textwrap.dedent(
    """
    import json, os, sys
    import numpy as np
    from sklearn_cyclegan import CheckpointError, CycleGANOversampler
    from sklearn_cyclegan import TrainingCheckpoint
    from tests._failures import SHORT
    X = np.random.default_rng(0).normal(size=(120, 6))
    y = np.repeat([0, 1], [90, 30])
    checkpoint = TrainingCheckpoint(dirname=sys.argv[1], every=1)
    try:
        CycleGANOversampler(random_state=0, callbacks=[checkpoint], **SHORT
                            ).fit_resample(X, y)
        error = None
    except CheckpointError as e:
        error = str(e)
    left = sorted(n for _, dirs, _ in os.walk(sys.argv[1]) for n in dirs)
    print(json.dumps({"error": error, "folders": left}))
    """
)


def test_disk_full_on_a_real_small_filesystem(tmp_path):
    # A tmpfs of 100 KiB holds one save (60 KiB) of these networks but not two, so the
    # second save fills it.  Needs Linux with unprivileged mount namespaces.
    mount = tmp_path / "small"
    mount.mkdir()
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) to mount a small filesystem")
    probe = subprocess.run(
        ["unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", str(mount)],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.decode().strip()}")
    script = (
        f'mount -t tmpfs -o size=100k tmpfs "$1" && exec "{sys.executable}" '
        f'-c "$2" "$1/checkpoint"'
    )
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(mount), REAL_DISK_FULL],
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["error"] is not None, "the save fit: make the filesystem smaller"
    assert "disk is full" in outcome["error"]
    assert "is still in force" in outcome["error"]
    saves = [name for name in outcome["folders"] if name.startswith("save-")]
    assert len(saves) == 1, outcome  # the last complete save, no torn one


def test_dangling_symlink_checkpoint_folder_is_named(imbalanced, tmp_path):
    X, y = imbalanced
    link = tmp_path / "run"
    link.symlink_to(tmp_path / "gone")
    with pytest.raises(CheckpointError, match="symbolic link to .*gone.*not exist"):
        _fit(X, y, TrainingCheckpoint(dirname=str(link)))
    afile = tmp_path / "afile"
    afile.write_text("")
    with pytest.raises(CheckpointError, match="is a file, not a folder"):
        _fit(X, y, TrainingCheckpoint(dirname=str(afile)))


class _Payload:
    def __reduce__(self):
        return (print, ("this ran at load time",))


@pytest.mark.parametrize("name", ["params.pt", "optimizer_generator.pt"])
def test_foreign_state_file_is_refused_without_torch_advice(
    imbalanced, tmp_path, capsys, name
):
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path))
    _fit(X, y, checkpoint)
    # A file that runs code when unpickled, with the manifest made to match.
    manifest = _manifest(tmp_path)
    path = _fit_folder(tmp_path) / manifest["folder"] / name
    torch.save({"state": _Payload()}, path)
    manifest["sha256"][name] = _sha256(path)
    (_fit_folder(tmp_path) / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CheckpointError, match="not a checkpoint this package wrote"):
        _fit(X, y, checkpoint, resume=True)
    with pytest.raises(CheckpointError) as raised:
        _fit(X, y, checkpoint, resume=True)
    assert "weights_only" not in str(raised.value)
    assert raised.value.__cause__ is None and "this ran" not in capsys.readouterr().out


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_manifest_pointing_outside_its_folder_is_refused(imbalanced, tmp_path, where):
    X, y = imbalanced
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path / "run"))
    _fit(X, y, checkpoint)
    fit = _fit_folder(tmp_path / "run")
    manifest = _manifest(tmp_path / "run")
    # A complete copy of the save where the manifest points.
    target = tmp_path / "elsewhere"
    shutil.copytree(fit / manifest["folder"], target)
    manifest["folder"] = str(target) if where == "absolute" else "../../elsewhere"
    (fit / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CheckpointError, match="elsewhere.*not a save folder beside"):
        _fit(X, y, checkpoint, resume=True)
    assert target.is_dir()


def test_same_size_rewrite_of_an_npy_source_is_not_resumed(imbalanced, tmp_path):
    X, y = imbalanced
    path = tmp_path / "source.npy"
    np.save(path, np.random.default_rng(0).normal(size=(300, X.shape[1])))
    checkpoint = TrainingCheckpoint(dirname=str(tmp_path / "run"))
    # Translation: the mode that trains networks, so a checkpoint is written.
    _fit(X, y, checkpoint, source=np.load(path, mmap_mode="r"), mode="translate")
    # Same size, one value changed, the modification time put back.
    stat = os.stat(path)
    rows = np.load(path)
    rows[150, 2] += 1.0
    np.save(path, rows)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(path).st_size == stat.st_size
    source = np.load(path, mmap_mode="r")
    expected = CycleGANOversampler(
        random_state=0, source=source, mode="translate", **SHORT
    ).fit_resample(X, y)[0]
    resumed = _fit(X, y, checkpoint, resume=True, source=source, mode="translate")
    np.testing.assert_array_equal(resumed, expected)
    assert len(list((tmp_path / "run").glob("fit-*"))) == 2
