"""Over-samplers on the KEEL imbalanced tables: does the synthetic data help?

Every table in ``keel/`` of the shared data folder (``$SKLEARN_CYCLEGAN_DATA``,
else ``../shared/data``); pipeline ``StandardScaler -> sampler ->
classifier`` for four classifiers; stratified 5-fold cross-validation repeated
3 times; balanced accuracy.  Run from the repository root::

    python -m benchmarks.tables --quick            # 4 tables, 1 repeat, minutes
    python -m benchmarks.tables                    # the full run of docs/results.md
    python -m benchmarks.tables --name lcls0 --cyclegan '{"lambda_cls": 0}'
    python -m benchmarks.tables --categorical --repeats 1   # SMOTENC vs ours

Each (table, fold, sampler) result is cached in ``--out`` (default
``benchmarks/out/tables``), so adding a sampler variant with ``--name`` and
``--cyclegan`` only fits that variant; ``--report`` prints the tables of every
variant cached so far.  The scaler, each sampler and each classifier see the
training rows of the fold only.

``--categorical`` compares, on the tables with a categorical column (abalone's
``Sex``), SMOTENC (``smotenc``) with ``CycleGANOversampler(categorical_features=
"auto")`` (``cyclegan_nc``): both get the raw categories, the numeric columns
standardised, and the classifier sees them one-hot encoded after the sampler.
``smote`` and ``cyclegan`` run beside them on the one-hot encoded table.
"""

import argparse
import importlib
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ._paths import shared_data

DATA = shared_data() / "keel"
BASELINES = ("none", "ros", "smote", "borderline", "adasyn")
# Samplers that see the categories raw, encoded only for the classifier.
CATEGORICAL_SAMPLERS = ("smotenc", "cyclegan_nc")
CLASSIFIERS = ("lr", "svc", "mlp", "hgb")
QUICK_TABLES = ("glass5", "yeast5", "abalone19", "ecoli1")


def load_frame(name):
    """``(X, y)`` of one KEEL table as read, text columns as pandas categoricals.

    ``y`` is 1 for the minority ('positive') class.
    """
    frame = pd.read_csv(DATA / f"{name}.csv")
    y = (frame.pop("class").str.strip() == "positive").to_numpy(dtype=np.int64)
    for column in categorical_columns(frame):
        frame[column] = frame[column].astype("category")
    return frame, y


def categorical_columns(frame):
    return [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]


def load_table(name):
    """``(X, y)`` of one KEEL table, all numeric.

    The abalone tables' categorical column ``Sex`` is one-hot encoded, so
    every sampler sees the same numeric features.
    """
    frame, y = load_frame(name)
    frame = pd.get_dummies(frame, dtype=np.float64)
    return frame.to_numpy(dtype=np.float64), y


def categorical_table_names():
    return [t for t in table_names() if categorical_columns(load_frame(t)[0])]


def table_names():
    if not DATA.is_dir():
        raise SystemExit(f"{DATA} is missing; this benchmark reads the shared data.")
    return sorted(p.stem for p in DATA.glob("*.csv"))


def make_sampler(name, seed, params):
    from imblearn.over_sampling import (
        ADASYN,
        SMOTE,
        SMOTENC,
        BorderlineSMOTE,
        RandomOverSampler,
    )

    from sklearn_cyclegan import CycleGANOversampler

    if name == "none":
        return None
    if name == "ros":
        return RandomOverSampler(random_state=seed)
    if name == "smote":
        return SMOTE(random_state=seed)
    if name == "borderline":
        return BorderlineSMOTE(random_state=seed)
    if name == "adasyn":
        return ADASYN(random_state=seed)
    if name == "smotenc":
        return SMOTENC(categorical_features="auto", random_state=seed)
    params = dict(params)
    estimator = params.pop("estimator", None)
    if estimator is not None:
        # Any importable sampler class, e.g. a variant under study.
        module, _, attr = estimator.partition(":")
        cls = getattr(importlib.import_module(module), attr)
        return cls(random_state=seed, **params)
    if name == "cyclegan_nc":
        params.setdefault("categorical_features", "auto")
    return CycleGANOversampler(random_state=seed, device="cpu", **params)


def make_classifier(name, seed):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC

    return {
        "lr": lambda: LogisticRegression(max_iter=1000),
        "svc": lambda: SVC(),
        "mlp": lambda: MLPClassifier(
            hidden_layer_sizes=(50,), max_iter=300, random_state=seed
        ),
        "hgb": lambda: HistGradientBoostingClassifier(random_state=seed),
    }[name]()


def run_fold(table, repeat, fold, sampler, seed, params, classifiers):
    """Balanced accuracy of each classifier after ``sampler`` on one fold."""
    import warnings

    import torch
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    torch.set_num_threads(1)
    X, y = load_frame(table) if sampler in CATEGORICAL_SAMPLERS else load_table(table)
    splits = StratifiedKFold(5, shuffle=True, random_state=repeat).split(X, y)
    train, test = list(splits)[fold]
    if sampler in CATEGORICAL_SAMPLERS:
        X_train, X_test, encode = _standardised_frames(X, train, test)
    else:
        scaler = StandardScaler().fit(X[train])
        X_train, X_test = scaler.transform(X[train]), scaler.transform(X[test])
        encode = None
    y_train = y[train]
    start = time.perf_counter()
    note = ""
    resampler = make_sampler(sampler, seed, params)
    if resampler is not None:
        try:
            X_train, y_train = resampler.fit_resample(X_train, y_train)
        except (RuntimeError, ValueError) as exc:
            # ADASYN refuses folds where no minority row has a majority
            # neighbour; the fold is then scored without over-sampling.
            note = f"{type(exc).__name__}: {exc}"[:200]
    seconds = time.perf_counter() - start
    if encode is not None:
        encode.fit(X_train)
        X_train, X_test = encode.transform(X_train), encode.transform(X_test)
    scores = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name in classifiers:
            model = make_classifier(name, seed).fit(X_train, y_train)
            scores[name] = balanced_accuracy_score(y[test], model.predict(X_test))
    return {"scores": scores, "seconds": seconds, "note": note}


def _standardised_frames(frame, train, test):
    """Train and test rows, numeric columns standardised on the training rows.

    The categories stay raw for the sampler; the returned (unfitted) column
    transformer one-hot encodes them for the classifier afterwards.
    """
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in frame.columns if c not in categorical_columns(frame)]
    scaler = StandardScaler().fit(frame.iloc[train][numeric])
    parts = []
    for rows in (train, test):
        part = frame.iloc[rows].reset_index(drop=True)
        part[numeric] = scaler.transform(part[numeric])
        parts.append(part)
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), categorical_columns(frame)),
        remainder="passthrough",
    )
    return parts[0], parts[1], encode


def _cache_path(out, variant, table, repeat, fold):
    return out / variant / f"{table}_r{repeat}_f{fold}.json"


def _variant_spec(out, variant, params):
    """``(sampler, its parameters)`` of a variant, recorded in its ``spec.json``.

    A variant's cache holds the results of one set of parameters: a folder
    that holds others is refused rather than mixed.
    """
    known = variant in BASELINES or variant in CATEGORICAL_SAMPLERS
    sampler = variant if known else "cyclegan"
    spec = out / variant / "spec.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec_params = params if sampler.startswith("cyclegan") else {}
    if spec.exists() and json.loads(spec.read_text()) != spec_params:
        raise SystemExit(
            f"{spec} holds other parameters; pick another --name or delete it."
        )
    spec.write_text(json.dumps(spec_params))
    return sampler, spec_params


def _pending_jobs(out, variants, tables, repeats, params):
    """The folds of every variant not yet in the cache, as ``run_fold`` jobs."""
    jobs = []
    for variant in variants:
        sampler, spec_params = _variant_spec(out, variant, params)
        for table in tables:
            for repeat in range(repeats):
                for fold in range(5):
                    path = _cache_path(out, variant, table, repeat, fold)
                    if not path.exists():
                        jobs.append((path, table, repeat, fold, sampler, spec_params))
    return jobs


def run(args):
    from joblib import Parallel, delayed

    out = Path(args.out)
    tables = _tables(args)
    repeats = 1 if args.quick else args.repeats
    params = json.loads(args.cyclegan)
    if args.quick:
        params = {"pretrain_epochs": 20, "max_epochs": 40, **params}
    variants = list(args.samplers)
    if args.name:
        # The named CycleGAN variant replaces the default one.
        variants = [v for v in variants if v in BASELINES] + [args.name]
    jobs = _pending_jobs(out, variants, tables, repeats, params)
    print(f"{len(jobs)} folds to run", flush=True)
    start = time.perf_counter()

    def one(path, table, repeat, fold, sampler, spec_params):
        result = run_fold(
            table, repeat, fold, sampler, repeat, spec_params, CLASSIFIERS
        )
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(result))
        os.replace(tmp, path)
        return path.parent.name, table, result["seconds"]

    runner = Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")
    for i, (variant, table, seconds) in enumerate(
        runner(delayed(one)(*job) for job in jobs), 1
    ):
        if i % 25 == 0 or i == len(jobs):
            print(
                f"  {i}/{len(jobs)} done ({time.perf_counter() - start:.0f} s; "
                f"last {variant} {table} {seconds:.1f} s)",
                flush=True,
            )
    report(out, tables, repeats, variants, args.figure, _reference(args))


def _tables(args):
    if args.quick:
        return QUICK_TABLES
    if args.categorical:
        return args.tables or categorical_table_names()
    return args.tables or table_names()


def _reference(args):
    """The sampler every other is compared with, fold by fold."""
    return "smotenc" if args.categorical else "smote"


def collect(out, tables, repeats, variants):
    """``scores[variant][classifier]``: array of shape (tables, repeats * 5)."""
    scores, seconds = {}, {}
    for variant in variants:
        per_clf = {c: np.full((len(tables), repeats * 5), np.nan) for c in CLASSIFIERS}
        times = []
        for t, table in enumerate(tables):
            for repeat in range(repeats):
                for fold in range(5):
                    path = _cache_path(out, variant, table, repeat, fold)
                    if not path.exists():
                        continue
                    result = json.loads(path.read_text())
                    times.append(result["seconds"])
                    for c in CLASSIFIERS:
                        per_clf[c][t, repeat * 5 + fold] = result["scores"][c]
        scores[variant] = per_clf
        seconds[variant] = float(np.sum(times))
    return scores, seconds


def wins_ties_losses(ours, reference):
    """Per table, paired over folds: Wilcoxon signed-rank at 5 %."""
    from scipy.stats import wilcoxon

    counts = [0, 0, 0]
    for a, b in zip(ours, reference):
        diff = a - b
        if np.allclose(diff, 0):
            counts[1] += 1
            continue
        p = wilcoxon(a, b, zero_method="zsplit").pvalue
        if p >= 0.05:
            counts[1] += 1
        else:
            counts[0 if diff.mean() > 0 else 2] += 1
    return tuple(counts)


def report(out, tables, repeats, variants, figure=None, reference="smote"):
    from scipy.stats import rankdata

    scores, seconds = collect(out, tables, repeats, variants)
    complete = [v for v in variants if not np.isnan(scores[v]["lr"]).any()]
    if len(complete) < len(variants):
        print(f"incomplete (skipped): {sorted(set(variants) - set(complete))}")
    variants = complete
    print(f"\n{len(tables)} tables, {repeats} x stratified 5-fold; balanced accuracy")
    header = "| sampler | " + " | ".join(f"{c} mean | {c} rank" for c in CLASSIFIERS)
    print(header + f" | W/T/L vs {reference} (lr, svc, mlp, hgb) | fit s |")
    print("|---" * (2 * len(CLASSIFIERS) + 3) + "|")
    means = {v: {c: scores[v][c].mean(axis=1) for c in CLASSIFIERS} for v in variants}
    ranks = {}
    for c in CLASSIFIERS:
        table_means = np.array([means[v][c] for v in variants])  # (variants, tables)
        ranks[c] = dict(
            zip(variants, rankdata(-table_means, axis=0).mean(axis=1), strict=True)
        )
    for v in variants:
        cells = []
        for c in CLASSIFIERS:
            cells += [f"{means[v][c].mean():.3f}", f"{ranks[c][v]:.2f}"]
        wtl = (
            ", ".join(
                "/".join(map(str, wins_ties_losses(scores[v][c], scores[reference][c])))
                for c in CLASSIFIERS
            )
            if reference in scores and v != reference
            else ""
        )
        print(f"| {v} | " + " | ".join(cells) + f" | {wtl} | {seconds[v]:.0f} |")
    if "ros" in means:
        print("\nPer table, LogisticRegression (mean over folds):")
        print("| table | " + " | ".join(variants) + " |")
        print("|---" * (len(variants) + 1) + "|")
        for t, table in enumerate(tables):
            cells = [f"{means[v]['lr'][t]:.3f}" for v in variants]
            print(f"| {table} | " + " | ".join(cells) + " |")
        for v in variants:
            gap = means["ros"]["lr"] - means[v]["lr"]
            worst = int(np.argmax(gap))
            print(
                f"{v}: worst table vs RandomOverSampler (lr) {tables[worst]} "
                f"{-gap[worst]:+.3f}; tables more than 0.03 below: "
                f"{int((gap > 0.03).sum())}"
            )
    if figure:
        _figure(means, variants, figure)


def _figure(means, variants, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(CLASSIFIERS), figsize=(14, 3.6), sharey=True)
    for ax, c in zip(axes, CLASSIFIERS):
        values = [means[v][c].mean() for v in variants]
        ax.barh(variants, values, color="0.6")
        ax.set_xlim(min(values) - 0.03, max(values) + 0.01)
        ax.set_title(c)
        ax.set_xlabel("mean balanced accuracy")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--tables", nargs="*", help="table names (default: all)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--samplers",
        default=",".join([*BASELINES, "cyclegan"]),
        type=lambda s: s.split(","),
    )
    parser.add_argument("--name", help="cache name of a CycleGAN variant")
    parser.add_argument(
        "--cyclegan",
        default="{}",
        help='JSON of sampler parameters; {"estimator": "module:Class", ...} '
        "benchmarks another importable sampler class instead",
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/out/tables")
    parser.add_argument("--figure", help="write the summary figure here")
    parser.add_argument(
        "--report", action="store_true", help="only print what is cached"
    )
    parser.add_argument(
        "--categorical",
        action="store_true",
        help="tables with categorical columns only; samplers "
        f"{','.join(CATEGORICAL_SAMPLERS)} beside smote and cyclegan",
    )
    args = parser.parse_args(argv)
    if args.categorical and args.samplers == parser.get_default("samplers").split(","):
        args.samplers = ["smote", "cyclegan", *CATEGORICAL_SAMPLERS]
    if args.report:
        tables = _tables(args)
        variants = [p.name for p in sorted(Path(args.out).iterdir()) if p.is_dir()]
        order = [v for v in BASELINES if v in variants] + [
            v for v in variants if v not in BASELINES
        ]
        repeats = 1 if args.quick else args.repeats
        report(Path(args.out), tables, repeats, order, args.figure, _reference(args))
        return
    run(args)


if __name__ == "__main__":
    main()
