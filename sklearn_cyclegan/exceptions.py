"""Every error and warning class the package raises or issues.

As in ``sklearn.exceptions``: one public module to import them from, to catch
an error or filter a warning without knowing which stage raised it.
"""

__all__ = [
    "CheckpointError",
    "DivergenceError",
    "ModeCollapseWarning",
    "SeparableRowsWarning",
    "SmallClassWarning",
    "TableError",
    "TrainingInterruptedWarning",
]


class CheckpointError(RuntimeError):
    """A checkpoint is incomplete or corrupt and cannot be resumed from."""


class DivergenceError(RuntimeError):
    """Training produced a non-finite loss or non-finite synthetic rows."""


class ModeCollapseWarning(UserWarning):
    """The synthetic rows of a class are far less diverse than its real rows."""


class SeparableRowsWarning(UserWarning):
    """A classifier tells a class's synthetic rows from its real rows almost
    perfectly (``detection_auc_``), so the rows are detectably fake."""


class SmallClassWarning(UserWarning):
    """A class has too few rows for its synthetic rows to be more than
    recombinations of them (``MIN_RELIABLE_ROWS``)."""


class TableError(ValueError):
    """A table path that cannot be read, reported as one line by the CLI."""


class TrainingInterruptedWarning(UserWarning):
    """Training stopped before its last epoch (Ctrl-C), so rows come from
    partly trained networks.  Turn it into an error to refuse such rows."""
