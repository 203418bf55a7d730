"""Timing training side by side: interleaved windows, medians.

The machines this runs on are shared and noisy: another process can halve
the speed for a minute. So the trainers being compared do not run one
after the other; their timed windows are interleaved, round-robin, in one
process: window 1 of every trainer, then window 2 of every trainer, and
so on. A slow minute then slows every trainer's window in it alike, and
the median over windows of each trainer is compared.

Each trainer runs in its own thread with one ordinary `fit` call (one
epoch per window, so `fit`'s per-step callbacks and data iterator are
those a user gets); a callback makes the threads take turns, so exactly
one trainer runs at any time. The matmul peak takes its turns the same
way.
"""

import dataclasses
import resource
import statistics
import sys
import threading
import time

import keras
import psutil

__all__ = [
    "Turns",
    "Windows",
    "fit_participant",
    "function_participant",
    "peak_resident_bytes",
    "resident_bytes",
    "run_interleaved",
    "time_pipeline",
]


def resident_bytes():
    """The process's current resident set size, in bytes."""
    return psutil.Process().memory_info().rss


def peak_resident_bytes():
    """The process's peak resident set size so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in bytes on macOS, in KiB on Linux.
    return peak if sys.platform == "darwin" else peak * 1024


@dataclasses.dataclass
class Windows:
    """The timed windows of one participant.

    Attributes:
        steps_per_window: Steps (or other units of work) per window.
        window_seconds: Wall time of each timed window.
        window_cpu_seconds: CPU time the whole process used in each timed
            window (all threads): unlike wall time, barely affected by
            other processes taking the CPUs.
        warmup_seconds: Wall time of the untimed warm-up windows.
        resident_bytes: `(steps done, RSS)` after every window, warm-up
            included.
        error: The exception that stopped the participant, if one did.
    """

    steps_per_window: int
    window_seconds: list = dataclasses.field(default_factory=list)
    window_cpu_seconds: list = dataclasses.field(default_factory=list)
    warmup_seconds: float = 0.0
    resident_bytes: list = dataclasses.field(default_factory=list)
    error: BaseException | None = None

    @property
    def seconds_per_step(self):
        """Median seconds per step over the timed windows."""
        return statistics.median(self.window_seconds) / self.steps_per_window

    @property
    def cpu_seconds_per_step(self):
        """Median CPU seconds (all threads) per step."""
        return (
            statistics.median(self.window_cpu_seconds) / self.steps_per_window
        )

    @property
    def spread(self):
        """(slowest - fastest) / median window: how noisy the run was."""
        times = self.window_seconds
        return (max(times) - min(times)) / statistics.median(times)


class Turns:
    """Lets `count` participants run one window each, in turn.

    Participant `i` calls `acquire(i)` before a window and `release(i)`
    after it, and `leave(i)` when it is done (or failed): the others then
    go on without it.
    """

    def __init__(self, count):
        self._condition = threading.Condition()
        self._active = list(range(count))
        self._turn = 0 if count else None

    def acquire(self, index):
        with self._condition:
            self._condition.wait_for(lambda: self._turn == index)

    def release(self, index):
        with self._condition:
            position = self._active.index(index)
            self._turn = self._active[(position + 1) % len(self._active)]
            self._condition.notify_all()

    def leave(self, index):
        with self._condition:
            if index not in self._active:
                return
            position = self._active.index(index)
            self._active.remove(index)
            if self._turn == index:
                self._turn = (
                    self._active[position % len(self._active)]
                    if self._active
                    else None
                )
            self._condition.notify_all()


class _TurnTimer(keras.callbacks.Callback):
    """Makes each `fit` epoch one turn and times it."""

    def __init__(self, turns, index, windows, warmup_windows):
        super().__init__()
        self.turns = turns
        self.index = index
        self.windows = windows
        self.warmup_windows = warmup_windows

    def on_epoch_begin(self, epoch, logs=None):
        self.turns.acquire(self.index)
        self._start = time.perf_counter()
        self._cpu_start = time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._start
        cpu_seconds = time.process_time() - self._cpu_start
        windows = self.windows
        windows.resident_bytes.append(
            ((epoch + 1) * windows.steps_per_window, resident_bytes())
        )
        if epoch < self.warmup_windows:
            windows.warmup_seconds += seconds
        else:
            windows.window_seconds.append(seconds)
            windows.window_cpu_seconds.append(cpu_seconds)
        self.turns.release(self.index)


def fit_participant(model, dataset, steps_per_window):
    """A participant that trains `model` on `dataset` with `fit`.

    Args:
        model: A compiled model whose `fit` takes `dataset`.
        dataset: An endless `tf.data.Dataset`.
        steps_per_window: Steps per window: one `fit` epoch. A multiple of
            the model's `steps_per_execution`.

    Returns:
        A function `(turns, index, windows, warmup_windows) -> Windows`.
    """

    def run(turns, index, count, warmup_windows):
        result = Windows(steps_per_window)
        timer = _TurnTimer(turns, index, result, warmup_windows)
        model.fit(
            dataset,
            epochs=warmup_windows + count,
            steps_per_epoch=steps_per_window,
            callbacks=[timer],
            shuffle=False,  # datasets shuffle themselves
            verbose=0,
        )
        return result

    return run


def function_participant(window_function, steps_per_window=1):
    """A participant whose window is one call of `window_function()`."""

    def run(turns, index, count, warmup_windows):
        result = Windows(steps_per_window)
        for window in range(warmup_windows + count):
            turns.acquire(index)
            start = time.perf_counter()
            cpu_start = time.process_time()
            window_function()
            seconds = time.perf_counter() - start
            cpu_seconds = time.process_time() - cpu_start
            if window < warmup_windows:
                result.warmup_seconds += seconds
            else:
                result.window_seconds.append(seconds)
                result.window_cpu_seconds.append(cpu_seconds)
            turns.release(index)
        return result

    return run


def run_interleaved(participants, windows, warmup_windows=1):
    """Runs participants' windows round-robin, one at a time.

    Args:
        participants: `{name: participant}`, from `fit_participant` or
            `function_participant`.
        windows: Timed windows per participant.
        warmup_windows: Untimed windows each participant runs first (in
            turn too). Defaults to `1`.

    Returns:
        `{name: Windows}`; a participant that failed has `error` set and
        the windows it managed.
    """
    names = list(participants)
    turns = Turns(len(names))
    results = {}

    def work(index, name):
        try:
            results[name] = participants[name](
                turns, index, windows, warmup_windows
            )
        except BaseException as error:  # reported, not raised in a thread
            results[name] = Windows(0, error=error)
        finally:
            turns.leave(index)

    threads = [
        threading.Thread(target=work, args=(i, n), name=f"benchmark-{n}")
        for i, n in enumerate(names)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {name: results[name] for name in names}


def time_pipeline(dataset, batches_per_window, windows, warmup_batches=None):
    """Measures how fast an input pipeline alone yields examples.

    Args:
        dataset: An endless `tf.data.Dataset` of batches (tensors, or
            tuples whose first item is the batch).
        batches_per_window: Batches per timed window.
        windows: Number of timed windows.
        warmup_batches: Batches read before timing. Defaults to `None`:
            one window's worth.

    Returns:
        The median examples per second over the windows.
    """
    iterator = iter(dataset)
    for _ in range(warmup_batches or batches_per_window):
        next(iterator)
    rates = []
    for _ in range(windows):
        examples = 0
        start = time.perf_counter()
        for _ in range(batches_per_window):
            batch = next(iterator)
            if isinstance(batch, (tuple, list)):
                batch = batch[0]
            examples += int(batch.shape[0])
        rates.append(examples / (time.perf_counter() - start))
    return statistics.median(rates)
