"""DCGAN-style convolutional generators and discriminators.

After Radford et al. (2016): the generator projects the noise to a small
feature map and doubles its size with strided transposed convolutions
(batch normalisation and ReLU between, tanh at the end); the discriminator
halves the size with strided convolutions and LeakyReLU(0.2). The
discriminator has no batch normalisation, so it works with gradient
penalties and stays fixed during generator updates.
"""

import keras
from keras import layers

__all__ = [
    "dcgan_discriminator",
    "dcgan_generator",
    "upsampling_plan",
]

_MIN_START_SIZE = 4


def upsampling_plan(image_shape):
    """Returns (start_size, number of doublings) for a square image."""
    if len(image_shape) != 3 or image_shape[0] != image_shape[1]:
        raise ValueError(
            "Expected a square image shape (size, size, channels). "
            f"Received: image_shape={tuple(image_shape)}"
        )
    size, doublings = int(image_shape[0]), 0
    while size % 2 == 0 and size // 2 >= _MIN_START_SIZE:
        size //= 2
        doublings += 1
    if doublings == 0:
        raise ValueError(
            "Expected an image size of the form s * 2^n with s >= 4 and "
            f"n >= 1 (8, 28, 32, 64...). Received: image_shape="
            f"{tuple(image_shape)}"
        )
    return size, doublings


def dcgan_generator(
    latent_dim=128, image_shape=(28, 28, 1), base_filters=64, name="generator"
):
    """Builds a DCGAN generator mapping noise to images in [-1, 1].

    Args:
        latent_dim: Size of the noise vector. Defaults to `128`.
        image_shape: Output shape `(size, size, channels)`; the size must be
            `s * 2^n` with `s >= 4` (8, 28, 32, 64...). Defaults to
            `(28, 28, 1)`.
        base_filters: Filters of the last hidden layer; each earlier layer
            has twice as many. Defaults to `64`.
        name: Model name. Defaults to `"generator"`.

    Returns:
        A functional `keras.Model`.
    """
    start, doublings = upsampling_plan(image_shape)
    filters = base_filters * 2 ** (doublings - 1)
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(start * start * filters * 2, use_bias=False)(z)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((start, start, filters * 2))(x)
    for _ in range(doublings - 1):
        x = layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", use_bias=False
        )(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
        filters //= 2
    x = layers.Conv2DTranspose(
        image_shape[-1], 4, strides=2, padding="same", activation="tanh"
    )(x)
    return keras.Model(z, x, name=name)


def dcgan_discriminator(
    image_shape=(28, 28, 1), base_filters=64, name="discriminator"
):
    """Builds a DCGAN discriminator giving one logit per image.

    Args:
        image_shape: Input shape `(size, size, channels)`, as for
            `dcgan_generator`. Defaults to `(28, 28, 1)`.
        base_filters: Filters of the first convolution; each later one has
            twice as many. Defaults to `64`.
        name: Model name. Defaults to `"discriminator"`.

    Returns:
        A functional `keras.Model` with output shape `[batch, 1]`.
    """
    _, doublings = upsampling_plan(image_shape)
    images = keras.Input(tuple(image_shape), name="images")
    x = images
    filters = base_filters
    for _ in range(doublings):
        x = layers.Conv2D(filters, 4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        filters *= 2
    x = layers.Flatten()(x)
    logits = layers.Dense(1, dtype="float32")(x)
    return keras.Model(images, logits, name=name)
