"""quality_report and plot_quality: each measure at its known extremes, and errors."""

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_cyclegan import plot_quality, quality_report
from sklearn_cyclegan._quality import REPORT_COLUMNS


@pytest.fixture(scope="module")
def data():
    """Two halves of one draw: 'real' rows and independent rows like them."""
    X, y = make_classification(
        n_samples=600,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        weights=[0.6],
        random_state=0,
    )
    return X[:300], y[:300], X[300:], y[300:]


def per_class(report):
    return report[report["class"].astype(str) != "all"]


def test_copies_of_the_real_rows(data):
    X, y, _, _ = data
    report = quality_report(X, y, X.copy(), y.copy(), random_state=0)
    assert list(report.columns) == REPORT_COLUMNS
    assert report["class"].tolist() == [0, 1, "all"]
    assert (report["memorisation"] == 1.0).all()
    np.testing.assert_allclose(report["detection_auc"], 0.5, atol=0.05)
    np.testing.assert_allclose(report[["wasserstein", "ks"]], 0.0, atol=1e-12)
    np.testing.assert_allclose(report["diversity"], 1.0)
    assert (report["note"] == "").all()


def test_independent_draws_look_real(data):
    X, y, X_new, y_new = data
    report = quality_report(X, y, X_new, y_new, random_state=0)
    # About half of fresh rows land as close as a typical real neighbour.
    assert report["memorisation"].between(0.3, 0.7).all()
    assert report["detection_auc"].between(0.35, 0.7).all()
    assert report["diversity"].between(0.7, 1.4).all()
    assert (report["ks"] < 0.25).all()


@pytest.mark.parametrize("n_features, least", [(8, 0.8), (384, 1.0)])
def test_concentrated_rows_count_as_memorised(n_features, least):
    # docs/quality.md: fresh rows with 70 % of the real spread, not copies,
    # still sit closer to real rows than real rows sit to each other.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, n_features))
    narrow = 0.7 * rng.normal(size=(100, n_features))
    report = quality_report(X, np.zeros(100), narrow, np.zeros(100), random_state=0)
    assert report.loc[0, "memorisation"] >= least


def test_far_noise_is_detected(data):
    X, y, _, _ = data
    noise = np.random.default_rng(0).normal(50.0, 1.0, size=X.shape)
    report = quality_report(X, y, noise, y, random_state=0)
    assert (report["detection_auc"] > 0.95).all()
    assert (report["memorisation"] == 0.0).all()
    assert (report["ks"] == 1.0).all()
    assert (report["wasserstein"] > 1.0).all()


def test_small_classes_are_still_judged():
    # 15 real rows: too few for gradient boosting's default leaves to split.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    y = np.repeat([0, 1], 15)
    shifted = X + [3.0, 0.0, 0.0, 0.0]
    report = quality_report(X, y, shifted, y, random_state=0)
    assert (per_class(report)["detection_auc"] > 0.75).all()


def test_collapsed_rows_have_no_diversity(data):
    X, y, _, _ = data
    collapsed = np.repeat(X[y == 1][:1], 50, axis=0)
    report = quality_report(X, y, collapsed, np.ones(50, dtype=int), random_state=0)
    assert report.loc[1, "diversity"] == 0.0


def test_a_class_without_synthetic_rows_is_nan_with_a_reason(data):
    X, y, X_new, y_new = data
    X = np.vstack([X, X[:5] + 1.0])
    y = np.r_[y, [2] * 5]
    report = quality_report(X, y, X_new, y_new, random_state=0)
    missing = report.set_index("class").loc[2]
    assert missing["n_real"] == 5 and missing["n_synthetic"] == 0
    assert (
        missing[["wasserstein", "detection_auc", "class_consistency", "tstr"]]
        .isna()
        .all()
    )
    assert missing["note"] == "no synthetic rows"
    classes = per_class(report)
    # "all" averages over the classes that have a value.
    np.testing.assert_allclose(
        report.iloc[-1][["wasserstein", "class_consistency"]].astype(float),
        classes[["wasserstein", "class_consistency"]].mean(),
    )


def test_no_synthetic_rows_at_all(data):
    X, y, _, _ = data
    report = quality_report(X, y, X[:0], y[:0], random_state=0)
    assert report["n_synthetic"].tolist() == [0, 0, 0]
    assert report["detection_auc"].isna().all()


def test_too_few_rows_say_why(data):
    X, y, _, _ = data
    report = quality_report(X, y, X[y == 1][:1], [1], random_state=0)
    row = report.set_index("class").loc[1]
    assert np.isnan(row["detection_auc"]) and np.isnan(row["diversity"])
    assert "detection needs 2 real and 2 synthetic rows" in row["note"]
    assert "tstr needs synthetic rows of two classes" in row["note"]
    assert row["memorisation"] in (0.0, 1.0)


def test_tstr_is_per_class_recall_and_balanced_accuracy(data):
    X, y, X_new, y_new = data
    model = LogisticRegression()
    report = quality_report(
        X, y, X_new, y_new, X_test=X_new, y_test=y_new, classifier=model
    )
    scaler = MinMaxScaler().fit(X)
    fitted = LogisticRegression().fit(scaler.transform(X_new), y_new)
    predicted = fitted.predict(scaler.transform(X_new))
    recalls = [np.mean(predicted[y_new == k] == k) for k in (0, 1)]
    np.testing.assert_allclose(per_class(report)["tstr"], recalls)
    np.testing.assert_allclose(
        report["tstr"].iloc[-1], balanced_accuracy_score(y_new, predicted)
    )


def test_all_row_tstr_counts_classes_without_synthetic_rows(data):
    # SMOTE-style: the majority class gets no synthetic rows, so a classifier
    # trained on synthetic rows alone never predicts it; the "all" row is the
    # balanced accuracy over every class, not the mean over covered ones.
    X, y, X_new, y_new = data
    X = np.vstack([X, X[y == 1][:40] + 2.0])
    y = np.r_[y, [2] * 40]
    covered = y_new == 1
    X_syn = np.vstack([X_new[covered], X[y == 2] + 0.01])
    y_syn = np.r_[y_new[covered], [2] * 40]
    model = LogisticRegression()
    report = quality_report(X, y, X_syn, y_syn, classifier=model, random_state=0)
    scaler = MinMaxScaler().fit(X)
    predicted = LogisticRegression().fit(scaler.transform(X_syn), y_syn)
    predicted = predicted.predict(scaler.transform(X))
    expected = balanced_accuracy_score(y, predicted)
    assert report["tstr"].iloc[-1] == pytest.approx(expected)
    assert np.isnan(report.set_index("class").loc[0, "tstr"])
    assert report["tstr"].iloc[-1] < per_class(report)["tstr"].mean()


def test_dataframes_and_string_labels(data):
    X, y, X_new, y_new = data
    columns = [f"f{i}" for i in range(X.shape[1])]
    labels = np.array(["common", "rare"], dtype=object)
    report = quality_report(
        pd.DataFrame(X, columns=columns),
        labels[y],
        pd.DataFrame(X_new, columns=columns),
        labels[y_new],
        random_state=0,
    )
    assert report["class"].tolist() == ["common", "rare", "all"]


def test_seeded_reports_repeat(data):
    X, y, X_new, y_new = data
    first = quality_report(X, y, X_new, y_new, random_state=3)
    pd.testing.assert_frame_equal(
        first, quality_report(X, y, X_new, y_new, random_state=3)
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"X_synthetic": np.zeros((4, 3))}, "X_synthetic has 3 features"),
        ({"y_synthetic": [0, 1, 7, 7]}, r"class\(es\) \[7\] that y_real does not"),
        ({"X_test": np.zeros((4, 5))}, "both X_test and y_test"),
        ({"y_synthetic": [0, 1]}, "inconsistent numbers of samples"),
        ({"X_synthetic": np.full((4, 5), np.nan)}, "NaN"),
    ],
)
def test_errors(data, change, message):
    X, y, X_new, y_new = data
    args = {
        "X_real": X,
        "y_real": y,
        "X_synthetic": X_new[:4],
        "y_synthetic": y_new[:4],
        **change,
    }
    with pytest.raises(ValueError, match=message):
        quality_report(**args)


def test_column_names_must_match(data):
    X, y, X_new, y_new = data
    real = pd.DataFrame(X, columns=list("abcde"))
    synthetic = pd.DataFrame(X_new, columns=list("abced"))
    with pytest.raises(ValueError, match="columns differ"):
        quality_report(real, y, synthetic, y_new)


def test_bad_parameters_fail_like_sklearn(data):
    X, y, X_new, y_new = data
    with pytest.raises(InvalidParameterError, match="cv"):
        quality_report(X, y, X_new, y_new, cv=1)
    with pytest.raises(InvalidParameterError, match="detector"):
        quality_report(X, y, X_new, y_new, detector="hgb")


def test_plot_quality(data):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y, X_new, y_new = data
    report = quality_report(X, y, X_new[y_new == 1], y_new[y_new == 1])
    fig = plot_quality(report, X, y, X_new[y_new == 1], y_new[y_new == 1])
    try:
        assert len(fig.axes) == 8
        # The class without synthetic rows has real dots but no crosses.
        assert len(fig.axes[-1].collections) == 3
    finally:
        plt.close(fig)
    fig = plot_quality(report)
    try:
        assert len(fig.axes) == 7
        assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["0", "1"]
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="or none"):
        plot_quality(report, X, y)
    with pytest.raises(ValueError, match="lacks column"):
        plot_quality(report.drop(columns="tstr"))


def test_plot_quality_without_matplotlib(data, monkeypatch):
    X, y, X_new, y_new = data
    report = quality_report(X, y, X_new, y_new)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_quality(report)
