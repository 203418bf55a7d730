"""Keep an exponential moving average of the generator's weights."""

import keras
import tensorflow as tf
from keras import callbacks

__all__ = [
    "GeneratorEMA",
]


class GeneratorEMA(callbacks.Callback):
    """Keeps an exponential moving average (EMA) of the generator's weights.

    After every training step, each weight `w` of `model.generator` updates
    its average:

        w_ema <- decay_t * w_ema + (1 - decay_t) * w,
        decay_t = min(decay, (1 + t) / (10 + t))

    where `t` counts the updates, so early averages are not stuck to the
    initial weights (the warm-up of `tf.train.ExponentialMovingAverage`):
    until `t` reaches about `9 / (1 - decay)` (9,000 steps for 0.999) the
    average spans roughly the last 10% of the steps.
    Every float variable is averaged, batch-normalisation statistics
    included. The averaged generator (`self.generator`, a clone of the
    model's) usually gives much sharper and better-spread samples than the
    raw one, whose weights keep oscillating with the adversarial game
    (Yazici et al., "The Unusual Effectiveness of Averaging in GAN
    Training", ICLR 2019; Karras et al., ProGAN, ICLR 2018). Training is
    unchanged: only the copy is averaged.

    Evaluate or export `self.generator`: pass this callback as
    `generator=` of `keras_gan.callbacks.Evaluation` (listed after it), or
    `keras_gan.export.export_generator(ema.generator, ...)`.

    Where the average lives: a `keras_gan.GAN` built with `ema_decay` owns
    its average (`gan.generator_ema`), which its `fit` keeps with a
    callback of this class, and which checkpoints save; a callback whose
    `decay` equals the model's `ema_decay` adopts that average and counts
    its warm-up from the model's step, so a reloaded model goes on exactly
    as an uninterrupted one. Otherwise the average is this callback's own
    clone, in memory only: checkpoints do not hold it, and a new `fit`
    continues it (the clone is made once per model).

    With `steps_per_execution > 1` the callback runs once per execution;
    it then applies the decay once per step elapsed (`decay_t ** steps`).

    Args:
        decay: The EMA decay per generator step. The average spans about
            `1 / (1 - decay)` steps. Defaults to `0.999`.
        start_step: Copy the raw weights until this generator step, then
            average. Defaults to `0`.

    Example:

    ```python
    ema = keras_gan.callbacks.GeneratorEMA(decay=0.999)
    gan.fit(dataset, epochs=10, steps_per_epoch=500, callbacks=[ema])
    samples = ema.generator(z, training=False)
    ```
    """

    def __init__(self, decay=0.999, start_step=0):
        super().__init__()
        if not 0.0 <= decay < 1.0:
            raise ValueError(
                "Invalid value for argument `decay`. Expected a float in "
                f"[0, 1). Received: decay={decay!r}"
            )
        if isinstance(start_step, bool) or start_step < 0:
            raise ValueError(
                "Invalid value for argument `start_step`. Expected a "
                f"non-negative integer. Received: start_step={start_step!r}"
            )
        self.decay = float(decay)
        self.start_step = int(start_step)
        self.generator = None
        self._source = None
        self._updates = 0
        self._last_step = None
        self._update_fn = None

    def on_train_begin(self, logs=None):
        source = self.model.generator
        owned = getattr(self.model, "generator_ema", None)
        if getattr(self.model, "ema_decay", None) != self.decay:
            owned = None
        if owned is not None:
            if self.generator is not owned:
                self._track(source, owned)
            # The model's step says how far the warm-up has gone.
            self._updates = max(0, self._step() - self.start_step)
            self._last_step = self._step()
        elif self.generator is None or self._source is not source:
            average = keras.models.clone_model(source)
            average.set_weights(source.get_weights())
            self._track(source, average)
            self._updates = 0
            self._last_step = self._step()

    def _track(self, source, average):
        self._source = source
        self.generator = average
        pairs = [
            (mean, raw)
            for mean, raw in zip(average.weights, source.weights)
            if "float" in str(mean.dtype)
        ]
        self._update_fn = _make_update(pairs)

    def on_train_batch_end(self, batch, logs=None):
        step = self._step()
        elapsed = max(1, step - self._last_step)
        self._last_step = step
        if step <= self.start_step:
            self._update_fn(tf.constant(0.0))
            return
        decay = min(self.decay, (1.0 + self._updates) / (10.0 + self._updates))
        self._updates += elapsed
        self._update_fn(tf.constant(decay**elapsed, tf.float32))

    def _step(self):
        if hasattr(self.model, "generator_steps"):
            return self.model.generator_steps
        optimizer = getattr(self.model, "g_optimizer", None)
        if optimizer is not None:
            return int(optimizer.iterations.numpy())
        # Any other model with a generator: count the callback's calls.
        return (self._last_step or 0) + 1


def _make_update(pairs):
    def update(decay):
        for average, raw in pairs:
            value = keras.ops.cast(raw.value, "float32")
            mixed = (
                decay * keras.ops.cast(average.value, "float32")
                + (1.0 - decay) * value
            )
            average.assign(keras.ops.cast(mixed, average.dtype))

    if keras.backend.backend() == "tensorflow":
        return tf.function(update)
    # Elsewhere eagerly, with the decay as a number.
    return lambda decay: update(float(decay))
