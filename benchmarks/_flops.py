"""The FLOP model of a training step: matmul counts and shapes, analytically.

FLOPs are counted for what the trainer computes (matmuls only, 2 per
multiply-add): no input gradient for rows that need none, and no
discriminator weight gradient in generator steps (the trainer freezes them).
:func:`iteration_flops` sums the passes; :func:`step_matmuls` lists them shape
by shape, so that their peak can be timed (``benchmarks._timing``); the two
give the same FLOPs.
"""

from sklearn_cyclegan._presets import PRESETS

PAPER = {
    "n_classes": 4,
    "n_features": 1582,
    "generator_hidden": (1000, 500, 1000),
    "discriminator_hidden": (1000, 1000),
    "classifier_hidden": (100, 100),
    "batch": 64,
}
# The fast preset's sizes and schedule, flat: its network details sit under
# skorch's prefixes in PRESETS["fast"]["net"].
_FAST_NET = PRESETS["fast"]["net"]
FAST = {
    "generator_hidden": PRESETS["fast"]["generator_hidden"],
    "discriminator_hidden": _FAST_NET["module__discriminator_hidden"],
    "classifier_hidden": _FAST_NET["module__classifier_hidden"],
    "generator_steps": _FAST_NET["generator_steps"],
    "betas": _FAST_NET["optimizer__betas"],
    "lr": PRESETS["fast"]["lr"],
}


def macs(sizes):
    """Multiply-adds per row of an MLP with layer widths ``sizes``."""
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def iteration_flops(
    n_classes,
    n_features,
    generator_hidden,
    discriminator_hidden,
    classifier_hidden,
    batch,
    generator_steps=2,
):
    """Matmul FLOPs of one joint iteration, as computed and as naively counted.

    With ``f(net) = 2 B macs(net)`` a forward pass over one class's batch and
    ``l(net) = 2 B d h_1`` its first layer, per class:

    * discriminator step: G, F forward without gradients (``2 f(G)``); four
      discriminator passes, each forward, weight gradient and input gradient
      below the first layer (``4 (3 f(D) - l(D))``);
    * generator step: G(s), F(t) forward and backward without the input
      gradient of the rows (``2 (3 f(G) - l(G))``); the cycle passes F(G(s)),
      G(F(t)) with both gradients (``2 * 3 f(G)``); the frozen discriminators
      on the fakes, forward and input gradient only (``2 * 2 f(D)``);

    plus the shared classifier on all ``K B`` fakes, ``3 * 2 K B macs(C)``
    per generator step.  The naive count takes every backward pass as twice
    its forward (input gradients of the data rows and discriminator weight
    gradients in generator steps included).
    """
    d, b, k = n_features, batch, n_classes
    G = [d, *generator_hidden, d]
    D = [d, *discriminator_hidden, 1]
    C = [d, *classifier_hidden, k]
    fG, fD = 2 * b * macs(G), 2 * b * macs(D)
    lG, lD = 2 * b * G[0] * G[1], 2 * b * D[0] * D[1]
    classifier = 3 * 2 * k * b * macs(C)
    disc_step = k * (2 * fG + 4 * (3 * fD - lD))
    gen_step = k * (2 * (3 * fG - lG) + 2 * 3 * fG + 2 * 2 * fD) + classifier
    naive = k * (2 * fG + 4 * 3 * fD) + generator_steps * (
        k * (4 * 3 * fG + 2 * 3 * fD) + classifier
    )
    return {
        "discriminator_step": disc_step,
        "generator_step": gen_step,
        "iteration": disc_step + generator_steps * gen_step,
        "naive": naive,
    }


def generation_flops(rows, n_features, generator_hidden):
    """Matmul FLOPs of translating ``rows`` rows through one generator."""
    return 2 * rows * macs([n_features, *generator_hidden, n_features])


def network_pass(calls, groups, rows, sizes, backward=True, weights=True, data=False):
    """Add one pass of an MLP with widths ``sizes`` over ``(groups, rows, .)``.

    Each layer runs its forward matmul and, with ``backward``, the weight
    gradient when its weights train (``weights``) and the input gradient
    except for the first layer's input when that is data (``data``).
    """
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        shape = (groups, rows, n_in, n_out)
        calls[("forward", *shape)] = calls.get(("forward", *shape), 0) + 1
        if backward and weights:
            calls[("weight grad", *shape)] = calls.get(("weight grad", *shape), 0) + 1
        if backward and (i > 0 or not data):
            calls[("input grad", *shape)] = calls.get(("input grad", *shape), 0) + 1


def step_matmuls(
    phase,
    n_classes,
    n_features,
    generator_hidden,
    discriminator_hidden,
    classifier_hidden,
    batch,
    generator_steps=2,
):
    """Every matmul of one training step as ``{(kind, K, rows, in, out): calls}``.

    ``phase`` is ``"pretrain"`` (one cycle-only step) or ``"joint"`` (one
    discriminator step and ``generator_steps`` generator steps), with the
    passes :func:`iteration_flops` counts: the two give the same FLOPs.
    """
    k, b, d = n_classes, batch, n_features
    G = [d, *generator_hidden, d]
    D = [d, *discriminator_hidden, 1]
    C = [d, *classifier_hidden, k]
    calls = {}
    if phase == "pretrain":
        for _ in range(2):  # F(G(s)) and G(F(t))
            network_pass(calls, k, b, G, data=True)
            network_pass(calls, k, b, G)
        return calls
    for _ in range(2):  # discriminator step: the fakes, then D on real and fake
        network_pass(calls, k, b, G, backward=False)
        for _ in range(2):
            network_pass(calls, k, b, D, data=True)
    for _ in range(generator_steps):
        for _ in range(2):  # G(s) and F(t), the cycles, the frozen discriminators
            network_pass(calls, k, b, G, data=True)
            network_pass(calls, k, b, G)
            network_pass(calls, k, b, D, weights=False)
        network_pass(calls, 1, k * b, C)
    return calls


def matmul_flops(calls):
    """FLOPs of the matmuls ``{(kind, groups, rows, in, out): calls}``."""
    return sum(
        2 * g * m * n_in * n_out * n for (_, g, m, n_in, n_out), n in calls.items()
    )


def fast_matmuls(phase, k, d, b):
    """:func:`step_matmuls` of the fast preset's networks."""
    return step_matmuls(
        phase,
        k,
        d,
        FAST["generator_hidden"],
        FAST["discriminator_hidden"],
        FAST["classifier_hidden"],
        b,
        FAST["generator_steps"],
    )
