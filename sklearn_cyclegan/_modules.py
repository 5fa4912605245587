"""PyTorch modules: K per-class networks stored as stacked weights.

Every network of the method (generator G_k, inverse generator F_k, the two
discriminators) exists once per class.  Rather than K separate ``nn.Module``
objects evaluated in a Python loop, each layer keeps the K weight matrices in
one ``(K, in, out)`` tensor and evaluates all classes with one batched matmul
(``torch.baddbmm``).  Inputs and outputs therefore carry a leading class axis:
``(K, batch, features)``.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["GroupedLinear", "GroupedMLP", "CycleGANModule", "dropout"]


# Dropout masks come from 16-bit random integers: the keep probability is
# rounded to a multiple of 2**-16.
_LEVELS = 1 << 16


def dropout(x, p):
    """Training-mode dropout; on CPU with masks cut from 64-bit random words.

    torch's CPU dropout draws every mask element with a scalar Bernoulli
    sampler; at the paper's sizes that took 10-20 % of a training step.  One
    64-bit draw here gives four 16-bit numbers, each kept when below
    ``round((1 - p) * 2**16)``, and the kept values are scaled by the exact
    inverse of that rounded probability, so the output stays unbiased.  The
    draws come from torch's seeded generator; they differ from ``F.dropout``'s.
    Other devices use ``F.dropout``, whose fused kernel is already fast.
    """
    if x.device.type != "cpu" or p <= 0:
        return F.dropout(x, p, training=True)
    kept = round((1.0 - p) * _LEVELS)
    if kept == 0:
        return x * 0.0
    words = torch.empty(-(-x.numel() // 4), dtype=torch.int64).random_(-(1 << 63), None)
    # float32 holds every 16-bit integer exactly; half precisions do not.
    noise = words.view(torch.int16)[: x.numel()].view(x.shape).to(torch.float32)
    mask = noise.lt_(kept - _LEVELS // 2).mul_(_LEVELS / kept)
    return x * mask.to(x.dtype)


class GroupedLinear(nn.Module):
    """K independent affine maps evaluated as one batched matmul.

    Parameters
    ----------
    n_groups : int
        Number of independent maps (one per class).
    in_features, out_features : int
        Sizes of each map.
    """

    def __init__(self, n_groups, in_features, out_features):
        super().__init__()
        self.n_groups = n_groups
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.empty(n_groups, in_features, out_features))
        self.bias = nn.Parameter(torch.empty(n_groups, 1, out_features))
        self.reset_parameters()

    def reset_parameters(self):
        # Xavier-uniform weights and zero biases, as in the authors' code.
        bound = math.sqrt(6.0 / (self.in_features + self.out_features))
        with torch.no_grad():
            self.weight.uniform_(-bound, bound)
            self.bias.zero_()

    def forward(self, x, groups=None):
        """Apply the maps to ``x`` of shape ``(K, batch, in_features)``.

        ``groups`` (a 1-d index tensor) selects a subset of the K maps, so
        that only the classes being generated are evaluated.
        """
        weight, bias = self.weight, self.bias
        if groups is not None:
            weight, bias = weight[groups], bias[groups]
        return torch.baddbmm(bias, x, weight)

    def extra_repr(self):
        return (
            f"n_groups={self.n_groups}, in_features={self.in_features}, "
            f"out_features={self.out_features}"
        )


class GroupedMLP(nn.Module):
    """Feed-forward net, leaky ReLU and dropout between layers, linear output.

    Parameters
    ----------
    n_groups : int
        Number of independent networks stored side by side.
    in_features, out_features : int
        Input and output width.
    hidden : sequence of int
        Hidden layer widths.
    dropout : float
        Dropout probability after each hidden activation (training only).
    negative_slope : float
        Slope of the leaky ReLU.
    residual : bool, default=False
        Add the input to the output (``in_features == out_features``), with
        the last layer starting at zero, so the network starts as the
        identity and learns a change of its input.
    """

    def __init__(
        self,
        n_groups,
        in_features,
        out_features,
        hidden,
        dropout=0.0,
        negative_slope=0.2,
        residual=False,
    ):
        super().__init__()
        sizes = [in_features, *hidden, out_features]
        self.layers = nn.ModuleList(
            GroupedLinear(n_groups, a, b) for a, b in zip(sizes[:-1], sizes[1:])
        )
        self.dropout = dropout
        self.negative_slope = negative_slope
        self.residual = residual
        if residual:
            if in_features != out_features:
                raise ValueError("a residual network maps a width to itself")
            with torch.no_grad():
                self.layers[-1].weight.zero_()

    def forward(self, x, groups=None):
        if self.residual:
            return x + self._forward(x, groups)
        return self._forward(x, groups)

    def _forward(self, x, groups=None):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x, groups)
            if i < last:
                # In place: the matmul's backward needs its inputs, not its
                # output, and a positive slope lets autograd recover the
                # gradient from the activated values.
                x = F.leaky_relu(x, self.negative_slope, inplace=True)
                if self.dropout and self.training:
                    x = dropout(x, self.dropout)
        return x


class CycleGANModule(nn.Module):
    """All per-class CycleGANs and the shared auxiliary classifier.

    ``generator`` maps source rows to each class (G_k), ``inverse`` maps class
    rows back to the source domain (F_k), ``discriminator_target`` tells real
    class rows from G_k(source) (D_k^T) and ``discriminator_source`` real source
    rows from F_k(class rows) (D_k^S).  ``classifier`` (C) is one network shared
    by all classes that predicts which generator produced a row; its loss keeps
    the classes' synthetic rows apart.

    Parameters
    ----------
    n_classes : int
        Number of classes K.
    n_features : int
        Width of a row.
    generator_hidden : tuple of int, default=(1000, 500, 1000)
    discriminator_hidden : tuple of int, default=(1000, 1000)
    classifier_hidden : tuple of int, default=(100, 100)
    dropout : float, default=0.2
        Dropout in generators and discriminators.
    classifier_dropout : float, default=0.5
    negative_slope : float, default=0.2
    residual : bool, default=False
        Generators learn a change of their input: ``G(s) = s + g(s)``, starting
        at the identity.  The authors' generators are plain (``False``).
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
        residual=False,
    ):
        super().__init__()
        self.n_classes = n_classes
        self.n_features = n_features

        def net(n_out, hidden, p, groups=n_classes, residual=False):
            return GroupedMLP(
                groups, n_features, n_out, hidden, p, negative_slope, residual
            )

        self.generator = net(n_features, generator_hidden, dropout, residual=residual)
        self.inverse = net(n_features, generator_hidden, dropout, residual=residual)
        self.discriminator_target = net(1, discriminator_hidden, dropout)
        self.discriminator_source = net(1, discriminator_hidden, dropout)
        self.classifier = net(
            n_classes, classifier_hidden, classifier_dropout, groups=1
        )

    def discriminator_parameters(self):
        for part in (self.discriminator_target, self.discriminator_source):
            yield from part.parameters()

    def classify(self, rows):
        """Class logits for rows of shape ``(K, batch, n_features)``."""
        k, b, d = rows.shape
        return self.classifier(rows.reshape(1, k * b, d)).reshape(k * b, -1)

    def forward(self, source, groups=None):
        """Style-transfer source rows to each class: G_k(source)."""
        return self.generator(source, groups)
