"""categorical_features: one-hot in, a category seen in X out, X's dtypes kept."""

import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST, data_file

CATEGORICAL = ["sex", "colour", "word"]


@pytest.fixture
def mixed():
    """60 rows (45 / 15) of float, int, bool and three kinds of categorical column."""
    rng = np.random.default_rng(0)
    n = 60
    y = np.repeat([0, 1], [45, 15])
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n) + y,
            # "X" is a category of the dtype that no row holds.
            "sex": pd.Categorical(rng.choice(list("MFI"), n), categories=list("FIMX")),
            "colour": pd.Series(rng.choice(["red", "green"], n), dtype=object),
            "k": rng.integers(0, 5, n),
            "flag": rng.random(n) > 0.5,
            "word": pd.Series(np.where(y == 1, "rare", rng.choice(["u", "v"], n))),
        }
    )
    return X, y


def check_categories(X, X_synthetic):
    """Same columns and dtypes as X; every categorical value one X holds."""
    assert list(X_synthetic.columns) == list(X.columns)
    assert X_synthetic.dtypes.to_dict() == X.dtypes.to_dict()
    for column in CATEGORICAL:
        assert set(X_synthetic[column]) <= set(X[column])
    assert X_synthetic.notna().all().all()


@pytest.mark.parametrize("trained", [False, True])
def test_synthetic_rows_hold_valid_categories_and_originals_come_back(mixed, trained):
    X, y = mixed
    # With a source the networks train; without, the fast preset interpolates.
    params = {"source": X, **FAST} if trained else {}
    sampler = CycleGANOversampler(categorical_features="auto", random_state=0, **params)
    X_res, y_res = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)
    assert Counter(y_res[len(X) :].tolist()) == {1: 30}
    check_categories(X, X_res.iloc[len(X) :])
    assert sampler.categorical_features_.tolist() == [1, 2, 5]
    assert sampler.n_features_in_ == 6
    assert list(sampler.feature_names_in_) == list(X.columns)
    assert X_res.iloc[len(X) :]["sex"].cat.categories.tolist() == list("FIMX")
    assert X_res.iloc[len(X) :]["colour"].dtype == object


def test_every_way_of_naming_the_columns_gives_the_same_rows(mixed):
    X, y = mixed
    mask = np.isin(X.columns, CATEGORICAL)
    results = [
        CycleGANOversampler(categorical_features=spec, random_state=0).fit_resample(
            X, y
        )[0]
        for spec in ("auto", CATEGORICAL, [1, 2, -1], mask)
    ]
    for other in results[1:]:
        pd.testing.assert_frame_equal(other, results[0])


def test_sample_and_transfer_decode_to_valid_categories(mixed):
    X, y = mixed
    sampler = CycleGANOversampler(
        categorical_features=CATEGORICAL,
        source=X,
        mode="translate",
        random_state=0,
        **FAST,
    ).fit(X, y)
    sampler.fit_resample(X, y)
    X_new, y_new = sampler.sample(40)
    check_categories(X, X_new)
    assert Counter(y_new.tolist()) == {0: 40, 1: 40}
    # The fitted encoder travels with the sampler.
    pd.testing.assert_frame_equal(
        pickle.loads(pickle.dumps(sampler)).sample(40)[0], X_new
    )
    # A category X lacks is an all-zero block for the generator; what comes
    # out is still one of X's categories.
    unseen = X.iloc[:5].copy()
    unseen["colour"] = "purple"
    check_categories(X, sampler.transfer(unseen, 1))


def test_object_arrays_by_index_come_back_as_object_arrays(mixed):
    X, y = mixed
    array = X.to_numpy(dtype=object)
    X_res, _ = CycleGANOversampler(
        categorical_features=[1, 2, 5], random_state=0
    ).fit_resample(array, y)
    assert X_res.dtype == object
    np.testing.assert_array_equal(X_res[: len(X)], array)
    for i in (1, 2, 5):
        assert set(X_res[len(X) :, i]) <= set(array[:, i])
    # A list of strings and numbers keeps its numbers numbers.
    listed, _ = CycleGANOversampler(categorical_features=[1]).fit_resample(
        X[["a", "sex"]].to_numpy(dtype=object).tolist(), y
    )
    assert listed[: len(X)] == X[["a", "sex"]].to_numpy(dtype=object).tolist()
    assert all(isinstance(row[0], float) for row in listed)


def test_codes_in_a_float_array_stay_codes():
    """SMOTENC's example: numeric codes of a category in a float array."""
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.normal(size=40), rng.choice([10.0, 20.0, 30.0], 40)])
    y = np.repeat([0, 1], [30, 10])
    X_res, _ = CycleGANOversampler(
        categorical_features=[1], random_state=0
    ).fit_resample(X, y)
    assert X_res.dtype == np.float64
    np.testing.assert_array_equal(X_res[:40], X)
    assert set(X_res[40:, 1]) <= {10.0, 20.0, 30.0}


def test_auto_leaves_bools_numeric_and_numeric_frames_as_before(mixed):
    X, y = mixed
    numeric = X[["a", "k", "flag"]]
    plain = CycleGANOversampler(random_state=0).fit_resample(numeric, y)[0]
    auto = CycleGANOversampler(categorical_features="auto", random_state=0)
    pd.testing.assert_frame_equal(auto.fit_resample(numeric, y)[0], plain)
    assert auto.categorical_features_.size == 0
    # Named, a bool column is encoded and still comes back as bools.
    named = CycleGANOversampler(categorical_features=["flag"], random_state=0)
    X_res, _ = named.fit_resample(numeric, y)
    assert X_res["flag"].dtype == bool


def test_a_pipeline_encodes_after_the_sampler(mixed):
    X, y = mixed
    pipe = make_pipeline(
        CycleGANOversampler(categorical_features="auto", random_state=0),
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
            remainder="passthrough",
        ),
        LogisticRegression(max_iter=500),
    )
    assert pipe.fit(X, y).predict(X).shape == (len(X),)


@pytest.mark.parametrize(
    "make_X, spec, error, message",
    [
        (lambda X: X.to_numpy(dtype=object), ["sex"], ValueError, "without column"),
        (lambda X: X.to_numpy(dtype=object), "auto", ValueError, "DataFrame"),
        (lambda X: X, [1, 6], ValueError, r"index\(es\) \[6\] out of range"),
        (lambda X: X, ["sex", "size"], ValueError, "'size'"),
        (lambda X: X, [True, False], ValueError, "one entry per column"),
        (
            lambda X: X.assign(sex=X["sex"].where(X.index != 3)),
            "auto",
            ValueError,
            "1 missing value.*column 'sex'",
        ),
        (lambda X: X, ["sex"], TypeError, "column\\(s\\) 'colour', 'word', which"),
    ],
)
def test_column_errors_say_what_is_wrong(mixed, make_X, spec, error, message):
    X, y = mixed
    with pytest.raises(error, match=message):
        CycleGANOversampler(categorical_features=spec).fit_resample(make_X(X), y)


def test_a_one_hot_encoded_source_is_refused_with_the_reason(mixed):
    X, y = mixed
    X = X[["a", "sex", "k"]]
    one_hot = OneHotEncoder(sparse_output=False).fit_transform(X[["sex"]])
    encoded = np.hstack([X[["a", "k"]].to_numpy(dtype=float), one_hot])
    sampler = CycleGANOversampler(categorical_features="auto", source=encoded, **FAST)
    with pytest.raises(ValueError, match="width of the one-hot encoding"):
        sampler.fit_resample(X, y)


def test_undeclared_text_columns_point_to_categorical_features(mixed):
    X, y = mixed
    with pytest.raises(TypeError, match="categorical_features"):
        CycleGANOversampler().fit_resample(X, y)


def test_abalone_sex_balances_to_valid_categories():
    X = pd.read_csv(data_file("keel/abalone9-18.csv"))
    y = X.pop("class").str.strip().to_numpy()
    X_res, y_res = CycleGANOversampler(
        categorical_features="auto", random_state=0
    ).fit_resample(X, y)
    n = len(X)
    pd.testing.assert_frame_equal(X_res.iloc[:n], X)
    counts = Counter(y.tolist())
    assert Counter(y_res[n:].tolist()) == {
        "positive": counts["negative"] - counts["positive"]
    }
    assert set(X_res["Sex"].iloc[n:]) <= set(X["Sex"])
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
