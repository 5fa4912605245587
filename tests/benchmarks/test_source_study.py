"""Issue 22's source study: sources, augmentation, smote-std, cache and summary."""

import json
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from benchmarks import _source_study_data as data
from benchmarks import source_study as study

from ..conftest import data_file


def test_a_task_never_uses_its_training_or_test_corpus_as_source(capsys):
    assert "test speaker" in study.source_problem("nemo", "nemo")
    assert "training corpus" in study.source_problem("nemo-urdu", "nemo")
    assert "test corpus" in study.source_problem("nemo-urdu", "urdu")
    assert study.source_problem("nemo-urdu", "tess") is None
    assert data.allowed_sources("nemo-urdu") == ["film", "tess", "emodb"]
    assert data.allowed_sources("emodb-chicken_run") == ["film", "tess", "urdu", "nemo"]
    with pytest.raises(SystemExit):
        study.main(["--corpus", "emodb-urdu", "--source", "urdu", "--table"])
    assert "'urdu' is the test corpus of 'emodb-urdu'" in capsys.readouterr().err


def test_pool_stacks_each_allowed_source_z_normalised_on_its_own(monkeypatch):
    rng = np.random.default_rng(0)
    sizes = {"film": 30, "tess": 20, "urdu": 10, "nemo": 15, "emodb": 12}
    frames = {
        data.SOURCES[name]: pd.DataFrame(
            rng.normal(loc=10 * i, scale=i + 1, size=(n, 3)), columns=list("abc")
        ).assign(label="x")
        for i, (name, n) in enumerate(sizes.items())
    }
    monkeypatch.setattr(data, "_read", frames.__getitem__)
    # nemo-urdu may use the film, TESS and EmoDB: 30 + 20 + 12 rows.
    pool = data.load_source(["c", "a"], "pool", "nemo-urdu")
    assert pool.shape == (62, 2)
    for block in np.split(pool, [30, 50]):
        np.testing.assert_allclose(block.mean(axis=0), 0, atol=1e-12)
        np.testing.assert_allclose(block.std(axis=0), 1)
    # A single source stays raw, in the columns' order.
    tess = data.load_source(["c", "a"], "tess")
    np.testing.assert_array_equal(tess, frames["tess_is09.csv.gz"][["c", "a"]])
    # The negative control: the film's values, each column shuffled alone,
    # and never part of a pool.
    film = data.load_source(["c", "a"], "film")
    shuffled = data.load_source(["c", "a"], data.SHUFFLED)
    np.testing.assert_array_equal(np.sort(shuffled, axis=0), np.sort(film, axis=0))
    assert not np.array_equal(shuffled, film)
    assert data.SHUFFLED not in data.allowed_sources("nemo-urdu")


def _rows(counts, n_features=4, seed=0):
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.full(n, c, dtype=object) for c, n in counts.items()])
    X = rng.normal(size=(len(y), n_features)) * [1, 10, 100, 1000]
    return X, y


def test_augmentation_asks_half_as_many_rows_again_of_every_class():
    X, y = _rows({"anger": 40, "happy": 37, "neutral": 41, "sad": 36})
    fold = study.Fold(X, y, None, X, y, X, seed=0, augment=True)
    assert fold.counts == {"anger": 20, "happy": 18, "neutral": 20, "sad": 18}
    for arm in ("ros", "smote", "smote-std"):
        _, y_res, weight = fold.arm(arm)
        assert weight is None
        assert Counter(y_res) == {"anger": 60, "happy": 55, "neutral": 61, "sad": 54}
    # The pseudo-labelled source rows come in the same counts.
    rows, labels = study.source_rows(X, y, X[:50], fold.counts)
    assert len(rows) == 76 and Counter(labels) == fold.counts
    balancing = study.Fold(X, y, None, X, y, X, seed=0)
    assert balancing.strategy == "auto"
    assert balancing.counts == {"anger": 1, "happy": 4, "sad": 5}


def test_a_small_source_reuses_its_rows_to_give_every_class_its_count():
    X, y = _rows({"a": 30, "b": 10, "c": 5})
    counts = {"b": 20, "c": 25}
    rows, labels = study.source_rows(X, y, X[:12], counts)
    assert Counter(labels) == counts
    assert len(np.unique(rows, axis=0)) == 12


def test_smote_std_returns_rows_in_original_units_with_the_asked_counts():
    X, y = _rows({"a": 30, "b": 10})
    rows, labels = study.standardised_smote(X, y, "auto", seed=0)
    assert Counter(labels) == {"b": 20}
    # Interpolated between rows of class b, in its units (not standardised).
    b = X[y == "b"]
    assert (rows >= b.min(axis=0) - 1e-9).all() and (rows <= b.max(axis=0) + 1e-9).all()
    assert rows[:, 3].std() > 100


def test_cache_keeps_the_film_layout_and_shares_source_free_arms(tmp_path):
    def path(arm, source):
        return study._path(tmp_path, "nemo", arm, 0, 3, source)

    film = tmp_path / "cache" / "nemo" / "pl" / "seed0_fold3.json"
    assert path("pl", "film") == film
    assert path("pl", "tess") == tmp_path / "cache" / "nemo@tess" / "pl" / film.name
    assert path("lib", "pool").parent.parent.name == "nemo@pool"
    for arm in study.SOURCE_FREE:
        assert path(arm, "tess") == path(arm, "film")
        assert path(arm, "tess").parent.parent.name == "nemo"


def _write(out, task, arm, uars, source="film", choice=None):
    for seed, uar in enumerate(uars):
        path = study._path(out, task, arm, seed, 0, source)
        path.parent.mkdir(parents=True, exist_ok=True)
        result = {"uar": uar, "seconds": 1.0}
        if choice is not None:
            result["choice"] = choice[seed]
        path.write_text(json.dumps(result))


def test_summary_pairs_lib_with_smote_and_the_best_baseline(tmp_path):
    for arm, uars in {
        "none": [0.50, 0.52],
        "ros": [0.55, 0.57],
        "smote": [0.54, 0.54],
        "cw": [0.56, 0.60],
    }.items():
        _write(tmp_path, "emodb-urdu", arm, uars)
    _write(tmp_path, "emodb-urdu", "lib", [0.60, 0.61], choice=["pl", "smote"])
    _write(tmp_path, "emodb-urdu", "lib", [0.50, 0.52], "tess", ["pl", "pl"])
    # Incomplete: no second seed of lib for the pool; no baselines for nemo-emodb.
    _write(tmp_path, "emodb-urdu", "lib", [0.70], "pool", ["pl"])
    _write(tmp_path, "nemo-emodb", "lib", [0.70, 0.70], choice=["pl", "pl"])
    lines = study.summary(tmp_path, [0, 1]).splitlines()
    assert len(lines) == 4
    # lib - smote: per seed +6, +7; lib - cw (best, 58 %): +4, +1.
    assert lines[2] == (
        "| emodb-urdu | film | 54.00 | cw 58.00 | 60.50 | +6.50 ± 0.50 |"
        " +2.50 ± 1.50 | 1/2 |"
    )
    assert lines[3].startswith("| emodb-urdu | tess | 54.00 | cw 58.00 | 51.00 |")
    assert lines[3].endswith("| 2/2 |")


def test_margins_replay_the_rule_from_the_recorded_inner_means(tmp_path):
    for arm, uars in {
        "none": [0.50, 0.50],
        "ros": [0.50, 0.50],
        "smote": [0.50, 0.50],
        "cw": [0.50, 0.50],
        "lib-select": [0.60, 0.40],
        "lib-interp": [0.52, 0.52],
    }.items():
        _write(tmp_path, "emodb-urdu", arm, uars)
    _write(tmp_path, "emodb-urdu", "lib", [0.60, 0.40], choice=["pl", "pl"])
    # Select led interpolation by 2.0 and 0.6 inner points.
    for seed, lead in enumerate([2.0, 0.6]):
        path = study._path(tmp_path, "emodb-urdu", "lib", seed, 0)
        run = json.loads(path.read_text())
        path.write_text(
            json.dumps({**run, "inner": {"interpolate": 50.0, "select": 50 + lead}})
        )
    at_0, n_0 = study.replay(tmp_path, "emodb-urdu", "film", [0, 1], 1, 0.0)
    at_1, n_1 = study.replay(tmp_path, "emodb-urdu", "film", [0, 1], 1, 1.0)
    np.testing.assert_array_equal(at_0.ravel(), [60.0, 40.0])
    np.testing.assert_array_equal(at_1.ravel(), [60.0, 52.0])
    assert (n_0, n_1) == (2, 1)
    row = study.margins(tmp_path, [0, 1]).splitlines()[2]
    assert row.startswith("| emodb-urdu | film | +0.00 ± 10.00 (2) |")
    assert "| +6.00 ± 4.00 (1) |" in row
    replayed = study.summary(tmp_path, [0, 1], margin=1.0).splitlines()[2]
    assert replayed.endswith("| 56.00 | +6.00 ± 4.00 | +6.00 ± 4.00 | 1/2 |")


def test_margins_replay_any_number_of_inner_fold_draws(tmp_path):
    from sklearn_cyclegan._floor import INNER_FOLDS

    for arm, uars in {
        "smote": [0.50, 0.50],
        "lib-select": [0.60, 0.40],
        "lib-interp": [0.52, 0.52],
    }.items():
        _write(tmp_path, "emodb-urdu", arm, uars)
    _write(tmp_path, "emodb-urdu", "lib-draws2", [0.60, 0.40], choice=["pl", "pl"])
    # Seed 0: select leads by 3 on the first draw, by 1 over both; seed 1: by
    # -1 on the first draw, by 0.5 over both.
    for seed, (first, second) in enumerate([(3.0, -1.0), (-1.0, 2.0)]):
        path = study._path(tmp_path, "emodb-urdu", "lib-draws2", seed, 0)
        run = json.loads(path.read_text())
        folds = {
            "interpolate": [50.0] * (2 * INNER_FOLDS),
            "select": [50 + first] * INNER_FOLDS + [50 + second] * INNER_FOLDS,
        }
        path.write_text(json.dumps({**run, "inner_folds": folds}))

    def replayed(repeats, margin):
        uar, n = study.replay(
            tmp_path, "emodb-urdu", "film", [0, 1], 1, margin, repeats, "lib-draws2"
        )
        return list(uar.ravel()), n

    assert replayed(1, 0.0) == ([60.0, 52.0], 1)
    # A run that never consulted inner folds (too small a source) interpolated.
    assert study._lead({"choice": "smote", "inner": None}, None) == -np.inf
    assert replayed(2, 0.0) == ([60.0, 40.0], 2)
    assert replayed(2, 1.0) == ([60.0, 52.0], 1)
    # A run holding fewer draws than asked for is not replayed.
    assert (
        study.replay(tmp_path, "emodb-urdu", "film", [0, 1], 1, 0, 3, "lib-draws2")
        is None
    )
    rows = study.margins(tmp_path, [0, 1], repeats=2, arm="lib-draws2").splitlines()
    assert rows[2].startswith("| emodb-urdu | film | +0.00 ± 10.00 (2) |")


def test_one_tiny_cross_corpus_run_fills_the_shared_cache(tmp_path, capsys):
    for name in ("emodb", "urdu", "tess"):
        data_file(f"{name}_is09.csv.gz")
    args = ["--corpus", "emodb-urdu", "--source", "tess", "--seeds", "0"]
    study.main([*args, "--arms", "none,smote,pl", "--out", str(tmp_path)])
    table = capsys.readouterr().out
    assert "| pl |" in table and "| smote |" in table
    cache = tmp_path / "cache"
    assert sorted(p.name for p in cache.iterdir()) == ["emodb-urdu", "emodb-urdu@tess"]
    assert [p.name for p in (cache / "emodb-urdu@tess").iterdir()] == ["pl"]
    uar = json.loads((cache / "emodb-urdu" / "smote" / "seed0_fold0.json").read_text())
    assert 0.25 < uar["uar"] <= 1
