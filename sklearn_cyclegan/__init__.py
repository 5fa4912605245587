"""Over-sampling by CycleGAN style transfer, for scikit-learn and imbalanced-learn."""

from ._checkpoint import TrainingCheckpoint
from ._oversampler import CycleGANOversampler
from ._quality import quality_report
from ._quality_plot import plot_quality
from .exceptions import (
    CheckpointError,
    DivergenceError,
    ModeCollapseWarning,
    TableError,
    TrainingInterruptedWarning,
)

__all__ = [
    "CheckpointError",
    "CycleGANOversampler",
    "DivergenceError",
    "ModeCollapseWarning",
    "TableError",
    "TrainingCheckpoint",
    "TrainingInterruptedWarning",
    "plot_quality",
    "quality_report",
]
__version__ = "0.1.0"
