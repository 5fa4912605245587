"""What a fit did is visible: mode_, summary_, "auto" presets, verbose, warnings."""

import io
import threading
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_cyclegan import (
    CycleGANOversampler,
    SeparableRowsWarning,
    SmallClassWarning,
)
from sklearn_cyclegan._callbacks import wants_progress
from sklearn_cyclegan._presets import AUTO_KEYS, PRESETS
from sklearn_cyclegan._realism import SEPARABLE_AUC, detection_aucs

from .conftest import FAST, data_file


def test_no_source_says_it_interpolates(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparableRowsWarning)
        sampler.fit_resample(X, y)
    assert sampler.mode_ == "interpolate"
    summary = sampler.summary_
    assert summary["mode"] == "interpolate"
    assert summary["epochs_run"] == summary["epochs_planned"] == 0
    assert summary["source"].startswith("none")
    assert summary["detection_auc"] is None
    assert np.isnan(sampler.detection_auc_).all()
    assert summary["seconds"] >= 0


def test_a_source_says_it_translates_and_how_long(imbalanced):
    X, y = imbalanced
    source = np.random.default_rng(0).normal(size=(80, X.shape[1]))
    sampler = CycleGANOversampler(
        source=source, mode="translate", random_state=0, verbose=0, **FAST
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparableRowsWarning)
        sampler.fit_resample(X, y)
    assert sampler.mode_ == "translate"
    summary = sampler.summary_
    assert (summary["source"], summary["source_rows"]) == ("array", 80)
    assert summary["epochs_run"] == summary["epochs_planned"] == 4
    assert summary["stopped_early"] is False
    assert set(summary["detection_auc"]) == {0, 1, 2}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_show_as_auto_and_record_what_they_chose(preset, imbalanced):
    sampler = CycleGANOversampler(preset=preset)
    assert {key: sampler.get_params()[key] for key in AUTO_KEYS} == dict.fromkeys(
        AUTO_KEYS, "auto"
    )
    if preset != "fast":
        return  # the paper's schedule is too long for a test; its values below
    X, y = imbalanced
    sampler.set_params(random_state=0, verbose=0).fit_resample(X, y)
    expected = {**{k: PRESETS["fast"][k] for k in AUTO_KEYS}, "pretrain_epochs": 0}
    assert {k: sampler.summary_[k] for k in AUTO_KEYS} == {**expected, "max_epochs": 0}


def test_an_explicit_value_beats_auto(imbalanced):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, verbose=0, **FAST)
    sampler.fit_resample(X, y)
    assert sampler.summary_["generator_hidden"] == (16,)
    assert sampler.summary_["pretrain_epochs"] == 2
    assert sampler.summary_["lr"] == PRESETS["fast"]["lr"]


def test_verbose_prints_what_ran(imbalanced, capsys):
    X, y = imbalanced
    CycleGANOversampler(random_state=0, verbose=1).fit_resample(X, y)
    out = capsys.readouterr().out
    assert "interpolated each class's own rows" in out
    assert "no CycleGAN epochs trained" in out


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal_in_the_main_thread():
    assert wants_progress("auto", _Terminal())
    assert not wants_progress("auto", io.StringIO())
    assert not wants_progress(0, _Terminal())
    assert not wants_progress(1, _Terminal())  # verbose=1 draws its own bar
    seen = []
    worker = threading.Thread(
        target=lambda: seen.append(wants_progress("auto", _Terminal()))
    )
    worker.start()
    worker.join()
    assert seen == [False]


def test_no_progress_in_joblib_worker_processes():
    from joblib import Parallel, delayed

    seen = Parallel(n_jobs=2)(
        delayed(wants_progress)("auto", _Terminal()) for _ in range(2)
    )
    assert seen == [False, False]


def test_default_verbose_is_auto_and_quiet_off_a_terminal(imbalanced, capfd):
    X, y = imbalanced
    sampler = CycleGANOversampler(random_state=0, **FAST)
    assert sampler.verbose == "auto"
    sampler.fit_resample(X, y)
    captured = capfd.readouterr()
    assert captured.out == "" and "CycleGAN" not in captured.err


def test_separable_rows_warn(imbalanced):
    X, y = imbalanced
    # A source far from X, translated by barely trained generators.
    source = np.random.default_rng(0).normal(size=(200, X.shape[1])) * 5 + 40
    sampler = CycleGANOversampler(
        source=source,
        mode="translate",
        random_state=0,
        verbose=0,
        **{**FAST, "max_epochs": 0},
    )
    with pytest.warns(SeparableRowsWarning, match="quality_report") as caught:
        sampler.fit_resample(X, y)
    assert (sampler.detection_auc_ >= SEPARABLE_AUC).all()
    # The warning points at the line that called the sampler.
    separable = [w for w in caught if w.category is SeparableRowsWarning]
    assert separable[0].filename == __file__


def test_detection_aucs_pass_rows_drawn_like_the_real_ones():
    rng = np.random.default_rng(0)
    real = [rng.normal(size=(120, 8)), rng.normal(size=(30, 8))]
    fake = [rng.normal(size=(120, 8)), rng.normal(size=(30, 8)) + 3]
    aucs = detection_aucs(real, fake, seed=0)
    assert aucs[0] < 0.7 and aucs[1] >= SEPARABLE_AUC


@pytest.mark.parametrize("source", [False, True])
def test_a_class_of_two_rows_warns(source, imbalanced):
    X, y = imbalanced
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:2]]
    X, y = X[keep], y[keep]
    params = {"source": X * 1.01, "mode": "translate", **FAST} if source else {}
    sampler = CycleGANOversampler(random_state=0, verbose=0, **params)
    expected = "CycleGAN learns" if source else "one segment"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparableRowsWarning)
        with pytest.warns(SmallClassWarning, match=expected):
            sampler.fit_resample(X, y)


def test_six_rows_do_not_warn(imbalanced):
    X, y = imbalanced
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:6]]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallClassWarning)
        CycleGANOversampler(random_state=0, verbose=0).fit_resample(X[keep], y[keep])


def test_a_small_class_left_alone_does_not_warn(imbalanced):
    X, y = imbalanced
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:2]]
    sampler = CycleGANOversampler(sampling_strategy={1: 120}, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallClassWarning)
        sampler.set_params(verbose=0).fit_resample(X[keep], y[keep])


def test_clone_keeps_auto(imbalanced):
    sampler = clone(CycleGANOversampler(max_epochs=5))
    assert sampler.max_epochs == 5 and sampler.lr == "auto"


def test_film_source_on_emodb_warns_and_interpolation_does_not(emodb):
    import pandas as pd

    X, y, _ = emodb
    film = pd.read_csv(data_file("cartoons_source_is09.csv.gz"))[X.columns]
    sampler = CycleGANOversampler(
        source=film.to_numpy(), mode="translate", random_state=0, verbose=0
    )
    with pytest.warns(SeparableRowsWarning):
        sampler.fit_resample(X.to_numpy(), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparableRowsWarning)
        CycleGANOversampler(random_state=0, verbose=0).fit_resample(X.to_numpy(), y)
