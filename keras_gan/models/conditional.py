"""Class-conditional players for the dcgan, resnet and mlp families.

Each generator maps `[z, labels]` to samples and each discriminator maps
`[samples, labels]` to one logit per example, with int32 labels `[batch]`.
The mechanisms, chosen by name:

- Generators: `"concat"` concatenates the one-hot label to the noise (Mirza
  & Osindero 2014; keras.io `conditional_gan.py`); `"batch_norm"` replaces
  every batch normalisation with a conditional one, a scale and offset per
  class (de Vries et al. 2017), as in Miyato & Koyama (2018).
- Discriminators: `"concat"` concatenates the one-hot label to the input
  (tiled over the image for dcgan); `"projection"` adds the inner product
  of a class embedding with the last features to the logit (Miyato &
  Koyama 2018): `logit = linear(h) + <embed(y), h>`. The resnet
  discriminator spectrally normalises the embedding too, as every weight
  of its own.

`CONDITIONINGS` pairs them for `keras_gan.models.build_pair`: `"concat"`
(the keras.io baseline) and `"projection"` (conditional batch
normalisation in the generator, a projection discriminator).
"""

import keras
from keras import layers

from keras_gan.arguments import check_positive_int
from keras_gan.layers.conditioning import (
    ClassProjection,
    ConditionalBatchNormalization,
    OneHotLabels,
)
from keras_gan.layers.spectral_normalization import SpectralNormalization
from keras_gan.models import resnet
from keras_gan.models.dcgan import upsampling_plan

__all__ = [
    "CONDITIONINGS",
    "DISCRIMINATOR_CONDITIONINGS",
    "GENERATOR_CONDITIONINGS",
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "conditional_mlp_discriminator",
    "conditional_mlp_generator",
    "conditional_resnet_discriminator",
    "conditional_resnet_generator",
    "conditioning_names",
]

GENERATOR_CONDITIONINGS = ("batch_norm", "concat")
DISCRIMINATOR_CONDITIONINGS = ("concat", "projection")
# name -> (generator conditioning, discriminator conditioning)
CONDITIONINGS = {
    "concat": ("concat", "concat"),
    "projection": ("batch_norm", "projection"),
}


def conditioning_names():
    """The names `build_pair(..., conditioning=...)` accepts."""
    return sorted(CONDITIONINGS)


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected one of "
            f"{sorted(choices)}. Received: {name}={value!r}"
        )


def _labels_input():
    return keras.Input((), dtype="int32", name="labels")


def _noise_inputs(num_classes, latent_dim, conditioning_name):
    """`(z, labels, x)`: a conditional generator's inputs and what its
    first layer reads (the noise, or noise and one-hot label)."""
    z = keras.Input((latent_dim,), name="z")
    labels = _labels_input()
    x = z
    if conditioning_name == "concat":
        x = layers.Concatenate()([z, OneHotLabels(num_classes)(labels)])
    return z, labels, x


def _image_inputs(num_classes, image_shape, conditioning_name):
    """`(images, labels, x)`: a conditional discriminator's inputs and what
    its first layer reads (the images, or images and tiled one-hot
    labels)."""
    images = keras.Input(tuple(image_shape), name="images")
    labels = _labels_input()
    x = images
    if conditioning_name == "concat":
        codes = OneHotLabels(num_classes, spatial_shape=tuple(image_shape[:2]))(
            labels
        )
        x = layers.Concatenate()([images, codes])
    return images, labels, x


def _normalize(x, labels, num_classes, conditioning_name):
    if conditioning_name == "batch_norm":
        return ConditionalBatchNormalization(num_classes)([x, labels])
    return layers.BatchNormalization()(x)


def conditional_dcgan_generator(
    num_classes,
    latent_dim=128,
    image_shape=(28, 28, 1),
    base_filters=64,
    conditioning="batch_norm",
    name="generator",
):
    """Builds a class-conditional DCGAN generator, `[z, labels]` -> images
    in [-1, 1] (the architecture of `dcgan_generator`).

    Args:
        num_classes: Number of classes.
        latent_dim: Size of the noise vector. Defaults to `128`.
        image_shape: Output shape `(size, size, channels)`, as for
            `dcgan_generator`. Defaults to `(28, 28, 1)`.
        base_filters: Filters of the last hidden layer. Defaults to `64`.
        conditioning: `"batch_norm"` (conditional batch normalisation) or
            `"concat"` (one-hot label concatenated to the noise). Defaults
            to `"batch_norm"`.
        name: Model name. Defaults to `"generator"`.

    Returns:
        A functional `keras.Model` with inputs `[z, labels]`.

    Example:

    ```python
    generator = conditional_dcgan_generator(10, latent_dim=64)
    images = generator([keras.random.normal((4, 64)), np.arange(4)])
    ```
    """
    check_positive_int("num_classes", num_classes)
    _check_choice("conditioning", conditioning, GENERATOR_CONDITIONINGS)
    start, doublings = upsampling_plan(image_shape)
    filters = base_filters * 2 ** (doublings - 1)
    z, labels, x = _noise_inputs(num_classes, latent_dim, conditioning)
    x = layers.Dense(start * start * filters * 2, use_bias=False)(x)
    x = _normalize(x, labels, num_classes, conditioning)
    x = layers.ReLU()(x)
    x = layers.Reshape((start, start, filters * 2))(x)
    for _ in range(doublings - 1):
        x = layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", use_bias=False
        )(x)
        x = _normalize(x, labels, num_classes, conditioning)
        x = layers.ReLU()(x)
        filters //= 2
    x = layers.Conv2DTranspose(
        image_shape[-1], 4, strides=2, padding="same", activation="tanh"
    )(x)
    return keras.Model([z, labels], x, name=name)


def conditional_dcgan_discriminator(
    num_classes,
    image_shape=(28, 28, 1),
    base_filters=64,
    conditioning="projection",
    name="discriminator",
    auxiliary_classifier=False,
):
    """Builds a class-conditional DCGAN discriminator, `[images, labels]`
    -> one logit per image (the architecture of `dcgan_discriminator`).

    Args:
        num_classes: Number of classes.
        image_shape: Input shape `(size, size, channels)`. Defaults to
            `(28, 28, 1)`.
        base_filters: Filters of the first convolution. Defaults to `64`.
        conditioning: `"projection"` (Miyato & Koyama 2018) or `"concat"`
            (one-hot label tiled and concatenated to the image channels).
            Defaults to `"projection"`.
        name: Model name. Defaults to `"discriminator"`.
        auxiliary_classifier: Also output `num_classes` class logits, for
            `keras_gan.losses.AuxiliaryClassifierLoss` (AC-GAN). Defaults
            to `False`.

    Returns:
        A functional `keras.Model` with inputs `[images, labels]` and
        output shape `[batch, 1]` (`[batch, 1 + num_classes]` with the
        auxiliary classifier).
    """
    check_positive_int("num_classes", num_classes)
    _check_choice("conditioning", conditioning, DISCRIMINATOR_CONDITIONINGS)
    _, doublings = upsampling_plan(image_shape)
    images, labels, x = _image_inputs(num_classes, image_shape, conditioning)
    filters = base_filters
    for _ in range(doublings):
        x = layers.Conv2D(filters, 4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        filters *= 2
    h = layers.Flatten()(x)
    return keras.Model(
        [images, labels],
        _logit(h, labels, num_classes, conditioning, auxiliary_classifier),
        name=name,
    )


def conditional_resnet_generator(
    num_classes,
    latent_dim=128,
    image_shape=(32, 32, 3),
    base_filters=64,
    attention_resolution=None,
    conditioning="batch_norm",
    name="generator",
):
    """Builds a class-conditional SNGAN-style residual generator, `[z,
    labels]` -> images in [-1, 1] (the architecture of `resnet_generator`).

    With `"batch_norm"`, every batch normalisation of the residual blocks
    and the last one are conditional (a scale and offset per class), as in
    Miyato & Koyama (2018)'s ResNet generator.

    Args:
        num_classes: Number of classes.
        latent_dim: Size of the noise vector. Defaults to `128`.
        image_shape: Output shape, as for `resnet_generator`. Defaults to
            `(32, 32, 3)`.
        base_filters: Filters of the last block. Defaults to `64`.
        attention_resolution: As for `resnet_generator`. Defaults to
            `None`.
        conditioning: `"batch_norm"`, or `"concat"`: the noise and the
            one-hot label concatenated feed the first layer. Defaults to
            `"batch_norm"`.
        name: Model name. Defaults to `"generator"`.

    Returns:
        A functional `keras.Model` of `[z, labels]`.

    Example:

    ```python
    generator = conditional_resnet_generator(10, 64, (28, 28, 1))
    sneakers = generator([keras.random.normal((4, 64)), np.full(4, 7)])
    ```
    """
    check_positive_int("num_classes", num_classes)
    _check_choice("conditioning", conditioning, GENERATOR_CONDITIONINGS)
    z, labels, x = _noise_inputs(num_classes, latent_dim, conditioning)
    outputs = resnet.generator_images(
        x,
        image_shape,
        base_filters,
        attention_resolution,
        normalize=lambda h: _normalize(h, labels, num_classes, conditioning),
    )
    return keras.Model([z, labels], outputs, name=name)


def conditional_resnet_discriminator(
    num_classes,
    image_shape=(32, 32, 3),
    base_filters=64,
    attention_resolution=None,
    conditioning="projection",
    name="discriminator",
    auxiliary_classifier=False,
):
    """Builds a class-conditional SNGAN-style residual discriminator,
    `[images, labels]` -> one logit per image (the architecture of
    `resnet_discriminator`).

    Every weight layer is spectrally normalised, the class embedding of
    the projection (`keras_gan.layers.SpectralNormalization` of an
    `Embedding`) and the auxiliary classifier included.

    Args:
        num_classes: Number of classes.
        image_shape: Input shape, as for `resnet_discriminator`. Defaults
            to `(32, 32, 3)`.
        base_filters: Filters of the first block. Defaults to `64`.
        attention_resolution: As for `resnet_discriminator`. Defaults to
            `None`.
        conditioning: `"projection"`, the class term `<embed(y), h>`
            on the summed features added to the linear output, or
            `"concat"`, one-hot codes as extra input channels; as for
            `conditional_dcgan_discriminator`. Defaults to `"projection"`.
        name: Model name. Defaults to `"discriminator"`.
        auxiliary_classifier: Add `num_classes` class logits after the
            adversarial one (for AC-GAN's loss). Defaults to `False`.

    Returns:
        A functional `keras.Model` of `[images, labels]`, output `[batch,
        1]`, or `[batch, 1 + num_classes]` with the auxiliary classifier.
    """
    check_positive_int("num_classes", num_classes)
    _check_choice("conditioning", conditioning, DISCRIMINATOR_CONDITIONINGS)
    images, labels, x = _image_inputs(num_classes, image_shape, conditioning)
    h = resnet.discriminator_features(
        x, image_shape, base_filters, attention_resolution
    )
    return keras.Model(
        [images, labels],
        _logit(
            h,
            labels,
            num_classes,
            conditioning,
            auxiliary_classifier,
            spectral_norm=True,
        ),
        name=name,
    )


def conditional_mlp_generator(
    num_classes,
    latent_dim=64,
    output_dim=2,
    hidden_units=(256, 256, 256),
    conditioning="concat",
    name="generator",
):
    """Builds a class-conditional MLP generator, `[z, labels]` -> samples
    (the architecture of `mlp_generator`).

    Args:
        num_classes: Number of classes.
        latent_dim: Size of the noise vector. Defaults to `64`.
        output_dim: Size of a sample. Defaults to `2`.
        hidden_units: Width of each ReLU hidden layer. Defaults to
            `(256, 256, 256)`.
        conditioning: `"concat"` (one-hot label concatenated to the noise)
            or `"batch_norm"` (a conditional batch normalisation before
            each ReLU). Defaults to `"concat"`.
        name: Model name. Defaults to `"generator"`.

    Returns:
        A functional `keras.Model` with inputs `[z, labels]`.
    """
    check_positive_int("num_classes", num_classes)
    _check_choice("conditioning", conditioning, GENERATOR_CONDITIONINGS)
    z, labels, x = _noise_inputs(num_classes, latent_dim, conditioning)
    for units in hidden_units:
        if conditioning == "batch_norm":
            x = layers.Dense(units)(x)
            x = ConditionalBatchNormalization(num_classes)([x, labels])
            x = layers.ReLU()(x)
        else:
            x = layers.Dense(units, activation="relu")(x)
    return keras.Model([z, labels], layers.Dense(output_dim)(x), name=name)


def conditional_mlp_discriminator(
    num_classes,
    input_dim=2,
    hidden_units=(256, 256, 256),
    conditioning="projection",
    name="discriminator",
    auxiliary_classifier=False,
):
    """Builds a class-conditional MLP discriminator, `[samples, labels]`
    -> one logit per sample (the architecture of `mlp_discriminator`).

    Args:
        num_classes: Number of classes.
        input_dim: Size of a sample. Defaults to `2`.
        hidden_units: Width of each LeakyReLU(0.2) hidden layer. Defaults
            to `(256, 256, 256)`.
        conditioning: `"projection"` or `"concat"` (one-hot label
            concatenated to the sample). Defaults to `"projection"`.
        name: Model name. Defaults to `"discriminator"`.
        auxiliary_classifier: Also output `num_classes` class logits, for
            `keras_gan.losses.AuxiliaryClassifierLoss` (AC-GAN). Defaults
            to `False`.

    Returns:
        A functional `keras.Model` with inputs `[samples, labels]` and
        output shape `[batch, 1]` (`[batch, 1 + num_classes]` with the
        auxiliary classifier).
    """
    check_positive_int("num_classes", num_classes)
    _check_choice("conditioning", conditioning, DISCRIMINATOR_CONDITIONINGS)
    samples = keras.Input((input_dim,), name="samples")
    labels = _labels_input()
    x = samples
    if conditioning == "concat":
        x = layers.Concatenate()([samples, OneHotLabels(num_classes)(labels)])
    for units in hidden_units:
        x = layers.Dense(units)(x)
        x = layers.LeakyReLU(0.2)(x)
    return keras.Model(
        [samples, labels],
        _logit(x, labels, num_classes, conditioning, auxiliary_classifier),
        name=name,
    )


def _logit(
    h,
    labels,
    num_classes,
    conditioning_name,
    auxiliary=False,
    spectral_norm=False,
):
    def dense(units):
        layer = layers.Dense(units, dtype="float32")
        return SpectralNormalization(layer) if spectral_norm else layer

    logit = dense(1)(h)
    if conditioning_name == "projection":
        if spectral_norm:
            embedding = SpectralNormalization(
                layers.Embedding(num_classes, h.shape[-1], dtype="float32"),
                dtype="float32",
            )
            projection = layers.Dot(axes=1, dtype="float32")(
                [embedding(labels), h]
            )
        else:
            projection = ClassProjection(num_classes, dtype="float32")(
                [h, labels]
            )
        logit = layers.Add(dtype="float32")([logit, projection])
    if auxiliary:
        class_logits = dense(num_classes)(h)
        logit = layers.Concatenate(dtype="float32")([logit, class_logits])
    return logit
