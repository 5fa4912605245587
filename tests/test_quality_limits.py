"""quality_report on large classes and on labels of mixed types (issue 20).

A forest on every row of a 100k + 80k report took 477 s; the detector now
sees a capped random subset per class and the note says so.  Mixed str/int
labels failed with numpy's bare ``'<' not supported``.
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from sklearn_cyclegan import _quality, quality_report


class CountingDetector(LogisticRegression):
    """Records how many rows each fit saw."""

    sizes = []

    def fit(self, X, y, **params):
        CountingDetector.sizes.append(len(X))
        return super().fit(X, y, **params)


def test_detector_sees_a_capped_subset_and_the_note_says_so(monkeypatch):
    monkeypatch.setattr(_quality, "DETECTION_ROWS", 40)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = np.repeat([0, 1], [200, 100])
    X_syn, y_syn = rng.normal(size=(90, 3)), np.repeat([0, 1], [30, 60])
    CountingDetector.sizes = []
    report = quality_report(
        X, y, X_syn, y_syn, detector=CountingDetector(), cv=2, random_state=0
    )
    # Two folds of at most 40 + 40 rows each: half of them train.
    assert max(CountingDetector.sizes) <= 40
    notes = report.set_index("class")["note"]
    assert notes[0] == "detection on 40 of 200 real and 30 of 30 synthetic rows"
    assert notes[1] == "detection on 40 of 100 real and 40 of 60 synthetic rows"
    assert report["detection_auc"].iloc[:2].notna().all()


def test_small_classes_keep_every_row():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), np.repeat([0, 1], 30)
    report = quality_report(X, y, X[::3] + 0.1, y[::3], random_state=0)
    assert (report["note"] == "").all()


@pytest.mark.parametrize(
    "y_real, y_synthetic, name",
    [
        (["a"] * 30 + [1] * 30, ["a"] * 20, "y_real"),
        (["a"] * 30 + ["b"] * 30, ["a"] * 10 + [1] * 10, "y_synthetic"),
        (["a"] * 30 + ["b"] * 30, [1] * 20, "y_real with y_synthetic"),
    ],
)
def test_mixed_label_types_are_named(y_real, y_synthetic, name):
    X = np.random.default_rng(0).normal(size=(60, 3))
    y_real, y_synthetic = np.array(y_real, object), np.array(y_synthetic, object)
    if name == "y_real with y_synthetic":
        y_synthetic = np.array(y_synthetic, dtype=int)  # typed: one kind each
        y_real = y_real.astype(str)
    with pytest.raises(ValueError, match=rf"{name} mixes label types"):
        quality_report(X, y_real, X[:20], y_synthetic)
