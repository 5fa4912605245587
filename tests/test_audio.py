"""OpenSmileFeatures on the 24 EmoDB recordings."""

import pickle

import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_cyclegan.audio import OpenSmileFeatures

from .conftest import data_file

pytest.importorskip("opensmile")


@pytest.fixture(scope="module")
def wavs():
    return sorted(str(p) for p in data_file("emodb_wav").glob("*.wav"))


def test_is09_matches_the_published_emodb_columns(wavs):
    features = OpenSmileFeatures("IS09_emotion").fit_transform(wavs[:3])
    published = pd.read_csv(data_file("emodb_is09.csv.gz"), nrows=1)
    assert list(features.columns) == list(published.columns[4:])
    assert list(features.index) == wavs[:3]
    assert features.notna().all().all()


@pytest.mark.parametrize(
    "feature_set, n_features",
    [
        ("IS10_paraling", 1582),
        ("eGeMAPSv02", 88),
        ("emobase", 988),
    ],
)
def test_feature_sets_have_their_published_widths(feature_set, n_features):
    extractor = OpenSmileFeatures(feature_set).fit()
    assert extractor.get_feature_names_out().shape == (n_features,)


def test_transform_needs_fit_and_existing_files(wavs, tmp_path):
    with pytest.raises(NotFittedError):
        OpenSmileFeatures("eGeMAPSv02").transform(wavs[:1])
    extractor = OpenSmileFeatures("eGeMAPSv02").fit()
    with pytest.raises(FileNotFoundError, match="not found"):
        extractor.transform([str(tmp_path / "missing.wav")])
    with pytest.raises(TypeError, match="list"):
        extractor.transform(wavs[0])
    with pytest.raises(ValueError, match="feature_set"):
        OpenSmileFeatures("IS99").fit()


def test_pickled_extractor_gives_the_same_features(wavs):
    extractor = OpenSmileFeatures("eGeMAPSv02").fit()
    loaded = pickle.loads(pickle.dumps(extractor))
    pd.testing.assert_frame_equal(
        loaded.transform(wavs[:2]), extractor.transform(wavs[:2])
    )
