"""Named sets of defaults for the sizes and schedule of the networks.

``"paper"`` is what Bao et al. (2019) report: generators 1000-500-1000,
discriminators 1000-1000, 10k epochs of pre-training and 2k of joint training.
``"fast"`` keeps the architecture's shape at a quarter of the width and a
schedule that fits EmoDB-sized data (a few hundred rows, hundreds of features)
in well under a minute on two CPU cores.
"""

PRESETS = {
    "fast": {
        "generator_hidden": (256, 128, 256),
        "discriminator_hidden": (256, 256),
        "classifier_hidden": (100, 100),
        "pretrain_epochs": 300,
        "max_epochs": 300,
    },
    "paper": {
        "generator_hidden": (1000, 500, 1000),
        "discriminator_hidden": (1000, 1000),
        "classifier_hidden": (100, 100),
        "pretrain_epochs": 10_000,
        "max_epochs": 2_000,
    },
}
