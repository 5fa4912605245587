"""Speech emotion with a many-speaker source: EmoDB LOSO, EmoDB -> Chicken Run.

Run from the repository root (2 cores: ``--n-jobs 2``)::

    python -m benchmarks.speech --parts loso --seeds 5 --n-jobs 2
    python -m benchmarks.speech --parts cross --seeds 5 --n-jobs 2
    python -m benchmarks.speech --parts placement --seeds 5 --n-jobs 2
    python -m benchmarks.speech --quick     # 1 seed, 2 folds, tiny CycleGAN

Parts:

* ``loso``: EmoDB four classes, leave one speaker out, no augmentation,
  RandomOverSampler, SMOTE and ``CycleGANOversampler`` with the unlabelled
  film dialogue rows (``cartoons_source_is09.csv.gz``) as the source.
* ``cross``: train on all of EmoDB, test on Chicken Run's four classes (both
  dubs), each corpus z-normalised on its own; sources: the film rows, the test
  film's own unlabelled rows (transductive) and None.
* ``placement``: EmoDB LOSO with the sampler before instead of after the
  ``StandardScaler``, for SMOTE and ours.

Every (protocol, setting, seed) is written to ``OUT/<protocol>/`` as soon as
its folds are done and is reused by later runs, so an interrupted run resumes
and a finished one only prints.  The cache does not know the sampler's
defaults: after changing them, pass a new ``--out``.  Tables print UAR % as
mean ± std over seeds and paired differences (same seed, same folds) with
their standard error over seeds.
"""

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np

from benchmarks import _paper_experiments as ex
from benchmarks._paper_data import (
    load_chicken_run,
    load_emodb,
    load_film_source,
)
from benchmarks._paths import OUT

BEFORE = ", before scaler"
# Balance every class to the largest, as SMOTE does, instead of n_synthetic.
AUTO = ", balanced"
PARTS = {
    "loso": (
        "loso",
        ["none", "ros", "smote", "ours film", "ours none", "ours none" + AUTO],
    ),
    "cross": (
        "cross",
        ["none", "ros", "smote", "ours film", "ours transductive", "ours none"],
    ),
    "placement": (
        "loso",
        ["smote", "smote" + BEFORE, "ours film", "ours film" + BEFORE],
    ),
}
# Paired comparisons printed under each table: (row, reference row).
COMPARE = {
    "loso": [
        ("ours film", "smote"),
        ("ours film", "none"),
        ("ours none", "smote"),
        ("ours none", "ros"),
        ("ours none" + AUTO, "smote"),
        ("ours none" + AUTO, "ros"),
        ("smote", "none"),
    ],
    "cross": [
        (f"ours {s}", ref)
        for s in ("film", "transductive", "none")
        for ref in ("smote", "none")
    ]
    + [("smote", "none")],
    "placement": [
        ("smote" + BEFORE, "smote"),
        ("ours film" + BEFORE, "ours film"),
        ("ours film", "smote"),
        ("ours film" + BEFORE, "smote"),
    ],
}
QUICK = {
    "seeds": 1,
    "max_folds": 2,
    "cyclegan": {"pretrain_epochs": 10, "max_epochs": 20},
}


def make_pipeline(name, seed, classes, sources, settings, scale=True):
    """The pipeline of setting ``name``: ``[scaler] -> [sampler] -> MLP``.

    ``name`` is ``none``, ``ros``, ``smote`` or ``ours <source>``, optionally
    followed by ``BEFORE`` to put the sampler ahead of the scaler.
    """
    from imblearn.over_sampling import SMOTE, RandomOverSampler
    from imblearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    kind = name.removesuffix(BEFORE)
    if kind == "none":
        aug = []
    elif kind == "ros":
        aug = [("aug", RandomOverSampler(random_state=seed))]
    elif kind == "smote":
        aug = [("aug", SMOTE(random_state=seed))]
    else:
        source = sources[kind.removeprefix("ours ").removesuffix(AUTO)]
        sampler = ex.cyclegan(
            seed,
            classes,
            "auto" if kind.endswith(AUTO) else settings["n_synthetic"],
            source=source,
            **settings["cyclegan"],
        )
        aug = [("aug", sampler)]
    head = [("scale", StandardScaler())] if scale else []
    steps = aug + head if name.endswith(BEFORE) else head + aug
    return Pipeline([*steps, ("clf", ex.classifier(seed))])


def _score(pipeline, X_train, y_train, X_test, y_test):
    from sklearn.metrics import balanced_accuracy_score

    start = time.perf_counter()
    pred = pipeline.fit(X_train, y_train).predict(X_test)
    return balanced_accuracy_score(y_test, pred), time.perf_counter() - start


def _loso_task():
    from sklearn.model_selection import LeaveOneGroupOut

    X, y, groups = load_emodb("is09")
    source = load_film_source(X.columns).to_numpy()
    X = X.to_numpy()
    splits = [
        (X[tr], y[tr], X[te], y[te])
        for tr, te in LeaveOneGroupOut().split(X, y, groups)
    ]
    return splits, np.unique(y), {"film": source, "none": None}, True


def _cross_task():
    from sklearn.preprocessing import StandardScaler

    X, y, _ = load_emodb("is09")
    X_test, y_test, X_film = load_chicken_run(X.columns)
    sources = {
        "film": load_film_source(X.columns).to_numpy(),
        "transductive": X_film.to_numpy(),
        "none": None,
    }
    # Each corpus z-normalised on its own, as the paper does; the sampler
    # min-max scales any source on its own, so sources stay raw.
    split = (
        StandardScaler().fit_transform(X.to_numpy()),
        y,
        StandardScaler().fit_transform(X_test.to_numpy()),
        y_test,
    )
    return [split], np.unique(y), sources, False


TASKS = {"loso": _loso_task, "cross": _cross_task}


def _path(out, protocol, name, seed):
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return out / protocol / f"{slug}_seed{seed}.json"


def run(protocol, names, seeds, settings, out, n_jobs=1):
    """Fill the cache of ``protocol`` for ``names`` x ``seeds``; return it.

    Returns
    -------
    dict ``{name: {"scores": (n_seeds, n_folds) array, "seconds": ...}}``,
    UAR as fractions and fit + predict seconds per fold.
    """
    from joblib import Parallel, delayed

    # Seed-major order: an interrupted run leaves whole seeds, still paired.
    todo = [
        (n, s) for s in seeds for n in names if not _path(out, protocol, n, s).exists()
    ]
    if todo:
        splits, classes, sources, scale = TASKS[protocol]()
        splits = splits[: settings["max_folds"]]
        jobs = [(n, s, split) for n, s in todo for split in splits]
        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_score)(
                make_pipeline(n, s, classes, sources, settings, scale), *split
            )
            for n, s, split in jobs
        )
        (out / protocol).mkdir(parents=True, exist_ok=True)
        # Results arrive in submission order: save each (setting, seed) as
        # soon as its last fold is in, so an interrupted run keeps it.
        done = []
        for (name, seed, _), result in zip(jobs, results):
            done.append(result)
            if len(done) == len(splits):
                scores, seconds = map(list, zip(*done))
                _path(out, protocol, name, seed).write_text(
                    json.dumps({"scores": scores, "seconds": seconds})
                )
                print(
                    f"  {protocol} {name} seed {seed}: {100 * np.mean(scores):.1f} "
                    f"({sum(seconds):.0f} s of fits)",
                    flush=True,
                )
                done = []
    table = {}
    for name in names:
        runs = [json.loads(_path(out, protocol, name, s).read_text()) for s in seeds]
        table[name] = {
            "scores": np.array([r["scores"] for r in runs]),
            "seconds": np.array([r["seconds"] for r in runs]),
        }
    return table


def paired(scores, reference):
    """Paired difference in UAR points: ``(mean, standard error, wins, losses)``.

    Per seed, the mean over folds of ``scores`` minus that of ``reference``
    (same folds, same seed); the standard error is over seeds.  Wins and
    losses count the single (seed, fold) pairs.
    """
    diff = 100 * (scores.mean(axis=1) - reference.mean(axis=1))
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
    return (
        float(diff.mean()),
        float(se),
        int((scores > reference).sum()),
        int((scores < reference).sum()),
    )


def markdown(table, comparisons):
    """The UAR table and the paired differences, as Markdown."""
    lines = [
        "| setting | UAR % (mean ± std over seeds) | per seed | s per fit |",
        "| --- | --- | --- | --- |",
    ]
    for name, entry in table.items():
        per_seed = 100 * entry["scores"].mean(axis=1)
        seeds = " / ".join(f"{v:.1f}" for v in per_seed)
        lines.append(
            f"| {name} | {per_seed.mean():.1f} ± {per_seed.std():.1f} | {seeds} "
            f"| {entry['seconds'].mean():.1f} |"
        )
    lines += [
        "",
        "| difference | UAR points (± SE over seeds) | wins / losses (seed, fold) |",
        "| --- | --- | --- |",
    ]
    for name, ref in comparisons:
        if name in table and ref in table:
            mean, se, wins, losses = paired(table[name]["scores"], table[ref]["scores"])
            lines.append(
                f"| {name} − {ref} | {mean:+.2f} ± {se:.2f} | {wins} / {losses} |"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="loso,cross,placement")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--max-folds", type=int, default=None)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument(
        "--n-synthetic",
        type=int,
        default=ex.N_SYNTHETIC,
        help="rows per class after CycleGAN over-sampling (Table 2's 150)",
    )
    parser.add_argument(
        "--cyclegan",
        type=json.loads,
        default={},
        help="JSON overrides of the CycleGAN parameters",
    )
    parser.add_argument("--quick", action="store_true", help=f"settings {QUICK}")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--settings",
        nargs="+",
        default=None,
        help="settings to run and print, each one argument (default: all of a part)",
    )
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}")
    settings = {
        "seeds": args.seeds,
        "max_folds": args.max_folds,
        "cyclegan": args.cyclegan,
        "n_synthetic": args.n_synthetic,
    }
    if args.quick:
        settings.update(QUICK)
    if args.out is None:
        args.out = OUT / ("speech_quick" if args.quick else "speech")
    import torch

    # One thread per process: the benchmark parallelises over folds instead.
    torch.set_num_threads(1)
    seeds = list(range(settings["seeds"]))
    for part in parts:
        start = time.perf_counter()
        protocol, names = PARTS[part]
        if args.settings:
            names = [n for n in names if n in args.settings]
        table = run(protocol, names, seeds, settings, args.out, args.n_jobs)
        print(f"\n## {part} ({len(seeds)} seeds, {time.perf_counter() - start:.0f} s)")
        print(markdown(table, COMPARE[part]), flush=True)


if __name__ == "__main__":
    main()
