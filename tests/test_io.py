"""Files named by path: every unreadable one is refused naming file and cause."""

import os
import pickle

import numpy as np
import pandas as pd
import pytest

from sklearn_cyclegan import CycleGANOversampler
from sklearn_cyclegan._io import (
    TableError,
    check_output,
    read_source,
    stream_table,
    table_columns,
    write_table,
)

from .conftest import FAST


def _npy(tmp_path, array, **kwargs):
    path = tmp_path / "source.npy"
    np.save(path, array, **kwargs)
    return path


def _truncated(tmp_path):
    path = _npy(tmp_path, np.zeros((100, 3)))
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) - 800)
    return path


def _pickled(tmp_path):
    path = tmp_path / "source.npy"
    path.write_bytes(pickle.dumps(np.zeros((4, 2))))
    return path


def _empty(tmp_path):
    path = tmp_path / "source.npy"
    path.write_bytes(b"")
    return path


def _folder(tmp_path):
    path = tmp_path / "source.npy"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: _npy(p, np.array([["OAF", "a"], ["YAF", "b"]])), "holds <U3 values"),
        (
            lambda p: _npy(p, np.array([[1, "a"]], dtype=object), allow_pickle=True),
            "holds Python objects",
        ),
        (_pickled, "is not a NumPy .npy file"),
        (_empty, "is empty"),
        (_truncated, r"is truncated: its header announces shape \(100, 3\)"),
        (_folder, "is a folder"),
        (lambda p: _npy(p, np.zeros((0, 3))), "has no rows"),
        (
            lambda p: _npy(p, np.zeros(3, dtype=[("x", "f8"), ("speaker", "U4")])),
            r"of which \['speaker'\] are not numeric",
        ),
    ],
    ids=[
        "strings",
        "objects",
        "pickle",
        "empty",
        "truncated",
        "folder",
        "no-rows",
        "fields",
    ],
)
def test_bad_npy_sources_are_named(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(TableError, match=message) as error:
        read_source(path)
    assert str(path) in str(error.value)
    assert "allow_pickle" not in str(error.value)
    # The sampler reports the same, before training.
    X, y = np.random.default_rng(0).normal(size=(20, 3)), [0] * 14 + [1] * 6
    with pytest.raises(TableError, match=message):
        CycleGANOversampler(source=str(path), **FAST).fit_resample(X, y)


def test_a_good_npy_source_is_memory_mapped(tmp_path):
    array = np.arange(12.0).reshape(4, 3)
    mapped = read_source(_npy(tmp_path, array))
    assert isinstance(mapped, np.memmap)
    np.testing.assert_array_equal(mapped, array)


def test_empty_csv_source_is_named(tmp_path):
    path = tmp_path / "source.csv"
    path.write_text("")
    for read in (read_source, table_columns):
        with pytest.raises(TableError, match="source.csv: the file is empty"):
            read(path)


def test_folder_named_like_a_table_is_named(tmp_path):
    (tmp_path / "source.csv").mkdir()
    with pytest.raises(TableError, match="is a folder, not a file"):
        table_columns(tmp_path / "source.csv")


def test_streamed_csv_row_with_an_extra_field_is_refused(tmp_path):
    path = tmp_path / "source.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n")
    with pytest.raises(TableError, match=r"source.csv: .*line 3, saw 4"):
        stream_table(path, ["a", "b"])


def test_header_less_csv_source_is_refused(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "source.csv"
    np.savetxt(path, rng.normal(size=(30, 3)), delimiter=",")
    with pytest.raises(TableError, match="has no header: its first line"):
        table_columns(path)
    X, y = rng.normal(size=(20, 3)), [0] * 14 + [1] * 6
    with pytest.raises(TableError, match="has no header"):
        CycleGANOversampler(source=str(path), **FAST).fit_resample(X, y)
    # Integer names (an array written by DataFrame.to_csv, or frequencies)
    # are plausible headers.
    pd.DataFrame(rng.normal(size=(30, 3))).to_csv(path, index=False)
    assert table_columns(path) == ["0", "1", "2"]


def test_streamed_source_leaves_no_named_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("tempfile.tempdir", None)
    path = tmp_path / "source.csv"
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]}).to_csv(path, index=False)
    rows = stream_table(path, ["b", "a"])
    assert list((tmp_path / "tmp").iterdir()) == []
    np.testing.assert_array_equal(rows, [[4, 1], [5, 2], [6, 3]])


def test_check_output_refuses_every_input(tmp_path):
    source = tmp_path / "src.csv"
    source.write_text("a\n1\n")
    os.link(source, tmp_path / "hard.csv")
    for out in (source, tmp_path / "hard.csv"):
        with pytest.raises(TableError, match="is the source"):
            check_output(out, True, {"input": tmp_path / "x.csv", "source": source})
    check_output(tmp_path / "new.csv", False, {"source": source})


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_tables_get_ordinary_permissions(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv.gz")
    finally:
        os.umask(old)
    assert (tmp_path / "t.csv.gz").stat().st_mode & 0o777 == 0o666 & ~umask
    assert pd.read_csv(tmp_path / "t.csv.gz")["a"].tolist() == [1]
