"""Read tables and source files named by path, for the sampler and the CLI."""

import os
import tempfile
from pathlib import Path

import numpy as np

from .exceptions import TableError

# Rows per chunk when streaming a table source into a memory map: about 50 MB
# of float64 at the paper's 1582 features.
STREAM_ROWS = 4096

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}


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
        return pd.read_csv(path, sep=_sep(suffix))
    except Exception as exc:  # noqa: BLE001 - parser errors come in many types
        first = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise TableError(f"cannot read {what} {path}: {first}") from exc


def is_table(path):
    """Whether ``path`` names a table (CSV/TSV, maybe compressed, or Parquet)."""
    try:
        table_format(path)
    except TableError:
        return False
    return True


def read_source(path):
    """Open a source given by path: a ``.npy`` file is memory-mapped (streamed
    in batches later), a table is read into a DataFrame."""
    path = Path(path)
    if path.suffix == ".npy":
        if not path.is_file():
            raise TableError(f"cannot read source {path}: no such file")
        return np.load(path, mmap_mode="r", allow_pickle=False)
    if not is_table(path):
        raise TableError(
            f"{path}: unknown source type; use .npy (memory-mapped), .csv, .tsv "
            "or .parquet (CSV may be compressed, e.g. .csv.gz)"
        )
    return read_table(path, "source")


def table_columns(path):
    """The column names of a CSV/TSV or Parquet table, read from its header."""
    import pandas as pd

    suffix = table_format(path)
    if not Path(path).is_file():
        raise TableError(f"cannot read source {path}: no such file")
    if TABLE_SUFFIXES[suffix] == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    return list(pd.read_csv(path, sep=_sep(suffix), nrows=0).columns)


def stream_table(path, columns, chunk_rows=None):
    """Read ``columns`` of a table chunk by chunk into a float64 memory map.

    Memory stays bounded by one chunk however large the table: the rows go to
    an unlinked temporary file that lives as long as the returned map.
    """
    handle = tempfile.NamedTemporaryFile(
        prefix="sklearn-cyclegan-source-", suffix=".f64", delete=False
    )
    n_rows = 0
    try:
        with handle:
            for chunk in _chunks(path, columns, chunk_rows or STREAM_ROWS):
                try:
                    block = chunk.to_numpy(dtype=np.float64)
                except (TypeError, ValueError):
                    bad = [c for c in chunk if not _is_numeric(chunk[c])]
                    raise TableError(
                        f"source {path}: column(s) {bad[:5]} are not numeric; "
                        "the source must hold X's numeric features"
                    ) from None
                handle.write(np.ascontiguousarray(block).tobytes())
                n_rows += len(block)
        if n_rows == 0:
            raise TableError(f"source {path} has no rows")
        return np.memmap(
            handle.name, dtype=np.float64, mode="r", shape=(n_rows, len(columns))
        )
    finally:
        # The map keeps the data; the name goes now, so nothing is left behind.
        try:
            os.unlink(handle.name)
        except OSError:  # pragma: no cover - Windows cannot unlink a mapped file
            pass


def _chunks(path, columns, chunk_rows):
    import pandas as pd

    suffix = table_format(path)
    if TABLE_SUFFIXES[suffix] == "parquet":
        import pyarrow.parquet as pq

        batches = pq.ParquetFile(path).iter_batches(chunk_rows, columns=columns)
        return (batch.to_pandas()[columns] for batch in batches)
    reader = pd.read_csv(path, sep=_sep(suffix), usecols=columns, chunksize=chunk_rows)
    return (chunk[columns] for chunk in reader)


def _sep(suffix):
    return "\t" if suffix == ".tsv" else ","


def _is_numeric(values):
    import pandas as pd

    return pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
