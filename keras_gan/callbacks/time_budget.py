"""Stop training when a wall-clock time budget is spent."""

import math

from keras import callbacks

from keras_gan.clock import TrainingClock

__all__ = ["TimeBudget"]


class TimeBudget(callbacks.Callback):
    """Stops training once `max_seconds` of training time are spent.

    Training time is the time inside `fit`, kept by a
    `keras_gan.clock.TrainingClock`: it runs from `on_train_begin` to
    `on_train_end`, summed over every `fit` the instance is passed to (a
    budget for all of them), on top of `elapsed_seconds` spent before (by
    the earlier runs a resumed run continues). Given the `clock` of a
    caller that runs it itself (around several `fit` calls, say), the
    budget reads that clock and leaves starting and stopping it to the
    caller. The check runs after every step (every execution with
    `steps_per_execution > 1`), so training ends within one step of the
    budget, then finishes its epoch's callbacks. Keras runs at least one
    step per `fit` call: do not call `fit` when the budget is spent
    already (`remaining_seconds` says).

    Args:
        max_seconds: The budget, in seconds.
        elapsed_seconds: Training time already spent before this `fit`;
            only without `clock`. Defaults to `0.0`.
        clock: A `TrainingClock` to read instead of a clock of its own.
            Defaults to `None`.

    Example:

    ```python
    gan.fit(data, epochs=100, callbacks=[TimeBudget(30 * 60)])
    ```
    """

    def __init__(self, max_seconds, elapsed_seconds=0.0, clock=None):
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
        if clock is not None and elapsed_seconds:
            raise ValueError(
                "Expected `elapsed_seconds` or `clock`, not both: the clock "
                "holds the time spent. Received: elapsed_seconds="
                f"{elapsed_seconds!r} and a clock"
            )
        self.max_seconds = float(max_seconds)
        self.clock = TrainingClock(elapsed_seconds) if clock is None else clock
        self._started_clock = False
        self.stopped_step = None

    @property
    def elapsed_seconds(self):
        """Training time spent so far, earlier runs included."""
        return self.clock.elapsed_seconds

    @property
    def remaining_seconds(self):
        """What is left of the budget (never negative)."""
        return max(0.0, self.max_seconds - self.elapsed_seconds)

    def on_train_begin(self, logs=None):
        # A clock its owner already runs is the owner's to stop.
        self._started_clock = not self.clock.running
        self.clock.start()
        self.stopped_step = None

    def on_train_end(self, logs=None):
        if self._started_clock:
            self.clock.stop()
            self._started_clock = False

    def on_train_batch_end(self, batch, logs=None):
        if self.elapsed_seconds >= self.max_seconds:
            self.model.stop_training = True
            self.stopped_step = self.model.generator_steps
