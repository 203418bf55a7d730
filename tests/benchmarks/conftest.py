"""Shared fixtures of the benchmark tests."""

import keras
import numpy as np
import pytest

from keras_gan import GAN, models
from keras_gan.metrics import scoring


class ProjectionFeatures:
    """A stand-in feature extractor of 28x28 images in [0, 1]: a fixed
    random projection of the pixels to 6 features."""

    value_range = (0.0, 1.0)

    def __init__(self):
        self.projection = np.random.default_rng(0).normal(size=(784, 6))

    def features(self, images):
        return np.asarray(images).reshape(len(images), -1) @ self.projection

    __call__ = features


@pytest.fixture
def projection_features():
    return ProjectionFeatures()


@pytest.fixture
def weights_of():
    """A function: copies of a model's weights, to compare after
    training."""

    def weights_of(model):
        return [w.copy() for w in model.get_weights()]

    return weights_of


@pytest.fixture
def make_feature_scorer(projection_features):
    """A function: a `FeatureScorer` of `num_images` uniform 28x28 images
    (seed 0) on `features` (the projection by default), its KID on two
    subsets of `kid_subset_size`."""

    def make(num_images, kid_subset_size, features=None, **kwargs):
        rng = np.random.default_rng(0)
        return scoring.FeatureScorer(
            rng.uniform(0, 1, (num_images, 28, 28, 1)),
            features or projection_features,
            kid_subset_size=kid_subset_size,
            kid_num_subsets=2,
            **kwargs,
        )

    return make


@pytest.fixture
def make_tiny_gan():
    """A function: a seeded 28x28 DCGAN `GAN` of 8 latent dimensions and
    8 base filters that keeps a weight average (decay 0.9)."""

    def make(seed=0):
        keras.utils.set_random_seed(seed)
        generator, discriminator = models.build_pair(
            "dcgan", (28, 28, 1), 8, base_filters=8
        )
        return GAN(generator, discriminator, 8, ema_decay=0.9)

    return make
