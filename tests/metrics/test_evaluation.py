"""evaluate_features / evaluate_images: keys and real-vs-real floors."""

import numpy as np
import pytest

from keras_gan.metrics import (
    evaluate_features,
    evaluate_images,
    frechet_distance_from_activations,
)

KEYS = {
    "frechet_distance",
    "kid_mean",
    "kid_std",
    "precision",
    "recall",
    "density",
    "coverage",
}
FAST = {"kid_num_subsets": 10, "kid_subset_size": 500}


def test_real_vs_real_floor_is_near_ideal_and_shift_is_not():
    rng = np.random.default_rng(0)
    real_a = rng.normal(size=(1500, 16))
    real_b = rng.normal(size=(1500, 16))
    shifted = rng.normal(size=(1500, 16)) + 1.0
    floor = evaluate_features(real_a, real_b, **FAST)
    worse = evaluate_features(real_a, shifted, **FAST)
    assert set(floor) == KEYS
    assert all(isinstance(value, float) for value in floor.values())
    assert floor["frechet_distance"] < 0.2
    assert worse["frechet_distance"] == pytest.approx(16.0, rel=0.1)
    assert abs(floor["kid_mean"]) < 0.01 < worse["kid_mean"]
    assert floor["precision"] > 0.6 > worse["precision"]
    assert floor["recall"] > 0.6 > worse["recall"]
    assert floor["density"] == pytest.approx(1.0, abs=0.2)
    assert floor["coverage"] > 0.9 > worse["coverage"]
    assert floor["frechet_distance"] == frechet_distance_from_activations(
        real_a, real_b
    )


def test_logits_add_the_classifier_score():
    rng = np.random.default_rng(1)
    features = rng.normal(size=(100, 4))
    logits = 30.0 * np.eye(10)[np.arange(100) % 10]
    metrics = evaluate_features(features, features, logits, **FAST)
    assert set(metrics) == KEYS | {"classifier_score", "classifier_score_std"}
    assert metrics["classifier_score"] == pytest.approx(10.0, rel=1e-6)


class _ProjectionExtractor:
    """Features = flattened images; logits from the first two pixels."""

    has_logits = True

    def features(self, images):
        return np.asarray(images, np.float64).reshape(len(images), -1)

    def features_and_logits(self, images):
        features = self.features(images)
        return features, features[:, :2]


def test_evaluate_images_uses_the_extractor():
    rng = np.random.default_rng(2)
    real = rng.normal(size=(200, 2, 2, 1))
    generated = rng.normal(size=(200, 2, 2, 1)) + 0.5
    metrics = evaluate_images(real, generated, _ProjectionExtractor(), **FAST)
    expected = evaluate_features(
        real.reshape(200, 4),
        generated.reshape(200, 4),
        generated.reshape(200, 4)[:, :2],
        **FAST,
    )
    assert metrics == expected
