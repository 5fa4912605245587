"""Read tables and source files named by path, for the sampler and the CLI."""

from pathlib import Path

import numpy as np

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}


class TableError(ValueError):
    """A table path that cannot be read, reported as one line by the CLI."""


def table_format(path):
    """Return the table suffix of ``path`` (``.csv``, ``.tsv``, ...), past any
    compression suffix, or raise TableError."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] in {".gz", ".bz2", ".zip", ".xz"}:
        suffixes = suffixes[:-1]
    if not suffixes or suffixes[-1] not in TABLE_SUFFIXES:
        raise TableError(
            f"{path}: unknown table type; use .csv, .tsv, .parquet "
            "(CSV may be compressed, e.g. .csv.gz)"
        )
    return suffixes[-1]


def read_table(path, what):
    """Read a CSV/TSV (optionally compressed) or Parquet table into a DataFrame."""
    import pandas as pd

    suffix = table_format(path)
    if not Path(path).is_file():
        raise TableError(f"cannot read {what} {path}: no such file")
    try:
        if TABLE_SUFFIXES[suffix] == "parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    except Exception as exc:  # noqa: BLE001 - parser errors come in many types
        first = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise TableError(f"cannot read {what} {path}: {first}") from exc


def read_source(path):
    """Open a source given by path: a ``.npy`` file is memory-mapped (streamed
    in batches later), a table is read into a DataFrame."""
    path = Path(path)
    if path.suffix == ".npy":
        if not path.is_file():
            raise TableError(f"cannot read source {path}: no such file")
        return np.load(path, mmap_mode="r", allow_pickle=False)
    try:
        table_format(path)
    except TableError:
        raise TableError(
            f"{path}: unknown source type; use .npy (memory-mapped), .csv, .tsv "
            "or .parquet (CSV may be compressed, e.g. .csv.gz)"
        ) from None
    return read_table(path, "source")
