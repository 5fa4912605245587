"""The test run turns deprecations from our own modules into errors."""

import warnings

import pytest


@pytest.mark.parametrize("category", [DeprecationWarning, FutureWarning])
def test_our_deprecations_are_errors(category):
    with pytest.raises(category):
        warnings.warn_explicit(
            "old", category, "_net.py", 1, module="sklearn_cyclegan._net"
        )


def test_third_party_deprecations_stay_warnings():
    with pytest.warns(DeprecationWarning):
        warnings.warn_explicit(
            "old", DeprecationWarning, "x.py", 1, module="skorch.net"
        )
