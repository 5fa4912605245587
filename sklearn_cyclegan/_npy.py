"""Memory-map a ``.npy`` source only after its header and size check out.

Reading past the end of a memory map kills the process with SIGBUS, and
``numpy.load``'s errors name no file and advise ``allow_pickle``, which must
never be followed for a file of unknown origin.  So the header is read by
hand first and every problem is reported with the file and the cause.
"""

import os

import numpy as np
from numpy.lib import format as npy_format

__all__ = ["open_npy"]


def open_npy(path, what, error):
    """Memory-map the ``.npy`` file ``path`` read-only, or raise ``error``.

    Parameters
    ----------
    path : pathlib.Path
        An existing file.
    what : str
        How messages name the file ("source").
    error : type
        Exception class raised for every problem found.
    """
    name = f"{what} {path}"
    shape, dtype, offset = _header(path, name, error)
    _check_dtype(dtype, name, error)
    needed = offset + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    size = os.path.getsize(path)
    if size < needed:
        raise error(
            f"{name} is truncated: its header announces shape {shape} of "
            f"{dtype} ({needed} bytes), but the file has {size} bytes; was it "
            "still being written?  Save it again with numpy.save"
        )
    if 0 in shape or len(shape) == 0:
        raise error(f"{name} has no rows (shape {shape})")
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise error(f"cannot read {name}: {type(exc).__name__}") from None


def _header(path, name, error):
    try:
        with open(path, "rb") as handle:
            version = npy_format.read_magic(handle)
            read = (
                npy_format.read_array_header_1_0
                if version == (1, 0)
                else npy_format.read_array_header_2_0
            )
            shape, _, dtype = read(handle)
            return shape, dtype, handle.tell()
    except OSError as exc:
        raise error(f"cannot read {name}: {exc.strerror}") from None
    except (ValueError, EOFError, SyntaxError) as exc:
        if os.path.getsize(path) == 0:
            raise error(f"{name} is empty (0 bytes)") from None
        raise error(
            f"{name} is not a NumPy .npy file (a pickle, text or another "
            "format, or a damaged header); save the array with numpy.save"
        ) from exc


def _check_dtype(dtype, name, error):
    if dtype.hasobject:
        raise error(
            f"{name} holds Python objects (dtype object), which are never "
            "unpickled; save a numeric array, e.g. numpy.save(path, "
            "X.astype(float))"
        )
    if dtype.names:
        text = [f for f in dtype.names if not _numeric(dtype.fields[f][0])]
        raise error(
            f"{name} is a structured array with fields {list(dtype.names)[:8]}"
            + (f", of which {text[:5]} are not numeric" if text else "")
            + "; save a plain 2-D numeric array of the feature columns"
        )
    if not _numeric(dtype):
        raise error(
            f"{name} holds {dtype} values, not numbers; the source must hold "
            "X's numeric features (encode text columns, or pass a table and "
            "categorical_features)"
        )


def _numeric(dtype):
    return dtype.kind in "biuf"
