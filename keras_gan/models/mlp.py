"""Fully connected generators and discriminators for vector data."""

import keras
from keras import layers

__all__ = [
    "mlp_discriminator",
    "mlp_generator",
]


def mlp_generator(
    latent_dim=64,
    output_dim=2,
    hidden_units=(256, 256, 256),
    name="generator",
):
    """Builds an MLP generator with a linear output in data units.

    Args:
        latent_dim: Size of the noise vector. Defaults to `64`.
        output_dim: Size of a sample. Defaults to `2`.
        hidden_units: Width of each ReLU hidden layer. Defaults to
            `(256, 256, 256)`.
        name: Model name. Defaults to `"generator"`.

    Returns:
        A functional `keras.Model`.
    """
    z = keras.Input((latent_dim,), name="z")
    x = z
    for units in hidden_units:
        x = layers.Dense(units, activation="relu")(x)
    return keras.Model(z, layers.Dense(output_dim)(x), name=name)


def mlp_discriminator(
    input_dim=2, hidden_units=(256, 256, 256), name="discriminator"
):
    """Builds an MLP discriminator giving one logit per sample.

    Args:
        input_dim: Size of a sample. Defaults to `2`.
        hidden_units: Width of each LeakyReLU(0.2) hidden layer. Defaults to
            `(256, 256, 256)`.
        name: Model name. Defaults to `"discriminator"`.

    Returns:
        A functional `keras.Model` with output shape `[batch, 1]`.
    """
    samples = keras.Input((input_dim,), name="samples")
    x = samples
    for units in hidden_units:
        x = layers.Dense(units)(x)
        x = layers.LeakyReLU(0.2)(x)
    logits = layers.Dense(1, dtype="float32")(x)
    return keras.Model(samples, logits, name=name)
