"""The GAN model and architecture builders, chosen by name."""

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


def build_pair(architecture, sample_shape, latent_dim, **kwargs):
    """Builds a generator and a discriminator for samples of one shape.

    Args:
        architecture: One of `architecture_names()`.
        sample_shape: Shape of one sample: `(size, size, channels)` for
            `"dcgan"` and `"resnet"`, `(features,)` for `"mlp"`.
        latent_dim: Size of the noise vector.
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
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "resnet_discriminator",
    "resnet_generator",
]
