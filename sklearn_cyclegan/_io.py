"""Read tables and source files named by path, and write tables, for the
sampler and the CLI.

Every failure a user can fix raises :class:`TableError` naming the file and
the cause; NumPy's and pandas' own messages (``allow_pickle`` advice, "No
columns to parse", "mmap length is greater than file size") never reach the
user alone.
"""

import os
import tempfile
from pathlib import Path

import numpy as np

from ._npy import open_npy
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


def check_file(path, what):
    """Raise TableError unless ``path`` is an existing file."""
    path = Path(path)
    if path.is_dir():
        raise TableError(f"cannot read {what} {path}: it is a folder, not a file")
    if not path.is_file():
        raise TableError(f"cannot read {what} {path}: no such file")


def read_table(path, what):
    """Read a CSV/TSV (optionally compressed) or Parquet table into a DataFrame."""
    import pandas as pd

    suffix = table_format(path)
    check_file(path, what)
    with _reading(path, what):
        if TABLE_SUFFIXES[suffix] == "parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, sep=_sep(suffix))


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
        check_file(path, "source")
        return open_npy(path, "source", TableError)
    if not is_table(path):
        raise TableError(
            f"{path}: unknown source type; use .npy (memory-mapped), .csv, .tsv "
            "or .parquet (CSV may be compressed, e.g. .csv.gz)"
        )
    table_columns(path)  # refuses an empty or header-less file by name
    return read_table(path, "source")


def table_columns(path):
    """The column names of a CSV/TSV or Parquet table, read from its header.

    A CSV whose first line is all numbers, some of them fractions, is refused:
    it is a data row, and taking it as the header would drop it silently.
    """
    import pandas as pd

    suffix = table_format(path)
    check_file(path, "source")
    with _reading(path, "source"):
        if TABLE_SUFFIXES[suffix] == "parquet":
            import pyarrow.parquet as pq

            return list(pq.ParquetFile(path).schema_arrow.names)
        first = pd.read_csv(
            path, sep=_sep(suffix), header=None, nrows=1, dtype=str
        ).iloc[0]
        columns = list(pd.read_csv(path, sep=_sep(suffix), nrows=0).columns)
    if _looks_like_data(first):
        raise TableError(
            f"source {path} has no header: its first line "
            f"({', '.join(map(str, first[:3]))}, ...) is numbers, not column "
            "names; add a header line (numpy.savetxt(..., header=..., "
            "comments='') or DataFrame.to_csv)"
        )
    return columns


def stream_table(path, columns, chunk_rows=None):
    """Read ``columns`` of a table chunk by chunk into a float64 memory map.

    Memory stays bounded by one chunk however large the table: the rows go to
    a temporary file without a name (``O_TMPFILE``, or unlinked at once), so
    nothing is left in the temporary folder even if the process is killed.
    """
    n_rows = 0
    # The mapping holds its own reference to the file, which lives as long as
    # the returned map and no longer.
    with tempfile.TemporaryFile(
        prefix="sklearn-cyclegan-source-", suffix=".f64"
    ) as handle:
        for chunk in _chunks(path, columns, chunk_rows or STREAM_ROWS):
            _check_exact_integers(chunk, path)
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
        handle.flush()
        return np.memmap(
            handle, dtype=np.float64, mode="r", shape=(n_rows, len(columns))
        )


def _check_exact_integers(chunk, path):
    """Refuse integer columns float64 would round, before the cast (issue 20)."""
    from ._validation import check_exact_integers

    try:
        check_exact_integers(chunk, f"source {path}")
    except ValueError as exc:
        raise TableError(str(exc)) from None


def check_output(path, overwrite, inputs=None, error=TableError):
    """Refuse an output that would destroy data or cannot be written, early.

    ``inputs`` maps what the command reads ("input", "source") to its path;
    none may be replaced, even with ``overwrite``.
    """
    path = Path(path)
    table_format(path)
    if path.is_dir():
        raise error(f"{path} is a directory; give a file name for the output")
    for what, source in (inputs or {}).items():
        if source is not None and _same_file(path, Path(source)):
            raise error(f"{path} is the {what}; write the output elsewhere")
    if path.exists() and not overwrite:
        raise error(f"{path} exists; pass --overwrite to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as exc:
        raise error(f"cannot write to {path.parent}: {exc.strerror}") from None


def write_table(frame, path):
    """Write ``frame`` whole or not at all: a temporary file, then a rename.

    The file gets the permissions of an ordinary new file (0666 less the
    umask), not the 0600 of a temporary file.
    """
    path = Path(path)
    suffix = table_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name ends like the target, so pandas infers compression.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        os.close(fd)
        if TABLE_SUFFIXES[suffix] == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False, sep=_sep(suffix))
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask():
    # The only portable way to read the umask is to set it; set it back at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _same_file(a, b):
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)  # hard links, bind mounts
    except OSError:
        return False  # the output does not exist yet


class _reading:
    """Turn a parser's error into a TableError naming the file and the cause."""

    def __init__(self, path, what):
        self.path, self.what = path, what

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, TableError) or not isinstance(exc, Exception):
            return False
        import pandas as pd

        if isinstance(exc, pd.errors.EmptyDataError):
            cause = "the file is empty (no header, no rows)"
        else:
            cause = _first_line(exc)
        raise TableError(f"cannot read {self.what} {self.path}: {cause}") from exc


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _looks_like_data(values):
    """Whether a header line is a row of numbers, at least one a fraction.

    Integer names (``0, 1, 2`` from ``DataFrame.to_csv`` of an array, or
    frequencies) are plausible column names and are let through.
    """
    fraction = False
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        fraction |= not number.is_integer()
    return fraction


def _chunks(path, columns, chunk_rows):
    import pandas as pd

    suffix = table_format(path)
    if TABLE_SUFFIXES[suffix] == "parquet":
        import pyarrow.parquet as pq

        batches = pq.ParquetFile(path).iter_batches(chunk_rows, columns=columns)
        return (batch.to_pandas()[columns] for batch in batches)
    # No usecols: with it pandas drops a row's extra fields silently, where the
    # whole-file reader raises; every field is parsed and checked instead.
    reader = pd.read_csv(path, sep=_sep(suffix), chunksize=chunk_rows)
    return _checked_chunks(reader, path, columns)


def _checked_chunks(reader, path, columns):
    with _reading(path, "source"):
        for chunk in reader:
            yield chunk[columns]


def _sep(suffix):
    return "\t" if suffix == ".tsv" else ","


def _is_numeric(values):
    import pandas as pd

    return pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
