"""The self-attention block of SAGAN (Zhang et al. 2019)."""

import keras
from keras import ops

from keras_gan.layers.spectral_normalization import SpectralNormalization

__all__ = [
    "SelfAttention",
]


@keras.saving.register_keras_serializable(package="keras_gan")
class SelfAttention(keras.layers.Layer):
    """Self-attention over the positions of an NHWC feature map (SAGAN).

    `y = x + gamma * o`, where `o` is the attention-weighted sum of values
    `h(x)` over all positions, the weights `softmax(f(x)^T g(x))` from
    1x1-convolution queries and keys of `channels // 8` features. `gamma`
    starts at 0, so the block starts as the identity (Zhang et al. 2019).
    The 1x1 convolutions are spectrally normalised when `spectral_norm`
    is set.

    Args:
        spectral_norm: Wrap the convolutions in
            `keras_gan.layers.SpectralNormalization`. Defaults to `True`.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:

    ```python
    x = keras_gan.layers.SelfAttention()(keras.ops.ones((2, 8, 8, 32)))
    ```
    """

    def __init__(self, spectral_norm=True, **kwargs):
        super().__init__(**kwargs)
        self.spectral_norm = bool(spectral_norm)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is None or channels < 8:
            raise ValueError(
                "SelfAttention expects at least 8 channels. Received: "
                f"input_shape={tuple(input_shape)}"
            )

        def conv(filters):
            layer = keras.layers.Conv2D(filters, 1, use_bias=False)
            if self.spectral_norm:
                layer = SpectralNormalization(layer)
            layer.build(input_shape)
            return layer

        self.query = conv(channels // 8)
        self.key = conv(channels // 8)
        self.value = conv(channels)
        self.gamma = self.add_weight(
            shape=(), initializer="zeros", name="gamma"
        )
        self.built = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        positions = shape[1] * shape[2]
        channels = inputs.shape[-1]

        def flat(x, depth):
            return ops.reshape(x, (shape[0], positions, depth))

        query = flat(self.query(inputs), channels // 8)
        key = flat(self.key(inputs), channels // 8)
        value = flat(self.value(inputs), channels)
        weights = ops.softmax(ops.matmul(query, ops.transpose(key, (0, 2, 1))))
        attended = ops.reshape(ops.matmul(weights, value), shape)
        return inputs + ops.cast(self.gamma, inputs.dtype) * attended

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["spectral_norm"] = self.spectral_norm
        return config
