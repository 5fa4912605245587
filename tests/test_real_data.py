"""Behaviour on real speech features: EmoDB (4 emotions) with TESS as the source."""

import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.model_selection import LeaveOneGroupOut, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST


class RecordingOversampler(CycleGANOversampler):
    """Keeps the rows it was fitted on, to prove which rows the GAN saw."""

    def _fit_resample(self, X, y):
        self.seen_ = X.copy()
        return super()._fit_resample(X, y)


def test_leave_one_speaker_out_pipeline_never_sees_test_speaker(emodb, tess):
    X, y, speaker = emodb
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "aug",
                RecordingOversampler(
                    source=tess, mode="translate", random_state=0, **FAST
                ),
            ),
            (
                "clf",
                MLPClassifier(hidden_layer_sizes=(32,), max_iter=300, random_state=0),
            ),
        ]
    )
    cv = LeaveOneGroupOut()
    result = cross_validate(
        pipe,
        X,
        y,
        groups=speaker,
        cv=cv,
        scoring="balanced_accuracy",
        return_estimator=True,
        return_indices=True,
    )
    scores = result["test_score"]
    assert len(scores) == 10
    # Far above the 0.25 of chance even with a barely trained generator.
    assert scores.mean() > 0.6
    for fitted, test_idx in zip(result["estimator"], result["indices"]["test"]):
        seen = fitted["aug"].seen_
        assert len(seen) == len(X) - len(test_idx)
        test_rows = fitted["scale"].transform(X.iloc[test_idx])
        # No test-speaker row (in the fold's scaled units) reached the GAN.
        seen_set = {row.tobytes() for row in seen}
        assert not any(row.tobytes() in seen_set for row in test_rows)


def test_synthetic_rows_closer_to_their_class_than_the_source(emodb, tess):
    """The paper's Table 1 relation: target-synthetic < target-source."""
    X, y, _ = emodb
    sampler = CycleGANOversampler(source=tess, mode="translate", random_state=0)
    sampler.fit_resample(X, y)
    X_syn, y_syn = sampler.sample(200)
    # A common min-max scale over target and source, as in the paper.
    scale = MinMaxScaler().fit(np.vstack([X.to_numpy(), tess.to_numpy()]))

    def mean_abs_difference(a, b):
        a, b = scale.transform(np.asarray(a)), scale.transform(np.asarray(b))
        return np.abs(a.mean(axis=0) - b.mean(axis=0)).mean()

    for label in sampler.classes_:
        real = X.to_numpy()[y == label]
        to_source = mean_abs_difference(real, tess)
        to_synthetic = mean_abs_difference(real, X_syn[y_syn == label])
        assert to_synthetic < to_source, (label, to_synthetic, to_source)
