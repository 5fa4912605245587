"""Training data of the per-class CycleGANs and their epochs of batches.

An epoch follows the authors' code: ``floor(n / batch_size)`` batches where
``n`` is the size of the smallest set (the source or any class), every set
reshuffled each epoch, and the last partial batch dropped.  Each class draws
its own independent shuffle of the source.  When the smallest set has fewer
rows than ``batch_size`` the batch shrinks to that set's size, so small
classes still train (the authors' code would run zero batches).
"""

import numpy as np
import torch

__all__ = ["CycleGANData", "EpochBatches"]


class CycleGANData:
    """Source rows and the rows of every class, already min-max scaled.

    Parameters
    ----------
    source : SourceRows
        The unlabelled source domain.
    targets : list of ndarray
        Scaled rows of each class, in class order.
    rng : numpy.random.Generator
        Draws every shuffle, so a seeded generator makes epochs reproducible.
    """

    def __init__(self, source, targets, rng):
        self.source = source
        self.class_sizes = np.array([len(t) for t in targets])
        n_features = targets[0].shape[1]
        padded = np.zeros(
            (len(targets), self.class_sizes.max(), n_features), np.float32
        )
        for k, rows in enumerate(targets):
            padded[k, : len(rows)] = rows
        # One padded (K, n_max, d) tensor lets a single gather fetch all classes.
        self.targets = torch.from_numpy(padded)
        self.rng = rng

    @property
    def n_classes(self):
        return len(self.class_sizes)

    def __len__(self):
        return int(self.class_sizes.sum())


class EpochBatches:
    """One epoch of ``(source, target)`` batches of shape ``(K, B, d)`` each.

    Iterating again starts a new epoch with fresh shuffles.
    """

    def __init__(self, data, batch_size, device="cpu"):
        self.data = data
        smallest = min(data.source.n_rows, int(data.class_sizes.min()))
        self.batch_size = min(batch_size, smallest)
        self.n_batches = smallest // self.batch_size
        self.device = device
        self._targets = data.targets.to(device)

    def __len__(self):
        return self.n_batches

    def __iter__(self):
        data, rng, size = self.data, self.data.rng, self.n_batches * self.batch_size
        source_idx = np.stack(
            [
                data.source.offset(k)
                + rng.choice(data.source.n_rows, size, replace=False)
                for k in range(data.n_classes)
            ]
        )
        target_idx = torch.from_numpy(
            np.stack([rng.permutation(n)[:size] for n in data.class_sizes])
        ).to(self.device)
        classes = torch.arange(data.n_classes, device=self.device)[:, None]
        for start in range(0, size, self.batch_size):
            stop = start + self.batch_size
            source = data.source.take(source_idx[:, start:stop]).to(self.device)
            yield source, self._targets[classes, target_idx[:, start:stop]]
        data.source.release()
