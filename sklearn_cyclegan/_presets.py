"""Named sets of defaults, and the one place a fit's net options are resolved.

``"paper"`` is what Bao et al. (2019) report and their code does: generators
1000-500-1000, discriminators 1000-1000, 10k epochs of pre-training and 2k of
joint training, Adam at 2e-4 with default betas, 2 generator steps per
discriminator step.  That schedule runs ~180k updates on IEMOCAP-sized data.
Without a source, the rows of all classes are the source ("pooled").

``"fast"`` is for a few hundred updates on a laptop CPU.  On EmoDB (smallest
class 62 rows, so one batch per epoch) the paper's optimiser settings let the
generators outpace the discriminators: after 300 joint epochs the synthetic
class means were further from the real ones than the source's.  Adam with
beta1 = 0.5, lr 1e-3 and one generator step per discriminator step fixed that
(mean absolute difference to the class 0.03 against the source's 0.10); a
single hidden layer of 128 converged within the budget where 128-64-128 did not
(0.06-0.12).  Measured with one seed, see docs/results.md for the full tables.

Each preset holds the sampler's own parameters (``generator_hidden``, the
epochs, ``lr``), what serves as the source when there is none, and under
``"net"`` the network and optimiser details as skorch-prefixed
``CycleGANNet`` options, which ``net_params`` overrides one by one.
``"interpolated"`` holds the values that replace the preset's own when each
class's source is its own rows, interpolated.
"""

import numpy as np

__all__ = [
    "AUTO_KEYS",
    "NET_KEYS",
    "PRESETS",
    "interpolates",
    "net_options",
    "resolved",
]

# The authors' settings of the parts both presets share.
_COMMON_NET = {
    "module__classifier_hidden": (100, 100),
    "module__dropout": 0.2,
    "module__classifier_dropout": 0.5,
    "module__negative_slope": 0.2,
    # Plain generators, as the authors'; residual ones start at the identity.
    "module__residual": False,
    "criterion__real_label": 0.9,
    "criterion__lambda_identity": 0.0,
    "lr_decay": 0.8,
    "lr_decay_every": 50,
}

PRESETS = {
    "fast": {
        "generator_hidden": (128,),
        "pretrain_epochs": 100,
        "max_epochs": 300,
        "lr": 1e-3,
        "fallback_source": "interpolate",
        "net": {
            **_COMMON_NET,
            "module__discriminator_hidden": (128,),
            "optimizer__betas": (0.5, 0.999),
            "generator_steps": 1,
        },
        # With source=None each class's source is its own rows, interpolated.
        # On the 19 KEEL tables every adversarial refinement of those rows
        # measured lowered balanced accuracy (docs/results.md, "Imbalanced
        # tables"), so by default the residual generators stay the identity
        # and the synthetic rows are the interpolations themselves.
        "interpolated": {
            "pretrain_epochs": 0,
            "max_epochs": 0,
            "module__residual": True,
        },
    },
    "paper": {
        "generator_hidden": (1000, 500, 1000),
        "pretrain_epochs": 10_000,
        "max_epochs": 2_000,
        "lr": 2e-4,
        "fallback_source": "pooled",
        "net": {
            **_COMMON_NET,
            "module__discriminator_hidden": (1000, 1000),
            "optimizer__betas": (0.9, 0.999),
            "generator_steps": 2,
        },
        # Only mode="interpolate" asks for interpolation under this preset:
        # the interpolations themselves, as with "fast".
        "interpolated": {
            "pretrain_epochs": 0,
            "max_epochs": 0,
            "module__residual": True,
        },
    },
}

# The sampler's parameters that are CycleGANNet options, by their net names.
NET_KEYS = {
    "generator_hidden": "module__generator_hidden",
    "pretrain_epochs": "pretrain_epochs",
    "max_epochs": "max_epochs",
    "lr": "lr",
    "lambda_cycle": "criterion__lambda_cycle",
    "lambda_cls": "criterion__lambda_cls",
    "batch_size": "batch_size",
}

# The sampler's parameters whose default, "auto", is the preset's value.
AUTO_KEYS = ("generator_hidden", "pretrain_epochs", "max_epochs", "lr")

# Layer sizes: an int is one hidden layer.
HIDDEN_KEYS = (
    "module__generator_hidden",
    "module__discriminator_hidden",
    "module__classifier_hidden",
)


def interpolates(preset, source_given):
    """Whether each class's source is its own rows, interpolated."""
    return not source_given and PRESETS[preset]["fallback_source"] == "interpolate"


def net_options(preset, interpolated, params, net_params):
    """``CycleGANNet`` options: the preset's, then the sampler's, then net_params.

    Parameters
    ----------
    preset : str
        A key of ``PRESETS``.
    interpolated : bool
        Whether the source is each class's own rows, interpolated: the
        preset's ``"interpolated"`` values then replace its own.
    params : dict
        The sampler's parameters named in ``NET_KEYS``; "auto" keeps the
        preset's value.
    net_params : dict or None
        skorch-prefixed options, each overriding everything else.
    """
    defaults = PRESETS[preset]
    options = {NET_KEYS[key]: defaults[key] for key in NET_KEYS if key in defaults}
    options.update(defaults["net"])
    if interpolated:
        options.update(defaults.get("interpolated", {}))
    options.update({NET_KEYS[k]: v for k, v in params.items() if not _is_auto(v)})
    options.update(net_params or {})
    for key in HIDDEN_KEYS:
        options[key] = tuple(int(size) for size in np.atleast_1d(options[key]))
    options["optimizer__betas"] = tuple(float(b) for b in options["optimizer__betas"])
    return options


def resolved(options):
    """The values the "auto" parameters took, from ``net_options``' result."""
    return {key: options[NET_KEYS[key]] for key in AUTO_KEYS}


def _is_auto(value):
    return isinstance(value, str) and value == "auto"
