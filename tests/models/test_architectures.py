"""Architecture builders: shapes, ranges, and choice by name."""

import keras
import numpy as np
import pytest

from keras_gan import models


@pytest.mark.parametrize(
    "shape", [(8, 8, 1), (28, 28, 1), (32, 32, 3), (64, 64, 3)]
)
def test_dcgan_pair_maps_noise_to_images_and_images_to_logits(shape):
    generator, discriminator = models.build_pair(
        "dcgan", shape, latent_dim=16, base_filters=8
    )
    z = np.random.default_rng(0).normal(size=(3, 16)).astype(np.float32)
    images = generator(z, training=False)
    assert tuple(images.shape) == (3, *shape)
    assert np.all(np.abs(images) <= 1.0)  # tanh range, like the data
    assert tuple(discriminator(images).shape) == (3, 1)


def test_discriminators_have_no_batch_normalization():
    # Batch statistics would couple examples (breaking the gradient
    # penalties) and would be updated during the generator's update.
    for architecture, shape in (("dcgan", (32, 32, 3)), ("mlp", (2,))):
        _, discriminator = models.build_pair(architecture, shape, 8)
        assert not any(
            isinstance(layer, keras.layers.BatchNormalization)
            for layer in discriminator.layers
        )
        assert not discriminator.non_trainable_variables


def test_mlp_pair_has_linear_output_in_data_units():
    generator, discriminator = models.build_pair(
        "mlp", (5,), latent_dim=4, hidden_units=(8,)
    )
    assert generator.output_shape == (None, 5)
    assert discriminator.output_shape == (None, 1)
    assert generator.layers[-1].activation is keras.activations.linear


def test_unknown_architecture_and_unfit_shapes_are_rejected():
    with pytest.raises(
        ValueError, match=r"\['dcgan', 'mlp', 'resnet'\].*Received"
    ):
        models.build_pair("biggan", (32, 32, 3), 8)
    with pytest.raises(ValueError, match="square"):
        models.dcgan_generator(8, (28, 32, 1))
    with pytest.raises(ValueError, match=r"s \* 2\^n"):
        models.dcgan_discriminator((7, 7, 1))
    with pytest.raises(ValueError, match=r"\(features,\)"):
        models.build_pair("mlp", (28, 28, 1), 8)
