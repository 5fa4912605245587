"""benchmarks/quality.py: skips missing data, and its tables on a small table."""

from sklearn.datasets import make_classification

from benchmarks import _paper_data, quality, tables


def test_missing_data_is_skipped(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(_paper_data, "DATA", tmp_path)
    monkeypatch.setattr(tables, "DATA", tmp_path)
    out = tmp_path / "quality.md"
    quality.main(["--out", str(out)])
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["skipped", "EmoDB"],
        ["skipped", "KEEL"],
    ]
    assert captured.out.strip() == "" and not out.exists()


def test_tables_compare_every_sampler_with_held_out_rows():
    X, y = make_classification(
        n_samples=120, n_features=4, weights=[0.7], random_state=0
    )
    variants = {"tiny": {"pretrain_epochs": 1, "max_epochs": 1}}
    reports = quality.judge(X, y, variants, seed=0)
    assert list(reports) == [
        "held-out real",
        "SMOTE",
        "ours (source=None)",
        "ours (tiny)",
    ]
    for name in ["SMOTE", "ours (source=None)", "ours (tiny)"]:
        counts = reports[name][0].iloc[:-1]
        # Every class got as many synthetic rows as it has training rows.
        assert (counts["n_synthetic"] == counts["n_real"]).all()
    text = quality.tables("toy", reports)
    assert text.count("| ours (tiny) |") == 2
    assert "| 0 AUC | 0 mem. | 1 AUC | 1 mem. |" in text
