"""The ``sklearn-cyclegan`` command: demo, augment a table, extract audio features.

Every failure the user can fix (a missing column, an unreadable file, a bad
option) ends in one line on stderr and exit status 1; ``--debug`` shows the
traceback instead.

torch, skorch and pandas are imported inside the commands, never at module
level: ``--help`` and ``--version`` answer without them.
"""

import argparse
import contextlib
import json
import re
import sys
import warnings
from pathlib import Path

from ._io import check_output, read_table, write_table
from .exceptions import TableError

__all__ = ["main"]

PROG = "sklearn-cyclegan"
STRATEGIES = ("auto", "minority", "not minority", "not majority", "all")

DESCRIPTION = """\
Over-sample an imbalanced table with CycleGAN style transfer (Bao et al., 2019).

  sklearn-cyclegan demo                      # a short tour on a scikit-learn data set
  sklearn-cyclegan augment data.csv --label y -o balanced.csv
  sklearn-cyclegan extract wavs/ -o features.csv --feature-set IS09_emotion

Run "sklearn-cyclegan COMMAND --help" for the options of a command.
"""

AUGMENT_EPILOG = """\
Columns: every column except --label, --group and --exclude ones is a feature
and must be numeric, or named in --categorical (or 'auto': every text column),
whose synthetic values are categories the input holds.  The output holds the
input rows unchanged and in order, then the synthetic rows, with a boolean
column (--marker, default "synthetic") telling them apart.  The --group and
--exclude columns are kept for the input rows and left empty for synthetic
rows: a synthetic row is made from a source row, so it has no speaker, file or
id of its own.

Examples:
  sklearn-cyclegan augment emodb.csv --label label --group speaker \\
      --exclude file,gender --source tess.csv -o emodb_balanced.parquet
  sklearn-cyclegan augment pima.csv --label class \\
      --sampling-strategy '{"positive": 400}' --max-epochs 100 -o out.csv
"""


class CLIError(Exception):
    """A problem the user can fix, reported as one line without a traceback."""


def build_parser():
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the full traceback when something fails",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="balance an imbalanced scikit-learn data set and compare scores",
        description="Make load_breast_cancer imbalanced (40 malignant rows left) "
        "and compare no over-sampling, SMOTE and CycleGANOversampler (without a "
        "source: interpolation, no CycleGAN trained) by the balanced accuracy of "
        "a logistic regression over repeated stratified 5-fold cross-validation.",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads, the sampler's n_threads (default: 1; the "
        "demo's networks are too small to gain from more, and extra threads "
        "thrash on a busy machine)",
    )
    demo.add_argument("--quiet", action="store_true", help="print nothing extra")
    demo.set_defaults(handler=_demo)

    augment = commands.add_parser(
        "augment",
        help="add synthetic rows to a CSV or Parquet table",
        description="Fit CycleGANOversampler on a table and write it back with "
        "synthetic rows.",
        epilog=AUGMENT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    augment.add_argument(
        "input", type=Path, help="table to balance (.csv, .csv.gz, .parquet)"
    )
    augment.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="where to write the result; the suffix picks CSV or Parquet",
    )
    augment.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the output file if it exists (never the input)",
    )
    augment.add_argument(
        "--label", required=True, help="name of the class label column"
    )
    augment.add_argument(
        "--group",
        help="grouping column (e.g. speaker): kept, empty for "
        "synthetic rows, never a feature",
    )
    augment.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="COLUMNS",
        help="other non-feature columns (ids, file names), kept like --group; "
        "comma-separated or repeated: --exclude file,gender",
    )
    augment.add_argument(
        "--categorical",
        action="append",
        default=[],
        metavar="COLUMNS",
        help="categorical feature columns, encoded inside the sampler so that "
        "synthetic rows hold categories of the input; comma-separated or "
        "repeated, or 'auto' for every text column",
    )
    augment.add_argument(
        "--source",
        help="unlabelled source table (.csv, .parquet) with the "
        "same feature columns, or a .npy array that is "
        "memory-mapped; default: the input's own rows",
    )
    augment.add_argument(
        "--mode",
        choices=("auto", "interpolate", "select", "translate"),
        default="auto",
        help="what makes the rows: auto (no source: interpolate; with one: "
        "select if 3 inner folds, split by --group when given, score it 1 "
        "point above interpolate), interpolate, select (the source's aligned "
        "rows, picked per class), translate (CycleGANs) (default: auto)",
    )
    augment.add_argument(
        "--sampling-strategy",
        default="auto",
        type=_sampling_strategy,
        metavar="STRATEGY",
        help="auto, minority, not minority, not majority, all, a float "
        "ratio (binary only), or a JSON object of the number of rows "
        "each class should have afterwards, such as '{\"sad\": 120}' "
        "(default: auto: every class as large as the largest)",
    )
    augment.add_argument(
        "--preset",
        choices=("fast", "paper"),
        default="fast",
        help="network sizes and epochs (default: fast)",
    )
    augment.add_argument(
        "--pretrain-epochs", type=int, help="override the preset's pre-training epochs"
    )
    augment.add_argument(
        "--max-epochs", type=int, help="override the preset's joint-training epochs"
    )
    augment.add_argument(
        "--device", default="auto", help="torch device: auto, cpu, cuda (default: auto)"
    )
    augment.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    augment.add_argument(
        "--marker",
        default="synthetic",
        help="name of the column marking synthetic rows (default: synthetic)",
    )
    augment.add_argument(
        "--threads",
        type=int,
        help="torch CPU threads, the sampler's n_threads (default: the "
        "sampler's default, 'auto')",
    )
    augment.add_argument(
        "--report",
        action="store_true",
        help="after writing, print per class how well the synthetic rows match "
        "the real ones: detection AUC, Wasserstein distance, memorisation "
        "(sklearn_cyclegan.quality_report)",
    )
    augment.add_argument("--quiet", action="store_true", help="no progress bar")
    augment.set_defaults(handler=_augment)

    extract = commands.add_parser(
        "extract",
        help="openSMILE features of a folder of audio files",
        description="Extract openSMILE functionals, one row per audio file, with a "
        "first "
        "column 'file' (the path relative to the folder).  Needs the audio extra: "
        'pip install "sklearn-cyclegan[audio]".  openSMILE is free for research '
        "and education only; see its licence.",
    )
    extract.add_argument("folder", type=Path, help="folder holding the audio files")
    extract.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="where to write the features; the suffix picks CSV or Parquet",
    )
    extract.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the output file if it exists (never the input)",
    )
    extract.add_argument(
        "--feature-set",
        default="IS10_paraling",
        type=_feature_set,
        help="openSMILE feature set: IS10_paraling (default, the paper's), "
        "IS09_emotion, emobase, eGeMAPSv02, ComParE_2016",
    )
    extract.add_argument(
        "--pattern",
        default="*.wav",
        help="file name pattern, '**/*.wav' to search sub-folders (default: *.wav)",
    )
    extract.add_argument(
        "--n-jobs", type=int, default=1, help="files processed in parallel"
    )
    extract.add_argument("--quiet", action="store_true", help="no progress bar")
    extract.set_defaults(handler=_extract)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # Imported only now: it brings torch, which --help must not wait for.
    from . import TrainingInterruptedWarning

    try:
        with one_line_warnings(f"{PROG} {args.command}"):
            args.handler(args)
    except (KeyboardInterrupt, TrainingInterruptedWarning):
        # skorch ends training quietly on Ctrl-C; rows from partly trained
        # networks are never written.
        print(f"{PROG}: interrupted; nothing written", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line unless --debug
        if args.debug:
            raise
        message = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        if not isinstance(exc, (CLIError, TableError)):
            message = f"{type(exc).__name__}: {message}"
        print(f"{PROG} {args.command}: error: {message}", file=sys.stderr)
        return 1
    return 0


@contextlib.contextmanager
def one_line_warnings(prefix):
    """Show warnings as one line each, as the command's errors are.

    Python's format names the file and line of the package code that warned,
    which means nothing to someone running a command.
    """
    original = warnings.formatwarning
    warnings.formatwarning = lambda message, category, *args, **kwargs: (
        f"{prefix}: warning: {category.__name__}: {message}\n"
    )
    try:
        yield
    finally:
        warnings.formatwarning = original


# -- demo ----------------------------------------------------------------------


def _demo(args):
    from collections import Counter

    import numpy as np
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import make_pipeline
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
    from sklearn.preprocessing import StandardScaler

    from . import CycleGANOversampler

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    names = {0: "malignant", 1: "benign"}
    rng = np.random.default_rng(args.seed)
    # Keep 40 of the 212 malignant tumours: a 9:1 imbalance.
    kept = np.sort(
        np.concatenate(
            [
                np.flatnonzero(y == 1),
                rng.choice(np.flatnonzero(y == 0), 40, replace=False),
            ]
        )
    )
    X, y = X.iloc[kept].reset_index(drop=True), y.iloc[kept].map(names).to_numpy()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(Counter(y).items()))
    cv = RepeatedStratifiedKFold(
        n_splits=5, n_repeats=DEMO_REPEATS, random_state=args.seed
    )
    print(f"breast cancer, imbalanced: {counts}")
    print(
        "classifier: StandardScaler + LogisticRegression; balanced accuracy over "
        f"{cv.get_n_splits()} test folds (5-fold cross-validation repeated "
        f"{DEMO_REPEATS} times; each sampler sees the training folds only)\n"
    )
    sampler = CycleGANOversampler(random_state=args.seed, n_threads=args.threads)
    # Named for what it does here: without a source no CycleGAN is trained.
    sampler_name = f"CycleGANOversampler ({_what_ran(sampler, X, y)})"
    candidates = [
        ("no over-sampling", None),
        ("SMOTE", SMOTE(random_state=args.seed)),
        (sampler_name, sampler),
    ]
    width = max(len(name) for name, _ in candidates)
    print(f"{'over-sampler':<{width}}  balanced accuracy (mean ± std)")
    for name, step in candidates:
        steps = [StandardScaler(), LogisticRegression(max_iter=1000)]
        model = make_pipeline(*([step] if step is not None else []), *steps)
        scores = cross_val_score(model, X, y, cv=cv, scoring="balanced_accuracy")
        print(f"{name:<{width}}  {scores.mean():.3f} ± {scores.std():.3f}")
    print(
        "\nDifferences smaller than the std are noise. Without a source "
        "(source=None) CycleGANOversampler trains no CycleGAN: each class's "
        "synthetic rows interpolate its own rows, as SMOTE's do. Pass an "
        "unlabelled corpus as source= to train CycleGANs that translate it into "
        "each class; its summary_ says what a fit did."
    )


# Repetitions of the demo's 5-fold cross-validation.
DEMO_REPEATS = 3


def _what_ran(sampler, X, y):
    """What ``sampler`` does on ``X, y``, in words, from one fit's ``mode_``."""
    from sklearn.base import clone

    fitted = clone(sampler).set_params(verbose=0)
    fitted.fit_resample(X, y)
    if fitted.mode_ == "interpolate":
        return "no source: interpolation"
    if fitted.mode_ == "select":
        return f"source: {fitted.summary_['source']}, selected rows"
    return f"source: {fitted.summary_['source']}, CycleGAN translation"


# -- augment -------------------------------------------------------------------

# Column names that usually hold a speaker, subject or recording id.
ID_NAME = re.compile(
    r"(^|[^a-z])(id|ids|speaker|spk|group|subject|session|participant|person|"
    r"user|actor|patient|file)([^a-z]|$)",
    re.IGNORECASE,
)


def _augment(args):
    from . import CycleGANOversampler

    # Before the slow part; neither the input nor the source may be replaced.
    inputs = {"input": args.input, "source": args.source}
    check_output(args.output, args.overwrite, inputs, error=CLIError)
    table = read_table(args.input, "input")
    features, kept, categorical = _columns(args, table)
    X, y = table[features], table[args.label].to_numpy()
    strategy = _match_labels(args.sampling_strategy, y)
    source = _read_source(args.source)
    _warn_if_id_features(table, features, args.input)
    sampler = CycleGANOversampler(
        sampling_strategy=strategy,
        source=source,
        mode=args.mode,
        categorical_features=categorical,
        preset=args.preset,
        pretrain_epochs=_auto(args.pretrain_epochs),
        max_epochs=_auto(args.max_epochs),
        device=args.device,
        verbose=0 if args.quiet else 1,
        random_state=args.seed,
        **({} if args.threads is None else {"n_threads": args.threads}),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", _interrupted_warning())
        # The group column (e.g. speaker) splits mode="auto"'s inner folds.
        groups = None if args.group is None else table[args.group].to_numpy()
        X_res, y_res = sampler.fit_resample(X, y, groups=groups)
    n = len(table)
    synthetic = _synthetic_rows(X_res, y_res, n, features, args.label)
    result = _assemble(table, synthetic, kept, args.marker)
    write_table(result, args.output)
    print(
        f"wrote {len(result)} rows ({n} original, {len(synthetic)} synthetic: "
        f"{_added(y_res[n:])}) to {args.output}"
    )
    if args.report:
        real, fake = X, synthetic[features]
        if sampler.categorical_features_.size:
            # The report compares numbers: categories as the sampler encodes them.
            real = sampler.layout_.transform(real, "X")
            fake = sampler.layout_.transform(fake, "synthetic rows")
        report = _short_report(real, y, fake, y_res[n:], args.seed)
        print(
            report.replace(
                "rows (ideal", f"rows ({_mode_line(sampler.summary_)}; ideal", 1
            )
        )


def _mode_line(summary):
    """What made the rows, for ``--report``: the mode and why it ran."""
    line = f"mode {summary['mode']}, chosen by {summary['chosen_by']}"
    inner = summary.get("inner_uar")
    if inner:
        line += (
            " (UAR %: "
            + ", ".join(f"{m} {u:.1f}" for m, u in inner.items() if u is not None)
            + ")"
        )
    return line


def _auto(value):
    """An option left out: the preset's value."""
    return "auto" if value is None else value


def _columns(args, table):
    """The feature, kept (group and excluded) and categorical columns."""
    import pandas as pd

    excluded = [
        c.strip() for item in args.exclude for c in item.split(",") if c.strip()
    ]
    kept = [c for c in [args.group, *excluded] if c is not None]
    for column in [args.label, *kept]:
        if column not in table.columns:
            raise CLIError(
                f"column {column!r} is not in {args.input} "
                f"(columns: {_preview(table.columns)})"
            )
    if args.marker in table.columns:
        raise CLIError(
            f"{args.input} already has a column {args.marker!r}; choose another "
            "--marker"
        )
    features = [c for c in table.columns if c != args.label and c not in kept]
    if not features:
        raise CLIError(
            "no feature columns are left after --label, --group and --exclude"
        )
    categorical = _categorical(args.categorical, features)
    text = [
        c
        for c in features
        if not pd.api.types.is_numeric_dtype(table[c])
        and not pd.api.types.is_bool_dtype(table[c])
        and categorical != "auto"
        and c not in (categorical or [])
    ]
    if text:
        raise CLIError(
            f"feature column(s) {_preview(text)} are not numeric; pass them to "
            "--categorical or --exclude"
        )
    if table[args.label].isna().any():
        raise CLIError(
            f"label column {args.label!r} has {int(table[args.label].isna().sum())} "
            "empty value(s)"
        )
    return features, kept, categorical


def _warn_if_id_features(table, features, path):
    """Warn when an integer feature looks like a speaker or other group id.

    Synthetic rows would get ids that exist nowhere (or mix two speakers'),
    and a classifier could learn the speaker instead of the class.
    """
    import pandas as pd

    suspects = []
    for column in features:
        values = table[column]
        if not pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(
            values
        ):
            continue
        if ID_NAME.search(str(column)) or _in_blocks(values):
            suspects.append(column)
    if suspects:
        print(
            f"{PROG} augment: warning: integer column(s) {_preview(suspects)} of "
            f"{path} look like ids or groups (speaker, subject, session) but "
            "are used as features; pass --group or --exclude unless they are "
            "measurements",
            file=sys.stderr,
        )


def _in_blocks(values):
    """Whether each of a few distinct values fills one run of adjacent rows,
    as a table sorted by speaker or session holds its ids."""
    changes = int((values.to_numpy()[1:] != values.to_numpy()[:-1]).sum())
    n_values = values.nunique()
    return 2 <= n_values <= len(values) // 4 and changes == n_values - 1


def _interrupted_warning():
    from . import TrainingInterruptedWarning

    return TrainingInterruptedWarning


def _synthetic_rows(X_res, y_res, n, features, label):
    import pandas as pd

    synthetic = pd.DataFrame(
        X_res.iloc[n:] if hasattr(X_res, "iloc") else X_res[n:], columns=features
    ).reset_index(drop=True)
    synthetic[label] = y_res[n:]
    return synthetic


def _assemble(table, synthetic, kept, marker):
    """The input rows unchanged, then the synthetic rows, then the marker."""
    import pandas as pd

    table = table.copy()
    for column in kept:
        # Nullable integers, so empty cells of synthetic rows keep ids like 3 from
        # becoming 3.0.
        if pd.api.types.is_integer_dtype(table[column]):
            table[column] = table[column].astype("Int64")
    result = pd.concat([table, synthetic], ignore_index=True)[list(table.columns)]
    flags = pd.Series([False] * len(table) + [True] * len(synthetic), name=marker)
    return pd.concat([result, flags], axis=1)


def _added(labels):
    import pandas as pd

    added = pd.Series(labels).value_counts().sort_index()
    return ", ".join(f"{k} +{v}" for k, v in added.items()) or "none needed"


def _short_report(X, y, X_synthetic, y_synthetic, seed):
    from . import quality_report
    from ._realism import SEPARABLE_AUC

    report = quality_report(X, y, X_synthetic, y_synthetic, random_state=seed)
    table = report[["class", "detection_auc", "wasserstein", "memorisation"]].copy()
    # Only the reasons for the values shown here, and the sampler's own
    # verdict on separable rows.
    separable = (report["detection_auc"] >= SEPARABLE_AUC) & (report["class"] != "all")
    table["note"] = [
        "; ".join(
            [SEPARABLE_NOTE] * bool(fake)
            + [p for p in note.split("; ") if p and not p.startswith("tstr")]
        )
        for note, fake in zip(report["note"], separable)
    ]
    table = table.rename(
        columns={
            "detection_auc": "detection AUC",
            "wasserstein": "Wasserstein",
            "note": "",
        }
    )
    advice = (
        f"\n{SEPARABLE_NOTE}: a classifier tells these rows from real ones "
        f"(detection AUC >= {SEPARABLE_AUC}); try a source closer to the input, "
        "or --mode interpolate (no source rows)."
        if separable.any()
        else ""
    )
    return (
        "quality of the synthetic rows (ideal: detection AUC 0.5, Wasserstein 0, "
        "memorisation about 0.5):\n"
        + table.to_string(index=False, na_rep="-", float_format="{:.3f}".format)
        + advice
    )


# How --report marks a class whose synthetic rows are trivially separable.
SEPARABLE_NOTE = "DETECTABLY FAKE"


def _categorical(values, features):
    """``categorical_features`` from the --categorical options: names or 'auto'."""
    names = [c.strip() for item in values for c in item.split(",") if c.strip()]
    if not names:
        return None
    if names == ["auto"]:
        return "auto"
    unknown = [c for c in names if c not in features]
    if unknown:
        raise CLIError(
            f"--categorical names {_preview(unknown)}, which are not feature "
            f"columns (features: {_preview(features)})"
        )
    return names


def _sampling_strategy(text):
    if text in STRATEGIES:
        return text
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is none of {', '.join(STRATEGIES)}, a number, or a JSON object"
        ) from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict) and all(isinstance(v, int) for v in value.values()):
        return value
    raise argparse.ArgumentTypeError(
        f"{text!r}: a JSON sampling strategy must map classes to whole numbers of rows"
    )


def _match_labels(strategy, y):
    """JSON keys are strings; map them onto the labels as the table typed them."""
    if not isinstance(strategy, dict):
        return strategy
    import numpy as np

    by_text = {str(label): label for label in np.unique(y)}
    unknown = [k for k in strategy if k not in by_text]
    if unknown:
        raise CLIError(
            f"--sampling-strategy names unknown class(es) {unknown}; the label "
            f"column holds {sorted(by_text)}"
        )
    return {by_text[k]: v for k, v in strategy.items()}


def _read_source(path):
    """The --source path, once its header is known to be readable."""
    if path is None:
        return None
    from ._io import is_table, read_source, table_columns

    # Only the header (a table's columns, a .npy file's shape, dtype and size)
    # is read now, so that a bad source fails before training; the sampler
    # streams the rows.
    if is_table(path):
        table_columns(path)
    else:
        read_source(path)
    return str(path)


# -- extract -------------------------------------------------------------------


def _extract(args):
    from .audio import OpenSmileFeatures

    if not args.folder.is_dir():
        raise CLIError(f"{args.folder} is not a folder")
    files = sorted(args.folder.glob(args.pattern))
    files = [f for f in files if f.is_file()]
    if not files:
        raise CLIError(f"no files match {args.pattern!r} in {args.folder}")
    check_output(args.output, args.overwrite, error=CLIError)  # before the slow part
    extractor = OpenSmileFeatures(
        args.feature_set, n_jobs=args.n_jobs, verbose=0 if args.quiet else 1
    )
    features = extractor.fit_transform([str(f) for f in files])
    features.insert(0, "file", [f.relative_to(args.folder).as_posix() for f in files])
    write_table(features.reset_index(drop=True), args.output)
    print(
        f"wrote {features.shape[1] - 1} {args.feature_set} features of "
        f"{len(files)} files "
        f"to {args.output}"
    )


def _feature_set(name):
    from .audio import FEATURE_SETS

    if name not in FEATURE_SETS:
        raise argparse.ArgumentTypeError(
            f"{name!r} is not one of {', '.join(FEATURE_SETS)}"
        )
    return name


def _preview(names, limit=8):
    names = [str(n) for n in names]
    more = f", … ({len(names)} in all)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _version():
    from . import __version__

    return __version__


if __name__ == "__main__":
    sys.exit(main())
