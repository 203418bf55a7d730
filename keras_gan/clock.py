"""`TrainingClock`: training time, summed over runs and `fit` calls."""

import time

__all__ = ["TrainingClock"]


class TrainingClock:
    """Training time: what was spent before plus the span running now.

    The clock runs between `start()` and `stop()` (or inside a `with`
    block) and adds each span to what it holds, so one clock can count
    every `fit` of a run and, through `elapsed_seconds`, the earlier runs
    a resumed run continues. Starting a running clock or stopping a
    stopped one does nothing.

    Args:
        elapsed_seconds: Time already spent before this clock was made.
            Defaults to `0.0`.

    Example:

    ```python
    clock = TrainingClock(elapsed_seconds=saved_seconds)
    with clock:
        gan.fit(data, epochs=10)
    saved_seconds = clock.elapsed_seconds
    ```
    """

    def __init__(self, elapsed_seconds=0.0):
        self._spent = float(elapsed_seconds)
        self._start = None

    @property
    def running(self):
        """Whether a span is being counted now."""
        return self._start is not None

    @property
    def elapsed_seconds(self):
        """The time spent so far, the running span included."""
        if self._start is None:
            return self._spent
        return self._spent + time.monotonic() - self._start

    def start(self):
        """Starts a span, unless one is running."""
        if self._start is None:
            self._start = time.monotonic()

    def stop(self):
        """Ends the running span and adds it to the time spent."""
        self._spent = self.elapsed_seconds
        self._start = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()
