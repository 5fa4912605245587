"""Behaviour of CycleGANOversampler's public API on small synthetic data."""

import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from imblearn.pipeline import Pipeline
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST, fast_net


def sampler(**params):
    return CycleGANOversampler(**{**FAST, "random_state": 0, **params})


@pytest.mark.parametrize(
    "strategy, expected",
    [
        ("auto", {0: 120, 1: 120, 2: 120}),
        ("not majority", {0: 120, 1: 120, 2: 120}),
        ("minority", {0: 120, 1: 60, 2: 120}),
        ("not minority", {0: 120, 1: 120, 2: 20}),
        ("all", {0: 120, 1: 120, 2: 120}),
        ({1: 70, 2: 300}, {0: 120, 1: 70, 2: 300}),
        (lambda y: {2: 25}, {0: 120, 1: 60, 2: 25}),
    ],
)
def test_exact_counts_and_originals_first(imbalanced, strategy, expected):
    X, y = imbalanced
    assert Counter(y) == {0: 120, 1: 60, 2: 20}
    X_res, y_res = sampler(sampling_strategy=strategy).fit_resample(X, y)
    assert Counter(y_res) == expected
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    # Synthetic rows come grouped by class, in class order.
    new = y_res[len(y) :]
    assert list(new) == sorted(new)


def test_float_strategy_binary():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(90, 4)), np.array([0] * 70 + [1] * 20)
    X_res, y_res = sampler(sampling_strategy=0.5).fit_resample(X, y)
    assert Counter(y_res) == {0: 70, 1: 35}
    assert np.isfinite(X_res).all()


def test_synthetic_rows_are_new_and_in_input_units(imbalanced):
    X, y = imbalanced
    X = X * 1000 + 50
    X_res, y_res = sampler(pretrain_epochs=20, max_epochs=20).fit_resample(X, y)
    synthetic = X_res[len(X) :]
    assert not any((synthetic == row).all(axis=1).any() for row in X)
    # Outputs live in the inputs' units, not in the networks' [0, 1] range.
    assert np.abs(synthetic.mean()) > 10


def test_pandas_in_pandas_out_dtype_kept(imbalanced):
    X, y = imbalanced
    columns = [f"f{i}" for i in range(X.shape[1])]
    X_df = pd.DataFrame(X.astype(np.float32), columns=columns)
    y_s = pd.Series(np.array(["a", "b", "c"])[y], name="target")
    X_res, y_res = sampler().fit_resample(X_df, y_s)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == columns
    assert (X_res.dtypes == np.float32).all()
    assert isinstance(y_res, pd.Series) and y_res.name == "target"
    assert set(y_res) == {"a", "b", "c"}


def test_dataframe_source_columns_are_matched_by_name(imbalanced):
    X, y = imbalanced
    columns = [f"f{i}" for i in range(X.shape[1])]
    X_df = pd.DataFrame(X, columns=columns)
    source = pd.DataFrame(
        np.random.RandomState(1).normal(size=(50, 6)), columns=columns
    )
    shuffled = source[columns[::-1]]
    X_a, _ = sampler(source=source).fit_resample(X_df, y)
    X_b, _ = sampler(source=shuffled).fit_resample(X_df, y)
    pd.testing.assert_frame_equal(X_a, X_b)
    with pytest.raises(ValueError, match="source lacks 1 column"):
        sampler(source=source.drop(columns="f3")).fit_resample(X_df, y)


def test_npy_path_source(tmp_path, imbalanced):
    X, y = imbalanced
    source = np.random.RandomState(1).normal(size=(80, 6))
    np.save(tmp_path / "source.npy", source)
    X_path, _ = sampler(source=str(tmp_path / "source.npy")).fit_resample(X, y)
    X_array, _ = sampler(source=source).fit_resample(X, y)
    np.testing.assert_allclose(X_path, X_array, rtol=1e-6)


@pytest.mark.parametrize(
    "make_input, error, match",
    [
        (
            lambda X, y: (np.where(np.eye(*X.shape, dtype=bool), np.nan, X), y),
            ValueError,
            "NaN",
        ),
        (
            lambda X, y: (np.where(np.eye(*X.shape, dtype=bool), np.inf, X), y),
            ValueError,
            "infinity",
        ),
        (lambda X, y: (sp.csr_matrix(X), y), TypeError, "sparse"),
        (lambda X, y: (X, np.zeros_like(y)), ValueError, "class"),
        (lambda X, y: (X, np.r_[y[:-1], 7]), ValueError, "at least 2 rows"),
    ],
    ids=["nan", "inf", "sparse", "one-class", "tiny-class"],
)
def test_bad_input_is_named(imbalanced, make_input, error, match):
    X, y = make_input(*imbalanced)
    with pytest.raises(error, match=match):
        sampler().fit_resample(X, y)


def test_bad_source_is_named(imbalanced):
    X, y = imbalanced
    with pytest.raises(ValueError, match="source has 5 features per row, but X has 6"):
        sampler(source=np.zeros((30, 5))).fit_resample(X, y)
    bad = np.ones((30, 6))
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="source contains NaN"):
        sampler(source=bad).fit_resample(X, y)
    with pytest.raises(TypeError, match="'source' parameter"):
        sampler(source=sp.csr_matrix(np.ones((30, 6)))).fit_resample(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {"lr": -1.0},
        {"preset": "huge"},
        {"net_params": []},
        {"max_epochs": -1},
        {"batch_size": 0},
        {"device": 3},
        {"device": "gpu"},
        {"generator_hidden": (16, 0)},
    ],
)
def test_bad_parameters_are_rejected(imbalanced, params):
    with pytest.raises(InvalidParameterError):
        sampler(**params).fit_resample(*imbalanced)


def test_cuda_without_cuda_is_rejected(imbalanced):
    if torch.cuda.is_available():
        pytest.skip("CUDA is available")
    with pytest.raises(ValueError, match="CUDA is not available"):
        sampler(device="cuda").fit_resample(*imbalanced)


def test_hidden_sizes_and_betas_accept_ints_and_arrays(imbalanced):
    s = sampler(
        generator_hidden=16,
        net_params={
            "module__discriminator_hidden": np.array([8]),
            "optimizer__betas": [0.5, 0.9],
        },
    )
    s.fit_resample(*imbalanced)
    params = s.net_.get_params()
    assert params["module__generator_hidden"] == (16,)
    assert params["module__discriminator_hidden"] == (8,)
    assert s.net_.optimizer_discriminator_.param_groups[0]["betas"] == (0.5, 0.9)


def test_same_seed_same_rows_other_seed_other_rows(imbalanced):
    X, y = imbalanced
    first, _ = sampler(random_state=3).fit_resample(X, y)
    again, _ = sampler(random_state=3).fit_resample(X, y)
    other, _ = sampler(random_state=4).fit_resample(X, y)
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first[len(X) :], other[len(X) :])


def test_paper_preset_pools_all_labelled_rows_without_a_source(imbalanced):
    X, y = imbalanced
    s = sampler(preset="paper")
    s.fit_resample(X, y)
    assert s._source.n_rows == len(X) and s._source.n_groups is None


def test_fast_preset_interpolates_each_class_within_the_class():
    # Untrained residual generators are the identity, so the synthetic rows
    # are the interpolated source rows themselves: every one must lie on a
    # segment between two rows of its own class, never near the other class.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (40, 3)), [[10.0, 10, 10], [12, 14, 10]]])
    y = np.array([0] * 40 + [1] * 2)
    s = sampler(pretrain_epochs=0, max_epochs=0)
    X_res, y_res = s.fit_resample(X, y)
    assert s._source.n_groups == 2
    new = X_res[len(X) :]
    assert len(new) == 38 and (y_res[len(X) :] == 1).all()
    a, b = X[-2], X[-1]
    t = (new - a) @ (b - a) / ((b - a) @ (b - a))
    np.testing.assert_allclose(new, a + t[:, None] * (b - a), atol=1e-4)
    assert ((t > -1e-6) & (t < 1 + 1e-6)).all()
    # Where the two rows agree the value is theirs, bit for bit: a float32
    # round trip would shift it, and trees split on such consistent offsets.
    assert (new[:, 2] == 10.0).all()
    # Distinct interpolations, not copies of one row.
    assert len(np.unique(t.round(6))) > 30


def test_enforce_min_max_values_clips_to_the_range_of_X(imbalanced):
    X, y = imbalanced
    far = X[:5] * 100.0  # source units far beyond the fitted range
    clipped = sampler(**fast_net(module__residual=True), max_epochs=0)
    clipped.fit_resample(X, y)
    out = clipped.transfer(far, y[0])
    assert (out >= X.min(axis=0) - 1e-9).all() and (out <= X.max(axis=0) + 1e-9).all()
    free = sampler(
        **fast_net(module__residual=True), max_epochs=0, enforce_min_max_values=False
    )
    free.fit_resample(X, y)
    assert (np.abs(free.transfer(far, y[0])) > np.abs(X).max(axis=0)).any()


def test_residual_networks_start_as_the_identity():
    from sklearn_cyclegan._modules import GroupedMLP

    net = GroupedMLP(3, 5, 5, (8,), residual=True)
    x = torch.randn(3, 4, 5)
    torch.testing.assert_close(net(x), x)
    with pytest.raises(ValueError, match="residual"):
        GroupedMLP(3, 5, 4, (8,), residual=True)


def test_sample_and_transfer(imbalanced):
    X, y = imbalanced
    s = sampler()
    s.fit_resample(X, y)
    X_new, y_new = s.sample(7)
    assert X_new.shape == (21, 6) and Counter(y_new) == {0: 7, 1: 7, 2: 7}
    X_again, _ = s.sample(7)
    np.testing.assert_array_equal(X_new, X_again)
    X_two, y_two = s.sample(5, classes=[2])
    assert set(y_two) == {2} and len(X_two) == 5
    X_dict, y_dict = s.sample({0: 3, 1: 250})
    assert Counter(y_dict) == {0: 3, 1: 250}
    with pytest.raises(ValueError, match="Unknown classes"):
        s.sample(3, classes=[9])
    moved = s.transfer(X[:4], 1)
    assert moved.shape == (4, 6) and np.isfinite(moved).all()
    with pytest.raises(ValueError, match="Unknown class"):
        s.transfer(X[:4], "nope")


def test_generation_in_chunks_matches_one_chunk(imbalanced, monkeypatch):
    # Classes of different sizes run out at different chunks; each row must
    # still land in its class's place, with the rows a single pass gives.
    import sklearn_cyclegan._generation as module

    X, y = imbalanced
    s = sampler()
    s.fit_resample(X, y)
    counts = {0: 11, 1: 3, 2: 7}
    X_whole, y_whole = s.sample(counts)
    monkeypatch.setattr(module, "GENERATION_ROWS", 4)
    X_chunked, y_chunked = s.sample(counts)
    np.testing.assert_array_equal(y_chunked, y_whole)
    # float32 matmuls of other lengths may round differently in the last bit.
    np.testing.assert_allclose(X_chunked, X_whole, rtol=1e-5, atol=1e-6)


def test_history_and_net_are_exposed(imbalanced):
    s = sampler(pretrain_epochs=3, max_epochs=4)
    s.fit_resample(*imbalanced)
    assert len(s.history_) == 7
    assert s.history_[:, "phase"] == ["pretrain"] * 3 + ["joint"] * 4
    for key in (
        "cycle_loss",
        "discriminator_loss",
        "adversarial_loss",
        "classifier_loss",
    ):
        assert np.isfinite(s.history_[-1, key])
    assert "discriminator_loss" not in s.history_[0]
    assert s.net_.module_.generator.layers[0].weight.shape == (3, 6, 16)


def test_lr_decays_during_joint_training(imbalanced):
    s = sampler(
        **fast_net(lr_decay_every=2, lr_decay=0.5),
        pretrain_epochs=1,
        max_epochs=5,
        lr=1e-3,
    )
    s.fit_resample(*imbalanced)
    # Joint epochs 1-2 at 1e-3, 3-4 at 5e-4, epoch 5 at 2.5e-4.
    assert s.net_.optimizer_generator_.param_groups[0]["lr"] == pytest.approx(2.5e-4)


def test_paper_preset_and_net_params_routing(imbalanced):
    s = CycleGANOversampler(
        preset="paper",
        pretrain_epochs=0,
        max_epochs=1,
        net_params={"optimizer__betas": (0.5, 0.999)},
        random_state=0,
    )
    s.fit_resample(*imbalanced)
    sizes = [layer.weight.shape[2] for layer in s.net_.module_.generator.layers]
    assert sizes == [1000, 500, 1000, 6]
    assert [
        layer.weight.shape[2] for layer in s.net_.module_.discriminator_target.layers
    ] == [1000, 1000, 1]
    assert s.net_.optimizer_discriminator_.param_groups[0]["betas"] == (0.5, 0.999)


def test_integer_input_stays_integer():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 5, size=(60, 3))
    y = np.array([0] * 45 + [1] * 15)
    X_res, _ = sampler().fit_resample(X, y)
    assert X_res.dtype == X.dtype
    assert X_res[len(X) :].min() >= 0 and X_res[len(X) :].max() <= 4


def test_pickle_round_trip_keeps_generation(imbalanced):
    s = sampler()
    s.fit_resample(*imbalanced)
    loaded = pickle.loads(pickle.dumps(s))
    np.testing.assert_array_equal(loaded.sample(5)[0], s.sample(5)[0])


def test_progress_bar_when_verbose(imbalanced, capsys):
    sampler(verbose=1).fit_resample(*imbalanced)
    assert "CycleGAN" in capsys.readouterr().err


def test_inside_pipeline_cross_validation(imbalanced):
    X, y = imbalanced
    groups = np.arange(len(y)) % 4
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("aug", sampler()),
            (
                "clf",
                MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0),
            ),
        ]
    )
    with pytest.warns(Warning):  # the tiny MLP does not converge in 50 iterations
        scores = cross_val_score(pipe, X, y, groups=groups, cv=GroupKFold(4))
    assert scores.shape == (4,) and np.all((scores >= 0) & (scores <= 1))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_fit_loads_on_cpu(imbalanced, monkeypatch):
    s = sampler(device="cuda")
    s.fit_resample(*imbalanced)
    assert s.device_ == "cuda"
    expected = s.sample(5)[0]
    data = pickle.dumps(s)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(Warning):
        loaded = pickle.loads(data)
    np.testing.assert_allclose(loaded.sample(5)[0], expected, rtol=1e-4, atol=1e-5)


def test_identity_term_is_recorded_and_anchors_the_generators(imbalanced):
    X, y = imbalanced
    s = sampler(**fast_net(criterion__lambda_identity=5.0))
    s.fit_resample(X, y)
    joint = [row for row in s.history_ if row["phase"] == "joint"]
    assert joint and all(np.isfinite(row["identity_loss"]) for row in joint)
    # Without the term no identity pass is made or recorded.
    plain = sampler(**fast_net(criterion__lambda_identity=0.0))
    plain.fit_resample(X, y)
    assert all("identity_loss" not in row for row in plain.history_)


def test_net_honours_iterator_train_and_its_options(imbalanced):
    from sklearn_cyclegan._data import EpochBatches

    made = []

    class Recording(EpochBatches):
        def __init__(self, data, batch_size, device="cpu"):
            made.append(batch_size)
            super().__init__(data, batch_size, device)

    X, y = imbalanced
    s = sampler(**fast_net(iterator_train=Recording, iterator_train__batch_size=7))
    s.fit_resample(X, y)
    assert made and set(made) == {7}
