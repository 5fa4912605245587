"""Checkpoints of a fit: the skorch callback that saves and verifies them.

A checkpoint resumes only a fit of the same kind: ``fingerprint`` digests the
training data, the source, the parameters and the seed, and each fit keeps
its saves in a folder of its own named after that digest.
"""

import json
import numbers
import os
import shutil
import time

from skorch.callbacks import Checkpoint, LoadInitState

from ._checkpoint_files import (
    check_dirname,
    check_history,
    check_loadable,
    check_save_folder,
    fingerprint,
    fsync,
    hold,
    let_go,
    sha256_file,
    write_failure,
)
from .exceptions import CheckpointError

__all__ = ["TrainingCheckpoint", "fingerprint", "uses_checkpoint"]


def uses_checkpoint(callbacks):
    """Whether any callback (bare or ``(name, callback)``) saves or loads state."""
    return any(
        isinstance(cb[-1] if isinstance(cb, tuple) else cb, (Checkpoint, LoadInitState))
        for cb in callbacks or []
    )


class TrainingCheckpoint(Checkpoint):
    """Every few epochs, save what a resumed fit needs.

    That is the weights, all three optimisers' states and the history.  Pass
    the same instance wrapped in ``skorch.callbacks.LoadInitState`` to a
    new fit with the same data and ``random_state`` to continue where the
    saved run stopped; the result is the one an uninterrupted fit gives.

    Each fit saves into a fit folder of its own inside ``dirname``, named
    after the fingerprint of its data, source, parameters and seed
    (``fit-<16 hex digits>``), so the clones that cross-validation makes
    share ``dirname`` safely, in parallel too, and each fold resumes its own
    save.  A second fit of the very same data, parameters and seed while the
    first runs is refused at its start with :class:`CheckpointError`.

    Each save goes into a save folder of its own; a manifest naming that
    folder, with checksums of its files, then replaces the previous manifest
    in one atomic rename, and only then is the previous save deleted.  An
    interrupt (Ctrl-C, ``kill -9``) at any moment therefore leaves the last
    complete save in force.  A save that fails (a full disk) is deleted at
    once and raises :class:`CheckpointError`.  Resuming from a file that was
    altered, or that is not a checkpoint this package wrote, raises
    :class:`CheckpointError` naming it.  Fit folders stay until deleted.

    Parameters
    ----------
    dirname : str, default=""
        Folder of the checkpoint (created if missing).
    fn_prefix : str, default=""
        Prefix of the fit folders' names.
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
        # skorch would create the folder, and fail with FileExistsError on a
        # dangling symbolic link.
        check_dirname(self.dirname)
        super().initialize()
        # Training time is counted from the first epoch's start.
        self.last_save_end_, self.last_save_seconds_ = None, 0.0
        self.writing_to_ = None
        let_go()
        self.fit_folder_ = self.fit_folder(None)
        return self

    def fit_folder(self, fingerprint):
        """Path of the folder that holds the saves of the fit ``fingerprint``.

        Parameters
        ----------
        fingerprint : str or None
            The fit's fingerprint (``None`` for a net fitted outside the
            sampler).
        """
        key = "unkeyed" if fingerprint is None else fingerprint[:16]
        return os.path.join(self.dirname, f"{self.fn_prefix}fit-{key}")

    def _bind(self, fingerprint):
        """Use, and lock, the fit folder of this fingerprint."""
        folder = self.fit_folder(fingerprint)
        os.makedirs(folder, exist_ok=True)
        hold(folder)
        self.fit_folder_ = folder

    def on_train_begin(self, net, **kwargs):
        self._bind(getattr(net, "fingerprint_", None))

    def on_train_end(self, net, **kwargs):
        super().on_train_end(net, **kwargs)
        let_go(self._folder())

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
        return os.path.join(self._folder(), "manifest.json")

    def _folder(self):
        return getattr(self, "fit_folder_", None) or self.fit_folder(None)

    def _file_names(self):
        return [self.f_params, self.f_history] + [
            getattr(self, f"f_optimizer_{phase}")
            for phase in ("pretrain", "discriminator", "generator")
        ]

    def _path(self, name):
        """Where a file of the set being written, else of the saved set, lies."""
        folder = getattr(self, "writing_to_", None) or self._read_manifest()["folder"]
        return os.path.join(self._folder(), folder, name)

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
        self._bind(getattr(net, "fingerprint_", None))
        epoch = len(net.history)
        folder = f"save-{epoch:06d}-{os.urandom(4).hex()}"
        path = os.path.join(self._folder(), folder)
        try:
            manifest = self._write(net, epoch, folder)
        except BaseException as error:
            # A torn save would hold its space until a later save succeeded.
            shutil.rmtree(path, ignore_errors=True)
            failure = write_failure(error, path, epoch, self._saved_epoch())
            if failure is None:
                raise
            let_go(self._folder())  # the fit ends here
            raise failure from error
        os.replace(manifest, self.manifest_path_)
        # The previous save, and any that an interrupt cut off, are now stale;
        # the lock keeps any other fit from writing in this folder.
        for name in os.listdir(self._folder()):
            if name.startswith("save-") and name != folder:
                shutil.rmtree(os.path.join(self._folder(), name), ignore_errors=True)
        self.last_save_end_ = time.perf_counter()
        self.last_save_seconds_ = self.last_save_end_ - start

    def _write(self, net, epoch, folder):
        """Write and flush the set and its manifest; return the manifest's path."""
        os.makedirs(os.path.join(self._folder(), folder))
        self.writing_to_ = folder
        try:
            super().save_model(net)
        finally:
            self.writing_to_ = None
        paths = [os.path.join(self._folder(), folder, n) for n in self._file_names()]
        for path in paths:
            fsync(path)
        manifest = {
            "epoch": epoch,
            "folder": folder,
            "sha256": {n: sha256_file(p) for n, p in zip(self._file_names(), paths)},
            # What the fit trained on (data, parameters, seed), when known.
            "fingerprint": getattr(net, "fingerprint_", None),
        }
        temporary = os.path.join(self._folder(), folder, "manifest.json")
        with open(temporary, "w") as file:
            json.dump(manifest, file)
            file.flush()
            os.fsync(file.fileno())
        return temporary

    def _saved_epoch(self):
        try:
            return self._read_manifest().get("epoch")
        except (OSError, CheckpointError):
            return None

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
        if not isinstance(manifest, dict):
            manifest = {}
        check_save_folder(manifest, self.manifest_path_, self.dirname)
        return manifest

    def verify(self, fingerprint=None):
        """Check that the saved set is complete, unchanged and this fit's.

        Parameters
        ----------
        fingerprint : str, default=None
            The resuming fit's fingerprint of its data, parameters and seed:
            it selects the fit folder, and a set saved with another one is
            refused.

        Raises
        ------
        FileNotFoundError
            No save was completed yet (``LoadInitState`` then starts afresh).
        CheckpointError
            A file is missing, truncated, altered or not one this package
            writes (the message names it), the set was saved by another fit,
            or another fit of the same kind is using the folder now.
        """
        self._bind(fingerprint)
        try:
            self._verify(fingerprint)
        except CheckpointError:
            let_go(self._folder())  # the fit ends here
            raise

    def _verify(self, fingerprint):
        manifest = self._read_manifest()
        for name in self._file_names():
            path = os.path.join(self._folder(), manifest["folder"], name)
            expected = manifest.get("sha256", {}).get(name)
            actual = sha256_file(path) if os.path.exists(path) else None
            if expected is None or actual != expected:
                raise CheckpointError(
                    f"Checkpoint file {path!r} is missing, truncated or does "
                    f"not belong to the set in {self.manifest_path_!r}. Delete the "
                    f"checkpoint in {self.dirname!r} to start afresh."
                )
            if name == self.f_history:
                check_history(path, self.dirname)
            else:
                check_loadable(path, self.dirname)
        saved = manifest.get("fingerprint")
        if fingerprint is not None and saved != fingerprint:
            raise CheckpointError(
                f"Checkpoint in {self._folder()!r} was saved by a fit on other "
                "data, parameters or random_state; resuming it would continue "
                "the wrong networks. Delete that folder to start afresh."
            )
