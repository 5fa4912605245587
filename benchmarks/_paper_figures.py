"""Figures of the paper reproduction (matplotlib, PNG)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import confusion_matrix  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

__all__ = ["confusion_figure", "feature_figure", "loss_figure"]

# A dozen IS09 functionals spanning energy, pitch, voicing, zero crossings and MFCCs.
FEATURES = [
    "pcm_RMSenergy_sma_amean",
    "pcm_RMSenergy_sma_stddev",
    "pcm_RMSenergy_sma_max",
    "F0_sma_amean",
    "F0_sma_stddev",
    "F0_sma_range",
    "voiceProb_sma_amean",
    "pcm_zcr_sma_amean",
    "pcm_fftMag_mfcc_sma[1]_amean",
    "pcm_fftMag_mfcc_sma[2]_amean",
    "pcm_fftMag_mfcc_sma[4]_stddev",
    "pcm_RMSenergy_sma_de_stddev",
]


def feature_figure(X, y, source, synthetic, path, features=FEATURES):
    """Figure 2 analogue: per-feature mean ± std of source, synthetic and target.

    Each corpus is min-max scaled on its own (synthetic rows with the
    target's scaler), the units the CycleGANs work in.
    """
    features = [f for f in features if f in X.columns]
    cols = [X.columns.get_loc(f) for f in features]
    target_scaler = MinMaxScaler().fit(X)
    tgt = target_scaler.transform(X)[:, cols]
    src = MinMaxScaler().fit_transform(source[X.columns])[:, cols]
    X_syn, y_syn = synthetic
    if not hasattr(X_syn, "columns"):
        X_syn = pd.DataFrame(X_syn, columns=X.columns)
    syn = target_scaler.transform(X_syn[X.columns])[:, cols]
    classes = np.unique(y)
    fig, axes = plt.subplots(
        len(classes), 1, figsize=(11, 2.6 * len(classes)), sharex=True
    )
    pos = np.arange(len(features))
    for ax, c in zip(np.atleast_1d(axes), classes):
        for shift, (label, rows, color) in zip(
            (-0.25, 0.0, 0.25),
            (
                ("source (TESS)", src, "tab:gray"),
                ("synthetic", syn[y_syn == c], "tab:orange"),
                ("target (EmoDB)", tgt[y == c], "tab:blue"),
            ),
        ):
            ax.errorbar(
                pos + shift,
                rows.mean(0),
                yerr=rows.std(0),
                fmt="o",
                ms=4,
                capsize=2,
                color=color,
                label=label,
            )
        ax.set_ylabel(f"{c}\n(min-max)")
        ax.set_ylim(-0.2, 1.2)
        ax.grid(alpha=0.3)
    axes[0].legend(ncol=3, fontsize=8, loc="upper right")
    axes[-1].set_xticks(
        pos,
        [f.replace("pcm_", "").replace("_sma", "") for f in features],
        rotation=40,
        ha="right",
        fontsize=8,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def confusion_figure(y_true, predictions, labels, path):
    """Figure 3 analogue: row-normalised confusion matrices side by side.

    Parameters
    ----------
    predictions : dict
        ``{title: y_pred}``, pooled over the folds of one seed.
    """
    fig, axes = plt.subplots(1, len(predictions), figsize=(3.6 * len(predictions), 3.4))
    for ax, (title, y_pred) in zip(np.atleast_1d(axes), predictions.items()):
        cm = confusion_matrix(y_true, y_pred, labels=labels, normalize="true")
        ax.imshow(cm, vmin=0, vmax=1, cmap="Blues")
        for i in range(len(labels)):
            for j in range(len(labels)):
                ax.text(
                    j,
                    i,
                    f"{100 * cm[i, j]:.0f}",
                    ha="center",
                    va="center",
                    color="white" if cm[i, j] > 0.5 else "black",
                    fontsize=9,
                )
        ax.set_xticks(range(len(labels)), labels, rotation=30, fontsize=8)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("predicted")
    np.atleast_1d(axes)[0].set_ylabel("true")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def loss_figure(histories, path):
    """Per-epoch GAN losses from ``history_`` of fitted oversamplers.

    Parameters
    ----------
    histories : dict
        ``{title: skorch History}``.
    """
    terms = ["cycle_loss", "discriminator_loss", "adversarial_loss", "classifier_loss"]
    fig, axes = plt.subplots(1, len(terms), figsize=(15, 3.2))
    for title, history in histories.items():
        phase = np.array(history[:, "phase"])
        for ax, term in zip(axes, terms):
            values = np.array(
                [
                    row.get(term, np.nan) if isinstance(row, dict) else np.nan
                    for row in _epoch_terms(history, term)
                ],
                dtype=float,
            )
            ax.plot(np.arange(len(values)), values, label=title, lw=1)
            ax.set_title(term, fontsize=9)
            ax.set_xlabel("epoch")
    start = int(np.argmax(phase != phase[0])) if (phase != phase[0]).any() else 0
    for ax in axes:
        if start:
            ax.axvline(start, color="k", lw=0.5, ls="--")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _epoch_terms(history, term):
    """Mean of ``term`` over each epoch's batches (NaN where it was not recorded)."""
    for epoch in history:
        values = [b[term] for b in epoch["batches"] if term in b]
        yield {term: float(np.mean(values))} if values else {}
