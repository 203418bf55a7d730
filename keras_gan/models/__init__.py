"""The GAN model and architecture builders, chosen by name."""

import functools

from keras_gan.models import conditional
from keras_gan.models.conditional import (
    conditional_dcgan_discriminator,
    conditional_dcgan_generator,
    conditional_mlp_discriminator,
    conditional_mlp_generator,
    conditional_resnet_discriminator,
    conditional_resnet_generator,
    conditioning_names,
)
from keras_gan.models.dcgan import dcgan_discriminator, dcgan_generator
from keras_gan.models.gan import GAN
from keras_gan.models.mlp import mlp_discriminator, mlp_generator
from keras_gan.models.resnet import resnet_discriminator, resnet_generator

_ARCHITECTURES = {
    "dcgan": (dcgan_generator, dcgan_discriminator),
    "mlp": (mlp_generator, mlp_discriminator),
    "resnet": (resnet_generator, resnet_discriminator),
}


def architecture_names():
    """The names `build_pair` accepts."""
    return sorted(_ARCHITECTURES)


_CONDITIONAL_ARCHITECTURES = {
    "dcgan": (conditional_dcgan_generator, conditional_dcgan_discriminator),
    "mlp": (conditional_mlp_generator, conditional_mlp_discriminator),
    "resnet": (conditional_resnet_generator, conditional_resnet_discriminator),
}


def build_pair(
    architecture,
    sample_shape,
    latent_dim,
    num_classes=None,
    conditioning="projection",
    **kwargs,
):
    """Builds a generator and a discriminator for samples of one shape.

    Args:
        architecture: One of `architecture_names()`.
        sample_shape: Shape of one sample: `(size, size, channels)` for
            `"dcgan"` and `"resnet"`, `(features,)` for `"mlp"`.
        latent_dim: Size of the noise vector.
        num_classes: Build class-conditional players for this many
            classes (for `GAN(..., num_classes=...)`). Defaults to `None`:
            unconditional players.
        conditioning: The conditioning mechanism of conditional players,
            one of `conditioning_names()`: `"projection"` (conditional
            batch normalisation in the generator, a projection
            discriminator) or `"concat"` (one-hot labels concatenated to
            both players' inputs). Defaults to `"projection"`.
        **kwargs: Passed to both builders (`base_filters` for dcgan and
            resnet, `attention_resolution` for resnet,
            `hidden_units` for mlp).

    Returns:
        A `(generator, discriminator)` tuple.
    """
    if architecture not in _ARCHITECTURES:
        raise ValueError(
            "Invalid value for argument `architecture`. Expected one of "
            f"{architecture_names()}. Received: architecture={architecture!r}"
        )
    sample_shape = tuple(sample_shape)
    make_generator, make_discriminator = _ARCHITECTURES[architecture]
    if num_classes is not None:
        if conditioning not in conditional.CONDITIONINGS:
            raise ValueError(
                "Invalid value for argument `conditioning`. Expected one "
                f"of {conditioning_names()}. Received: "
                f"conditioning={conditioning!r}"
            )
        g_kind, d_kind = conditional.CONDITIONINGS[conditioning]
        builders = _CONDITIONAL_ARCHITECTURES[architecture]
        make_generator = functools.partial(
            builders[0], num_classes, conditioning=g_kind
        )
        make_discriminator = functools.partial(
            builders[1], num_classes, conditioning=d_kind
        )
    if architecture == "mlp":
        if len(sample_shape) != 1:
            raise ValueError(
                "The mlp architecture expects vector samples of shape "
                f"(features,). Received: sample_shape={sample_shape}"
            )
        return (
            make_generator(latent_dim, sample_shape[0], **kwargs),
            make_discriminator(sample_shape[0], **kwargs),
        )
    return (
        make_generator(latent_dim, sample_shape, **kwargs),
        make_discriminator(sample_shape, **kwargs),
    )


__all__ = [
    "GAN",
    "architecture_names",
    "build_pair",
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "conditional_mlp_discriminator",
    "conditional_mlp_generator",
    "conditional_resnet_discriminator",
    "conditional_resnet_generator",
    "conditioning_names",
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "resnet_discriminator",
    "resnet_generator",
]
