"""Loss terms of the CycleGAN oversampler, each a short named function.

All tensors carry a leading class axis ``(K, batch, ...)``.  Per-class losses
are means over the batch, summed over the K classes, which is the paper's
``L = sum_i L_i`` (eq. 5).
"""

import torch
from torch.nn import functional as F

__all__ = [
    "CycleGANLoss",
    "adversarial_loss",
    "discriminator_loss",
    "cycle_loss",
    "classification_loss",
]


def _log_loss(logits, target):
    n_classes = logits.shape[0]
    targets = torch.full_like(logits, target)
    return n_classes * F.binary_cross_entropy_with_logits(logits, targets)


def discriminator_loss(real_logits, fake_logits, real_label=0.9):
    """Log loss of a discriminator with one-sided label smoothing.

    ``0.5 * (BCE(D(real), real_label) + BCE(D(fake), 0))``, as the authors'
    code does for each direction.
    """
    return 0.5 * (_log_loss(real_logits, real_label) + _log_loss(fake_logits, 0.0))


def adversarial_loss(fake_logits, real_label=0.9):
    """Generator's log loss: push D(fake) towards the smoothed real label.

    The authors' code uses the smoothed target (0.9) for the generator too.
    """
    return _log_loss(fake_logits, real_label)


def cycle_loss(reconstructed, original):
    """Squared reconstruction error: mean over rows and features, sum over classes."""
    return reconstructed.shape[0] * F.mse_loss(reconstructed, original)


def classification_loss(logits, n_classes, n_rows):
    """Cross-entropy of the auxiliary classifier against each row's generator.

    ``logits`` has shape ``(K * n_rows, K)``, laid out class after class.
    """
    labels = torch.arange(n_classes, device=logits.device).repeat_interleave(n_rows)
    return F.cross_entropy(logits, labels)


class CycleGANLoss(torch.nn.Module):
    """The weighted sum of the named loss terms, as skorch's ``criterion``.

    Each method returns a dict of named terms plus ``'loss'``, the value that
    is minimised, so the training loop and the history see the same names.

    Parameters
    ----------
    lambda_cycle : float, default=5.0
        Weight of the cycle-consistency term (paper: 5).
    lambda_cls : float, default=2.0
        Weight of the classifier term on generated rows (paper: 0 or 2).
    real_label : float, default=0.9
        Smoothed label of real rows (one-sided label smoothing).
    """

    def __init__(self, lambda_cycle=5.0, lambda_cls=2.0, real_label=0.9):
        super().__init__()
        self.lambda_cycle = lambda_cycle
        self.lambda_cls = lambda_cls
        self.real_label = real_label

    def pretraining(self, cycle_source, source, cycle_target, target):
        cycle = cycle_loss(cycle_source, source) + cycle_loss(cycle_target, target)
        return {"loss": cycle, "cycle_loss": cycle}

    def discriminators(self, real_target, fake_target, real_source, fake_source):
        d_target = discriminator_loss(real_target, fake_target, self.real_label)
        d_source = discriminator_loss(real_source, fake_source, self.real_label)
        loss = d_target + d_source
        return {"loss": loss, "discriminator_loss": loss}

    def generators(
        self,
        fake_target_logits,
        fake_source_logits,
        cycle_source,
        source,
        cycle_target,
        target,
        class_logits,
    ):
        adversarial = adversarial_loss(
            fake_target_logits, self.real_label
        ) + adversarial_loss(fake_source_logits, self.real_label)
        cycle = cycle_loss(cycle_source, source) + cycle_loss(cycle_target, target)
        n_classes, n_rows = target.shape[:2]
        classification = classification_loss(class_logits, n_classes, n_rows)
        loss = (
            adversarial + self.lambda_cycle * cycle + self.lambda_cls * classification
        )
        return {
            "loss": loss,
            "adversarial_loss": adversarial,
            "cycle_loss": cycle,
            "classifier_loss": classification,
        }
