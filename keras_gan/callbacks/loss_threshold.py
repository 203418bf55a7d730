"""Stop training when a logged loss crosses a threshold."""

import math

from keras import callbacks

__all__ = [
    "LossThreshold",
]


class LossThreshold(callbacks.Callback):
    """Stops training when a logged value crosses a threshold.

    Keras's `EarlyStopping` stops when a value stops improving; this stops
    when it reaches a level, the loss-threshold rule of the algorithm (for
    example `g_loss` below a target, or `d_loss` above one, which says the
    discriminator is losing).

    Args:
        monitor: The logged key to watch. Defaults to `"g_loss"`.
        threshold: The level.
        mode: `"below"` stops when the value is `<= threshold`, `"above"`
            when it is `>= threshold`. Defaults to `"below"`.
        every_n_steps: Check the epoch's running mean every this many steps
            instead of at epoch ends. Defaults to `None`.
    """

    def __init__(
        self, threshold, monitor="g_loss", mode="below", every_n_steps=None
    ):
        super().__init__()
        if mode not in ("below", "above"):
            raise ValueError(
                "Invalid value for argument `mode`. Expected one of "
                f"{{'below', 'above'}}. Received: mode={mode!r}"
            )
        if not math.isfinite(threshold):
            raise ValueError(
                "Invalid value for argument `threshold`. Expected a finite "
                f"float. Received: threshold={threshold}"
            )
        self.threshold = float(threshold)
        self.monitor = monitor
        self.mode = mode
        self.every_n_steps = every_n_steps

    def on_train_begin(self, logs=None):
        self.stopped_step = None

    def on_train_batch_end(self, batch, logs=None):
        if self.every_n_steps and (batch + 1) % self.every_n_steps == 0:
            self._check(logs)

    def on_epoch_end(self, epoch, logs=None):
        if not self.every_n_steps:
            self._check(logs)

    def _check(self, logs):
        if not logs or self.monitor not in logs:
            raise ValueError(
                f"LossThreshold monitors `{self.monitor}`, which is not "
                f"logged. Available keys: {sorted(logs or {})}"
            )
        value = float(logs[self.monitor])
        crossed = (
            value <= self.threshold
            if self.mode == "below"
            else value >= self.threshold
        )
        if crossed:
            self.model.stop_training = True
            self.stopped_step = self.model.generator_steps
