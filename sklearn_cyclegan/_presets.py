"""Named sets of defaults for the sizes, schedule and optimiser.

``"paper"`` is what Bao et al. (2019) report and their code does: generators
1000-500-1000, discriminators 1000-1000, 10k epochs of pre-training and 2k of
joint training, Adam at 2e-4 with default betas, 2 generator steps per
discriminator step.  That schedule runs ~180k updates on IEMOCAP-sized data.

``"fast"`` is for a few hundred updates on a laptop CPU.  On EmoDB (smallest
class 62 rows, so one batch per epoch) the paper's optimiser settings let the
generators outpace the discriminators: after 300 joint epochs the synthetic
class means were further from the real ones than the source's.  Adam with
beta1 = 0.5, lr 1e-3 and one generator step per discriminator step fixed that
(mean absolute difference to the class 0.03 against the source's 0.10); a
single hidden layer of 128 converged within the budget where 128-64-128 did not
(0.06-0.12).  Measured with one seed, see docs/results.md for the full tables.

``"interpolated"`` holds the values that replace the preset's own when
``source`` is None and ``fallback_source`` is ``"interpolate"``.
"""

PRESETS = {
    "fast": {
        "generator_hidden": (128,),
        "discriminator_hidden": (128,),
        "classifier_hidden": (100, 100),
        "pretrain_epochs": 100,
        "max_epochs": 300,
        "lr": 1e-3,
        "betas": (0.5, 0.999),
        "generator_steps": 1,
        "fallback_source": "interpolate",
        "residual": False,
        "lambda_identity": 0.0,
        # With source=None each class's source is its own rows, interpolated.
        # On the 19 KEEL tables every adversarial refinement of those rows
        # measured lowered balanced accuracy (docs/results.md, "Imbalanced
        # tables"), so by default the residual generators stay the identity
        # and the synthetic rows are the interpolations themselves.
        "interpolated": {"pretrain_epochs": 0, "max_epochs": 0, "residual": True},
    },
    "paper": {
        "generator_hidden": (1000, 500, 1000),
        "discriminator_hidden": (1000, 1000),
        "classifier_hidden": (100, 100),
        "pretrain_epochs": 10_000,
        "max_epochs": 2_000,
        "lr": 2e-4,
        "betas": (0.9, 0.999),
        "generator_steps": 2,
        "fallback_source": "pooled",
        "residual": False,
        "lambda_identity": 0.0,
    },
}
