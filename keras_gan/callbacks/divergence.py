"""Stop training as soon as a logged loss is NaN or infinite."""

import math

from keras import callbacks

__all__ = [
    "TerminateOnNonFinite",
]


class TerminateOnNonFinite(callbacks.Callback):
    """Stops training when a monitored logged value is NaN or infinite.

    Unlike `keras.callbacks.TerminateOnNaN`, it watches the GAN's two
    losses (and any other keys named), records the generator step at which
    the value went bad, and the key and value, so the caller can say where
    training diverged. A diverged GAN does not recover: its weights are
    (or are about to be) non-finite, so the caller should resume from the
    last checkpoint with a lower learning rate. With `steps_per_execution`
    above 1 the logs, and so the recorded step, come once per execution.

    Args:
        monitor: Logged keys to check after every batch; keys missing from
            the logs are ignored. Defaults to `("d_loss", "g_loss")`.

    Attributes:
        stopped_step: The generator step after which a monitored value was
            not finite, or `None`.
        stopped_key: That key, or `None`.
        stopped_value: That value, or `None`.
    """

    def __init__(self, monitor=("d_loss", "g_loss")):
        super().__init__()
        if isinstance(monitor, str):
            monitor = (monitor,)
        self.monitor = tuple(monitor)
        if not self.monitor:
            raise ValueError(
                "Invalid value for argument `monitor`. Expected at least "
                f"one logged key. Received: monitor={monitor!r}"
            )
        self.stopped_step = None
        self.stopped_key = None
        self.stopped_value = None

    def on_train_begin(self, logs=None):
        self.stopped_step = None
        self.stopped_key = None
        self.stopped_value = None

    def on_train_batch_end(self, batch, logs=None):
        if self.stopped_step is not None or not logs:
            return
        for key in self.monitor:
            if key not in logs:
                continue
            value = float(logs[key])
            if not math.isfinite(value):
                self.stopped_step = self.model.generator_steps
                self.stopped_key = key
                self.stopped_value = value
                self.model.stop_training = True
                return

    def message(self):
        """Says where training diverged, or `None` when it did not."""
        if self.stopped_step is None:
            return None
        return (
            f"{self.stopped_key} became {self.stopped_value} at step "
            f"{self.stopped_step}"
        )
