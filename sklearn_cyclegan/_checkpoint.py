"""Checkpoints of a fit: the skorch callback that saves them, and their identity.

A checkpoint resumes only a fit of the same kind: ``fingerprint`` digests the
training data, the source, the parameters and the seed, and
``TrainingCheckpoint`` refuses a checkpoint saved under another digest.
"""

import hashlib
import json
import numbers
import os
import shutil
import time

import numpy as np
from skorch.callbacks import Checkpoint, LoadInitState

from ._scaling import iter_chunks
from .exceptions import CheckpointError

__all__ = ["TrainingCheckpoint", "fingerprint", "uses_checkpoint"]

# Parameters that change only how or where a fit runs, not what it computes,
# and the callbacks (resuming adds LoadInitState); the source is hashed itself.
UNHASHED_PARAMS = {"callbacks", "verbose", "n_threads", "device", "source"}


def uses_checkpoint(callbacks):
    """Whether any callback (bare or ``(name, callback)``) saves or loads state."""
    return any(
        isinstance(cb[-1] if isinstance(cb, tuple) else cb, (Checkpoint, LoadInitState))
        for cb in callbacks or []
    )


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
        # Hashing a large file would cost a pass over it; its identity will do.
        digest.update(repr((source.stamp, source.source.shape)).encode())
    else:
        # In chunks: a streamed table source must not be copied whole.
        for chunk in iter_chunks(source.source):
            digest.update(np.ascontiguousarray(chunk).data)
    kept = sorted((k, v) for k, v in params.items() if k not in UNHASHED_PARAMS)
    digest.update(repr(kept).encode())
    return digest.hexdigest()


class TrainingCheckpoint(Checkpoint):
    """Every few epochs, save what a resumed fit needs.

    That is the weights, all three optimisers' states and the history.  Pass
    the same instance wrapped in ``skorch.callbacks.LoadInitState`` to a
    new fit with the same data and ``random_state`` to continue where the
    saved run stopped; the result is the one an uninterrupted fit gives.

    Each save goes into a folder of its own; a manifest naming that folder,
    with checksums of its files, then replaces the previous manifest in one
    atomic rename, and only then is the previous folder deleted.  An
    interrupt (Ctrl-C, ``kill -9``) at any moment therefore leaves the last
    complete save in force.  Resuming from a file that was altered or a set
    that another fit saved raises :class:`CheckpointError` naming it.

    Parameters
    ----------
    dirname : str, default=""
        Folder of the checkpoint (created if missing).
    fn_prefix : str, default=""
        Prefix of the manifest's and the save folders' names, so that several
        fits can share ``dirname``.
    every : int or "auto", default="auto"
        Save after every ``every``-th epoch.  ``"auto"`` saves whenever the
        training since the last save took at least 19 times as long as that
        save, so saving costs at most about a twentieth of the run however
        small the epochs.  The first and the last epoch are always saved.  A
        fit resumed from an earlier epoch repeats the epochs after it exactly
        (every epoch's randomness comes from its number), so saving less
        often costs time after an interrupt, never a different result.
    """

    def __init__(self, dirname="", fn_prefix="", every="auto"):
        if not (every == "auto" or isinstance(every, numbers.Integral) and every > 0):
            raise ValueError(f"every must be a positive int or 'auto', got {every!r}.")
        self.every = every
        super().__init__(
            monitor=self._due,
            f_params="params.pt",
            f_optimizer=None,
            f_criterion=None,
            f_history="history.json",
            fn_prefix=fn_prefix,
            dirname=dirname,
            f_optimizer_pretrain="optimizer_pretrain.pt",
            f_optimizer_discriminator="optimizer_discriminator.pt",
            f_optimizer_generator="optimizer_generator.pt",
        )

    def _get_param_names(self):
        # Only the constructor's arguments, so that sklearn.base.clone (as in
        # cross-validation) can rebuild the callback.
        return ["dirname", "fn_prefix", "every"]

    def initialize(self):
        super().initialize()
        # Training time is counted from the first epoch's start.
        self.last_save_end_, self.last_save_seconds_ = None, 0.0
        self.writing_to_ = None
        return self

    def on_epoch_begin(self, net, **kwargs):
        if self.last_save_end_ is None:
            self.last_save_end_ = time.perf_counter()

    def _due(self, net):
        epoch = len(net.history)
        if epoch >= net.total_epochs:
            return True
        if self.every != "auto":
            return epoch % self.every == 0
        since = time.perf_counter() - self.last_save_end_
        return since >= 19 * self.last_save_seconds_

    @property
    def manifest_path_(self):
        return os.path.join(self.dirname, self.fn_prefix + "manifest.json")

    def _file_names(self):
        return [self.f_params, self.f_history] + [
            getattr(self, f"f_optimizer_{phase}")
            for phase in ("pretrain", "discriminator", "generator")
        ]

    def _folders(self):
        """Names of this prefix's save folders in ``dirname``."""
        start = self.fn_prefix + "save-"
        if not os.path.isdir(self.dirname):
            return []
        return [name for name in os.listdir(self.dirname) if name.startswith(start)]

    def _path(self, name):
        """Where a file of the set being written, else of the saved set, lies."""
        folder = self.writing_to_ or self._read_manifest()["folder"]
        return os.path.join(self.dirname, folder, name)

    # skorch's Checkpoint and NeuralNet.load_params find every file through
    # these two, so both saving and loading follow the manifest's folder.
    def _format_target(self, net, f, idx):
        return self._path(f) if isinstance(f, str) else f

    @property
    def f_history_(self):
        return None if self.f_history is None else self._path(self.f_history)

    def _save_params(self, f, net, f_name, log_name):
        # skorch reports a failed save and trains on; a checkpoint that quietly
        # stopped saving would be found out only when it is needed.
        net.save_params(**{f_name: f, "use_safetensors": self.use_safetensors})

    def save_model(self, net):
        start = time.perf_counter()
        epoch = len(net.history)
        folder = f"{self.fn_prefix}save-{epoch:06d}-{os.urandom(4).hex()}"
        os.makedirs(os.path.join(self.dirname, folder))
        self.writing_to_ = folder
        try:
            super().save_model(net)
        finally:
            self.writing_to_ = None
        paths = [os.path.join(self.dirname, folder, n) for n in self._file_names()]
        for path in paths:
            _fsync(path)
        manifest = {
            "epoch": epoch,
            "folder": folder,
            "sha256": {n: _sha256(p) for n, p in zip(self._file_names(), paths)},
            # What the fit trained on (data, parameters, seed), when known.
            "fingerprint": getattr(net, "fingerprint_", None),
        }
        temporary = os.path.join(self.dirname, folder, "manifest.json")
        with open(temporary, "w") as file:
            json.dump(manifest, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.manifest_path_)
        # The previous save, and any that an interrupt cut off, are now stale.
        for name in self._folders():
            if name != folder:
                shutil.rmtree(os.path.join(self.dirname, name), ignore_errors=True)
        self.last_save_end_ = time.perf_counter()
        self.last_save_seconds_ = self.last_save_end_ - start

    def _read_manifest(self):
        try:
            with open(self.manifest_path_) as file:
                manifest = json.load(file)
        except FileNotFoundError:
            raise
        except (ValueError, OSError) as error:
            raise CheckpointError(
                f"Checkpoint manifest {self.manifest_path_!r} is unreadable "
                f"({error}). Delete the checkpoint in {self.dirname!r} to start "
                "afresh."
            ) from None
        if not isinstance(manifest, dict) or not isinstance(
            manifest.get("folder"), str
        ):
            raise CheckpointError(
                f"Checkpoint manifest {self.manifest_path_!r} does not name a save "
                f"folder (written by another version?). Delete the checkpoint in "
                f"{self.dirname!r} to start afresh."
            )
        return manifest

    def verify(self, fingerprint=None):
        """Check that the saved set is complete, unchanged and this fit's.

        Parameters
        ----------
        fingerprint : str, default=None
            The resuming fit's fingerprint of its data, parameters and seed;
            a set saved with another one is refused.

        Raises
        ------
        FileNotFoundError
            No save was completed yet (``LoadInitState`` then starts afresh).
        CheckpointError
            A file is missing, truncated or altered (the message names it),
            or the set was saved by another fit.
        """
        manifest = self._read_manifest()
        for name in self._file_names():
            path = os.path.join(self.dirname, manifest["folder"], name)
            expected = manifest.get("sha256", {}).get(name)
            actual = _sha256(path) if os.path.exists(path) else None
            if expected is None or actual != expected:
                raise CheckpointError(
                    f"Checkpoint file {path!r} is missing, truncated or does "
                    f"not belong to the set in {self.manifest_path_!r}. Delete the "
                    f"checkpoint in {self.dirname!r} to start afresh."
                )
        saved = manifest.get("fingerprint")
        if fingerprint is not None and saved != fingerprint:
            raise CheckpointError(
                f"Checkpoint in {self.dirname!r} was saved by a fit on other data, "
                "parameters or random_state (another cross-validation fold, for "
                "example); resuming it would continue the wrong networks. Give "
                "each fit its own dirname (or fn_prefix), or delete the "
                "checkpoint to start afresh."
            )


def _fsync(path):
    with open(path, "rb") as file:
        os.fsync(file.fileno())


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
