"""The files behind a checkpoint: its identity, its lock, its checks.

``fingerprint`` digests what a fit computes from; ``hold`` keeps two fits
from writing one fit folder at once; the rest check what is read back and
turn a failed write into an error that says what happened.
"""

import atexit
import errno
import hashlib
import json
import os
import re
import shutil
import threading

import numpy as np

from ._scaling import iter_chunks
from .exceptions import CheckpointError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; fits sharing a folder race
    fcntl = None

__all__ = [
    "check_dirname",
    "check_loadable",
    "check_save_folder",
    "fingerprint",
    "fsync",
    "hold",
    "let_go",
    "sha256_file",
    "write_failure",
]

# Parameters that change only how or where a fit runs, not what it computes,
# and the callbacks (resuming adds LoadInitState); the source is hashed itself.
UNHASHED_PARAMS = {"callbacks", "verbose", "n_threads", "device", "source"}
# The only names a manifest may point at: a save folder of its own fit folder.
SAVE_FOLDER = re.compile(r"save-\d{6}-[0-9a-f]{8}")
BLOCK = 1 << 20


def fingerprint(X, y_encoded, source, params):
    """Digest of the training data, the source, the parameters and the seed.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The encoded training rows.
    y_encoded : ndarray of shape (n_samples,)
    source : SourceRows
        The resolved source.
    params : dict
        The sampler's ``get_params(deep=False)``.
    """
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(X, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(y_encoded).tobytes())
    if source.stamp is not None:
        # The whole file, not its size and mtime, which a same-size rewrite
        # can restore: reading it costs about what the source's scaling scan
        # already costs (docs/what-can-go-wrong.md).
        digest.update(repr(source.source.shape).encode())
        digest.update(sha256_file(source.stamp[0]).encode())
    else:
        # In chunks: a streamed table source must not be copied whole.
        for chunk in iter_chunks(source.source):
            digest.update(np.ascontiguousarray(chunk).data)
    kept = sorted((k, v) for k, v in params.items() if k not in UNHASHED_PARAMS)
    digest.update(repr(kept).encode())
    return digest.hexdigest()


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync(path):
    with open(path, "rb") as file:
        os.fsync(file.fileno())


def check_dirname(dirname):
    """Refuse a checkpoint folder that cannot be one, saying why."""
    if not dirname or os.path.isdir(dirname):
        return
    if os.path.islink(dirname):
        raise CheckpointError(
            f"Checkpoint folder {dirname!r} is a symbolic link to "
            f"{os.readlink(dirname)!r}, which does not exist. Create that folder, "
            "remove the link, or give TrainingCheckpoint another dirname."
        )
    if os.path.exists(dirname):
        raise CheckpointError(
            f"Checkpoint folder {dirname!r} is a file, not a folder. Give "
            "TrainingCheckpoint another dirname."
        )


def check_save_folder(manifest, manifest_path, dirname):
    """The manifest's save folder, if it is a plain child of the fit folder."""
    folder = manifest.get("folder")
    if not isinstance(folder, str):
        raise CheckpointError(
            f"Checkpoint manifest {manifest_path!r} does not name a save "
            f"folder (written by another version?). Delete the checkpoint in "
            f"{dirname!r} to start afresh."
        )
    if not SAVE_FOLDER.fullmatch(folder):
        # A path elsewhere ("../x", "/x") would load, and later delete, files
        # this checkpoint never wrote.
        raise CheckpointError(
            f"Checkpoint manifest {manifest_path!r} names {folder!r}, not a save "
            "folder beside it (save-NNNNNN-xxxxxxxx); it was not written by this "
            f"package. Delete the checkpoint in {dirname!r} to start afresh."
        )
    return folder


def check_loadable(path, dirname):
    """Refuse a state file that holds more than tensors and plain values.

    torch's own error would advise loading with ``weights_only=False``,
    which runs whatever code the file carries.
    """
    import torch

    try:
        torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        raise CheckpointError(
            f"Checkpoint file {path!r} is not a checkpoint this package wrote "
            "(it holds more than weights and optimiser state); do not load it. "
            f"Delete the checkpoint in {dirname!r} to start afresh."
        ) from None


def check_history(path, dirname):
    try:
        with open(path) as file:
            json.load(file)
    except (ValueError, OSError):
        raise CheckpointError(
            f"Checkpoint file {path!r} is not a history this package wrote. "
            f"Delete the checkpoint in {dirname!r} to start afresh."
        ) from None


def write_failure(error, folder, epoch, saved_epoch):
    """The ``CheckpointError`` for a save that failed, or None to re-raise.

    A full disk shows as ``OSError`` (ENOSPC, EDQUOT) from Python's writes
    and as a ``RuntimeError`` from torch's zip writer
    (``inline_container.cc ... unexpected pos``) that names no cause.
    """
    if isinstance(error, CheckpointError):
        return None
    torch_writer = isinstance(error, RuntimeError) and any(
        mark in str(error) for mark in ("inline_container", "PytorchStreamWriter")
    )
    if not (isinstance(error, OSError) or torch_writer):
        return None
    parent = os.path.dirname(folder) or "."
    try:
        free = f"{shutil.disk_usage(parent).free:,} bytes free"
    except OSError:
        free = "free space unknown"
    full = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
    if getattr(error, "errno", None) in full:
        cause = f"the disk is full or over quota ({free})"
    elif isinstance(error, OSError):
        cause = f"the write failed ({error.strerror or error}; {free})"
    else:
        cause = f"the write failed, most often because the disk is full ({free})"
    kept = (
        f"the save of epoch {saved_epoch} is still in force"
        if saved_epoch is not None
        else "no earlier save exists"
    )
    return CheckpointError(
        f"Saving the checkpoint of epoch {epoch} to {folder!r} failed: {cause}. "
        f"The partial save was deleted; {kept}. Free some space (or give "
        "TrainingCheckpoint a dirname on another disk), then resume with "
        "LoadInitState."
    )


# Fit-folder locks this process holds: lock file -> (thread, open file).
# A lock belongs to a thread, not to a callback: cloning makes the callback
# that saves and the one LoadInitState loads through two objects of one fit.
_HELD = {}
_HELD_GUARD = threading.Lock()


@atexit.register
def _let_all_go():
    for _, file in _HELD.values():
        file.close()


def hold(folder):
    """Lock a fit folder for this thread's fit, or refuse at once.

    Two fits of the same data, parameters and seed share a fit folder; each
    save deletes the folder's older saves, so a second such fit at the same
    time would delete the first's save in progress or the save it is
    loading.  The second is refused at its start instead.  The operating
    system drops the lock when the process dies, so a killed fit never
    leaves the folder locked.
    """
    if fcntl is None:
        return
    path = os.path.join(folder, "lock")
    with _HELD_GUARD:
        if _HELD.get(path, (None,))[0] == threading.get_ident():
            return
        file = open(path, "a")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            raise CheckpointError(
                f"Checkpoint folder {folder!r} is in use by another fit of the "
                "same data, parameters and random_state (another process or "
                "thread) right now. Wait for it to finish and resume from its "
                "checkpoint, or give this fit its own dirname."
            ) from None
        _HELD[path] = (threading.get_ident(), file)


def let_go(folder=None):
    """Unlock ``folder``, or (``None``) every fit folder, of this thread.

    A fit that raised never reached its end; the next fit of its thread
    cannot run beside it, so that fit's start lets its locks go.
    """
    with _HELD_GUARD:
        for path, (ident, file) in list(_HELD.items()):
            if ident != threading.get_ident():
                continue
            if folder is None or path == os.path.join(folder, "lock"):
                file.close()
                del _HELD[path]
