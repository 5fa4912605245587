"""A plain reference trainer: one CycleGAN per class, evaluated in a Python loop.

This is what a straightforward PyTorch port of the method looks like: every
class has its own ``nn.Linear`` generators and discriminators, each class's
forward pass runs in turn, and a standard per-parameter ``torch.optim.Adam``
updates them.  It exists to check :class:`sklearn_cyclegan._net.CycleGANNet`
(same losses, same updates, see ``tests/test_speed_equivalence.py``) and to
measure how much its batched layout saves (``benchmarks/speed.py``).

The loss terms are written out per class, as the paper's ``L = sum_i L_i``,
rather than imported from ``sklearn_cyclegan._losses``, so that an error in
those shared definitions would show up as a mismatch.
"""

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["ReferenceCycleGANs"]


def _mlp(sizes, dropout, negative_slope):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(negative_slope))
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def _load_group(mlp, grouped, k):
    """Copy class ``k`` of a ``GroupedMLP`` into an ``nn.Sequential`` of Linears."""
    linears = [m for m in mlp if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for linear, layer in zip(linears, grouped.layers):
            # GroupedLinear stores (in, out) per class; nn.Linear wants (out, in).
            linear.weight.copy_(layer.weight[k].T)
            linear.bias.copy_(layer.bias[k, 0])


class ReferenceCycleGANs(nn.Module):
    """K independent CycleGANs and one shared auxiliary classifier.

    Parameters
    ----------
    n_classes, n_features : int
    generator_hidden, discriminator_hidden, classifier_hidden : tuple of int
    dropout, classifier_dropout, negative_slope : float
    lambda_cycle, lambda_cls, real_label : float
        As in :class:`sklearn_cyclegan._losses.CycleGANLoss`.
    lr : float
        Learning rate of the three ``torch.optim.Adam`` optimisers.
    """

    def __init__(
        self,
        n_classes,
        n_features,
        generator_hidden=(1000, 500, 1000),
        discriminator_hidden=(1000, 1000),
        classifier_hidden=(100, 100),
        dropout=0.2,
        classifier_dropout=0.5,
        negative_slope=0.2,
        lambda_cycle=5.0,
        lambda_cls=2.0,
        real_label=0.9,
        lr=2e-4,
    ):
        super().__init__()
        self.n_classes = n_classes
        self.lambda_cycle = lambda_cycle
        self.lambda_cls = lambda_cls
        self.real_label = real_label

        def nets(n_out, hidden):
            sizes = [n_features, *hidden, n_out]
            return nn.ModuleList(
                _mlp(sizes, dropout, negative_slope) for _ in range(n_classes)
            )

        self.generator = nets(n_features, generator_hidden)
        self.inverse = nets(n_features, generator_hidden)
        self.discriminator_target = nets(1, discriminator_hidden)
        self.discriminator_source = nets(1, discriminator_hidden)
        self.classifier = _mlp(
            [n_features, *classifier_hidden, n_classes],
            classifier_dropout,
            negative_slope,
        )
        gf = [*self.generator.parameters(), *self.inverse.parameters()]
        self.optimizer_pretrain = torch.optim.Adam(gf, lr=lr)
        self.optimizer_discriminator = torch.optim.Adam(
            [
                *self.discriminator_target.parameters(),
                *self.discriminator_source.parameters(),
            ],
            lr=lr,
        )
        self.optimizer_generator = torch.optim.Adam(
            [*gf, *self.classifier.parameters()], lr=lr
        )

    @classmethod
    def from_module(cls, module, **kwargs):
        """A reference holding the same weights as a ``CycleGANModule``.

        ``kwargs`` must describe the same architecture (hidden sizes, dropout).
        """
        ref = cls(module.n_classes, module.n_features, **kwargs)
        for name in (
            "generator",
            "inverse",
            "discriminator_target",
            "discriminator_source",
        ):
            for k, mlp in enumerate(getattr(ref, name)):
                _load_group(mlp, getattr(module, name), k)
        _load_group(ref.classifier, module.classifier, 0)
        return ref

    # -- loss terms, per class --------------------------------------------------

    def _bce(self, logits, target):
        return F.binary_cross_entropy_with_logits(
            logits, torch.full_like(logits, target)
        )

    # -- steps -------------------------------------------------------------------

    def pretrain_step(self, source, target):
        """Cycle reconstruction only; ``source``, ``target`` of shape (K, B, d)."""
        self.train()
        self.optimizer_pretrain.zero_grad()
        loss = 0.0
        for k in range(self.n_classes):
            G, Fk = self.generator[k], self.inverse[k]
            loss = loss + F.mse_loss(Fk(G(source[k])), source[k])
            loss = loss + F.mse_loss(G(Fk(target[k])), target[k])
        loss.backward()
        self.optimizer_pretrain.step()
        return {"cycle_loss": loss.detach()}

    def discriminator_step(self, source, target):
        self.train()
        self.optimizer_discriminator.zero_grad()
        loss = 0.0
        for k in range(self.n_classes):
            s, t = source[k], target[k]
            with torch.no_grad():
                fake_t, fake_s = self.generator[k](s), self.inverse[k](t)
            DT, DS = self.discriminator_target[k], self.discriminator_source[k]
            loss = loss + 0.5 * (
                self._bce(DT(t), self.real_label) + self._bce(DT(fake_t), 0.0)
            )
            loss = loss + 0.5 * (
                self._bce(DS(s), self.real_label) + self._bce(DS(fake_s), 0.0)
            )
        loss.backward()
        self.optimizer_discriminator.step()
        return {"discriminator_loss": loss.detach()}

    def generator_step(self, source, target):
        self.train()
        self.optimizer_generator.zero_grad()
        discriminators = [
            *self.discriminator_target.parameters(),
            *self.discriminator_source.parameters(),
        ]
        for p in discriminators:
            p.requires_grad_(False)
        adversarial = cycle = 0.0
        fakes = []
        for k in range(self.n_classes):
            s, t = source[k], target[k]
            G, Fk = self.generator[k], self.inverse[k]
            fake_t, fake_s = G(s), Fk(t)
            adversarial = (
                adversarial
                + self._bce(self.discriminator_target[k](fake_t), self.real_label)
                + self._bce(self.discriminator_source[k](fake_s), self.real_label)
            )
            cycle = cycle + F.mse_loss(Fk(fake_t), s) + F.mse_loss(G(fake_s), t)
            fakes.append(fake_t)
        n_rows = source.shape[1]
        labels = torch.arange(self.n_classes, device=source.device).repeat_interleave(
            n_rows
        )
        classification = F.cross_entropy(self.classifier(torch.cat(fakes)), labels)
        loss = (
            adversarial + self.lambda_cycle * cycle + self.lambda_cls * classification
        )
        loss.backward()
        for p in discriminators:
            p.requires_grad_(True)
        self.optimizer_generator.step()
        return {
            "adversarial_loss": adversarial.detach(),
            "cycle_loss": cycle.detach(),
            "classifier_loss": classification.detach(),
            "loss": loss.detach(),
        }

    def train_step(self, source, target, generator_steps=2):
        """One joint iteration: a discriminator step, ``generator_steps`` G steps."""
        terms = self.discriminator_step(source, target)
        for _ in range(generator_steps):
            terms.update(self.generator_step(source, target))
        return terms

    @torch.no_grad()
    def transfer(self, rows):
        """G_k(rows[k]) for every class, in evaluation mode."""
        self.eval()
        return torch.stack([G(r) for G, r in zip(self.generator, rows)])
