"""Shared fixtures of the benchmark tests."""

import numpy as np
import pytest


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
