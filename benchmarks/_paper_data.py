"""Load the real corpora of the paper reproduction from the shared data folder.

The folder is ``$SKLEARN_CYCLEGAN_DATA``, else ``../shared/data``
(:func:`benchmarks._paths.shared_data`).  The data never enters the
repository; every loader raises a clear ``FileNotFoundError`` when the shared
folder is absent.
"""

import pandas as pd

from ._paths import shared_data

__all__ = [
    "DATA",
    "EMOTIONS",
    "load_chicken_run",
    "load_emodb",
    "load_film_source",
    "load_tess",
]

DATA = shared_data()

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


def load_film_source(columns):
    """The unlabelled film dialogue rows (13,254), restricted to ``columns``."""
    return _read("cartoons_source_is09.csv.gz")[list(columns)]


def load_chicken_run(columns, classes=EMOTIONS):
    """Chicken Run rows, both dubs: ``(X, y, X_all)``.

    ``X``/``y`` are the rows of ``classes``; ``X_all`` is every row of the
    film with its label dropped, the unlabelled test corpus a transductive
    source may use.
    """
    frame = _read("chicken_run_is09.csv.gz")
    labelled = frame[frame["label"].isin(classes)]
    return (
        labelled[list(columns)],
        labelled["label"].to_numpy(dtype=object),
        frame[list(columns)],
    )
