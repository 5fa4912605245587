"""Categorical values a source writes differently from X, and mixed-type columns.

Issue 20, items 8 and 10: lower-case values in the source, or integer codes
in X with strings in the source, all decoded to one category (``'F'`` for
every row) without a word; an int/str column failed with scikit-learn's
encoder message naming no column.  docs/what-can-go-wrong.md lists them.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST


@pytest.fixture
def people():
    rng = np.random.default_rng(0)
    n = 60
    y = np.repeat([0, 1], [45, 15])
    X = pd.DataFrame({"a": rng.normal(size=n) + y, "sex": rng.choice(["F", "M"], n)})
    return X, y


def _source(X, sex):
    rng = np.random.default_rng(1)
    return pd.DataFrame({"a": rng.normal(size=len(sex)), "sex": sex})


def _fit(X, y, source):
    sampler = CycleGANOversampler(
        source=source, categorical_features=["sex"], random_state=0, **FAST
    )
    return sampler.fit_resample(X, y)


@pytest.mark.parametrize(
    "sex, example",
    [(["f", "m"] * 150, "'f'"), ([0, 1] * 150, "0")],
    ids=["lower-case", "codes"],
)
def test_source_values_that_all_miss_are_refused(people, sex, example):
    X, y = people
    with pytest.raises(ValueError, match=rf"0% of source's rows .* 'sex'.*{example}"):
        _fit(X, y, _source(X, sex))


def test_codes_in_X_and_strings_in_the_source_are_refused(people):
    X, y = people
    X = X.assign(sex=(X["sex"] == "M").astype(int))
    with pytest.raises(ValueError, match=r"'sex'.*'F'.*not among X's \[0, 1\]"):
        _fit(X, y, _source(X, ["F", "M"] * 150))


def test_source_values_that_mostly_miss_warn(people):
    X, y = people
    sex = ["f"] * 200 + ["F", "M"] * 50
    with pytest.warns(UserWarning, match=r"33% of source's rows .* 'sex'"):
        _fit(X, y, _source(X, sex))


def test_source_values_that_mostly_match_pass_silently(people):
    X, y = people
    sex = ["F", "M"] * 140 + ["x"] * 20  # a category X lacks, now and then
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*categories", category=UserWarning)
        X_res, _ = _fit(X, y, _source(X, sex))
    assert set(X_res["sex"]) == {"F", "M"}


@pytest.mark.parametrize("where", ["X", "source"])
def test_mixed_int_and_str_column_names_it(people, where):
    X, y = people
    mixed = pd.Series(["F", 1] * 30, dtype=object)
    source = _source(X, ["F", "M"] * 150)
    if where == "X":
        X = X.assign(sex=mixed)
    else:
        source["sex"] = pd.Series(["F", 1] * 150, dtype=object)
    with pytest.raises(
        TypeError, match=rf"{where} mixes strings and other values in .* 'sex'"
    ):
        _fit(X, y, source)
