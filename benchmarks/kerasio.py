"""The players of the keras.io GAN examples, for benchmark workloads.

Layer for layer after the examples in keras-team/keras-io,
`examples/generative/`, so that the benchmark measures the architectures
Keras users start from:

- `mnist_dcgan_players`: "GAN overriding `Model.train_step`"
  (`dcgan_overriding_train_step.py`) in its MNIST form, and with
  `num_classes` the "Conditional GAN" (`conditional_gan.py`): Dense to
  7x7x(latent + classes), two Conv2DTranspose(128, 4, strides 2) (7 -> 14
  -> 28) and Conv2D(1, 7); the discriminator two strided 3x3 convolutions
  (64, 128), global max pooling and a Dense output.
- `celeba_dcgan_players`: the same example's 64x64 CelebA form: Dense to
  8x8x128, Conv2DTranspose 128, 256, 512 (8 -> 64), Conv2D(3, 5); the
  discriminator three strided 4x4 convolutions (64, 128, 128), dropout.
- `wgan_gp_players`: "WGAN-GP overriding `Model.train_step`"
  (`wgan_gp.py`): the generator upsamples 4 -> 32 with batch
  normalisation and crops to 28; the critic pads 28 to 32 and has four
  strided 5x5 convolutions (64 to 512) with dropout.

Two changes, neither of which moves any cost: every discriminator ends
in a raw output (a logit or critic value; the examples' sigmoid is part
of the loss here, as in `baseline.PlainGAN`), and the conditional players
take int labels `[batch]` and one-hot them inside (keras_gan's
conditional contract, `[z, labels]` and `[images, labels]`), where the
example one-hots them in its `train_step`: the same ops.

The models are named `generator` and `discriminator`, as
`benchmarks.profile` expects.
"""

import keras
from keras import layers

from keras_gan.layers import OneHotLabels

__all__ = [
    "celeba_dcgan_players",
    "mnist_dcgan_players",
    "wgan_gp_players",
]


def _leaky(x):
    return layers.LeakyReLU(negative_slope=0.2)(x)


def _output(x):
    return layers.Dense(1, dtype="float32")(x)


def _flat_output(x):
    return _output(layers.Dropout(0.2)(layers.Flatten()(x)))


def _pair(g_inputs, samples, d_inputs, outputs):
    return (
        keras.Model(g_inputs, samples, name="generator"),
        keras.Model(d_inputs, outputs, name="discriminator"),
    )


def mnist_dcgan_players(latent_dim=128, num_classes=None):
    """The MNIST DCGAN of keras.io (conditional with `num_classes`).

    Args:
        latent_dim: Noise size. Defaults to `128`.
        num_classes: Build the conditional example's players for this
            many classes. Defaults to `None`: the unconditional example.

    Returns:
        `(generator, discriminator)` for 28x28x1 images.
    """
    classes = num_classes or 0
    z = keras.Input((latent_dim,), name="z")
    images = keras.Input((28, 28, 1), name="images")
    g_inputs, d_inputs = [z], [images]
    x, h = z, images
    if num_classes is not None:
        labels = keras.Input((), dtype="int32", name="labels")
        g_inputs, d_inputs = [z, labels], [images, labels]
        x = layers.Concatenate()([z, OneHotLabels(num_classes)(labels)])
        tiled = OneHotLabels(num_classes, spatial_shape=(28, 28))(labels)
        h = layers.Concatenate()([images, tiled])
    channels = latent_dim + classes
    x = _leaky(layers.Dense(7 * 7 * channels)(x))
    x = layers.Reshape((7, 7, channels))(x)
    for _ in range(2):
        x = _leaky(layers.Conv2DTranspose(128, 4, strides=2, padding="same")(x))
    x = layers.Conv2D(1, 7, padding="same", activation="sigmoid")(x)
    for filters in (64, 128):
        h = _leaky(layers.Conv2D(filters, 3, strides=2, padding="same")(h))
    return _pair(g_inputs, x, d_inputs, _output(layers.GlobalMaxPooling2D()(h)))


def celeba_dcgan_players(latent_dim=128):
    """The 64x64 CelebA DCGAN of keras.io.

    Args:
        latent_dim: Noise size. Defaults to `128`.

    Returns:
        `(generator, discriminator)` for 64x64x3 images.
    """
    z = keras.Input((latent_dim,), name="z")
    x = layers.Reshape((8, 8, 128))(layers.Dense(8 * 8 * 128)(z))
    for filters in (128, 256, 512):
        x = layers.Conv2DTranspose(filters, 4, strides=2, padding="same")(x)
        x = _leaky(x)
    x = layers.Conv2D(3, 5, padding="same", activation="sigmoid")(x)
    images = keras.Input((64, 64, 3), name="images")
    h = images
    for filters in (64, 128, 128):
        h = _leaky(layers.Conv2D(filters, 4, strides=2, padding="same")(h))
    return _pair(
        z, x, images, _output(layers.Dropout(0.2)(layers.Flatten()(h)))
    )


def wgan_gp_players(latent_dim=128):
    """The Fashion-MNIST WGAN-GP of keras.io.

    Args:
        latent_dim: Noise size. Defaults to `128`.

    Returns:
        `(generator, critic)` for 28x28x1 images; the critic is named
        `discriminator`.
    """
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(4 * 4 * 256, use_bias=False)(z)
    x = _leaky(layers.BatchNormalization()(x))
    x = layers.Reshape((4, 4, 256))(x)
    for filters in (128, 64, 1):
        x = layers.UpSampling2D(2)(x)
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("tanh")(x) if filters == 1 else _leaky(x)
    x = layers.Cropping2D(2)(x)
    images = keras.Input((28, 28, 1), name="images")
    h = layers.ZeroPadding2D(2)(images)
    for filters, dropout in ((64, 0), (128, 0.3), (256, 0.3), (512, 0)):
        h = _leaky(layers.Conv2D(filters, 5, strides=2, padding="same")(h))
        if dropout:
            h = layers.Dropout(dropout)(h)
    return _pair(
        z, x, images, _output(layers.Dropout(0.2)(layers.Flatten()(h)))
    )
