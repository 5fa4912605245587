"""The speech benchmark's cache, pairing and pipelines; the examples table script."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from benchmarks import examples_table, speech

from .conftest import FAST


def test_paired_differences_are_per_seed_with_their_standard_error():
    ours = np.array([[0.80, 0.90], [0.70, 0.70]])
    smote = np.array([[0.70, 0.90], [0.70, 0.80]])
    mean, se, wins, losses = speech.paired(ours, smote)
    # Per-seed differences: +5 and -5 points.
    assert mean == pytest.approx(0.0)
    assert se == pytest.approx(5.0)
    assert (wins, losses) == (1, 1)


def test_before_scaler_puts_the_sampler_first():
    settings = {"n_synthetic": 40, "cyclegan": FAST}
    sources = {"film": None}
    after = speech.make_pipeline("ours film", 0, [0, 1], sources, settings)
    before = speech.make_pipeline(
        "ours film" + speech.BEFORE, 0, [0, 1], sources, settings
    )
    assert [n for n, _ in after.steps] == ["scale", "aug", "clf"]
    assert [n for n, _ in before.steps] == ["aug", "scale", "clf"]
    unscaled = speech.make_pipeline("smote", 0, [0, 1], sources, settings, False)
    assert [n for n, _ in unscaled.steps] == ["aug", "clf"]


def test_run_caches_each_setting_and_seed_and_resumes(monkeypatch, tmp_path):
    X, y = make_classification(120, 6, weights=[0.7], random_state=0)
    splits = [(X[:80], y[:80], X[80:], y[80:]), (X[40:], y[40:], X[:40], y[:40])]
    calls = []

    def task():
        calls.append(1)
        return splits, np.unique(y), {"none": None}, True

    monkeypatch.setitem(speech.TASKS, "loso", task)
    settings = {"max_folds": None, "n_synthetic": 100, "cyclegan": FAST}
    first = speech.run("loso", ["none", "smote"], [0], settings, tmp_path)
    assert first["smote"]["scores"].shape == (1, 2)
    assert len(list((tmp_path / "loso").glob("*.json"))) == 2
    # A second seed computes only that seed; the first comes from the cache.
    second = speech.run("loso", ["none", "smote"], [0, 1], settings, tmp_path)
    np.testing.assert_array_equal(
        second["none"]["scores"][0], first["none"]["scores"][0]
    )
    assert len(calls) == 2
    speech.run("loso", ["none", "smote"], [0, 1], settings, tmp_path)
    assert len(calls) == 2


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
