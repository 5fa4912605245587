"""Over-sampling by CycleGAN style transfer, for scikit-learn and imbalanced-learn."""

from ._callbacks import (
    CheckpointError,
    DivergenceError,
    TrainingCheckpoint,
    TrainingInterruptedWarning,
)
from ._diversity import ModeCollapseWarning
from ._oversampler import CycleGANOversampler

__all__ = [
    "CheckpointError",
    "CycleGANOversampler",
    "DivergenceError",
    "ModeCollapseWarning",
    "TrainingCheckpoint",
    "TrainingInterruptedWarning",
]
__version__ = "0.1.0"
