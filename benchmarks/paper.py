"""Reproduce Bao et al. (2019) on EmoDB and TESS: Tables 1-3 and Figures 2-3.

Run from the repository root::

    python -m benchmarks.paper --quick          # every part, small, < 10 min on 2 cores
    python -m benchmarks.paper --seeds 5        # the full tables (see docs/results.md)
    python -m benchmarks.paper --parts table2 --seeds 5 --n-jobs 2

Results go to ``benchmarks/out/paper_<part>.json`` (and are printed as
Markdown tables); figures go to ``benchmarks/out/figures/`` unless
``--figures docs/figures`` asks for the documentation's copies.  The data is
read from ``../shared/data``.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from benchmarks import _paper_experiments as ex
from benchmarks._paper_data import EMOTIONS, load_emodb, load_tess
from benchmarks._paths import OUT

PARTS = ("table1", "table2", "table3", "is10", "figures")

PAPER = {  # Bao et al. (2019), IEMOCAP (Table 2) and IEMOCAP -> MSP-IMPROV (Table 3)
    "table1": {
        "target-source": 0.084,
        "target-syn lcls=0": 0.013,
        "target-syn lcls=2": 0.049,
    },
    "table2": {
        "none": 59.48,
        "syn lcls=0": 51.57,
        "syn lcls=2": 46.59,
        "real+syn lcls=0": 58.79,
        "real+syn lcls=2": 60.37,
    },
    "table3": {
        "none": 45.58,
        "syn lcls=0": 39.35,
        "syn lcls=2": 41.58,
        "real+syn lcls=0": 42.61,
        "real+syn lcls=2": 46.52,
    },
}

QUICK = {
    "seeds": [0],
    "max_folds": 2,
    "cyclegan": {"pretrain_epochs": 10, "max_epochs": 20},
    "n_synthetic": 150,
    "lambdas": (0.0, 2.0),
    "source": "tess",
    "baselines": ("none", "ros", "smote"),
}


def _memory(out):
    from joblib import Memory

    return Memory(out / "cache", verbose=0)


def run_table1(args, settings):
    X, y, _ = load_emodb("is09")
    source, _, _ = load_tess()
    gaps, samplers = {}, {}
    for lam in (0.0, 2.0):
        sampler = ex.fit_full(
            X, y, source, settings["seeds"][0], lam, **settings["cyclegan"]
        )
        samplers[lam] = sampler
        gaps[f"syn lcls={lam:g}"] = sampler.sample(len(source))
    table = ex.feature_gaps(X, y, source, gaps)
    diversity = {
        f"lcls={lam:g}": dict(zip(s.classes_.tolist(), s.diversity_.round(3).tolist()))
        for lam, s in samplers.items()
    }
    return {"gaps": table, "diversity": diversity}, samplers


def run_table2(
    args, settings, features="is09", lambdas=None, synthetic_rows=True, baselines=None
):
    X, y, groups = load_emodb(features)
    if features == "is09" and settings["source"] == "tess":
        source, _, _ = load_tess()
        source = source[X.columns].to_numpy()
    else:
        # The fold's own pooled training rows; IS10 has no TESS counterpart.
        source = None
    classes = np.unique(y)
    memory = _memory(args.out)

    def make(seed):
        return ex.table2_pipelines(
            seed,
            classes,
            source,
            n_synthetic=settings["n_synthetic"],
            lambdas=settings["lambdas"] if lambdas is None else lambdas,
            baselines=settings["baselines"] if baselines is None else baselines,
            synthetic_rows=synthetic_rows,
            cyclegan_params=settings["cyclegan"],
            memory=memory,
        )

    result = ex.run_cv(
        make,
        X.to_numpy(),
        y,
        groups,
        settings["seeds"],
        max_folds=settings["max_folds"],
        n_jobs=args.n_jobs,
    )
    memory.clear(warn=False)
    return result


def run_table3(args, settings):
    X, y, _ = load_emodb("is09")
    X_test, y_test, _ = load_tess(EMOTIONS)
    return ex.table3(
        X.to_numpy(),
        y,
        X_test[X.columns].to_numpy(),
        y_test,
        settings["seeds"],
        classes=np.unique(y),
        n_synthetic=settings["n_synthetic"],
        lambdas=settings["lambdas"],
        cyclegan_params=settings["cyclegan"],
        baselines=("none", "ros", "smote"),
        n_jobs=args.n_jobs,
    )


def summarise(result):
    """``{name: (mean %, std %)}``: UAR per seed (fold mean), mean ± std over seeds."""
    out = {}
    for name, scores in result["scores"].items():
        per_seed = 100 * scores.mean(axis=1)
        out[name] = (float(per_seed.mean()), float(per_seed.std()))
    return out


def markdown(summary, paper=None, seconds=None):
    lines = [
        "| rows | UAR % (mean ± std over seeds) | paper | fit+predict s |",
        "| --- | --- | --- | --- |",
    ]
    for name, (mean, std) in summary.items():
        ref = "" if not paper or name not in paper else f"{paper[name]:.2f}"
        sec = "" if not seconds else f"{seconds[name]:.0f}"
        lines.append(f"| {name} | {mean:.1f} ± {std:.1f} | {ref} | {sec} |")
    return "\n".join(lines)


def _save(args, part, payload):
    path = args.out / f"paper_{part}{'_quick' if args.quick else ''}.json"
    path.write_text(json.dumps(payload, indent=1, default=_jsonable))
    return path


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value))


def _parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 seed, 2 folds, tiny schedule: checks every part runs",
    )
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated subset of {','.join(PARTS)}",
    )
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--max-folds", type=int, default=None)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--baselines", default="none,ros,smote,borderline,ctgan")
    parser.add_argument(
        "--source",
        default="tess",
        choices=["tess", "none"],
        help="Table 2's unlabelled source: TESS, or none (the fold's own rows)",
    )
    parser.add_argument(
        "--lambdas",
        default="0,2",
        help="lambda_cls values of the CycleGAN rows of Tables 2 and 3",
    )
    parser.add_argument(
        "--n-synthetic",
        type=int,
        default=ex.N_SYNTHETIC,
        help="rows per class after CycleGAN over-sampling",
    )
    parser.add_argument(
        "--cyclegan",
        type=json.loads,
        default={},
        help="JSON overrides of the CycleGAN settings, e.g. '{\"max_epochs\": 400}'",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--figures",
        type=Path,
        default=None,
        help="where PNGs go (default OUT/figures; the docs use docs/figures)",
    )
    return parser


def _settings(args):
    """The run's settings: the quick ones, or those of the command line."""
    if args.quick:
        return dict(QUICK)
    return {
        "seeds": list(range(args.seeds)),
        "max_folds": args.max_folds,
        "cyclegan": args.cyclegan,
        "n_synthetic": args.n_synthetic,
        "lambdas": tuple(float(v) for v in args.lambdas.split(",") if v),
        "source": args.source,
        "baselines": tuple(b for b in args.baselines.split(",") if b),
    }


def _table1(args, settings, start):
    """Run, print and save Table 1; return the fitted samplers for the figures."""
    table, samplers = run_table1(args, settings)
    print("\n## Table 1: mean absolute difference of min-max scaled feature means")
    for name, gap in table["gaps"].items():
        print(f"{name}: {gap:.3f}  (paper {PAPER['table1'].get(name, float('nan'))})")
    for name, per_class in table["diversity"].items():
        print(f"diversity_ (spread of synthetic / real rows), {name}: {per_class}")
    table["seconds"] = time.perf_counter() - start
    _save(args, "table1", table)
    return samplers


def _classification_table(part, args, settings, start):
    """Run, print and save Table 2, Table 3 or the IS10 variant of Table 2."""
    if part == "table2":
        result = run_table2(args, settings)
    elif part == "table3":
        result = run_table3(args, settings)
    else:
        result = run_table2(
            args,
            settings,
            features="is10",
            lambdas=(2.0,),
            synthetic_rows=False,
            baselines=("none",),
        )
    summary = summarise(result)
    seconds = result.get("seconds")
    print(
        f"\n## {part} ({len(settings['seeds'])} seeds, "
        f"{time.perf_counter() - start:.0f} s)"
    )
    print(markdown(summary, PAPER.get(part), seconds))
    _save(
        args,
        part,
        {"summary": summary, **result, "seconds_total": time.perf_counter() - start},
    )
    if part == "table2":
        _table2_figure(args, result)


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.figures is None:
        args.figures = args.out / "figures"
    import torch

    # One thread per process: the benchmark parallelises over folds instead.
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}")
    settings = _settings(args)
    samplers = {}
    for part in parts:
        start = time.perf_counter()
        if part == "table1":
            samplers = _table1(args, settings, start)
        elif part == "figures":
            if not samplers:  # Table 1 fits the samplers the figures show
                samplers = run_table1(args, settings)[1]
            _figures(args, samplers)
        else:
            _classification_table(part, args, settings, start)
        print(f"[{part}: {time.perf_counter() - start:.0f} s]", flush=True)


def _table2_figure(args, result):
    from benchmarks._paper_figures import confusion_figure

    args.figures.mkdir(parents=True, exist_ok=True)
    wanted = {
        "real": "none",
        "synthetic (lcls=2)": "syn lcls=2",
        "real+synthetic (lcls=2)": "real+syn lcls=2",
    }
    preds = {
        title: result["predictions"][name][0]
        for title, name in wanted.items()
        if name in result["predictions"]
    }
    if not preds:
        return
    suffix = "_quick" if args.quick else ""
    confusion_figure(
        result["y"], preds, EMOTIONS, args.figures / f"confusion{suffix}.png"
    )


def _figures(args, samplers):
    from benchmarks._paper_figures import feature_figure, loss_figure

    args.figures.mkdir(parents=True, exist_ok=True)
    suffix = "_quick" if args.quick else ""
    X, y, _ = load_emodb("is09")
    source, _, _ = load_tess()
    sampler = samplers[2.0]
    X_syn, y_syn = sampler.sample(300)
    feature_figure(X, y, source, (X_syn, y_syn), args.figures / f"features{suffix}.png")
    loss_figure(
        {f"lcls={lam:g}": s.history_ for lam, s in samplers.items()},
        args.figures / f"losses{suffix}.png",
    )


if __name__ == "__main__":
    main()
