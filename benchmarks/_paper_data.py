"""Load the real corpora of the paper reproduction from ``../shared/data``.

The data never enters the repository; every loader raises a clear
``FileNotFoundError`` when the shared folder is absent.
"""

from pathlib import Path

import pandas as pd

__all__ = ["DATA", "EMOTIONS", "load_emodb", "load_tess"]

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# The paper's four classes (EmoDB and TESS spell them the same way here).
EMOTIONS = ["anger", "happy", "neutral", "sad"]

_META = ["file", "speaker", "gender", "label"]


def _read(name):
    path = DATA / name
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing; the benchmark reads the shared data folder."
        )
    return pd.read_csv(path)


def load_emodb(features="is09", classes=EMOTIONS):
    """EmoDB rows of ``classes``: ``(X, y, speaker)``.

    Parameters
    ----------
    features : {"is09", "is10"}
        ``IS09_emotion`` (384 features) or ``IS10_paraling`` (1582).
    classes : list of str or None
        Labels to keep; all when None.
    """
    frame = _read(f"emodb_{features}.csv.gz")
    if classes is not None:
        frame = frame[frame["label"].isin(classes)].reset_index(drop=True)
    X = frame.drop(columns=[c for c in _META if c in frame.columns])
    return (
        X,
        frame["label"].to_numpy(dtype=object),
        frame["speaker"].astype(str).to_numpy(),
    )


def load_tess(classes=None):
    """TESS IS09 rows ``(X, y, speaker)``; all seven emotions if ``classes`` is None."""
    frame = _read("tess_is09.csv.gz")
    if classes is not None:
        frame = frame[frame["label"].isin(classes)].reset_index(drop=True)
    X = frame.drop(columns=["speaker", "label"])
    return X, frame["label"].to_numpy(dtype=object), frame["speaker"].to_numpy()
