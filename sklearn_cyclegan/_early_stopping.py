"""Early stopping of joint training on rows held back from each class.

GAN losses do not say when the generated rows are best: generator and
discriminators trade places.  Instead, a fraction of every class's rows is
held back, and after each joint epoch the rows G_k makes from a fixed set of
source rows are compared with the held-back rows of class k.  The distance is
the mean over classes and features of the 1-D Wasserstein distance between
the two samples' quantiles in min-max scaled space: cheap, defined for any
sample sizes, and zero only when every feature's distribution matches.
skorch's ``EarlyStopping`` watches it, from the first
joint epoch on, and restores the best epoch's weights.
"""

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping

__all__ = [
    "JointEarlyStopping",
    "ValidationDistance",
    "hold_out",
    "split_validation",
]

# Source rows pushed through the generators per validation; enough for 101
# quantiles, small enough to cost less than a training batch.
VALIDATION_SOURCE_ROWS = 256
QUANTILES = torch.linspace(0, 1, 101)


def split_validation(y_encoded, n_classes, fraction, rng, min_train):
    """Boolean mask of held-back rows: ``fraction`` of each class, at least one.

    Raises
    ------
    ValueError
        When a class would keep fewer than ``min_train`` rows for training.
    """
    held = np.zeros(len(y_encoded), dtype=bool)
    for k in range(n_classes):
        rows = np.flatnonzero(y_encoded == k)
        n_valid = max(1, int(round(fraction * len(rows))))
        if len(rows) - n_valid < min_train:
            raise ValueError(
                f"early_stopping holds back {n_valid} row(s) of a class with "
                f"{len(rows)}, leaving fewer than {min_train} to train on; every class "
                f"needs at least {min_train + 1} rows, or set early_stopping=False."
            )
        held[rng.choice(rows, n_valid, replace=False)] = True
    return held


class ValidationDistance(Callback):
    """Record ``valid_distance`` after every joint epoch.

    Parameters
    ----------
    valid_rows : list of ndarray
        Held-back scaled rows of each class.
    source_rows : torch.Tensor of shape (n, n_features)
        Fixed scaled source rows the generators transform each time.
    """

    def __init__(self, valid_rows, source_rows):
        self.valid_rows = valid_rows
        self.source_rows = source_rows

    def on_train_begin(self, net, **kwargs):
        self.valid_quantiles_ = torch.stack(
            [
                torch.quantile(
                    torch.as_tensor(rows, dtype=torch.float32), QUANTILES, dim=0
                )
                for rows in self.valid_rows
            ]
        )

    def on_epoch_end(self, net, **kwargs):
        if net.phase_ != "joint":
            return
        n_classes = len(self.valid_rows)
        rows = self.source_rows
        # Rows shared by all classes, or (with per-class sources) one block each.
        if rows.ndim == 2:
            rows = rows.expand(n_classes, -1, -1)
        generated = net.transfer(rows)
        quantiles = torch.quantile(generated, QUANTILES, dim=1).transpose(0, 1)
        distance = (quantiles - self.valid_quantiles_).abs().mean()
        net.history.record("valid_distance", float(distance))


class JointEarlyStopping(EarlyStopping):
    """skorch's EarlyStopping, counting joint epochs only.

    Pre-training epochs record no ``valid_distance``; patience starts with
    the first joint epoch.  When it stops training, the history's last row
    gets ``stopped_early=True``.
    """

    def __init__(
        self,
        monitor="valid_distance",
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        lower_is_better=True,
        sink=print,
        load_best=True,
    ):
        super().__init__(
            monitor=monitor,
            patience=patience,
            threshold=threshold,
            threshold_mode=threshold_mode,
            lower_is_better=lower_is_better,
            sink=sink,
            load_best=load_best,
        )

    def on_epoch_end(self, net, **kwargs):
        if self.monitor not in net.history[-1]:
            return
        try:
            super().on_epoch_end(net, **kwargs)
        except KeyboardInterrupt:
            net.history.record("stopped_early", True)
            raise


def hold_out(X_scaled, y_encoded, source, fraction, seed, min_train):
    """Split off early stopping's validation rows and its fixed source rows.

    Parameters
    ----------
    X_scaled : ndarray of shape (n_samples, n_features)
        The scaled training rows.
    y_encoded : ndarray of shape (n_samples,)
        Class index of each row.
    source : SourceRows
        The source the generators translate.
    fraction : float
        Share of each class's rows held back.
    seed : int
        Seeds the choice of rows.
    min_train : int
        Rows each class must keep for training.

    Returns
    -------
    train : ndarray of bool of shape (n_samples,)
        The rows to train on.
    validation : tuple
        ``ValidationDistance``'s arguments: held-back rows per class and the
        source rows the generators translate at each check.
    """
    n_classes = int(y_encoded.max()) + 1
    rng = np.random.default_rng([seed, 2])
    train = ~split_validation(y_encoded, n_classes, fraction, rng, min_train)
    picks = rng.choice(
        source.n_rows, min(source.n_rows, VALIDATION_SOURCE_ROWS), replace=False
    )
    if source.n_groups is not None:
        picks = np.stack([source.offset(k) + picks for k in range(n_classes)])
    held = [X_scaled[~train & (y_encoded == k)] for k in range(n_classes)]
    return train, (held, source.take(picks))
