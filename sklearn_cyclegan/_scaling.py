"""Min-max scaling between the user's units and the networks' [0, 1] range.

The GAN sees min-max scaled rows; its output is mapped back with the inverse
transform so synthetic rows come out in the input's units.  The labelled rows
``X`` are small and scaled in memory.  The unlabelled source may be a large
``numpy.memmap``: its minimum and maximum are found chunk by chunk and its rows
are scaled only when a batch is drawn, so it is never copied whole.
"""

import mmap
import os

import numpy as np
import torch
from sklearn.preprocessing import MinMaxScaler

__all__ = ["TargetScaler", "SourceRows", "file_stamp", "iter_chunks", "release_pages"]

# Rows per chunk when streaming a memory-mapped source (about 16 MB of float64
# at the paper's 1582 features).
CHUNK_ROWS = 1024
# Scattered rows read from a memmap between two page releases.  A page fault
# maps a whole folio of the page cache, up to 2 MiB on filesystems with large
# folios (ext4, xfs on Linux 6.x: measured ~1.2 MB per scattered row), so a
# block keeps at most ~16 MiB resident.
TAKE_BLOCK_ROWS = 8


def release_pages(array):
    """Drop the resident pages of a memory-mapped array from this process.

    Pages of a file mapping that were read count towards the process's RSS
    until unmapped; streaming a large memmap would otherwise hold it all.
    The data stay in the OS page cache, so a later read is cheap.
    """
    handle = getattr(array, "_mmap", None)
    if isinstance(handle, mmap.mmap) and hasattr(handle, "madvise"):
        handle.madvise(mmap.MADV_DONTNEED)


def file_stamp(array):
    """``(path, size, mtime_ns)`` of the file behind a memmap, else None."""
    # A memmap's copy is a memmap too, but without a file behind it.
    if not isinstance(array, np.memmap) or array.filename is None:
        return None
    try:
        stat = os.stat(array.filename)
    except FileNotFoundError:
        return None  # an unlinked temporary file: nobody else can change it
    return (array.filename, stat.st_size, stat.st_mtime_ns)


def iter_chunks(array, chunk_rows=CHUNK_ROWS):
    """``array``'s rows, ``chunk_rows`` at a time, as in-memory arrays.

    A memory map of a named file is read with ordinary file reads, not
    through the mapping: a file truncated while it is scanned then gives a
    short read, reported by name, where touching the mapping past the new end
    kills the process (SIGBUS).  Memory stays bounded by one chunk.
    """
    where = _file_position(array)
    if where is None:
        for start in range(0, array.shape[0], chunk_rows):
            yield np.asarray(array[start : start + chunk_rows])
            release_pages(array)
        return
    path, position = where
    row_bytes = array.dtype.itemsize * int(np.prod(array.shape[1:], dtype=np.int64))
    with open(path, "rb", buffering=0) as handle:
        for start in range(0, array.shape[0], chunk_rows):
            rows = min(chunk_rows, array.shape[0] - start)
            chunk = np.empty((rows, *array.shape[1:]), dtype=array.dtype)
            got = _read_into(handle, chunk, position + start * row_bytes)
            if got != rows * row_bytes:
                raise RuntimeError(
                    f"The source file {str(path)!r} was truncated while it was "
                    f"being read (row {start + got // row_bytes} of "
                    f"{array.shape[0]} is missing); wait until it is written "
                    "completely, or copy it, and fit again."
                )
            yield chunk


def _read_into(handle, chunk, position):
    """Fill ``chunk`` from ``position`` of the file; the bytes read (fewer
    only at the end of the file)."""
    view, done = memoryview(chunk).cast("B"), 0
    while done < len(view):
        got = os.preadv(handle.fileno(), [view[done:]], position + done)
        if got == 0:
            break
        done += got
    return done


def _file_position(array):
    """``(path, byte offset of the first row)`` of a C-ordered memory map of a
    named file; None for anything else (an unnamed temporary file cannot be
    truncated by anyone else)."""
    if (
        not isinstance(array, np.memmap)
        or array.filename is None
        or not array.flags.c_contiguous
        or not isinstance(getattr(array, "_mmap", None), mmap.mmap)
    ):
        return None
    # numpy maps from the allocation boundary below the header's end; a view
    # (rows start..) lies further into the same mapping.
    mapped_from = array.offset - array.offset % mmap.ALLOCATIONGRANULARITY
    base = np.frombuffer(array._mmap, dtype=np.uint8).ctypes.data
    return array.filename, mapped_from + array.ctypes.data - base


class SourceRows:
    """The unlabelled source, min-max scaled on access.

    Parameters
    ----------
    source : ndarray or numpy.memmap of shape (n_rows, n_features)
        Rows in the user's units.  A memmap is read only in chunks and
        batches; any other array is scaled once and kept as a tensor.
    name : str
        How errors name this data.
    scaler : fitted MinMaxScaler, default=None
        Scale with this scaler instead of fitting one to ``source``.
    n_groups : int, default=None
        When given, ``source`` is ``n_groups`` equal blocks of rows, one per
        class, and class ``k`` draws its rows from block ``k`` only.
    """

    def __init__(self, source, name="source", scaler=None, n_groups=None):
        self.source = source
        self.streamed = isinstance(source, np.memmap)
        self.n_groups = n_groups
        if scaler is None:
            scaler = MinMaxScaler()
            for chunk in iter_chunks(source):
                if not np.isfinite(chunk).all():
                    raise ValueError(f"Input {name} contains NaN or infinity.")
                scaler.partial_fit(chunk)
        self.scaler = scaler
        self._scaled = None if self.streamed else self._to_scaled(np.asarray(source))
        self.stamp = file_stamp(source)

    @property
    def n_rows(self):
        """Rows each class can draw from."""
        if self.n_groups is None:
            return self.source.shape[0]
        return self.source.shape[0] // self.n_groups

    def offset(self, k):
        """Index of the first row that class ``k`` draws."""
        return 0 if self.n_groups is None else k * self.n_rows

    def _to_scaled(self, rows):
        """Scale in float64, then cast: float32 first would round away the
        spread of values far from zero (``X + 1e8`` keeps 8-unit steps)."""
        out = torch.empty(np.shape(rows), dtype=torch.float32)
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = np.asarray(rows[start : start + CHUNK_ROWS], dtype=np.float64)
            out[start : start + CHUNK_ROWS] = torch.from_numpy(
                self.scaler.transform(chunk)
            )
        return out

    def take(self, indices):
        """Scaled rows at ``indices`` (any shape), with a trailing feature axis."""
        if self._scaled is not None:
            return self._scaled[torch.as_tensor(indices)]
        self._check_unchanged()
        flat = np.asarray(indices).ravel()
        # Sorted reads touch each page of the mapping once and in order.
        order = np.argsort(flat, kind="stable")
        rows = np.empty((flat.size, self.source.shape[1]), dtype=self.source.dtype)
        # Each page fault maps its neighbours too (fault-around, large folios),
        # so a few hundred scattered rows would make most of the file resident:
        # read a block at a time and drop its pages before the next.
        for start in range(0, flat.size, TAKE_BLOCK_ROWS):
            block = order[start : start + TAKE_BLOCK_ROWS]
            rows[block] = self.source[flat[block]]
            release_pages(self.source)
        return self._to_scaled(rows).reshape(*np.shape(indices), -1)

    def release(self):
        release_pages(self.source)

    def _check_unchanged(self):
        """Refuse to read a memory-mapped file rewritten since it was opened:
        reading past the end of a shrunk file kills the process (SIGBUS)."""
        if self.stamp is None or getattr(self.source, "filename", None) is None:
            return  # not a file (an unpickled sampler holds the rows themselves)
        path = self.stamp[0]
        try:
            now = file_stamp(self.source)
        except OSError:
            now = None
        if now != self.stamp:
            raise RuntimeError(
                f"The source file {str(path)!r} was changed or removed after the "
                "sampler opened it (size or modification time differ), so its "
                "rows are no longer the ones it was fitted on. Restore the file "
                "or fit again."
            )


class TargetScaler:
    """Min-max scaling of the labelled rows, and the way back.

    The inverse transform restores what scaling cannot: constant columns get
    their constant back exactly, and integer columns are rounded and clipped
    to the range seen in training.

    Parameters
    ----------
    integer_columns : ndarray of bool of shape (n_features,) or None
        Columns whose synthetic values are rounded to integers.
    clip : bool, default=False
        Clip every column of generated rows to the range seen in training.
    """

    def __init__(self, integer_columns=None, clip=False):
        self.integer_columns = integer_columns
        self.clip = clip

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        # copy=False: both directions below work on float64 copies made here,
        # so the scaler may transform them in place.
        self.scaler_ = MinMaxScaler(copy=False).fit(X)
        self.constant_ = self.scaler_.data_range_ == 0
        return self

    def transform(self, X):
        return self.scaler_.transform(np.array(X, dtype=np.float64)).astype(np.float32)

    def inverse_transform(self, Z, out=None):
        """Rows in the user's units, as float64; written into ``out`` when given."""
        if out is None:
            out = np.array(Z, dtype=np.float64)
        else:
            out[...] = Z
        X = self.scaler_.inverse_transform(out)
        if X is not out:
            out[...] = X
        return self._repair(out)

    def shift(self, rows, delta, out):
        """``rows + delta`` in the user's units, ``delta`` given in scaled units.

        Where a generator changed a value by nothing, the value comes back
        bit for bit: a float32 round trip would move every such value by the
        same rounding error, a consistent offset that tree ensembles split on
        to tell synthetic rows from real ones.
        """
        np.divide(delta, self.scaler_.scale_, out=out)
        out += rows
        return self._repair(out)

    def repair(self, out):
        """Real rows already in the user's units (``mode="select"``'s).

        Integer columns are rounded and clipped and constant columns restored
        as for generated rows, but no column is clipped to its range in X
        whatever ``clip`` says: the rows are recordings, not a generator's
        output.
        """
        return self._repair(np.asarray(out, dtype=np.float64), clip=False)

    def _repair(self, out, clip=None):
        out[:, self.constant_] = self.scaler_.data_min_[self.constant_]
        if self.clip if clip is None else clip:
            np.clip(out, self.scaler_.data_min_, self.scaler_.data_max_, out=out)
        if self.integer_columns is not None and self.integer_columns.any():
            cols = self.integer_columns
            out[:, cols] = np.clip(
                np.rint(out[:, cols]),
                self.scaler_.data_min_[cols],
                self.scaler_.data_max_[cols],
            )
        return out
