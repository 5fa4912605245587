"""Label-keeping translation towards the test corpus (CyCADA-style), issue 22.

Run from the repository root, one thread, one process (results are cached per
(task, arm, seed) under ``--out``, so an interrupted run resumes)::

    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
    python -m benchmarks.cycada --task nemo-urdu
    python -m benchmarks.cycada --task emodb-chicken_run
    python -m benchmarks.cycada --task nemo-urdu --table --reference pl-test

Protocol.  The cross-corpus tasks of ``benchmarks.source_study`` (training
corpus and test corpus each z-normalised on its own; nEMO's training rows
subsampled by ``PROFILE`` with the seed as ``source_study.run`` does; one split
per seed, seeds 0-4), the same evaluation classifier (``fit_score``) and UAR.
Transductive: the *test corpus's rows without labels* are the unlabelled
domain, which every arm already touches through its per-corpus z-normalisation.

The CycleGAN is the library's ``CycleGANNet`` with the fast preset's options
(hidden 128, 100 pre-training + 300 joint epochs): its source domain is the
test corpus and its class domains the labelled training rows, so the inverse
generator F_k maps class-k rows into the test corpus's style (CyCADA, Hoffman
et al. 2018; Su & Lee 2022).  ``LabelKeepingNet`` adds CyCADA's semantic
consistency term ``lambda_keep * CE(f(F_k(x)), k)`` to the generator loss,
``f`` the evaluation MLP fitted on the labelled rows and frozen.  Each
translating fit also reports the share of training rows whose translation
``f`` still gives their label, and how well a logistic regression tells the
test corpus from the training rows before and after translation (3-fold AUC)
and their spread (median per-feature std ratio to the test corpus).

Arms (``pl-test``, ``cycada`` and ``cycada-nolabel`` add rows only to the
minority classes, each up to the largest class, as SMOTE does):

* ``none``, ``smote``: as in ``source_study``.
* ``pl-test``: the test corpus's rows pseudo-labelled (``source_rows``' picks
  with the test corpus as the source, ``pseudo_labelled``): the transductive
  self-training control.
* ``cycada``: real rows + F_k(x) of class-k rows, labelled k, with the
  label-keeping term (``lambda_keep = 1``).  Class k's rows are cycled in a
  seeded order, so a class needing more rows than it has repeats translations.
* ``cycada-nolabel``: the same without the label-keeping term (the ablation).
* ``cycada-all``: ``cycada``'s fit, every training row translated (so every
  class, the largest too, has rows in the test corpus's style), then SMOTE on
  real + translated rows to balance.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from imblearn.over_sampling import SMOTE
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch.nn import functional as F

from benchmarks._paths import OUT
from benchmarks.source_study import (
    Fold,
    _path,
    align,
    classifier,
    fit_score,
    load_scores,
    load_task,
    pick_source,
    subsample,
)
from sklearn_cyclegan._callbacks import EpochSeed
from sklearn_cyclegan._data import CycleGANData
from sklearn_cyclegan._losses import CycleGANLoss
from sklearn_cyclegan._net import CycleGANNet, seeded_torch
from sklearn_cyclegan._presets import net_options
from sklearn_cyclegan._scaling import SourceRows, TargetScaler

TASKS = ("nemo-urdu", "emodb-chicken_run")
ARMS = ("none", "smote", "pl-test", "cycada", "cycada-nolabel", "cycada-all")
LAMBDA_KEEP = {"cycada": 1.0, "cycada-nolabel": 0.0, "cycada-all": 1.0}


class LabelKeepingLoss(CycleGANLoss):
    """``CycleGANLoss`` plus CyCADA's semantic consistency, CE(f(F_k(x)), k).

    Parameters
    ----------
    frozen : torch.nn.Module
        ``f``: class logits of rows in the source's (test corpus's) scaled
        space; never trained (its weights are in no optimiser).
    lambda_keep : float, default=1.0
    **kwargs
        ``CycleGANLoss``'s.
    """

    def __init__(self, frozen, lambda_keep=1.0, **kwargs):
        super().__init__(**kwargs)
        self.frozen = frozen.requires_grad_(False)
        self.lambda_keep = lambda_keep
        # Set by ``LabelKeepingNet`` around each generator step: F_k of the
        # step's class rows, which ``generators`` is not handed.
        self.translated = None

    def keep_loss(self, translated):
        """CE(f(F_k(x)), k) of ``(K, batch, d)`` translated class rows."""
        k, b, d = translated.shape
        logits = self.frozen(translated.reshape(k * b, d))
        labels = torch.arange(k, device=logits.device).repeat_interleave(b)
        return F.cross_entropy(logits, labels)

    def generators(self, *args, **kwargs):
        terms = super().generators(*args, **kwargs)
        if self.lambda_keep and self.translated is not None:
            keep = self.keep_loss(self.translated())
            terms["loss"] = terms["loss"] + self.lambda_keep * keep
        return terms


class LabelKeepingNet(CycleGANNet):
    """``CycleGANNet`` whose generator loss asks F_k(x) to keep label k.

    Pass ``criterion=LabelKeepingLoss`` with ``criterion__frozen``.  F_k runs
    once more on the class rows (a fresh dropout mask) for the term, so the
    library's generator step is reused unchanged.
    """

    def generator_step(self, source, target):
        self.criterion_.translated = lambda: self.module_.inverse(target)
        try:
            return super().generator_step(source, target)
        finally:
            self.criterion_.translated = None


def frozen_classifier(X, y_encoded, source_scaler, seed):
    """The evaluation MLP on ``X`` as a frozen torch net on source-scaled rows.

    Its first map undoes the source's min-max scaling and applies the
    ``StandardScaler`` fitted on ``X``, so it reads F_k's output directly.
    """
    scaler = StandardScaler().fit(X)
    mlp = classifier(seed).fit(scaler.transform(X), y_encoded)
    if mlp.n_outputs_ == 1:
        raise ValueError("the label-keeping term needs at least three classes")
    # x = (s - min_) / scale_ (min-max inverse); u = (x - mean) / std.
    a = 1.0 / (source_scaler.scale_ * scaler.scale_)
    b = (-source_scaler.min_ / source_scaler.scale_ - scaler.mean_) / scaler.scale_
    layers = [torch.nn.Linear(len(a), len(a))]
    with torch.no_grad():
        layers[0].weight.copy_(torch.diag(torch.as_tensor(a, dtype=torch.float32)))
        layers[0].bias.copy_(torch.as_tensor(b, dtype=torch.float32))
    for i, (W, c) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        if i:
            layers.append(torch.nn.ReLU())
        linear = torch.nn.Linear(*W.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.as_tensor(W.T, dtype=torch.float32))
            linear.bias.copy_(torch.as_tensor(c, dtype=torch.float32))
        layers.append(linear)
    return torch.nn.Sequential(*layers).requires_grad_(False)


def translate(X, y, X_test, counts, seed, lambda_keep, net_params=None):
    """``(rows, labels, kept, moved)``: F_k of class-k rows, test corpus units.

    ``counts`` maps classes to the rows they get; ``kept`` is the share of all
    training rows whose translation the frozen classifier still gives their
    label; ``moved`` is every training row translated (the diagnostics').
    ``net_params`` overrides the fast preset's ``CycleGANNet`` options.
    """
    classes, y_encoded = np.unique(y, return_inverse=True)
    target_scaler = TargetScaler().fit(X)
    X_scaled = target_scaler.transform(X)
    source = SourceRows(X_test)
    torch_seed, batch_seed = np.random.default_rng(seed).integers(2**31, size=2)
    frozen = frozen_classifier(X, y_encoded, source.scaler, seed)
    data = CycleGANData(
        source,
        [X_scaled[y_encoded == k] for k in range(len(classes))],
        np.random.default_rng(batch_seed),
    )
    net = LabelKeepingNet(
        module__n_classes=len(classes),
        module__n_features=X.shape[1],
        criterion=LabelKeepingLoss,
        criterion__frozen=frozen,
        criterion__lambda_keep=lambda_keep,
        callbacks=[("epoch_seed", EpochSeed(int(batch_seed)))],
        device="cpu",
        verbose=0,
        **net_options("fast", False, {}, net_params),
    )
    with seeded_torch(torch_seed, "cpu"):
        net.fit(data)
    net._set_training(False)
    rng = np.random.default_rng([seed, 1])
    rows, labels, hits, every = [], [], 0, []
    with torch.no_grad():
        for k, c in enumerate(classes):
            own = torch.from_numpy(X_scaled[y_encoded == k])[None]
            moved = net.module_.inverse(own, torch.tensor([k]))[0]
            hits += int((frozen(moved).argmax(1) == k).sum())
            every.append(source.scaler.inverse_transform(moved.double()))
            order = rng.permutation(own.shape[1])
            if counts.get(c, 0):
                idx = torch.from_numpy(np.resize(order, counts[c]))
                rows.append(source.scaler.inverse_transform(moved[idx].double()))
                labels.append(np.full(len(idx), c, dtype=object))
    return np.vstack(rows), np.concatenate(labels), hits / len(y), np.vstack(every)


def spread(rows, X_test):
    """Median over features (spread in the test corpus) of the std ratio to it."""
    ref = X_test.std(axis=0)
    return float(np.median(rows.std(axis=0)[ref > 0] / ref[ref > 0]))


def domain_auc(rows, X_test, seed):
    """How well a linear model tells ``rows`` from the test corpus (3-fold AUC).

    0.5: indistinguishable; the translation is meant to lower it from the
    real training rows' value.
    """
    both = np.vstack([rows, X_test])
    is_test = np.r_[np.zeros(len(rows)), np.ones(len(X_test))]
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return float(
        cross_val_score(model, both, is_test, cv=folds, scoring="roc_auc").mean()
    )


def pseudo_labelled(fold):
    """``pl-test``'s rows: the test corpus pseudo-labelled, cycled up to the counts.

    The study's ``pick_source`` with the test corpus as the source, each row
    used once; when the classes need more rows than the test corpus has, each
    gets a share in proportion to its need (else the first class would take
    every row), and its picked rows are cycled up to its count, as
    ``translate`` cycles class rows.
    """
    counts, S = fold.counts, align(fold.X_test, fold.X)
    share = min(1.0, len(S) / sum(counts.values()))
    budget = {c: max(1, int(n * share)) for c, n in counts.items()}
    picks = pick_source(S, budget, fold.scorer)
    rows = [S[np.resize(picks[c], counts[c])] for c in counts]
    labels = [np.full(counts[c], c, dtype=object) for c in counts]
    return np.vstack(rows), np.concatenate(labels)


def timed_translate(fold, arm):
    """``translate``'s result for ``arm`` on ``fold`` and the seconds it took."""
    start = time.perf_counter()
    out = translate(
        fold.X, fold.y, fold.X_test, fold.counts, fold.seed, LAMBDA_KEEP[arm]
    )
    return (*out, time.perf_counter() - start)


def run_arm(fold, arm):
    """``{"uar", "seconds"}`` of ``arm`` on a ``source_study.Fold``.

    Translating arms add ``kept`` (see ``translate``), ``auc_real`` /
    ``auc_translated`` (``domain_auc`` of the training rows before and after
    translation) and ``spread_real`` / ``spread_translated`` (``spread``),
    computed outside ``seconds``.
    """
    start = time.perf_counter()
    result, moved, fitted = {}, None, 0.0
    if arm in LAMBDA_KEEP:
        rows, labels, result["kept"], moved, fitted = fold.shared(
            ("translate", LAMBDA_KEEP[arm]), lambda: timed_translate(fold, arm)
        )
        start = time.perf_counter()
        X, y, weight = fold.with_rows(rows, labels)
        if arm == "cycada-all":
            # ``moved`` holds every row translated, class after class.
            classes, sizes = np.unique(fold.y, return_counts=True)
            X, y = SMOTE(random_state=fold.seed).fit_resample(
                np.vstack([fold.X, moved]), np.r_[fold.y, np.repeat(classes, sizes)]
            )
    elif arm == "pl-test":
        X, y, weight = fold.with_rows(*pseudo_labelled(fold))
    else:
        X, y, weight = fold.arm(arm)
    result["uar"] = fit_score(X, y, weight, fold.X_test, fold.y_test, fold.seed)
    result["seconds"] = fitted + time.perf_counter() - start
    if moved is not None:
        result["auc_real"] = domain_auc(fold.X, fold.X_test, fold.seed)
        result["auc_translated"] = domain_auc(moved, fold.X_test, fold.seed)
        result["spread_real"] = spread(fold.X, fold.X_test)
        result["spread_translated"] = spread(moved, fold.X_test)
    return result


def run(task, arms, seeds, out):
    """Fill the cache for ``arms`` x ``seeds`` (one split each); print progress."""
    X_all, y_all, groups, profile, _, [(train, X_test, y_test)] = load_task(task)
    for seed in seeds:
        todo = [a for a in arms if not _path(out, task, a, seed, 0).exists()]
        if not todo:
            continue
        # As source_study.run: the profile seeded by (seed, fold 0).
        keep = train[subsample(y_all[train], profile, np.random.default_rng([seed, 0]))]
        fold = Fold(
            X_all[keep], y_all[keep], groups[keep], X_test, y_test, X_test, seed
        )
        for arm in todo:
            result = run_arm(fold, arm)
            path = _path(out, task, arm, seed, 0)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result))
            print(f"{task} seed {seed} {arm}: {100 * result['uar']:.1f}", flush=True)


def table(out, task, seeds, reference="smote"):
    """Markdown: mean UAR, per seed, paired difference to ``reference`` ± SE."""
    ref = load_scores(out, task, reference, seeds, 1)[0][:, 0]
    lines = [
        f"| arm | UAR % | per seed | − {reference} (± SE over seeds) | wins / losses"
        " | labels kept % | domain AUC real -> translated | std ratio real ->"
        " translated | s per fit |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for arm in ARMS:
        got = load_scores(out, task, arm, seeds, 1)
        if got is None:
            continue
        uar, seconds, runs = got[0][:, 0], got[1], got[2]
        diff = uar - ref
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
        kept = [r["kept"] for r in runs if "kept" in r]
        diagnostics = [
            " -> ".join(
                f"{np.mean([r[f'{key}_{part}'] for r in runs]):.{digits}f}"
                for part in ("real", "translated")
            )
            if "kept" in runs[0]
            else ""
            for key, digits in (("auc", 3), ("spread", 2))
        ]
        lines.append(
            f"| {arm} | {uar.mean():.2f} | {' / '.join(f'{v:.1f}' for v in uar)} | "
            f"{diff.mean():+.2f} ± {se:.2f} | {int((diff > 0).sum())} / "
            f"{int((diff < 0).sum())} | "
            + (f"{100 * np.mean(kept):.1f}" if kept else "")
            + f" | {' | '.join(diagnostics)} | {seconds:.1f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=TASKS, default="nemo-urdu")
    parser.add_argument("--arms", default=",".join(ARMS))
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--out", type=Path, default=OUT / "cycada")
    parser.add_argument("--table", action="store_true", help="only print the table")
    parser.add_argument("--reference", default="smote", help="arm of the differences")
    args = parser.parse_args(argv)
    arms = [a for a in args.arms.split(",") if a]
    unknown = set(arms) - set(ARMS)
    if unknown:
        parser.error(f"unknown arms {sorted(unknown)}; choose from {list(ARMS)}")
    seeds = [int(s) for s in args.seeds.split(",") if s]
    torch.set_num_threads(1)
    if not args.table:
        run(args.task, arms, seeds, args.out)
    print(table(args.out, args.task, seeds, args.reference))


if __name__ == "__main__":
    main()
