"""Layers that condition a player on class labels.

Each takes integer labels `[batch]` in `[0, num_classes)`; `keras_gan.GAN`
checks them before they reach a player, so no out-of-range index reaches a
lookup here.
"""

import keras
from keras import ops

__all__ = [
    "AtLabels",
    "ClassProjection",
    "ClassesInTurn",
    "ConditionalBatchNormalization",
    "OneHotLabels",
    "classes_in_turn",
]


def _broadcast_per_example(values, rank):
    """`[batch, channels]` -> `[batch, 1, ..., 1, channels]` of `rank`."""
    shape = [-1] + [1] * (rank - 2) + [values.shape[-1]]
    return ops.reshape(values, shape)


@keras.saving.register_keras_serializable(package="keras_gan")
class OneHotLabels(keras.layers.Layer):
    """One-hot codes of class labels, optionally tiled over an image.

    The input-concatenation conditioning of Mirza & Osindero (2014) and of
    keras.io's `conditional_gan.py`: concatenate the codes to the
    generator's noise, or, tiled to `[batch, height, width, num_classes]`,
    to the discriminator's image channels.

    Args:
        num_classes: Number of classes.
        spatial_shape: `(height, width)` to tile the codes over. Defaults
            to `None`: codes of shape `[batch, num_classes]`.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:

    ```python
    labels = keras.Input((), dtype="int32")
    codes = keras_gan.layers.OneHotLabels(10)(labels)  # [batch, 10]
    ```
    """

    def __init__(self, num_classes, spatial_shape=None, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)
        self.spatial_shape = (
            None if spatial_shape is None else tuple(spatial_shape)
        )

    def call(self, labels):
        codes = ops.one_hot(
            ops.cast(labels, "int32"),
            self.num_classes,
            dtype=self.compute_dtype,
        )
        if self.spatial_shape is None:
            return codes
        codes = _broadcast_per_example(codes, len(self.spatial_shape) + 2)
        return ops.broadcast_to(
            codes,
            (ops.shape(codes)[0], *self.spatial_shape, self.num_classes),
        )

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(self.spatial_shape or ()), self.num_classes)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes, spatial_shape=self.spatial_shape
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalisation with a scale and offset per class.

    `y = gamma[label] * (x - mean) / sqrt(var + epsilon) + beta[label]`
    (de Vries et al. 2017; Miyato & Koyama 2018 in the generator): the
    statistics are shared, the affine parameters are looked up per
    example from the label. Scales start at 1 and offsets at 0, so the
    layer starts as plain batch normalisation. Normalises the last axis of
    inputs of any rank.

    Args:
        num_classes: Number of classes.
        momentum: Momentum of the moving statistics. Defaults to `0.99`.
        epsilon: Added to the variance. Defaults to `1e-3`.
        **kwargs: Passed to `keras.layers.Layer`.

    Call arguments:
        inputs: `[x, labels]`: features `[batch, ..., channels]` and int
            labels `[batch]`.
        training: Whether to normalise with the batch's statistics (and
            update the moving ones). Defaults to `None`.

    Example:

    ```python
    x = keras.Input((7, 7, 64))
    labels = keras.Input((), dtype="int32")
    y = keras_gan.layers.ConditionalBatchNormalization(10)([x, labels])
    ```
    """

    def __init__(self, num_classes, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.normalization = keras.layers.BatchNormalization(
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=False,
            scale=False,
            dtype=self.dtype_policy,
            name="normalization",
        )

    def build(self, input_shape):
        x_shape = input_shape[0]
        channels = x_shape[-1]
        self.normalization.build(x_shape)
        self.gamma = self.add_weight(
            shape=(self.num_classes, channels), initializer="ones", name="gamma"
        )
        self.beta = self.add_weight(
            shape=(self.num_classes, channels), initializer="zeros", name="beta"
        )

    def call(self, inputs, training=None):
        x, labels = inputs
        normalized = self.normalization(x, training=training)
        labels = ops.cast(labels, "int32")
        rank = len(x.shape)
        gamma = ops.cast(ops.take(self.gamma, labels, axis=0), x.dtype)
        beta = ops.cast(ops.take(self.beta, labels, axis=0), x.dtype)
        return normalized * _broadcast_per_example(
            gamma, rank
        ) + _broadcast_per_example(beta, rank)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            momentum=self.momentum,
            epsilon=self.epsilon,
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class ClassProjection(keras.layers.Layer):
    """The class term of a projection discriminator: `<embed(y), h>`.

    Miyato & Koyama (2018) write the conditional discriminator's logit as
    `linear(h) + <embed(y), h>` for features `h`: add this layer's output
    to a `Dense(1)` of the same features.

    Args:
        num_classes: Number of classes.
        embeddings_initializer: Initializer of the class embeddings.
            Defaults to `"glorot_uniform"`.
        **kwargs: Passed to `keras.layers.Layer`.

    Call arguments:
        inputs: `[h, labels]`: features `[batch, features]` and int labels
            `[batch]`.

    Returns:
        `[batch, 1]`: each example's inner product with its class's
        embedding.

    Example:

    ```python
    h = keras.Input((128,))
    labels = keras.Input((), dtype="int32")
    logit = keras.layers.Add()(
        [keras.layers.Dense(1)(h), ClassProjection(10)([h, labels])]
    )
    ```
    """

    def __init__(
        self, num_classes, embeddings_initializer="glorot_uniform", **kwargs
    ):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)
        self.embeddings_initializer = keras.initializers.get(
            embeddings_initializer
        )

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            shape=(self.num_classes, input_shape[0][-1]),
            initializer=self.embeddings_initializer,
            name="embeddings",
        )

    def call(self, inputs):
        h, labels = inputs
        embedded = ops.take(self.embeddings, ops.cast(labels, "int32"), axis=0)
        embedded = ops.cast(embedded, h.dtype)
        return ops.sum(embedded * h, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            embeddings_initializer=keras.initializers.serialize(
                self.embeddings_initializer
            ),
        )
        return config


@keras.saving.register_keras_serializable(package="keras_gan")
class ClassesInTurn(keras.layers.Layer):
    """The labels `i % num_classes` for the rows `i` of a batch: every class
    in turn, as evenly as the batch size allows.

    Args:
        num_classes: Number of classes.
        **kwargs: Passed to `keras.layers.Layer`.

    Call arguments:
        inputs: Any tensor whose first axis is the batch (e.g. the noise).

    Returns:
        int32 labels `[batch]`.
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)

    def call(self, inputs):
        rows = ops.arange(ops.shape(inputs)[0], dtype="int32")
        return ops.mod(rows, self.num_classes)

    def compute_output_spec(self, inputs):
        return keras.KerasTensor((inputs.shape[0],), dtype="int32")

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes)
        return config


def classes_in_turn(generator, num_classes):
    """A model of the noise alone over a conditional `generator`: row `i`
    is generated at label `i % num_classes` (`ClassesInTurn`), so callers
    written for unconditional generators (`Evaluation`, samplers) draw
    class-balanced samples from it. Shares the generator's weights."""
    z = keras.Input(generator.input_shape[0][1:], name="z")
    labels = ClassesInTurn(num_classes)(z)
    return keras.Model(z, generator([z, labels]), name=f"{generator.name}_c")


class AtLabels:
    """A conditional discriminator bound to labels: a function of samples
    alone, as the penalties (`keras_gan.losses.penalties`) call it.

    Calls `discriminator([samples, labels], training=...)`, and then
    `select` on the outputs when given (e.g. the adversarial column of an
    auxiliary-classifier discriminator); every other attribute is the
    discriminator's.
    """

    def __init__(self, discriminator, labels, select=None):
        self._discriminator = discriminator
        self._labels = labels
        self._select = select

    def __call__(self, samples, training=False):
        outputs = self._discriminator(
            [samples, self._labels], training=training
        )
        return outputs if self._select is None else self._select(outputs)

    def __getattr__(self, name):
        return getattr(self._discriminator, name)
