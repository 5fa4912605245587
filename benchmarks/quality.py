"""Synthetic-data quality of SMOTE and CycleGANOversampler: EmoDB and a KEEL table.

Run from the repository root (a few minutes on two cores)::

    OMP_NUM_THREADS=1 python -m benchmarks.quality --out benchmarks/out/quality.md

Each data set is split once, stratified, two thirds for the samplers and one
third held out.  Every sampler makes, for every class, as many synthetic rows
as the class has training rows (so each class is judged and TSTR sees all
classes); otherwise its settings are the defaults.  Ours runs without a source
(the default: interpolations, untrained with the fast preset); on EmoDB with the
film rows as the source three ways (the default ``mode="auto"``, ``"select"``
and ``"translate"``); on the KEEL table once more with the fast preset's
training schedule.  ``quality_report`` then
compares the synthetic rows with the training rows, and scores TSTR on the
held-out rows.  The row "held-out real" passes the held-out rows as if they
were synthetic (and scores its TSTR on the training rows): what rows drawn
from the real distribution score, the reference for every column.  Data sets
whose files are missing are skipped.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._paper_data import load_emodb, load_film_source
from benchmarks.tables import load_table

MEASURES = {
    "wasserstein": "Wasserstein",
    "ks": "KS",
    "detection_auc": "detection AUC",
    "class_consistency": "class consistency",
    "real_consistency": "real consistency",
    "diversity": "diversity",
    "memorisation": "memorisation",
    "tstr": "TSTR",
}


TRAINED = {"pretrain_epochs": 100, "max_epochs": 300}


def emodb():
    X, y, _ = load_emodb("is09")
    film = load_film_source(X.columns).to_numpy()
    return (
        X.to_numpy(),
        y,
        {
            "source: film rows": {"source": film},
            "film rows, mode=select": {"source": film, "mode": "select"},
            "film rows, mode=translate": {"source": film, "mode": "translate"},
        },
    )


def keel(name):
    X, y = load_table(name)
    labels = np.where(y == 1, "positive", "negative").astype(object)
    # The fast preset trains nothing when source=None; this is its schedule.
    return X, labels, {"trained 100 + 300 epochs": TRAINED}


def samplers(y, seed, variants):
    """(name, sampler) pairs; each class gets as many new rows as it has.

    ``variants`` maps a name to parameters of a further CycleGANOversampler.
    """
    from imblearn.over_sampling import SMOTE

    from sklearn_cyclegan import CycleGANOversampler

    labels, counts = np.unique(y, return_counts=True)
    double = {label: 2 * int(n) for label, n in zip(labels, counts)}
    yield "SMOTE", SMOTE(sampling_strategy=double, random_state=seed)
    yield (
        "ours (source=None)",
        CycleGANOversampler(sampling_strategy=double, random_state=seed, device="cpu"),
    )
    for name, params in variants.items():
        yield (
            f"ours ({name})",
            CycleGANOversampler(
                sampling_strategy=double, random_state=seed, device="cpu", **params
            ),
        )


def judge(X, y, variants, seed):
    """Per sampler, the quality report of its synthetic rows and its fit time."""
    from sklearn.model_selection import train_test_split

    from sklearn_cyclegan import quality_report

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=1 / 3, stratify=y, random_state=seed
    )
    reports = {
        "held-out real": (
            quality_report(
                X_train,
                y_train,
                X_test,
                y_test,
                X_test=X_train,
                y_test=y_train,
                random_state=seed,
            ),
            np.nan,
        )
    }
    for name, sampler in samplers(y_train, seed, variants):
        start = time.perf_counter()
        X_res, y_res = sampler.fit_resample(X_train, y_train)
        seconds = time.perf_counter() - start
        n = len(X_train)
        report = quality_report(
            X_train,
            y_train,
            X_res[n:],
            y_res[n:],
            X_test=X_test,
            y_test=y_test,
            random_state=seed,
        )
        reports[name] = report, seconds
    return reports


def markdown(frame):
    def cell(value):
        if isinstance(value, float):
            return "–" if np.isnan(value) else f"{value:.3f}"
        return str(value)

    lines = [
        "| " + " | ".join(map(str, frame.columns)) + " |",
        "|" + "|".join([" --- "] * len(frame.columns)) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.values]
    return "\n".join(lines)


def tables(title, reports):
    """A summary (the "all" rows) and per-class detection AUC and memorisation."""
    summary = pd.DataFrame(
        [
            {
                "sampler": name,
                **{MEASURES[m]: report[m].iloc[-1] for m in MEASURES},
                "fit s": seconds,
            }
            for name, (report, seconds) in reports.items()
        ]
    )
    per_class = pd.DataFrame(
        [
            {
                "sampler": name,
                **{
                    f"{label} {what}": row[column]
                    for _, row in report.iloc[:-1].iterrows()
                    for label in [row["class"]]
                    for what, column in (
                        ("AUC", "detection_auc"),
                        ("mem.", "memorisation"),
                    )
                },
            }
            for name, (report, _) in reports.items()
        ]
    )
    return (
        f"### {title}\n\nMean over classes:\n\n{markdown(summary)}\n\n"
        f"Per class, detection AUC and memorisation:\n\n{markdown(per_class)}\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keel", default="yeast4", help="KEEL table name")
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    args = parser.parse_args(argv)
    datasets = {
        "EmoDB IS09, four classes": emodb,
        f"KEEL {args.keel}": lambda: keel(args.keel),
    }
    sections = []
    for title, load in datasets.items():
        try:
            X, y, variants = load()
        except FileNotFoundError as exc:
            print(f"skipped {title}: {exc}", file=sys.stderr)
            continue
        counts = ", ".join(
            f"{k} {v}" for k, v in zip(*np.unique(y, return_counts=True))
        )
        print(
            f"{title}: {X.shape[0]} rows ({counts}), {X.shape[1]} features",
            file=sys.stderr,
        )
        sections.append(tables(title, judge(X, y, variants, args.seed)))
    text = "\n".join(sections)
    print(text)
    if args.out is not None and text:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
