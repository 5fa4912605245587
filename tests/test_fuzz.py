"""Bad and odd input: every table either resamples correctly or is refused.

Refused means a ValueError or TypeError raised before any network trains,
never an error from inside torch and never NaN rows.  Hypothesis draws shapes,
dtypes, label types and special values; the networks are one hidden unit
wide and train for one epoch per phase.
"""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from sklearn_cyclegan import CycleGANOversampler

from .conftest import assert_resampled

TINY = {
    "generator_hidden": (2,),
    "net_params": {
        "module__discriminator_hidden": (2,),
        "module__classifier_hidden": (2,),
    },
    "pretrain_epochs": 1,
    "max_epochs": 1,
    "batch_size": 8,
    "random_state": 0,
}
FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CLEAR_ERRORS = (ValueError, TypeError)
# One-epoch, two-unit generators are expected to collapse; that check has its
# own tests in test_reliability.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn_cyclegan.ModeCollapseWarning")


LABELS = {
    "int": lambda k: np.arange(k),
    "str": lambda k: np.array([f"class {i}" for i in range(k)], dtype=object),
    "bool": lambda k: np.array([False, True])[:k],
    "float": lambda k: np.arange(k) / 2,
}


@st.composite
def tables(draw, valid=False):
    """(X, y) with odd shapes, dtypes, labels and values.

    ``valid=True`` draws only tables the sampler must accept: at least two
    classes of two rows, a feature, finite numbers, labels of a class type.
    """
    n_classes = draw(st.integers(2, 3) if valid else st.integers(1, 3))
    sizes = draw(
        st.lists(
            st.integers(2 if valid else 0, 12), min_size=n_classes, max_size=n_classes
        )
    )
    n_features = draw(st.integers(1 if valid else 0, 4))
    kinds = ["float64", "float32", "int", "bool", "object-num"]
    kind = draw(st.sampled_from(kinds if valid else [*kinds, "object-str"]))
    labels = ["int", "str", "bool", "pandas-categorical", "arrow-str"]
    label = draw(st.sampled_from(labels if valid else [*labels, "float"]))
    specials = ["none", "constant", "duplicates"]
    special = draw(
        st.sampled_from(specials if valid else [*specials, "nan", "inf", "huge"])
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n = sum(sizes)
    X = rng.normal(size=(n, n_features)) * draw(st.sampled_from([1e-8, 1.0, 1e6]))
    X = _as_kind(_with_special(X, special, rng), kind)
    y_codes = np.repeat(np.arange(n_classes), sizes)
    rng.shuffle(y_codes)
    y = _labels(label, y_codes, n_classes)
    as_frame = draw(st.booleans())
    if as_frame:
        X = pd.DataFrame(X, columns=[f"f{i}" for i in range(n_features)])
    return X, y


def _with_special(X, special, rng):
    """``X`` with one odd value, a constant column or all rows alike."""
    if special == "nan" and X.size:
        X.flat[rng.integers(X.size)] = np.nan
    elif special == "inf" and X.size:
        X.flat[rng.integers(X.size)] = -np.inf
    elif special == "huge" and X.size:
        X.flat[rng.integers(X.size)] = 1e300
    elif special == "constant" and X.shape[1]:
        X[:, 0] = 7.0
    elif special == "duplicates" and len(X):
        X[:] = X[0]
    return X


def _as_kind(X, kind):
    """``X`` in the dtype ``kind`` names."""
    if kind == "float32":
        return X.astype(np.float32)
    if kind == "int":
        return (
            np.nan_to_num(X, posinf=1e9, neginf=-1e9).clip(-1e9, 1e9).astype(np.int64)
        )
    if kind == "bool":
        return X > 0
    if kind == "object-num":
        return X.astype(object)
    if kind == "object-str":
        return X.astype(str).astype(object)
    return X


def _labels(label, y_codes, n_classes):
    """Labels of the type ``label`` names for class codes ``y_codes``."""
    if label == "bool" and n_classes > 2:
        label = "int"
    if label in LABELS:
        return LABELS[label](max(n_classes, 2))[y_codes]
    if label == "pandas-categorical":
        return pd.Categorical(np.array(["a", "b", "c"])[y_codes])
    return pd.Series(np.array(["a", "b", "c"])[y_codes], dtype="string[pyarrow]").values


@FUZZ
@given(tables(valid=True))
def test_every_valid_table_resamples(table):
    X, y = table
    X_res, y_res = CycleGANOversampler(**TINY).fit_resample(X, y)
    _check_resampled(X, y, X_res, y_res)


@FUZZ
@given(tables())
def test_any_table_resamples_or_is_refused_clearly(table):
    X, y = table
    X_before = X.copy()
    y_before = np.array(y, dtype=object)
    try:
        X_res, y_res = CycleGANOversampler(**TINY).fit_resample(X, y)
    except CLEAR_ERRORS as exc:
        # Refused with a message that is ours or scikit-learn's, not torch's.
        assert "torch" not in type(exc).__module__
        assert str(exc)
        event(f"refused: {str(exc)[:60]}")
        return
    finally:
        # Input never modified in place, whatever happened.
        if isinstance(X, pd.DataFrame):
            pd.testing.assert_frame_equal(X, X_before)
        else:
            np.testing.assert_array_equal(X, X_before)
        np.testing.assert_array_equal(np.array(y, dtype=object), y_before)
    event("resampled")
    _check_resampled(X, y_before, X_res, y_res)


def _check_resampled(X, y, X_res, y_res):
    """Resampled as 'auto' asks: every class topped up to the majority's count."""
    counts = Counter(np.array(y, dtype=object).tolist())
    top = max(counts.values())
    assert_resampled(
        X, y, X_res, y_res, {c: top - k for c, k in counts.items() if k < top}
    )


@pytest.mark.parametrize(
    "X, message",
    [
        (
            pd.DataFrame({"a": np.arange(8.0), "colour": list("rgbrgbrg")}),
            "one-hot encode",
        ),
        (
            pd.DataFrame({"a": np.arange(8.0), "c": pd.Categorical(list("rgbrgbrg"))}),
            "non-numeric column.*'c'",
        ),
        (np.array([["1.0", "red"]] * 8, dtype=object), "non-numeric values"),
        (pd.DataFrame({"t": pd.date_range("2020", periods=8)}), "non-numeric column"),
    ],
)
def test_non_numeric_columns_are_refused_with_advice(X, message):
    y = np.array([0, 1] * 4)
    with pytest.raises(TypeError, match=message):
        CycleGANOversampler(**TINY).fit_resample(X, y)


def test_constant_integer_and_bool_columns_keep_their_domain():
    rng = np.random.default_rng(0)
    n = 40
    frame = pd.DataFrame(
        {
            "constant": np.full(n, 3.25),
            "count": rng.integers(2, 9, n),
            "flag": rng.random(n) > 0.5,
            "value": rng.normal(size=n),
        }
    )
    y = np.repeat([0, 1], [30, 10])
    X_res, _ = CycleGANOversampler(**TINY).fit_resample(frame, y)
    synthetic = X_res.iloc[n:]
    assert len(synthetic) == 20
    assert (synthetic["constant"] == 3.25).all()
    assert synthetic["count"].between(2, 8).all()
    assert (synthetic["count"] == np.rint(synthetic["count"])).all()
    assert set(synthetic["flag"].unique()) <= {True, False}
    assert list(X_res.dtypes) == list(frame.dtypes)


def test_arrow_string_labels_in_pipeline_cross_validation():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    labels = pd.Series(np.where(np.arange(60) % 4 == 0, "rare", "common"), dtype="str")
    arrow = labels.values
    assert isinstance(arrow, pd.api.extensions.ExtensionArray)
    pipe = make_pipeline(CycleGANOversampler(**TINY), LogisticRegression())
    # Given directly, the Arrow array is converted.
    X_res, y_res = CycleGANOversampler(**TINY).fit_resample(X, arrow)
    assert Counter(y_res.tolist()) == {"rare": 45, "common": 45}
    pipe.fit(X, arrow)
    # In cross-validation pass the Series or y.to_numpy(); both work.
    for y in (labels, labels.to_numpy()):
        scores = cross_val_score(pipe, X, y, cv=2)
        assert np.isfinite(scores).all()


@pytest.mark.xfail(
    raises=TypeError,
    strict=True,
    reason="scikit-learn's fold indexing (_safe_indexing) cannot index an "
    "ArrowStringArray; it fails before the sampler is called",
)
def test_arrow_string_array_in_cross_validation_fails_in_scikit_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    arrow = pd.Series(
        np.where(np.arange(20) % 4 == 0, "rare", "common"), dtype="str"
    ).values
    cross_val_score(
        make_pipeline(CycleGANOversampler(**TINY), LogisticRegression()), X, arrow, cv=2
    )
