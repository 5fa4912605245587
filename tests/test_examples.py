"""Every example runs end to end (training shrunk to two epochs); the docs tool
that tabulates them keeps its page's table up to date."""

import importlib.util
import runpy
from pathlib import Path

import pytest

from .conftest import DATA

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _load_examples_table():
    # A script beside the docs, not a package: load it from its file.
    path = ROOT / "docs" / "tools" / "examples_table.py"
    spec = importlib.util.spec_from_file_location("examples_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


examples_table = _load_examples_table()


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


def test_examples_table_keeps_score_lines_and_replaces_only_the_table(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(
        "print('loading 3 files')\nprint('SMOTE   balanced accuracy 0.9 | 0.1')\n"
    )
    kept, seconds = examples_table.run_example(script, env=None)
    assert kept == ["SMOTE balanced accuracy 0.9 | 0.1"]
    assert seconds > 0
    table = examples_table.markdown([("example.py", kept, seconds)], "test machine")
    assert "0.9 \\| 0.1" in table
    marked = f"{examples_table.BEGIN}\nSTALE ROW\n{examples_table.END}"
    page = f"# Title\n\nintro\n\n{marked}\n\nend\n"
    new = examples_table.replace_table(page, table)
    assert new.startswith("# Title\n\nintro\n\n") and new.endswith("\n\nend\n")
    assert "STALE ROW" not in new and "test machine" in new
    with pytest.raises(ValueError, match="markers"):
        examples_table.replace_table("# no markers", table)


def test_examples_table_reports_a_failing_example(tmp_path):
    script = tmp_path / "broken.py"
    script.write_text("raise SystemExit('boom')\n")
    with pytest.raises(RuntimeError, match="broken.py failed"):
        examples_table.run_example(script, env=None)


def test_the_examples_page_has_the_generated_table_markers():
    page = (examples_table.ROOT / "docs" / "examples.md").read_text()
    assert page.index(examples_table.BEGIN) < page.index(examples_table.END)
