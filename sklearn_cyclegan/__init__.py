"""Over-sampling by CycleGAN style transfer, for scikit-learn and imbalanced-learn."""

from ._callbacks import (
    CheckpointError,
    DivergenceError,
    TrainingCheckpoint,
    TrainingInterruptedWarning,
)
from ._diversity import ModeCollapseWarning
from ._oversampler import CycleGANOversampler
from ._quality import quality_report
from ._quality_plot import plot_quality

__all__ = [
    "CheckpointError",
    "CycleGANOversampler",
    "DivergenceError",
    "ModeCollapseWarning",
    "TrainingCheckpoint",
    "TrainingInterruptedWarning",
    "plot_quality",
    "quality_report",
]
__version__ = "0.1.0"
