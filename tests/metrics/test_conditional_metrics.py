"""Label accuracy and the intra-class Frechet distance."""

import numpy as np
import pytest

from keras_gan.metrics.conditional import (
    intra_class_frechet_distance_from_activations,
    label_accuracy_from_logits,
)
from keras_gan.metrics.frechet import frechet_distance_from_activations


def test_label_accuracy_counts_the_requested_class():
    logits = np.array([[2.0, 0.0, 1.0], [0.0, 3.0, 1.0], [0.0, 0.0, 5.0]])
    assert label_accuracy_from_logits(logits, [0, 1, 2]) == 1.0
    assert label_accuracy_from_logits(logits, [0, 2, 2]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="2 labels"):
        label_accuracy_from_logits(logits, [0, 1])


def _classes(rng, count, shift=0.0):
    # Class c: a Gaussian around 3 * c in every feature.
    labels = np.repeat(np.arange(3), count)
    features = rng.normal(size=(3 * count, 4)) + 3.0 * labels[:, None]
    return features + shift, labels


def test_intra_class_fd_is_the_mean_of_the_per_class_distances():
    rng = np.random.default_rng(0)
    generated, labels = _classes(rng, 300, shift=0.5)
    real, real_labels = _classes(rng, 300)
    mean, per_class = intra_class_frechet_distance_from_activations(
        generated, labels, real, real_labels
    )
    for label in range(3):
        assert per_class[label] == pytest.approx(
            frechet_distance_from_activations(
                generated[labels == label], real[real_labels == label]
            )
        )
    assert mean == pytest.approx(np.mean(list(per_class.values())))
    # A shift of 0.5 in 4 features: FD about 4 * 0.25 = 1.
    assert 0.7 < mean < 1.4


def test_a_generator_ignoring_its_labels_scores_far_worse():
    rng = np.random.default_rng(1)
    real, real_labels = _classes(rng, 300)
    generated, labels = _classes(rng, 300)
    matched, _ = intra_class_frechet_distance_from_activations(
        generated, labels, real, real_labels
    )
    # The same samples, but each asked-for class gets a random one: the
    # overall distribution is right and each class's is wrong.
    ignored, _ = intra_class_frechet_distance_from_activations(
        generated, rng.permutation(labels), real, real_labels
    )
    assert matched < 0.5 and ignored > 10 * matched
    with pytest.raises(ValueError, match="of class 1 .* Received 0"):
        intra_class_frechet_distance_from_activations(
            generated, labels, real[:5], real_labels[:5]
        )


class _VectorExtractor:
    """Features: the vectors; logits: minus the distance to each class's
    centre 3 * c (the nearest centre wins)."""

    def features_and_logits(self, vectors):
        vectors = np.asarray(vectors, np.float64)
        centres = 3.0 * np.arange(3)[:, None] * np.ones((1, 4))
        distances = np.linalg.norm(vectors[:, None] - centres[None], axis=-1)
        return vectors, -distances


def test_scoring_a_generator_beside_the_real_floor():
    from keras_gan.metrics.conditional import score_class_conditional

    rng = np.random.default_rng(2)
    real, real_labels = _classes(rng, 400)

    def faithful(num, labels):
        return rng.normal(size=(num, 4)) + 3.0 * labels[:, None]

    def wrong_class(num, labels):
        return faithful(num, (labels + 1) % 3)

    good = score_class_conditional(
        faithful, _VectorExtractor(), real, real_labels, 3, per_class=400
    )
    bad = score_class_conditional(
        wrong_class, _VectorExtractor(), real, real_labels, 3, per_class=400
    )
    # A faithful generator is as good as real data; one that draws the
    # wrong class keeps the overall FD but fails the per-class figures.
    assert good["label_accuracy"] == pytest.approx(
        good["real_label_accuracy"], abs=0.05
    )
    assert good["intra_class_fd"] < 3 * good["real_intra_class_fd"] + 0.1
    assert bad["label_accuracy"] < 0.2
    assert bad["intra_class_fd"] > 10 * good["intra_class_fd"]
    assert bad["fd"] < 0.5  # same overall distribution
    assert bad["real_label_accuracy"] == good["real_label_accuracy"]
