"""The skorch net that trains all per-class CycleGANs at once.

Training has two phases, chosen by the epoch number:

1. ``pretrain_epochs`` of cycle reconstruction only: G and F learn to invert
   each other, no discriminators (what the authors' code does);
2. ``max_epochs`` of joint adversarial training: per batch one discriminator
   step, then ``generator_steps`` generator steps.

One optimiser serves each role (pre-training, discriminators, generators plus
the auxiliary classifier); each covers the stacked weights of every class.
"""

import torch
from skorch import NeuralNet
from skorch.callbacks import EpochTimer, PassthroughScoring

from ._callbacks import DivergenceGuard, QuietPrintLog, StepDecay
from ._data import CycleGANData, EpochBatches
from ._losses import CycleGANLoss
from ._modules import CycleGANModule

__all__ = ["CycleGANNet", "seeded_torch"]

# Devices with a fused Adam kernel: CUDA since torch 2.0, CPU since 2.4.
_TORCH_VERSION = tuple(int(part) for part in torch.__version__.split(".")[:2])
FUSED_DEVICES = ("cpu", "cuda") if _TORCH_VERSION >= (2, 4) else ("cuda",)

LOSS_TERMS = (
    "cycle_loss",
    "discriminator_loss",
    "adversarial_loss",
    "classifier_loss",
    "identity_loss",
)


class CycleGANNet(NeuralNet):
    """skorch ``NeuralNet`` with the CycleGAN train step.

    ``fit`` takes a ``CycleGANData`` (scaled
    source and class rows); options reach the parts by prefix, as in skorch:
    ``module__generator_hidden``, ``criterion__lambda_cls``, ``optimizer__betas``.

    Parameters
    ----------
    module : type, default=CycleGANModule
    criterion : type, default=CycleGANLoss
    optimizer : type, default=torch.optim.Adam
        One instance each for pre-training, discriminators and generators.
        A torch Adam or AdamW left to its defaults gets ``fused=True`` (one
        kernel per update, same arithmetic); pass ``optimizer__fused=False``
        or ``optimizer__foreach=...`` to choose otherwise.
    lr : float, default=2e-4
    max_epochs : int
        Epochs of joint training.
    pretrain_epochs : int
        Epochs of cycle-only pre-training before joint training.
    batch_size : int, default=64
    generator_steps : int, default=2
        Generator updates per discriminator update.
    lr_decay_every, lr_decay : int, float
        Joint-phase learning rate times ``lr_decay`` every ``lr_decay_every`` epochs.
    iterator_train : type, default=EpochBatches
        Builds an epoch of batches from the ``CycleGANData``; its options are
        routed with the ``iterator_train__`` prefix, as in skorch.
    **kwargs
        Passed to ``skorch.NeuralNet`` (``callbacks``, ``device``, ``verbose`` …).
    """

    # The three optimisers share the ``optimizer__`` options; skorch learns a
    # prefix from an ``optimizer_`` attribute, which this net does not have.
    prefixes_ = [*NeuralNet.prefixes_, "optimizer"]

    def __init__(
        self,
        module=CycleGANModule,
        *,
        criterion=CycleGANLoss,
        optimizer=torch.optim.Adam,
        lr=2e-4,
        max_epochs=100,
        pretrain_epochs=100,
        batch_size=64,
        generator_steps=2,
        lr_decay_every=50,
        lr_decay=0.8,
        iterator_train=EpochBatches,
        train_split=None,
        **kwargs,
    ):
        super().__init__(
            module,
            criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            iterator_train=iterator_train,
            train_split=train_split,
            **kwargs,
        )
        self.pretrain_epochs = pretrain_epochs
        self.generator_steps = generator_steps
        self.lr_decay_every = lr_decay_every
        self.lr_decay = lr_decay

    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            *[
                (name, PassthroughScoring(name=name, on_train=True))
                for name in LOSS_TERMS
            ],
            ("lr_decay", StepDecay(self.lr_decay_every, self.lr_decay)),
            ("divergence_guard", DivergenceGuard()),
            ("print_log", QuietPrintLog(keys_ignored=["train_batch_count", "phase"])),
        ]

    @property
    def total_epochs(self):
        """Epochs of a full fit: pre-training, then joint training."""
        return self.pretrain_epochs + self.max_epochs

    @property
    def phase_(self):
        """``'pretrain'`` or ``'joint'``, from the current epoch number."""
        return "pretrain" if len(self.history) <= self.pretrain_epochs else "joint"

    # -- initialisation ------------------------------------------------------

    def initialize_optimizer(self, triggered_directly=None):
        module = self.module_
        pretrain = [
            *module.generator.named_parameters("generator"),
            *module.inverse.named_parameters("inverse"),
        ]
        roles = {
            "optimizer_pretrain_": pretrain,
            "optimizer_discriminator_": [
                *module.discriminator_target.named_parameters("discriminator_target"),
                *module.discriminator_source.named_parameters("discriminator_source"),
            ],
            "optimizer_generator_": [
                *pretrain,
                *module.classifier.named_parameters("classifier"),
            ],
        }
        for name, named_parameters in roles.items():
            args, kwargs = self.get_params_for_optimizer("optimizer", named_parameters)
            if _fusable(self.optimizer, kwargs, module):
                # The fused kernel makes one pass over parameter, gradient and
                # moments instead of a dozen; the Adam update of ~90M values per
                # iteration at the paper's sizes costs 5-8x less time, with the
                # same arithmetic (tests/test_speed_equivalence.py).
                kwargs["fused"] = True
            setattr(self, name, self.optimizer(*args, **kwargs))
        return self

    def load_params(self, *args, checkpoint=None, **kwargs):
        # Refuse a torn or corrupt checkpoint before reading any of it.
        if checkpoint is not None and hasattr(checkpoint, "verify"):
            checkpoint.verify(getattr(self, "fingerprint_", None))
        return super().load_params(*args, checkpoint=checkpoint, **kwargs)

    def get_dataset(self, X, y=None):
        if not isinstance(X, CycleGANData):
            raise TypeError(
                f"CycleGANNet.fit expects CycleGANData, got {type(X).__name__}."
            )
        return X

    def get_iterator(self, dataset, training=False):
        # As skorch does: iterator_train with its iterator_train__ options;
        # batch_size and device unless those options set them.
        kwargs = self.get_params_for("iterator_train")
        kwargs.setdefault("batch_size", self.batch_size)
        kwargs.setdefault("device", self.device)
        return self.iterator_train(dataset, **kwargs)

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        if epochs is None:
            epochs = max(self.total_epochs - len(self.history), 0)
        return super().fit_loop(X, y, epochs=epochs, **fit_params)

    # -- training --------------------------------------------------------------

    def pretrain_step(self, source, target):
        """Cycle reconstruction only: F(G(s)) ≈ s and G(F(t)) ≈ t."""
        module, optimizer = self.module_, self.optimizer_pretrain_
        optimizer.zero_grad(set_to_none=True)
        terms = self.criterion_.pretraining(
            module.inverse(module.generator(source)),
            source,
            module.generator(module.inverse(target)),
            target,
        )
        terms["loss"].backward()
        optimizer.step()
        return terms

    def discriminator_step(self, source, target):
        """One update of D^T and D^S on real rows and detached fakes."""
        module, optimizer = self.module_, self.optimizer_discriminator_
        with torch.no_grad():
            fake_target = module.generator(source)
            fake_source = module.inverse(target)
        optimizer.zero_grad(set_to_none=True)
        terms = self.criterion_.discriminators(
            module.discriminator_target(target),
            module.discriminator_target(fake_target),
            module.discriminator_source(source),
            module.discriminator_source(fake_source),
        )
        terms["loss"].backward()
        optimizer.step()
        return terms

    def generator_step(self, source, target):
        """One update of G, F and the classifier against frozen discriminators."""
        module, optimizer = self.module_, self.optimizer_generator_
        optimizer.zero_grad(set_to_none=True)
        fake_target = module.generator(source)
        fake_source = module.inverse(target)
        discriminators = [*module.discriminator_parameters()]
        # Discriminator weights need no gradient here; skipping it saves a third
        # of their backward pass.
        for p in discriminators:
            p.requires_grad_(False)
        try:
            terms = self.criterion_.generators(
                module.discriminator_target(fake_target),
                module.discriminator_source(fake_source),
                module.inverse(fake_target),
                source,
                module.generator(fake_source),
                target,
                module.classify(fake_target),
                *self._identity(source, target),
            )
            terms["loss"].backward()
        finally:
            for p in discriminators:
                p.requires_grad_(True)
        optimizer.step()
        return terms

    def _identity(self, source, target):
        """``(G(target), F(source))`` when the identity term is on, else nothing."""
        if not self.criterion_.lambda_identity:
            return ()
        module = self.module_
        return module.generator(target), module.inverse(source)

    def train_step(self, batch, **fit_params):
        source, target = batch
        self._set_training(True)
        if self.phase_ == "pretrain":
            terms = self.pretrain_step(source, target)
        else:
            if self.optimizer_pretrain_.state:
                # Pre-training is over for good (the phase follows the epoch
                # count); its Adam moments, two copies of G and F, are dead weight.
                self.optimizer_pretrain_.state.clear()
            terms = self.discriminator_step(source, target)
            for _ in range(self.generator_steps):
                terms.update(self.generator_step(source, target))
        # One device-to-host copy for all terms.
        names = [name for name in LOSS_TERMS if name in terms]
        values = torch.stack([terms[name].detach() for name in names]).tolist()
        for name, value in zip(names, values):
            self.history.record_batch(name, value)
        self.history.record("phase", self.phase_)
        return {"loss": terms["loss"].detach()}

    # -- generation ----------------------------------------------------------

    def transfer(self, rows, groups=None, chunk_rows=4096):
        """G_k(rows) in evaluation mode; ``rows`` has shape ``(K', n, d)``.

        ``groups`` selects which of the K generators the K' row blocks go
        through (all of them when None).
        """
        self.check_is_fitted()
        self._set_training(False)
        if groups is not None:
            groups = torch.as_tensor(groups, device=self.device)
            if torch.equal(groups.cpu(), torch.arange(self.module_.n_classes)):
                groups = None  # all generators in order: no copy of their weights
        out = []
        with torch.no_grad():
            for start in range(0, rows.shape[1], chunk_rows):
                chunk = rows[:, start : start + chunk_rows].to(self.device)
                out.append(self.module_.generator(chunk, groups).cpu())
        if len(out) == 1:
            return out[0]
        return torch.cat(out, dim=1) if out else rows.new_empty(rows.shape)


def _fusable(optimizer, kwargs, module):
    """Whether to ask for the fused kernel: a torch Adam/AdamW left to its defaults."""
    if optimizer not in (torch.optim.Adam, torch.optim.AdamW):
        return False
    if kwargs.get("fused") is not None or kwargs.get("foreach") is not None:
        return False
    if any(kwargs.get(key) for key in ("differentiable", "capturable")):
        return False
    return all(
        p.is_floating_point() and p.device.type in FUSED_DEVICES
        for p in module.parameters()
    )


class seeded_torch:
    """Seed torch's global generators for a block, restoring them afterwards.

    Dropout and weight initialisation draw from the global generator; forking
    it keeps the user's own torch random state untouched.
    """

    def __init__(self, seed, device):
        devices = [torch.device(device)] if str(device).startswith("cuda") else []
        self._fork = torch.random.fork_rng(devices=devices)
        self.seed = int(seed)

    def __enter__(self):
        self._fork.__enter__()
        torch.manual_seed(self.seed)

    def __exit__(self, *exc):
        return self._fork.__exit__(*exc)
