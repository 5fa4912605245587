"""The sklearn-cyclegan command line: augment, extract, and one-line errors."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from sklearn_cyclegan import SeparableRowsWarning, cli
from sklearn_cyclegan.cli import SEPARABLE_NOTE, build_parser, main

from .conftest import data_file

TINY = ["--pretrain-epochs", "1", "--max-epochs", "1", "--quiet"]


@pytest.fixture
def table(tmp_path):
    X, y = make_classification(
        n_samples=60,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        weights=[0.75, 0.25],
        random_state=0,
    )
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(4)])
    frame.insert(0, "speaker", np.arange(60) % 3)
    frame["label"] = np.where(y == 1, "rare", "common")
    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    return frame, path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_augment_appends_marked_synthetic_rows(table, tmp_path, suffix, capsys):
    frame, path = table
    out = tmp_path / f"out{suffix}"
    status = main(
        [
            "augment",
            str(path),
            "--label",
            "label",
            "--group",
            "speaker",
            "-o",
            str(out),
            *TINY,
        ]
    )
    assert status == 0
    result = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    n_common, n_rare = (
        (frame["label"] == "common").sum(),
        (frame["label"] == "rare").sum(),
    )
    assert list(result.columns) == [*frame.columns, "synthetic"]
    assert len(result) == 2 * n_common
    original = result[~result["synthetic"]].drop(columns="synthetic")
    pd.testing.assert_frame_equal(original, frame, check_dtype=False)
    synthetic = result[result["synthetic"]]
    assert (synthetic["label"] == "rare").sum() == n_common - n_rare
    assert synthetic["speaker"].isna().all()
    assert np.isfinite(synthetic[["f0", "f1", "f2", "f3"]].to_numpy()).all()
    assert f"{n_common - n_rare} synthetic" in capsys.readouterr().out


def test_augment_report_prints_each_class(table, tmp_path, capsys):
    _, path = table
    out = tmp_path / "out.csv"
    status = main(
        ["augment", str(path), "--label", "label", "-o", str(out), "--report", *TINY]
    )
    assert status == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("wrote ")
    assert "detection AUC" in printed[2] and "memorisation" in printed[2]
    rows = {line.split()[0]: line.split()[1:] for line in printed[3:]}
    assert set(rows) == {"common", "rare", "all"}
    assert rows["common"][:3] == ["-", "-", "-"]
    assert " ".join(rows["common"][3:]) == "no synthetic rows"
    auc, wasserstein, memorisation = map(float, rows["rare"])
    assert 0 <= auc <= 1 and wasserstein >= 0 and 0 <= memorisation <= 1


def test_augment_json_strategy_source_and_seed(table, tmp_path):
    frame, path = table
    source = tmp_path / "source.npy"
    np.save(source, np.random.default_rng(0).normal(size=(30, 4)))
    outs = []
    for name in ["a.csv", "b.csv"]:
        out = tmp_path / name
        assert (
            main(
                [
                    "augment",
                    str(path),
                    "--label",
                    "label",
                    "--exclude",
                    "speaker",
                    "--source",
                    str(source),
                    "--sampling-strategy",
                    json.dumps({"rare": 20}),
                    "--seed",
                    "3",
                    "-o",
                    str(out),
                    *TINY,
                ]
            )
            == 0
        )
        outs.append(pd.read_csv(out))
    assert outs[0]["synthetic"].sum() == 20 - (frame["label"] == "rare").sum()
    pd.testing.assert_frame_equal(outs[0], outs[1])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--label", "missing"], "column 'missing' is not in"),
        (["--label", "label", "--source", "nowhere.csv"], "cannot read source"),
        (["--label", "label", "--sampling-strategy", '{"nope": 5}'], "unknown class"),
    ],
)
def test_augment_errors_are_one_line(table, tmp_path, capsys, args, message):
    _, path = table
    assert (
        main(["augment", str(path), *args, "-o", str(tmp_path / "o.csv"), *TINY]) == 1
    )
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_augment_rejects_text_features_and_unknown_output(table, tmp_path, capsys):
    frame, _ = table
    frame.assign(city="x").to_csv(tmp_path / "t.csv", index=False)
    assert (
        main(
            [
                "augment",
                str(tmp_path / "t.csv"),
                "--label",
                "label",
                "-o",
                str(tmp_path / "o.csv"),
                *TINY,
            ]
        )
        == 1
    )
    assert "city" in capsys.readouterr().err
    assert (
        main(
            [
                "augment",
                str(tmp_path / "t.csv"),
                "--label",
                "label",
                "-o",
                str(tmp_path / "o.txt"),
                *TINY,
            ]
        )
        == 1
    )
    assert "unknown table type" in capsys.readouterr().err


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ["demo", "augment", "extract"])


def test_extract_writes_one_row_per_file(tmp_path, capsys):
    pytest.importorskip("opensmile")
    folder = data_file("emodb_wav")
    out = tmp_path / "features.csv"
    assert (
        main(
            [
                "extract",
                str(folder),
                "-o",
                str(out),
                "--feature-set",
                "eGeMAPSv02",
                "--pattern",
                "03*.wav",
                "--quiet",
            ]
        )
        == 0
    )
    features = pd.read_csv(out)
    assert features.shape == (12, 1 + 88)
    assert features["file"].str.startswith("03").all()
    assert main(["extract", str(folder), "-o", str(out), "--pattern", "*.mp3"]) == 1
    assert "no files match" in capsys.readouterr().err


def test_augment_emodb_with_tess_source(tmp_path):
    emodb, tess = data_file("emodb_is09.csv.gz"), data_file("tess_is09.csv.gz")
    out = tmp_path / "emodb.parquet"
    # TESS has its own speaker and label columns; the sampler keeps EmoDB's features
    # only.
    assert (
        main(
            [
                "augment",
                str(emodb),
                "--label",
                "label",
                "--group",
                "speaker",
                "--exclude",
                "file,gender",
                "--source",
                str(tess),
                "-o",
                str(out),
                *TINY,
            ]
        )
        == 0
    )
    result = pd.read_parquet(out)
    counts = result["label"].value_counts()
    assert (counts == counts.max()).all()
    synthetic = result[result["synthetic"]]
    assert synthetic[["speaker", "file", "gender"]].isna().all().all()
    assert str(result["speaker"].dtype) == "Int64"


def _augment(path, out, *extra):
    return main(
        ["augment", str(path), "--label", "label", "-o", str(out), *TINY, *extra]
    )


def test_augment_never_overwrites_without_being_asked(table, tmp_path, capsys):
    _, path = table
    out = tmp_path / "out.csv"
    out.write_text("keep me\n")
    assert _augment(path, out) == 1
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert out.read_text() == "keep me\n"
    assert _augment(path, out, "--overwrite") == 0
    assert "synthetic" in out.read_text().splitlines()[0]


def test_augment_refuses_the_input_as_output_even_with_overwrite(table, capsys):
    frame, path = table
    before = path.read_bytes()
    assert _augment(path, path, "--overwrite") == 1
    assert "is the input" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_augment_finds_an_unwritable_output_before_training(
    table, tmp_path, capsys, monkeypatch
):
    import sklearn_cyclegan.cli as cli

    _, path = table
    (tmp_path / "dir.csv").mkdir()
    monkeypatch.setattr(
        cli, "read_table", lambda *a: pytest.fail("read before the output check")
    )
    assert _augment(path, tmp_path / "dir.csv") == 1
    assert "is a directory" in capsys.readouterr().err


def test_a_failed_write_leaves_no_file(table, tmp_path, monkeypatch):
    _, path = table
    out = tmp_path / "out.csv"

    def broken(self, target, **kwargs):
        with open(target, "w") as handle:
            handle.write("half a table")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    assert _augment(path, out) == 1
    assert list(tmp_path.iterdir()) == [path]


def test_interrupted_training_exits_130_and_writes_nothing(
    table, tmp_path, monkeypatch, capsys
):
    from sklearn_cyclegan._callbacks import EpochSeed

    _, path = table
    out = tmp_path / "out.csv"
    original = EpochSeed.on_epoch_begin

    def ctrl_c_at_epoch_2(self, net, **kwargs):
        if len(net.history) == 2:
            raise KeyboardInterrupt
        return original(self, net, **kwargs)

    monkeypatch.setattr(EpochSeed, "on_epoch_begin", ctrl_c_at_epoch_2)
    status = main(
        [
            "augment",
            str(path),
            "--label",
            "label",
            "-o",
            str(out),
            "--quiet",
            "--pretrain-epochs",
            "2",
            "--max-epochs",
            "3",
        ]
    )
    assert status == 130
    assert "nothing written" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("spec", ["colour", "auto"])
def test_augment_categorical_columns_get_valid_categories(table, tmp_path, spec):
    frame, _ = table
    frame = frame.assign(colour=np.where(frame["label"] == "rare", "red", "blue"))
    frame.loc[::7, "colour"] = "green"
    frame.to_csv(tmp_path / "t.csv", index=False)
    out = tmp_path / "out.csv"
    args = ["augment", str(tmp_path / "t.csv"), "--label", "label", "-o", str(out)]
    assert main([*args, "--group", "speaker", "--categorical", spec, *TINY]) == 0
    result = pd.read_csv(out)
    original = result[~result["synthetic"]].drop(columns="synthetic")
    pd.testing.assert_frame_equal(original, frame, check_dtype=False)
    synthetic = result[result["synthetic"]]
    assert len(synthetic) == 30 and set(synthetic["colour"]) <= {"red", "blue", "green"}


def test_augment_report_with_categorical_columns(table, tmp_path, capsys):
    frame, _ = table
    frame = frame.assign(colour=np.where(frame["label"] == "rare", "red", "blue"))
    frame.to_csv(tmp_path / "t.csv", index=False)
    args = ["augment", str(tmp_path / "t.csv"), "--label", "label"]
    args += ["-o", str(tmp_path / "out.csv"), "--group", "speaker", "--report"]
    assert main([*args, "--categorical", "colour", *TINY]) == 0
    printed = capsys.readouterr().out
    assert "detection AUC" in printed and "rare" in printed


def test_augment_categorical_must_name_features(table, tmp_path, capsys):
    _, path = table
    args = ["augment", str(path), "--label", "label", "-o", str(tmp_path / "o.csv")]
    grouped = [*args, "--group", "speaker"]
    assert main([*grouped, "--categorical", "f0,speaker", *TINY]) == 1
    err = capsys.readouterr().err
    assert "--categorical names speaker" in err and len(err.strip().splitlines()) == 1


# The command line answers --help without importing the numerical stack.
HELP_CHILD = r"""
import sys, time
start = time.perf_counter()
from sklearn_cyclegan.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
elapsed = time.perf_counter() - start
heavy = [m for m in ("torch", "skorch", "pandas", "sklearn") if m in sys.modules]
print(f"{elapsed:.3f};{','.join(heavy)}", file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["--help"], ["augment", "--help"], ["--version"]])
def test_help_and_version_import_no_heavy_module(argv):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    times = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", HELP_CHILD, *argv],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        elapsed, heavy = done.stderr.strip().splitlines()[-1].split(";")
        assert heavy == "", f"{argv} imported {heavy}"
        times.append(float(elapsed))
    assert "sklearn-cyclegan" in done.stdout
    # The best of three, from the import to the printed help.  The whole
    # command took 0.5 s on the shared 2-core machine (`time python -m
    # sklearn_cyclegan.cli augment --help`), 7.9 s with torch; 1 s leaves room.
    assert min(times) < 1.0, times


def test_lazy_package_keeps_its_public_names():
    import sklearn_cyclegan

    assert set(sklearn_cyclegan.__all__) <= set(dir(sklearn_cyclegan))
    for name in sklearn_cyclegan.__all__:
        assert getattr(sklearn_cyclegan, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        sklearn_cyclegan.nope  # noqa: B018


def test_outputs_honour_the_umask(table, tmp_path):
    import os

    _, path = table
    old = os.umask(0o027)
    try:
        assert _augment(path, tmp_path / "a.csv", "--group", "speaker") == 0
        os.umask(0o022)
        assert _augment(path, tmp_path / "b.parquet", "--group", "speaker") == 0
    finally:
        os.umask(old)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "b.parquet").stat().st_mode & 0o777 == 0o644


def test_augment_refuses_to_replace_its_source(table, tmp_path, capsys):
    import os

    frame, path = table
    source = tmp_path / "src.csv"
    frame.drop(columns=["speaker", "label"]).to_csv(source, index=False)
    before = source.read_bytes()
    link = tmp_path / "link.csv"
    os.link(source, link)
    for out in (source, tmp_path / "." / "src.csv", link):
        status = _augment(path, out, "--group", "speaker", "--source", str(source))
        assert status == 1
        assert "is the source" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_threads_reach_the_sampler_not_the_process(table, tmp_path, monkeypatch):
    import torch

    from sklearn_cyclegan import CycleGANOversampler

    seen = []
    fit_resample = CycleGANOversampler.fit_resample

    def spy(self, X, y, **params):
        seen.append(self.n_threads)
        return fit_resample(self, X, y, **params)

    monkeypatch.setattr(CycleGANOversampler, "fit_resample", spy)
    _, path = table
    before = torch.get_num_threads()
    out = tmp_path / "out.csv"
    assert _augment(path, out, "--group", "speaker", "--threads", "2") == 0
    assert seen == [2]
    assert torch.get_num_threads() == before


def test_integer_id_features_warn_to_pass_group(table, tmp_path, capsys):
    frame, path = table
    assert _augment(path, tmp_path / "a.csv") == 0
    err = capsys.readouterr().err
    assert "warning: integer column(s) speaker" in err and "--group" in err
    assert _augment(path, tmp_path / "b.csv", "--group", "speaker") == 0
    assert "warning" not in capsys.readouterr().err
    # An unnamed id: few values, each in one run of rows (a table sorted by
    # session); random small integers (counts) are features and pass quietly.
    rng = np.random.default_rng(0)
    frame = frame.drop(columns="speaker")
    frame["k"] = np.repeat(np.arange(6), 10)
    frame["count"] = rng.integers(0, 6, len(frame))
    frame.to_csv(path, index=False)
    assert _augment(path, tmp_path / "c.csv") == 0
    err = capsys.readouterr().err
    assert "integer column(s) k of" in err and "count" not in err


def test_augment_report_marks_detectably_fake_rows(table, tmp_path, capsys):
    frame, path = table
    # A source far from the table, barely trained on: trivially separable rows.
    source = tmp_path / "source.npy"
    np.save(source, np.random.default_rng(0).normal(size=(200, 4)) * 5 + 40)
    out = tmp_path / "out.csv"
    args = ["augment", str(path), "--label", "label", "--group", "speaker"]
    args += ["-o", str(out), "--source", str(source), "--report", "--quiet"]
    args += ["--mode", "translate"]
    with pytest.warns(SeparableRowsWarning):
        assert main([*args, "--pretrain-epochs", "0", "--max-epochs", "0"]) == 0
    printed = capsys.readouterr().out
    rare = next(line for line in printed.splitlines() if line.startswith("  rare"))
    assert SEPARABLE_NOTE in rare
    assert "try a source closer to the input" in printed


def test_demo_names_what_ran_and_cross_validates(capsys, monkeypatch):
    monkeypatch.setattr(cli, "DEMO_REPEATS", 1)
    assert main(["demo", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "CycleGANOversampler (no source: interpolation)" in out
    assert "repeated 1 times" in out and "±" in out
    assert "trains no CycleGAN" in out


def test_warnings_are_one_line_naming_the_command():
    # What Python prints for a warning the command did not catch.
    with cli.one_line_warnings("sklearn-cyclegan augment"):
        text = warnings.formatwarning(
            "rows look fake", SeparableRowsWarning, "_threads.py", 104
        )
    assert text == (
        "sklearn-cyclegan augment: warning: SeparableRowsWarning: rows look fake\n"
    )
    assert "_threads.py" in warnings.formatwarning("x", UserWarning, "_threads.py", 1)


def test_augment_mode_reaches_the_sampler_and_the_report(table, tmp_path, capsys):
    _, path = table
    source = tmp_path / "source.npy"
    np.save(source, np.random.default_rng(0).normal(size=(80, 4)))
    args = ["augment", str(path), "--label", "label", "--group", "speaker"]
    args += ["--source", str(source), "--report", "--quiet"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main([*args, "-o", str(tmp_path / "s.csv"), "--mode", "select"]) == 0
        assert "mode select, chosen by mode" in capsys.readouterr().out
        # auto with a source: inner folds over the speakers choose.
        assert main([*args, "-o", str(tmp_path / "a.csv")]) == 0
    printed = capsys.readouterr().out
    assert "chosen by inner folds (UAR %: interpolate" in printed
