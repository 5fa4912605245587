"""Where the benchmarks find the shared real data and write their results.

The data never enters the repository: it lives in ``../shared/data`` beside
the checkout, or wherever ``$SKLEARN_CYCLEGAN_DATA`` points (the variable the
examples read too).  The tests find the data through :func:`shared_data` as
well, so one variable moves every reader.
"""

import os
from pathlib import Path

__all__ = ["OUT", "ROOT", "shared_data"]

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"


def shared_data():
    """The shared data folder: ``$SKLEARN_CYCLEGAN_DATA``, else ``../shared/data``.

    Returns
    -------
    pathlib.Path
        The folder, which may not exist; readers check for their files.
    """
    return Path(
        os.environ.get("SKLEARN_CYCLEGAN_DATA") or ROOT.parent / "shared" / "data"
    )
