"""``"interpolate"`` and ``"translate"``: build the CycleGAN net and train it.

The stage between a resolved source and the generators: the net's callbacks
(seeding, threads, the user's, early stopping, progress), its options (the
preset's, the sampler's, ``net_params``), the training itself and the warning
for a training that was interrupted.
"""

import warnings

import numpy as np

from ._callbacks import EpochProgress, EpochSeed, verbosity_level, wants_progress
from ._checkpoint import fingerprint, uses_checkpoint
from ._data import CycleGANData
from ._early_stopping import JointEarlyStopping, ValidationDistance, hold_out
from ._net import CycleGANNet, seeded_torch
from ._presets import HIDDEN_KEYS, NET_KEYS, net_options, resolved
from ._stacklevel import user_stacklevel
from ._threads import AdaptThreads
from .exceptions import TrainingInterruptedWarning

__all__ = ["MIN_CLASS_ROWS", "build_net", "train", "widest_layer"]

# Rows every class needs, and keeps for training when early stopping holds
# some back.
MIN_CLASS_ROWS = 2


def train(sampler, X, X_scaled, y_encoded, source, *, mode, interpolated, seeds):
    """CycleGANs configured like ``sampler``, trained on the resolved ``source``.

    With each class's interpolations as the source and no epochs (the
    ``"fast"`` preset, ``mode="interpolate"``), the net is built but trains
    nothing: its residual generators stay the identity.

    Parameters
    ----------
    sampler : CycleGANOversampler
        Read for its parameters and ``classes_`` and ``device_`` only.
    X, X_scaled : ndarray of shape (n_samples, n_features)
        The encoded rows, in X's units and min-max scaled.
    y_encoded : ndarray of shape (n_samples,)
    source : SourceRows
        The resolved source.
    mode : str
        The planned mode; "interpolate" trains no epochs.
    interpolated : bool
        Whether ``source`` holds each class's interpolations.
    seeds : tuple of int
        The torch seed and the batch seed.

    Returns
    -------
    net : CycleGANNet
        The fitted net; its ``history`` is the fit's.
    resolved : dict
        What the preset's "auto" values became (``summary_``).
    """
    torch_seed, batch_seed = seeds
    validation, kept = None, np.ones(len(y_encoded), dtype=bool)
    if sampler.early_stopping:
        kept, validation = hold_out(
            X_scaled,
            y_encoded,
            source,
            sampler.validation_fraction,
            batch_seed,
            MIN_CLASS_ROWS,
        )
    n_classes = len(sampler.classes_)
    data = CycleGANData(
        source,
        [X_scaled[kept & (y_encoded == k)] for k in range(n_classes)],
        np.random.default_rng(batch_seed),
    )
    net, options = build_net(
        sampler, n_classes, X.shape[1], interpolated, mode, batch_seed, validation
    )
    if uses_checkpoint(sampler.callbacks):
        # A checkpoint saved by this fit resumes only a fit of the same
        # kind; hashing the data costs a pass over it, so only then.
        net.fingerprint_ = fingerprint(
            X, y_encoded, source, sampler.get_params(deep=False)
        )
    with seeded_torch(torch_seed, sampler.device_):
        net.fit(data)
    _warn_if_interrupted(net, net.history)
    return net, resolved(options)


def build_net(
    sampler, n_classes, n_features, interpolated, mode, seed=0, validation=None
):
    """The unfitted ``CycleGANNet`` of a fit, and the options it was given."""
    options = net_options(
        sampler.preset,
        interpolated,
        {key: getattr(sampler, key) for key in NET_KEYS},
        sampler.net_params,
    )
    if mode == "interpolate":
        # Asked for, or chosen by inner folds: the interpolations as they
        # are, whatever epochs were set for translating a source.
        options.update(pretrain_epochs=0, max_epochs=0)
    net = CycleGANNet(
        module__n_classes=n_classes,
        module__n_features=n_features,
        callbacks=_callbacks(sampler, seed, validation),
        device=sampler.device_,
        verbose=int(verbosity_level(sampler.verbose) >= 2),
        **options,
    )
    return net, options


def widest_layer(sampler):
    """Widest hidden layer of ``sampler``'s networks (sizes ``n_threads="auto"``)."""
    options = net_options(
        sampler.preset,
        False,
        {key: getattr(sampler, key) for key in NET_KEYS},
        sampler.net_params,
    )
    return max(max(options[key], default=0) for key in HIDDEN_KEYS)


def _callbacks(sampler, seed, validation):
    """The net's callbacks: seeding, threads, the user's, early stopping."""
    level = verbosity_level(sampler.verbose)
    callbacks = [("epoch_seed", EpochSeed(seed))]
    if sampler.n_threads == "load":
        callbacks.append(("adapt_threads", AdaptThreads()))
    if validation is not None:
        callbacks.append(("valid_distance", ValidationDistance(*validation)))
    callbacks += list(sampler.callbacks or [])
    if validation is not None:
        # After the user's callbacks, so a checkpoint still saves the last epoch.
        stopping = JointEarlyStopping(
            patience=sampler.n_iter_no_change,
            sink=print if level else _silent,
        )
        callbacks.append(("early_stopping", stopping))
    if level == 1 or wants_progress(sampler.verbose):
        # "auto" waits a few seconds, so a short fit draws nothing.
        delay = 3.0 if sampler.verbose == "auto" else 0.0
        callbacks.append(("progress", EpochProgress(delay=delay)))
    return callbacks


def _warn_if_interrupted(net, history):
    planned = net.total_epochs
    done = len(history)
    stopped_early = done > 0 and history[-1].get("stopped_early", False)
    if done < planned and not stopped_early:
        warnings.warn(
            f"CycleGAN training stopped at epoch {done} of {planned} "
            "(interrupted); "
            "the synthetic rows come from the partly trained networks. Pass a "
            "TrainingCheckpoint in callbacks to be able to resume.",
            TrainingInterruptedWarning,
            stacklevel=user_stacklevel(),
        )


def _silent(*args, **kwargs):
    pass
