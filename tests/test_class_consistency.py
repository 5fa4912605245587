"""quality_report's class consistency: do synthetic rows look like their class?"""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE
from sklearn.linear_model import LogisticRegression

from sklearn_cyclegan import _consistency, _quality, quality_report
from sklearn_cyclegan._quality import REPORT_COLUMNS
from tests.conftest import EMOTIONS, data_file

CONSISTENCY = ["class_consistency", "real_consistency"]
# The default forests would take most of each test's time; consistency does
# not use them.
CHEAP = {"detector": LogisticRegression(), "classifier": LogisticRegression()}


@pytest.fixture(scope="module")
def blobs():
    """Three Gaussian classes 8 standard deviations apart, and fresh rows like them."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [90, 60, 30])
    centres = 8.0 * np.eye(3, 4)
    X, X_new = (rng.normal(size=(len(y), 4)) + centres[y] for _ in range(2))
    return X, y, X_new


def test_columns_follow_detection():
    at = REPORT_COLUMNS.index("detection_auc")
    assert REPORT_COLUMNS[at + 1 : at + 3] == CONSISTENCY


def test_rows_of_their_own_class_score_one(blobs):
    X, y, X_new = blobs
    report = quality_report(X, y, X_new, y, random_state=0, **CHEAP)
    np.testing.assert_allclose(report[CONSISTENCY], 1.0)


def test_swapped_labels_score_zero(blobs):
    X, y, X_new = blobs
    swapped = np.choose(y, [1, 0, 2])
    report = quality_report(X, y, X_new, swapped, random_state=0, **CHEAP)
    report = report.set_index("class")
    np.testing.assert_allclose(report.loc[[0, 1], "class_consistency"], 0.0)
    assert report.loc[2, "class_consistency"] == 1.0
    np.testing.assert_allclose(report.loc["all", "class_consistency"], 1 / 3)
    np.testing.assert_allclose(report["real_consistency"], 1.0)


def test_copies_score_what_their_originals_score_out_of_fold():
    # Overlapping classes: a model that had trained on the originals would
    # call most copies right (in-sample); cross-fitting judges each copy by
    # the fold model that never saw its original.
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], 60)
    X = rng.normal(size=(120, 6)) + 0.4 * y[:, None]
    report = quality_report(X, y, X.copy(), y, random_state=0, **CHEAP)
    np.testing.assert_array_equal(
        report["class_consistency"], report["real_consistency"]
    )
    assert (report["real_consistency"] < 0.9).all()


def test_one_real_class_is_nan_with_a_reason(blobs):
    X, y, X_new = blobs
    report = quality_report(X[y == 0], y[y == 0], X_new[y == 0], y[y == 0], **CHEAP)
    assert report[CONSISTENCY].isna().all().all()
    assert report.loc[0, "note"].startswith(
        "consistency needs real rows of two classes or more; "
    )
    assert report.loc[0, "detection_auc"] > 0


def test_a_class_of_one_real_row_is_left_out(blobs):
    X, y, X_new = blobs
    X, y = np.vstack([X, X[:1] - 8.0]), np.r_[y, 3]
    X_new, y_new = np.vstack([X_new, X[-1:]]), np.r_[y[:-1], 3]
    report = quality_report(X, y, X_new, y_new, **CHEAP)
    row = report.set_index("class").loc[3]
    assert row[CONSISTENCY].isna().all()
    assert "diversity, memorisation and consistency need 2 real rows" in row["note"]
    np.testing.assert_allclose(report[CONSISTENCY].iloc[:3], 1.0)


def test_seeded_consistency_repeats_and_seeds_matter():
    rng = np.random.default_rng(2)
    y = np.repeat([0, 1], 50)
    X = rng.normal(size=(100, 5)) + 0.3 * y[:, None]
    X_new = rng.normal(size=(100, 5)) + 0.3 * y[:, None]
    reports = [
        quality_report(X, y, X_new, y, random_state=seed, **CHEAP)[CONSISTENCY]
        for seed in (0, 0, 1)
    ]
    pd.testing.assert_frame_equal(reports[0], reports[1])
    assert not reports[0].equals(reports[2])


class CountingModel(_consistency.LogisticRegression):
    """Records how many rows each fit saw."""

    sizes = []

    def fit(self, X, y, **params):
        CountingModel.sizes.append(len(X))
        return super().fit(X, y, **params)


def test_the_model_sees_a_capped_subset(monkeypatch, blobs):
    X, y, X_new = blobs
    monkeypatch.setattr(_quality, "DETECTION_ROWS", 20)
    monkeypatch.setattr(_consistency, "CONSISTENCY_MODEL", CountingModel())
    CountingModel.sizes = []
    report = quality_report(X, y, X_new, y, cv=2, random_state=0, **CHEAP)
    # 20 rows of each of the 3 classes, half of them in each training fold.
    assert CountingModel.sizes == [30, 30]
    np.testing.assert_allclose(report[CONSISTENCY], 1.0)


@pytest.fixture(scope="module")
def emodb_rows():
    frame = pd.read_csv(data_file("emodb_is09.csv.gz"))
    frame = frame[frame["label"].isin(EMOTIONS)]
    features = frame.drop(columns=["file", "speaker", "gender", "label"])
    film = pd.read_csv(data_file("cartoons_source_is09.csv.gz"), nrows=2000)
    return (
        features.to_numpy(),
        frame["label"].to_numpy(dtype=object),
        film[features.columns].to_numpy(),
    )


def test_smote_rows_keep_their_class_and_film_rows_do_not(emodb_rows):
    X, y, film = emodb_rows
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    X_new, y_new = X_res[len(X) :], y_res[len(X) :]
    smote = quality_report(X, y, X_new, y_new, random_state=0, **CHEAP)
    rng = np.random.default_rng(0)
    rows = rng.choice(len(film), 300, replace=False)
    random_labels = rng.choice(EMOTIONS, 300).astype(object)
    films = quality_report(X, y, film[rows], random_labels, random_state=0)
    # docs/quality.md quotes these bounds.
    assert smote["class_consistency"].iloc[-1] > 0.9
    assert films["class_consistency"].iloc[-1] < 0.4
    assert films["real_consistency"].iloc[-1] > 0.8
    assert films["detection_auc"].iloc[-1] > 0.95
