"""SNGAN-style residual generators and discriminators.

After Miyato et al. (2018), appendix B (the ResNet of Gulrajani et al.
2017): the generator projects the noise to a small feature map and doubles
its size with residual blocks (batch normalisation, ReLU, nearest
upsampling, two 3x3 convolutions; a 1x1 convolution on the upsampled
shortcut); the discriminator halves the size with residual blocks (ReLU,
two 3x3 convolutions, average pooling), adds one block at the last size,
and ends with ReLU, a sum over positions and a linear output. Every
discriminator weight layer is spectrally normalised and the discriminator
has no batch normalisation. An optional SAGAN self-attention block sits
at one chosen resolution in both networks.
"""

import keras
from keras import layers

from keras_gan.layers import SelfAttention, SpectralNormalization
from keras_gan.models.dcgan import upsampling_plan

__all__ = [
    "SumPooling2D",
    "discriminator_features",
    "generator_images",
    "resnet_discriminator",
    "resnet_generator",
]


@keras.saving.register_keras_serializable(package="keras_gan")
class SumPooling2D(layers.Layer):
    """Sums an NHWC feature map over its positions (SNGAN's global sum
    pooling): `[batch, h, w, c] -> [batch, c]`."""

    def call(self, inputs):
        return keras.ops.sum(inputs, axis=(1, 2))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


def _resolutions(start, doublings):
    # Sizes of the feature maps between blocks, shared by both networks:
    # the generator's block inputs, the discriminator's block outputs.
    return [start * 2**i for i in range(doublings)]


def _check_attention(attention_resolution, resolutions):
    if attention_resolution is not None and (
        attention_resolution not in resolutions
    ):
        raise ValueError(
            "Invalid value for argument `attention_resolution`. Expected "
            f"None or one of the networks' resolutions {sorted(resolutions)}. "
            f"Received: attention_resolution={attention_resolution!r}"
        )


def _batch_norm(x):
    return layers.BatchNormalization()(x)


def _generator_block(x, filters, normalize):
    shortcut = layers.Conv2D(filters, 1)(layers.UpSampling2D(2)(x))
    h = layers.ReLU()(normalize(x))
    h = layers.UpSampling2D(2)(h)
    h = layers.Conv2D(filters, 3, padding="same")(h)
    h = layers.ReLU()(normalize(h))
    h = layers.Conv2D(filters, 3, padding="same")(h)
    return layers.Add()([h, shortcut])


def generator_images(
    x, image_shape, base_filters, attention_resolution, normalize=_batch_norm
):
    """The residual generator's layers on a noise tensor `x` (`[batch,
    features]`), returning images in [-1, 1]. `normalize` makes each
    batch normalisation (the conditional players pass a class-conditional
    one)."""
    start, doublings = upsampling_plan(image_shape)
    _check_attention(attention_resolution, _resolutions(start, doublings))
    filters = base_filters * 2 ** (doublings - 1)
    x = layers.Dense(start * start * filters * 2)(x)
    x = layers.Reshape((start, start, filters * 2))(x)
    for index in range(doublings):
        if start * 2**index == attention_resolution:
            x = SelfAttention(spectral_norm=False)(x)
        x = _generator_block(
            x, base_filters * 2 ** (doublings - 1 - index), normalize
        )
    x = layers.ReLU()(normalize(x))
    x = layers.Conv2D(image_shape[-1], 3, padding="same")(x)
    return layers.Activation("tanh", dtype="float32")(x)


def resnet_generator(
    latent_dim=128,
    image_shape=(32, 32, 3),
    base_filters=64,
    attention_resolution=None,
    name="generator",
):
    """Builds an SNGAN-style residual generator of images in [-1, 1].

    Args:
        latent_dim: Size of the noise vector. Defaults to `128`.
        image_shape: Output shape `(size, size, channels)`, size `s * 2^n`
            with `s >= 4`: 28x28x1 (7 -> 14 -> 28), 32x32x3 (4 -> 32),
            64x64x3 (4 -> 64)... Defaults to `(32, 32, 3)`.
        base_filters: Filters of the last block; each earlier block has
            twice as many. Defaults to `64`.
        attention_resolution: Add a self-attention block before the block
            whose input has this size, from the start size to half the
            image size (e.g. `16` for 32x32). Defaults to `None`.
        name: Model name. Defaults to `"generator"`.

    Returns:
        A functional `keras.Model`.

    Example:

    ```python
    generator = keras_gan.models.resnet_generator(128, (32, 32, 3))
    ```
    """
    z = keras.Input((latent_dim,), name="z")
    outputs = generator_images(
        z, image_shape, base_filters, attention_resolution
    )
    return keras.Model(z, outputs, name=name)


def _sn_conv(filters, kernel_size):
    return SpectralNormalization(
        layers.Conv2D(filters, kernel_size, padding="same")
    )


def _discriminator_block(x, filters, downsample, first):
    pool = layers.AveragePooling2D(2) if downsample else None
    h = x if first else layers.ReLU()(x)
    h = _sn_conv(filters, 3)(h)
    h = _sn_conv(filters, 3)(layers.ReLU()(h))
    if pool is not None:
        h = pool(h)
    shortcut = x
    if first:  # pool, then project: the raw image is not activated
        shortcut = _sn_conv(filters, 1)(layers.AveragePooling2D(2)(x))
    elif downsample or x.shape[-1] != filters:
        shortcut = _sn_conv(filters, 1)(x)
        if downsample:
            shortcut = layers.AveragePooling2D(2)(shortcut)
    return layers.Add()([h, shortcut])


def resnet_discriminator(
    image_shape=(32, 32, 3),
    base_filters=64,
    attention_resolution=None,
    name="discriminator",
):
    """Builds an SNGAN-style residual discriminator (one logit per image).

    Every convolution and the output layer are wrapped in
    `keras_gan.layers.SpectralNormalization`; `GAN` advances their power
    iteration once per discriminator update.

    Args:
        image_shape: Input shape `(size, size, channels)`, as for
            `resnet_generator`. Defaults to `(32, 32, 3)`.
        base_filters: Filters of the first block; each later block has
            twice as many. Defaults to `64`.
        attention_resolution: Add a self-attention block after the block
            that outputs this size (the sizes `resnet_generator` accepts).
            Defaults to `None`.
        name: Model name. Defaults to `"discriminator"`.

    Returns:
        A functional `keras.Model`.

    Example:

    ```python
    discriminator = keras_gan.models.resnet_discriminator((32, 32, 3))
    ```
    """
    inputs = keras.Input(tuple(image_shape), name="images")
    features = discriminator_features(
        inputs, image_shape, base_filters, attention_resolution
    )
    outputs = SpectralNormalization(layers.Dense(1, dtype="float32"))(features)
    return keras.Model(inputs, outputs, name=name)


def discriminator_features(x, image_shape, base_filters, attention_resolution):
    """The residual discriminator's layers on images `x` (channels may be
    added, as the concat conditioning does), up to the summed features
    `[batch, filters]` its linear output reads."""
    start, doublings = upsampling_plan(image_shape)
    _check_attention(attention_resolution, _resolutions(start, doublings))
    for index in range(doublings):
        x = _discriminator_block(
            x, base_filters * 2**index, downsample=True, first=index == 0
        )
        size = image_shape[0] // 2 ** (index + 1)
        if size == attention_resolution:
            x = SelfAttention()(x)
    x = _discriminator_block(
        x, base_filters * 2 ** (doublings - 1), downsample=False, first=False
    )
    return SumPooling2D()(layers.ReLU()(x))
