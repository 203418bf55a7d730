"""Keras's own callbacks, read against a `GAN`.

Several of Keras's callbacks read a model through hooks that a model with
two players fills differently from a one-loss model:

- `EarlyStopping`, `ModelCheckpoint` and `ReduceLROnPlateau` with
  `mode="auto"` decide whether the monitored key should fall or rise from
  its name (`"loss"`) or from the `_direction` of a compiled metric. A
  `GAN` has no `loss` and no compiled metrics, so its keys declare their
  direction here: its loss and penalty trackers carry `_direction` (as
  Keras's own metrics do), and callbacks that log figures (such as
  `keras_gan.callbacks.Evaluation`) list theirs in a `directions` dict.
  `GAN.fit` turns `mode="auto"` into `"min"` or `"max"` for the keys it
  knows, and leaves the others to Keras (which then asks for a `mode`).
- `TerminateOnNaN` reads `logs["loss"]`. It is shown the GAN's logs with a
  `loss` entry that is not finite as soon as `d_loss` or `g_loss` is not.
- `ReduceLROnPlateau` and `LearningRateScheduler` act on
  `model.optimizer`, or on each of `model.optimizer.optimizers`. They are
  shown the GAN with an `optimizer` whose `optimizers` are the two
  players', so each acts on both learning rates (a plateau multiplies both
  by `factor`, keeping their ratio; a schedule `f(epoch, lr)` is applied to
  each rate).
"""

import math

import keras

__all__ = [
    "DIRECTION_DOWN",
    "DIRECTION_UP",
    "adapt_callbacks",
    "directions",
    "non_finite_losses",
    "tracker",
]

DIRECTION_DOWN = "down"
DIRECTION_UP = "up"

_MONITORS = (
    keras.callbacks.EarlyStopping,
    keras.callbacks.ModelCheckpoint,
    keras.callbacks.ReduceLROnPlateau,
)
_LEARNING_RATE_CALLBACKS = (
    keras.callbacks.ReduceLROnPlateau,
    keras.callbacks.LearningRateScheduler,
)
_LOSS_KEYS = ("d_loss", "g_loss")


def tracker(name, direction=None):
    """A `keras.metrics.Mean` named `name`, declaring `direction`
    (`"down"`: lower is better, `"up"`: higher is better) as Keras's own
    metrics do."""
    metric = keras.metrics.Mean(name=name)
    if direction is not None:
        metric._direction = direction
    return metric


def directions(model, callbacks=()):
    """The logged keys of `model` and `callbacks` that have a direction.

    Args:
        model: A model; each of its `metrics` with a `_direction` counts.
        callbacks: Callbacks; each one's `directions` dict (key to `"up"`
            or `"down"`) counts. Defaults to `()`.

    Returns:
        A dict from logged key to `"up"` or `"down"`.
    """
    found = {}
    for callback in callbacks:
        found.update(getattr(callback, "directions", None) or {})
    for metric in model.metrics:
        direction = getattr(metric, "_direction", None)
        if direction in (DIRECTION_DOWN, DIRECTION_UP):
            found[metric.name] = direction
    return found


def adapt_callbacks(callbacks, model):
    """Returns `callbacks` with Keras's own callbacks set up for `model`.

    See the module docstring: resolves `mode="auto"` of the monitoring
    callbacks from the keys' directions, and wraps `TerminateOnNaN`,
    `ReduceLROnPlateau` and `LearningRateScheduler` so that they read the
    GAN's losses and act on both optimizers.

    Args:
        callbacks: A list of callbacks, or `None`.
        model: The `GAN` being trained.

    Returns:
        A new list of callbacks (the caller's instances, or wrappers that
        call them).
    """
    callbacks = list(callbacks or [])
    known = directions(model, callbacks)
    adapted = []
    for callback in callbacks:
        if isinstance(callback, _MONITORS) and callback.mode == "auto":
            direction = known.get(callback.monitor.removeprefix("val_"))
            if direction is not None:
                callback.mode = "min" if direction == DIRECTION_DOWN else "max"
        if isinstance(callback, keras.callbacks.TerminateOnNaN):
            callback = _LossLogs(callback)
        elif isinstance(callback, _LEARNING_RATE_CALLBACKS):
            callback = _BothPlayers(callback)
        adapted.append(callback)
    return adapted


def non_finite_losses(logs):
    """The keys among `d_loss` and `g_loss` whose logged value is NaN or
    infinite."""
    return [
        key
        for key in _LOSS_KEYS
        if key in (logs or {}) and not math.isfinite(float(logs[key]))
    ]


class _Delegating(keras.callbacks.Callback):
    """Calls every hook of `inner`; subclasses change what it sees."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def set_params(self, params):
        super().set_params(params)
        self.inner.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        self.inner.set_model(self.model_view(model))

    def model_view(self, model):
        return model

    def logs_view(self, logs):
        return logs


def _forward(hook, indexed):
    if indexed:

        def method(self, index, logs=None):
            getattr(self.inner, hook)(index, self.logs_view(logs))

    else:

        def method(self, logs=None):
            getattr(self.inner, hook)(self.logs_view(logs))

    method.__name__ = hook
    return method


for _hook in ("train", "test", "predict"):
    for _when in ("begin", "end"):
        _name = f"on_{_hook}_{_when}"
        setattr(_Delegating, _name, _forward(_name, indexed=False))
        _name = f"on_{_hook}_batch_{_when}"
        setattr(_Delegating, _name, _forward(_name, indexed=True))
for _when in ("begin", "end"):
    _name = f"on_epoch_{_when}"
    setattr(_Delegating, _name, _forward(_name, indexed=True))


class _LossLogs(_Delegating):
    """Shows `TerminateOnNaN` a `loss` that is not finite when a GAN loss
    is not."""

    def logs_view(self, logs):
        if not logs or "loss" in logs:
            return logs
        present = [logs[key] for key in _LOSS_KEYS if key in logs]
        if not present:
            return logs
        bad = [v for v in present if not math.isfinite(float(v))]
        return {**logs, "loss": bad[0] if bad else sum(present)}


class _Players:
    """An `optimizer` holding the two players' optimizers, as Keras's
    learning-rate callbacks read a multi-optimizer."""

    def __init__(self, model):
        self.optimizers = [model.g_optimizer, model.d_optimizer]

    @property
    def learning_rate(self):
        return self.optimizers[0].learning_rate


class _ModelView:
    """The model, with `optimizer` standing for both players' optimizers."""

    def __init__(self, model):
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "optimizer", _Players(model))

    def __getattr__(self, name):
        return getattr(self._model, name)

    def __setattr__(self, name, value):
        setattr(self._model, name, value)


class _BothPlayers(_Delegating):
    """Shows a learning-rate callback both players' optimizers."""

    def model_view(self, model):
        if getattr(model, "g_optimizer", None) is None:
            return model
        return _ModelView(model)
