"""API compliance: imbalanced-learn's and scikit-learn's estimator checks."""

from imblearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.estimator_checks import (
    parametrize_with_checks as sklearn_parametrize_with_checks,
)

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST

# Every entry is a deliberate refusal, with the reason the check reports.
EXPECTED_FAILED_CHECKS = {
    "check_samplers_pandas_sparse": (
        "sparse input is rejected with a TypeError: the networks need dense rows, "
        "and densifying silently could exhaust memory"
    ),
}


@parametrize_with_checks(
    [CycleGANOversampler(random_state=0, **FAST)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_estimator_checks(estimator, check):
    check(estimator)


SKLEARN_EXPECTED_FAILED_CHECKS = {}


@sklearn_parametrize_with_checks(
    [CycleGANOversampler(random_state=0, **FAST)],
    expected_failed_checks=lambda est: SKLEARN_EXPECTED_FAILED_CHECKS,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
