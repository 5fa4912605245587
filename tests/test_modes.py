"""``mode``: interpolate, select the source's rows, translate them, or let inner
folds choose ("auto")."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_cyclegan import CycleGANOversampler, _floor
from sklearn_cyclegan._selection import align, mean_std, pick_rows

from .conftest import FAST, data_file

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _data(n_samples=240, seed=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=[0.6, 0.25, 0.15],
        class_sep=2.0,
        random_state=seed,
    )
    # The source: the same kind of rows in other units (a shifted, scaled corpus).
    S, _ = make_classification(
        n_samples=400, n_features=6, n_informative=4, n_classes=3, random_state=9
    )
    return X, y, 3.0 * S + 10.0


def _fit(mode, X, y, S, **params):
    sampler = CycleGANOversampler(source=S, mode=mode, n_threads=1, **params)
    X_res, y_res = sampler.fit_resample(X, y)
    return sampler, X_res[len(X) :], y_res[len(X) :]


def test_mode_is_validated():
    X, y, S = _data()
    with pytest.raises(InvalidParameterError, match="mode"):
        CycleGANOversampler(mode="copy").fit_resample(X, y)
    with pytest.raises(ValueError, match='mode="select".*none was given'):
        CycleGANOversampler(mode="select").fit_resample(X, y)
    with pytest.raises(ValueError, match='mode="translate" with preset="fast"'):
        CycleGANOversampler(mode="translate").fit_resample(X, y)


def test_select_gives_the_requested_rows_of_the_aligned_source():
    X, y, S = _data()
    sampler, rows, labels = _fit(
        "select", X, y, S, random_state=0, enforce_min_max_values=False
    )
    assert sampler.mode_ == "select" and sampler.net_ is None
    counts = np.bincount(y)
    wanted = counts.max() - counts
    np.testing.assert_array_equal(np.bincount(labels, minlength=3), wanted)
    aligned = align(S, mean_std(S), (X.mean(axis=0), X.std(axis=0)))
    # Every synthetic row is an aligned source row, none used twice.
    distance = np.abs(rows[:, None, :] - aligned[None]).max(axis=2)
    nearest = distance.argmin(axis=1)
    assert distance.min(axis=1).max() < 1e-9
    assert len(np.unique(nearest)) == len(rows)
    _, again, again_labels = _fit(
        "select", X, y, S, random_state=0, enforce_min_max_values=False
    )
    np.testing.assert_array_equal(rows, again)
    np.testing.assert_array_equal(labels, again_labels)


def test_select_keeps_aligned_rows_outside_the_range_of_X():
    # Selected rows are real recordings: enforce_min_max_values (default True)
    # clips generated rows only.  Integer columns are still rounded and
    # clipped, constant columns still restored.
    X, y, S = _data()
    names = [f"f{j}" for j in range(X.shape[1])]
    X = pd.DataFrame(X, columns=names).assign(n=np.rint(X[:, 0] * 3).astype(int), c=1.0)
    S = pd.DataFrame(S, columns=names).assign(n=S[:, 0] * 3, c=S[:, 1])
    _, rows, _ = _fit("select", X, y, S, random_state=0)
    _, unclipped, _ = _fit(
        "select", X, y, S, random_state=0, enforce_min_max_values=False
    )
    pd.testing.assert_frame_equal(rows, unclipped)
    low, high = X[names].min(), X[names].max()
    assert ((rows[names] < low) | (rows[names] > high)).to_numpy().any()
    n = rows["n"]
    assert n.dtype == X["n"].dtype and n.between(X["n"].min(), X["n"].max()).all()
    assert (rows["c"] == 1.0).all()
    # Interpolated rows, generated, stay within X's range.
    _, interpolated, _ = _fit("interpolate", X, y, S, random_state=0)
    assert (
        not ((interpolated[names] < low) | (interpolated[names] > high))
        .to_numpy()
        .any()
    )


def test_select_reuses_rows_by_rank_when_the_source_runs_out():
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    picks = pick_rows(proba, {0: 5, 1: 1})
    # Class 0 needs most and chooses first: its two rows, then reuse in rank order.
    np.testing.assert_array_equal(picks[0], [0, 1, 2, 0, 1])
    np.testing.assert_array_equal(picks[1], [2])
    X, y, S = _data()
    sampler, rows, labels = _fit("select", X, y, S[:20], random_state=0)
    counts = np.bincount(y)
    wanted = counts.max() - counts
    np.testing.assert_array_equal(np.bincount(labels, minlength=3), wanted)


def test_select_sample_draws_among_the_picks_and_transfer_refuses():
    X, y, S = _data()
    sampler, rows, labels = _fit(
        "select", X, y, S, random_state=0, enforce_min_max_values=False
    )
    drawn, drawn_y = sampler.sample({2: 10})
    assert (drawn_y == 2).all()
    picked = rows[labels == 2]
    assert all(np.abs(picked - row).max(axis=1).min() < 1e-12 for row in drawn)
    with pytest.raises(ValueError, match="mode_='select'"):
        sampler.transfer(S[:3], 1)


def test_auto_chooses_by_inner_folds_and_records_it():
    X, y, S = _data()
    sampler, _, _ = _fit("auto", X, y, S, random_state=0)
    summary = sampler.summary_
    assert sampler.mode_ in _floor.CANDIDATES
    assert summary["chosen_by"] == "inner folds"
    folds = summary["inner_uar_folds"]
    drawn = _floor.INNER_FOLDS * _floor.INNER_REPEATS
    assert all(len(scores) == drawn for scores in folds.values())
    means = summary["inner_uar"]
    wins = means["select"] >= means["interpolate"] + _floor.INNER_MARGIN
    expected = "select" if wins else "interpolate"
    assert sampler.mode_ == expected
    # Once chosen, the fit is the chosen mode's own (benchmarks.source_study
    # --margins relies on it to replay the rule at other margins).
    _, rows, _ = _fit("auto", X, y, S, random_state=0)
    _, forced, _ = _fit(sampler.mode_, X, y, S, random_state=0)
    np.testing.assert_array_equal(rows, forced)


def test_auto_choosing_interpolation_gives_interpolate_rows():
    X, y, _ = _data()
    # Noise in a corner of nowhere: the source loses the inner folds.
    noise = np.random.default_rng(0).uniform(size=(300, X.shape[1]))
    auto, rows, _ = _fit("auto", X, y, noise, random_state=3)
    assert auto.mode_ == "interpolate"
    assert "not used" in auto.summary_["source"]
    _, interpolated, _ = _fit("interpolate", X, y, noise, random_state=3)
    np.testing.assert_array_equal(rows, interpolated)
    # Epochs set for a translation do not train an interpolation.
    again, _, _ = _fit("interpolate", X, y, noise, random_state=3, **FAST)
    assert len(again.history_) == 0


def test_auto_does_not_repeat_a_source_smaller_than_the_rows_asked(monkeypatch):
    X, y, S = _data()
    asked = int(sum(np.bincount(y).max() - np.bincount(y)))
    chose = []
    inner = {"interpolate": [50.0], "select": [60.0]}
    monkeypatch.setattr(
        _floor, "choose_mode", lambda *a, **k: chose.append(1) or ("select", inner)
    )
    small, rows, _ = _fit("auto", X, y, S[: asked - 1], random_state=0)
    assert not chose, "a too small source must not reach the inner folds"
    assert small.mode_ == "interpolate"
    assert small.summary_["chosen_by"] == "source size"
    assert small.summary_["inner_uar"] is None
    _, interpolated, _ = _fit("interpolate", X, y, S[: asked - 1], random_state=0)
    np.testing.assert_array_equal(rows, interpolated)
    # One row per asked row is enough: the inner folds decide.
    enough, _, _ = _fit("auto", X, y, S[:asked], random_state=0)
    assert chose == [1] and enough.summary_["chosen_by"] == "inner folds"
    assert not _floor.source_too_small(asked, {0: asked - 5, 1: 5})
    assert _floor.source_too_small(asked - 1, {0: asked - 5, 1: 5})


def test_auto_without_a_source_is_unchanged():
    X, y, _ = _data()
    auto = CycleGANOversampler(random_state=0, n_threads=1)
    X_auto, _ = auto.fit_resample(X, y)
    explicit = CycleGANOversampler(mode="interpolate", random_state=0, n_threads=1)
    X_explicit, _ = explicit.fit_resample(X, y)
    np.testing.assert_array_equal(X_auto, X_explicit)
    assert auto.summary_["inner_uar"] is None and auto.mode_ == "interpolate"


def test_groups_make_the_inner_folds(monkeypatch):
    X, y, S = _data()
    seen = []
    original = _floor.inner_folds

    def spy(y, groups, seed, repeat=0):
        folds = original(y, groups, seed, repeat)
        seen.append((groups, folds))
        return folds

    monkeypatch.setattr(_floor, "inner_folds", spy)
    groups = np.arange(len(y)) % 6
    sampler = CycleGANOversampler(source=S, random_state=0, n_threads=1)
    sampler.fit_resample(X, y, groups=groups)
    assert len(seen) == _floor.INNER_REPEATS
    for given, folds in seen:
        np.testing.assert_array_equal(given, groups)
        for train, val in folds:
            assert not set(groups[train]) & set(groups[val])
    with pytest.raises(ValueError, match="groups has 3 entries"):
        sampler.fit_resample(X, y, groups=groups[:3])


def test_inner_fold_draws_differ_and_keep_groups_apart():
    y = np.repeat([0, 1], 60)
    groups = np.arange(len(y)) % 9
    first = _floor.inner_folds(y, groups, seed=0)
    again = _floor.inner_folds(y, groups, seed=0, repeat=1)
    # Draw 0 is GroupKFold's own partition, whatever the seed.
    for (a, _), (b, _) in zip(first, _floor.inner_folds(y, groups, seed=5)):
        np.testing.assert_array_equal(a, b)
    partition = [frozenset(groups[val]) for _, val in first]
    assert partition != [frozenset(groups[val]) for _, val in again]
    for folds in (first, again):
        assert sorted(g for _, val in folds for g in set(groups[val])) == list(range(9))
        for train, val in folds:
            assert not set(groups[train]) & set(groups[val])
    # Without groups each draw is its own shuffled stratified split.
    plain = [val for _, val in _floor.inner_folds(y, None, seed=0)]
    other = [val for _, val in _floor.inner_folds(y, None, seed=0, repeat=1)]
    assert any(set(a) != set(b) for a, b in zip(plain, other))


def test_inner_folds_augment_when_the_fit_augments(monkeypatch):
    # A dict asks for counts of all of X; each inner fold gets the same share
    # of new rows per class, so an augmenting fit is judged on augmenting.
    strategy = _floor.per_fold({0: 50, 1: 10}, np.repeat([0, 1, 2], [100, 50, 50]))
    assert strategy(np.repeat([0, 1, 2], [60, 30, 30])) == {0: 90, 1: 36}
    X, y, S = _data()
    asked = []
    original = CycleGANOversampler.fit_resample

    def spy(self, X_fit, y_fit, **params):
        asked.append((self.sampling_strategy, y_fit))
        return original(self, X_fit, y_fit, **params)

    monkeypatch.setattr(CycleGANOversampler, "fit_resample", spy)
    doubled = {c: 2 * int(n) for c, n in zip(*np.unique(y, return_counts=True))}
    sampler = CycleGANOversampler(
        source=S, sampling_strategy=doubled, random_state=0, n_threads=1
    )
    X_res, y_res = sampler.fit_resample(X, y)
    assert len(y_res) == 2 * len(y)
    inner = asked[1:]
    assert len(inner) == 2 * _floor.INNER_FOLDS * _floor.INNER_REPEATS
    for inner_strategy, y_inner in inner:
        targets = inner_strategy(y_inner)
        for c, n in zip(*np.unique(y_inner, return_counts=True)):
            assert targets[c] == 2 * n


def test_translate_keeps_the_cyclegan():
    X, y, S = _data()
    sampler, _, _ = _fit("translate", X, y, S, random_state=0, **FAST)
    assert sampler.mode_ == "translate" and len(sampler.history_) > 0
    assert sampler.transfer(S[:3], 1).shape == (3, X.shape[1])


def test_nemo_fold_picks_the_film_rows():
    """Issue 22's case: on a nEMO speaker fold the film rows win the inner folds."""
    data_file("nemo_is09.csv.gz")  # skips without the shared data
    data_file("cartoons_source_is09.csv.gz")
    from benchmarks.default_fit import training_fold

    X, y, speakers, source = training_fold(fold=0, seed=0)
    sampler = CycleGANOversampler(source=source, random_state=0, n_threads=1)
    with pytest.warns(Warning):
        sampler.fit_resample(X, y, groups=speakers)
    assert sampler.mode_ == "select"
    inner = sampler.summary_["inner_uar"]
    assert inner["select"] > inner["interpolate"] + 1.0


def test_select_streams_a_memory_mapped_source(tmp_path):
    X, y, S = _data()
    path = tmp_path / "source.npy"
    np.save(path, S)
    _, from_file, labels = _fit("select", X, y, str(path), random_state=0)
    _, in_memory, in_memory_labels = _fit("select", X, y, S, random_state=0)
    np.testing.assert_array_equal(from_file, in_memory)
    np.testing.assert_array_equal(labels, in_memory_labels)


def test_groups_are_routed_per_fold(monkeypatch):
    import sklearn
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_validate

    X, y, S = _data()
    groups = np.arange(len(y)) % 6
    seen = []
    original = _floor.inner_folds
    monkeypatch.setattr(
        _floor,
        "inner_folds",
        lambda y, g, s, r=0: seen.append(g) or original(y, g, s, r),
    )
    sklearn.set_config(enable_metadata_routing=True)
    try:
        aug = CycleGANOversampler(source=S, random_state=0, n_threads=1)
        aug.set_fit_resample_request(groups=True)
        model = make_pipeline(aug, LogisticRegression())
        cross_validate(model, X, y, cv=GroupKFold(2), params={"groups": groups})
    finally:
        sklearn.set_config(enable_metadata_routing=False)
    # Each outer training fold's own groups reached every draw of the inner folds.
    assert [len(np.unique(g)) for g in seen] == [3] * (2 * _floor.INNER_REPEATS)
