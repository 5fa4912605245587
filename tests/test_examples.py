"""Every example runs end to end (training shrunk to two epochs)."""

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def quick(monkeypatch, tmp_path):
    monkeypatch.setenv("SKLEARN_CYCLEGAN_QUICK", "1")
    monkeypatch.setenv("SKLEARN_CYCLEGAN_EXAMPLE_OUT", str(tmp_path))
    monkeypatch.setenv("SKLEARN_CYCLEGAN_DATA", str(DATA))
    return tmp_path


def run(name):
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    except SystemExit as exit_info:  # examples exit 0 when their data is absent
        assert exit_info.code in (0, None)


def test_quick_start(quick, capsys):
    run("plot_quick_start.py")
    out = capsys.readouterr().out
    assert "after:  {0: 71, 1: 71, 2: 71}" in out
    assert "the originals come back unchanged: True" in out


def test_inspect_synthetic_writes_a_figure(quick):
    run("plot_inspect_synthetic.py")
    png = quick / "inspect_synthetic.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_inspect_synthetic_keeps_the_working_folder_clean(
    quick, monkeypatch, tmp_path_factory
):
    # Without an output folder the figure goes to the temporary directory.
    monkeypatch.delenv("SKLEARN_CYCLEGAN_EXAMPLE_OUT")
    temp, cwd = tmp_path_factory.mktemp("temp"), tmp_path_factory.mktemp("cwd")
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr("tempfile.tempdir", None)  # re-read TMPDIR
    monkeypatch.chdir(cwd)
    run("plot_inspect_synthetic.py")
    assert not list(cwd.iterdir())
    assert (temp / "sklearn-cyclegan-examples" / "inspect_synthetic.png").is_file()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("plot_keel_vs_smote.py", "SMOTE"),
        ("plot_audio_to_classifier.py", "real + synthetic"),
        ("plot_emodb_loso.py", "over 10 speakers"),
    ],
)
def test_real_data_examples(quick, capsys, name, expected):
    if not DATA.is_dir():
        pytest.skip(f"real data {DATA} not available")
    if "audio" in name:
        pytest.importorskip("opensmile")
    run(name)
    assert expected in capsys.readouterr().out


def test_every_example_is_tested_or_listed():
    tested = {
        "plot_quick_start.py",
        "plot_inspect_synthetic.py",
        "plot_keel_vs_smote.py",
        "plot_audio_to_classifier.py",
        "plot_emodb_loso.py",
    }
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested
