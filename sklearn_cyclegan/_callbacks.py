"""skorch callbacks for the side concerns of CycleGAN training."""

import math

from skorch.callbacks import Callback

__all__ = ["DivergenceError", "DivergenceGuard", "StepDecay", "EpochProgress"]


class DivergenceError(RuntimeError):
    """Training produced a non-finite loss or non-finite synthetic rows."""


class DivergenceGuard(Callback):
    """Stop training as soon as any recorded loss term is NaN or infinite.

    A diverged GAN would otherwise go on and emit NaN rows.
    """

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        record = net.history[-1]["batches"][-1]
        for name, value in record.items():
            if name.endswith("_loss") and not math.isfinite(value):
                raise DivergenceError(
                    f"CycleGAN training diverged at epoch {len(net.history)} "
                    f"({net.phase_} phase): {name} = {value}. Lower the learning "
                    "rate, check the input scale, or try another random_state."
                )


class StepDecay(Callback):
    """Multiply the joint-phase learning rate by ``factor`` every ``every`` epochs.

    The rate is derived from the number of joint epochs in the history rather
    than kept as scheduler state, so continuing a fit resumes the schedule.

    Parameters
    ----------
    every : int, default=50
    factor : float, default=0.8
    """

    def __init__(self, every=50, factor=0.8):
        self.every = every
        self.factor = factor

    def on_epoch_begin(self, net, **kwargs):
        done = len(net.history) - 1 - net.pretrain_epochs
        if done < 0:
            return
        lr = net.lr * self.factor ** (done // self.every)
        for optimizer in (net.optimizer_generator_, net.optimizer_discriminator_):
            for group in optimizer.param_groups:
                group["lr"] = lr


class EpochProgress(Callback):
    """A tqdm progress bar over epochs, with the latest losses beside it."""

    def __init__(self, keys=("cycle_loss", "adversarial_loss", "discriminator_loss")):
        self.keys = keys

    def on_train_begin(self, net, **kwargs):
        from tqdm.auto import tqdm

        total = net.pretrain_epochs + net.max_epochs
        self.bar_ = tqdm(total=total, initial=len(net.history), desc="CycleGAN",
                         unit="epoch", leave=False)

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        self.bar_.set_postfix({k: f"{row[k]:.3g}" for k in self.keys if k in row},
                              refresh=False)
        self.bar_.update()

    def on_train_end(self, net, **kwargs):
        self.bar_.close()
