"""Stop training when a wall-clock time budget is spent."""

import math
import time

from keras import callbacks


class TimeBudget(callbacks.Callback):
    """Stops training once `max_seconds` of training time are spent.

    Training time is the time inside `fit`: the clock runs from
    `on_train_begin` to `on_train_end`, summed over every `fit` the
    instance is passed to (a budget for all of them), on top of
    `elapsed_seconds` spent before (by the earlier runs a resumed run
    continues). The check runs after every step (every
    execution with `steps_per_execution > 1`), so training ends within one
    step of the budget, then finishes its epoch's callbacks. Keras runs at
    least one step per `fit` call: do not call `fit` when the budget is
    spent already (`remaining_seconds` says).

    Args:
        max_seconds: The budget, in seconds.
        elapsed_seconds: Training time already spent before this `fit`.
            Defaults to `0.0`.

    Example:

    ```python
    gan.fit(data, epochs=100, callbacks=[TimeBudget(30 * 60)])
    ```
    """

    def __init__(self, max_seconds, elapsed_seconds=0.0):
        super().__init__()
        for name, value, minimum in (
            ("max_seconds", max_seconds, "a positive"),
            ("elapsed_seconds", elapsed_seconds, "a non-negative"),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value < 0
                or (name == "max_seconds" and value == 0)
            ):
                raise ValueError(
                    f"Invalid value for argument `{name}`. Expected "
                    f"{minimum} finite number. Received: {name}={value!r}"
                )
        self.max_seconds = float(max_seconds)
        self._spent = float(elapsed_seconds)
        self._start = None
        self.stopped_step = None

    @property
    def elapsed_seconds(self):
        """Training time spent so far, earlier runs included."""
        if self._start is None:
            return self._spent
        return self._spent + time.monotonic() - self._start

    @property
    def remaining_seconds(self):
        """What is left of the budget (never negative)."""
        return max(0.0, self.max_seconds - self.elapsed_seconds)

    def on_train_begin(self, logs=None):
        self._start = time.monotonic()
        self.stopped_step = None

    def on_train_end(self, logs=None):
        self._spent = self.elapsed_seconds
        self._start = None

    def on_train_batch_end(self, batch, logs=None):
        if self.elapsed_seconds >= self.max_seconds:
            self.model.stop_training = True
            self.stopped_step = self.model.generator_steps
