"""Over-sampling by CycleGAN style transfer, for scikit-learn and imbalanced-learn.

The public names are imported on first use (PEP 562), so that the command
line's ``--help`` does not wait for torch.
"""

import importlib

# Public name -> the module that defines it.
_EXPORTS = {
    "CheckpointError": ".exceptions",
    "CycleGANOversampler": "._oversampler",
    "DivergenceError": ".exceptions",
    "ModeCollapseWarning": ".exceptions",
    "SeparableRowsWarning": ".exceptions",
    "SmallClassWarning": ".exceptions",
    "TableError": ".exceptions",
    "TrainingCheckpoint": "._checkpoint",
    "TrainingInterruptedWarning": ".exceptions",
    "plot_quality": "._quality_plot",
    "quality_report": "._quality",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted({*globals(), *__all__})
