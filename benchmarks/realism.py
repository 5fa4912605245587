"""The sampler's built-in realism check on EmoDB: what it says, what it costs.

Run from the repository root (about a minute on two cores)::

    OMP_NUM_THREADS=1 python -m benchmarks.realism

EmoDB's four classes (IS09 features) are over-sampled with the default
settings three ways: with the film dialogue rows as the source, with TESS as
the source, and without a source (interpolation; the check is skipped, and
``quality_report`` judges the rows instead, as it does SMOTE's).  For each,
the time of the check inside the fit and its share of the fit's wall time,
``detection_auc_`` per class and whether a ``SeparableRowsWarning`` was
issued; then the wall time of the fit without a source, and the detection
AUC ``quality_report`` gives its rows and SMOTE's.  One thread, seed 0.
"""

import time
import warnings

import numpy as np

from benchmarks._paper_data import load_emodb, load_film_source, load_tess
from sklearn_cyclegan import (
    CycleGANOversampler,
    SeparableRowsWarning,
    _oversampler,
    quality_report,
)


def timed_check():
    """Wrap the sampler's detection check so that its time is recorded."""
    spent = []
    check = _oversampler.detection_aucs

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = check(*args, **kwargs)
        spent.append(time.perf_counter() - start)
        return result

    _oversampler.detection_aucs = wrapper
    return spent


def main():
    from imblearn.over_sampling import SMOTE

    X, y, _ = load_emodb("is09")
    sources = {
        "film rows": load_film_source(X.columns).to_numpy(),
        "TESS": load_tess()[0][X.columns].to_numpy(),
        "none (interpolation)": None,
    }
    X = X.to_numpy()
    spent = timed_check()
    print("| source | check s | share of the fit | detection_auc_ per class | warns |")
    print("| --- | --- | --- | --- | --- |")
    for name, source in sources.items():
        spent.clear()
        sampler = CycleGANOversampler(
            mode="translate", source=source, random_state=0, n_threads=1
        )
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            X_res, y_res = sampler.fit_resample(X, y)
        seconds = time.perf_counter() - start
        warned = any(issubclass(w.category, SeparableRowsWarning) for w in caught)
        aucs = ", ".join(
            f"{c} {a:.3f}" for c, a in zip(sampler.classes_, sampler.detection_auc_)
        )
        check, share = "-", "-"
        if spent:
            check, share = f"{sum(spent):.2f}", f"{sum(spent) / seconds:.1%}"
        print(f"| {name} | {check} | {share} | {aucs} | {warned} |")
        if source is None:
            print(f"(fit without a source: {seconds:.2f} s)")
        if source is None:
            interpolated = X_res[len(X) :], y_res[len(X) :]
    smote = SMOTE(random_state=0).fit_resample(X, y)
    for name, (X_syn, y_syn) in {
        "none (interpolation)": interpolated,
        "SMOTE": (smote[0][len(X) :], smote[1][len(X) :]),
    }.items():
        report = quality_report(X, y, X_syn, y_syn, random_state=0)
        aucs = report["detection_auc"].iloc[:-1].to_numpy()
        print(
            f"quality_report detection AUC, {name}: "
            + ", ".join(
                "-" if np.isnan(a) else f"{c} {a:.3f}"
                for c, a in zip(report["class"], aucs)
            )
        )


if __name__ == "__main__":
    main()
