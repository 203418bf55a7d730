"""Classifier score (Inception Score formula) against known values."""

import numpy as np
import pytest
import scipy.stats

from keras_gan.metrics import (
    classifier_score_from_logits,
    classifier_score_from_probabilities,
)


def test_confident_balanced_predictions_score_num_classes():
    labels = np.arange(100) % 10  # every split of 10 holds every class
    probabilities = np.eye(10)[labels]
    mean, std = classifier_score_from_probabilities(probabilities, 10)
    assert mean == pytest.approx(10.0)
    assert std == pytest.approx(0.0, abs=1e-12)
    logits = 50.0 * np.eye(10)[labels]
    assert classifier_score_from_logits(logits, 10)[0] == pytest.approx(
        10.0, rel=1e-6
    )


def test_constant_predictions_score_one():
    rng = np.random.default_rng(0)
    row = rng.dirichlet(np.ones(7))
    mean, std = classifier_score_from_probabilities(np.tile(row, (40, 1)), 4)
    assert mean == pytest.approx(1.0)
    assert std == pytest.approx(0.0, abs=1e-12)
    logits = np.tile(rng.normal(size=7), (40, 1))
    assert classifier_score_from_logits(logits, 4)[0] == pytest.approx(1.0)


def test_matches_scipy_entropy_per_split():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(103, 5)) * 3
    probabilities = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    scores = []
    for i in range(4):
        part = probabilities[i * 103 // 4 : (i + 1) * 103 // 4]
        marginal = part.mean(0)
        kl = [scipy.stats.entropy(p, marginal) for p in part]
        scores.append(np.exp(np.mean(kl)))
    mean, std = classifier_score_from_logits(logits, num_splits=4)
    assert mean == pytest.approx(np.mean(scores), rel=1e-10)
    assert std == pytest.approx(np.std(scores), rel=1e-8)
    from_probabilities = classifier_score_from_probabilities(probabilities, 4)
    assert from_probabilities == pytest.approx((mean, std), rel=1e-10)


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="num_splits"):
        classifier_score_from_logits(np.zeros((5, 3)), num_splits=6)
    with pytest.raises(ValueError, match="probabilities"):
        classifier_score_from_probabilities(np.full((5, 3), 0.5))
    with pytest.raises(ValueError, match="logits"):
        classifier_score_from_logits(np.zeros(5))
