"""Preemption: SIGTERM or SIGINT stops training after the step in flight.

A cloud VM that is preempted gets a SIGTERM and a short grace period; a
person stops a run with Ctrl-C (SIGINT). `PreemptionStop` catches both
while `fit` runs: the signal handler only records the signal, the step in
flight finishes, and at its end, once the callbacks before it have run
for that step, the callback raises `TrainingPreempted` out of `fit`. No
epoch-end work runs for the cut epoch (no partial-epoch pictures or
evaluations), which keeps the time to exit short. The caller
(`keras_gan.training.train_lib`) then writes a checkpoint of that step
and raises it again with the checkpoint's path; `bin/train` says so in
one line and exits with status 4. A rerun resumes from
that step, losing none.

A second signal while the first is being handled is not waited for: the
previous handler (by default: terminate, or `KeyboardInterrupt` for
SIGINT) takes it at once, and the atomic writes leave nothing partial.

Under `MultiWorkerMirroredStrategy` a signal may reach one worker only,
or the workers at different steps. Every step, the workers sum their
flags in one all-reduce, so all of them stop after the same step and take
part in the same final checkpoint.
"""

import signal
import threading

import keras
import tensorflow as tf

__all__ = ["PreemptionStop", "SIGNALS", "TrainingPreempted"]

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class TrainingPreempted(RuntimeError):
    """Training stopped on a signal; a checkpoint of the step was written.

    Attributes:
        signal_name: The signal's name, e.g. `"SIGTERM"`.
        step: The generator step the checkpoint holds.
        checkpoint: The checkpoint's path (`None` on a worker that does
            not write).
    """

    def __init__(self, message, signal_name, step, checkpoint):
        super().__init__(message)
        self.signal_name = signal_name
        self.step = step
        self.checkpoint = checkpoint


class PreemptionStop(keras.callbacks.Callback):
    """Stops `fit` after the step in flight when a signal arrives.

    Install the handlers around training with `watch()`; the callback
    itself only reads what they recorded. Put it last among the
    callbacks: those after it would not see the step it stops at.

    ```python
    stop = PreemptionStop()
    try:
        with stop.watch():
            gan.fit(data, callbacks=[..., stop])
    except TrainingPreempted as preempted:
        gan.save(f"ckpt-{preempted.step}.keras")  # nothing of it is lost
    ```

    Args:
        signals: The signals to catch. Defaults to `(SIGTERM, SIGINT)`.
        strategy: The `tf.distribute.Strategy` of the model: under several
            workers, all of them agree on the step. Defaults to `None`
            (the current one).
    """

    def __init__(self, signals=SIGNALS, strategy=None):
        super().__init__()
        self.signals = tuple(signals)
        self.strategy = strategy
        self.received = None
        self.stopped_step = None
        self._previous = {}

    @property
    def signal_name(self):
        """The name of the signal that stopped training, or `None`."""
        if self.received is None:
            return None
        return signal.Signals(self.received).name

    def watch(self):
        """A context manager that installs the signal handlers (from the
        main thread only; elsewhere it does nothing) and restores the
        previous ones on exit."""
        return _Watching(self)

    def _handle(self, signum, frame):
        if self.received is not None:
            # A second signal: no more waiting.
            previous = self._previous.get(signum, signal.SIG_DFL)
            signal.signal(signum, previous)
            signal.raise_signal(signum)
            return
        self.received = signum

    def on_train_begin(self, logs=None):
        self.stopped_step = None

    def on_train_batch_end(self, batch, logs=None):
        if self._agreed_stop():
            step = self.model.generator_steps
            self.stopped_step = step
            name = self.signal_name or "a signal to another worker"
            raise TrainingPreempted(
                f"Preempted by {name} at step {step}.",
                signal_name=name,
                step=step,
                checkpoint=None,
            )

    def _agreed_stop(self):
        local = self.received is not None
        strategy = self.strategy or tf.distribute.get_strategy()
        if not _is_multi_worker(strategy):
            return local
        # Each worker calls this once per step, so the all-reduces pair up.
        flags = strategy.experimental_distribute_values_from_function(
            lambda context: tf.constant(int(local), tf.int32)
        )
        total = strategy.reduce(tf.distribute.ReduceOp.SUM, flags, axis=None)
        return int(total) > 0


def _is_multi_worker(strategy):
    return isinstance(
        strategy, tf.distribute.MultiWorkerMirroredStrategy
    ) and bool(strategy.cluster_resolver.cluster_spec().as_dict())


class _Watching:
    def __init__(self, callback):
        self.callback = callback

    def __enter__(self):
        callback = self.callback
        callback.received = None
        if threading.current_thread() is not threading.main_thread():
            return callback
        for signum in callback.signals:
            callback._previous[signum] = signal.signal(signum, callback._handle)
        return callback

    def __exit__(self, *exc_info):
        callback = self.callback
        for signum, previous in callback._previous.items():
            signal.signal(signum, previous)
        callback._previous.clear()
