"""Precision/recall and density/coverage against brute force."""

import numpy as np
import pytest

from keras_gan.metrics import (
    density_coverage_from_activations,
    manifold_metrics_from_activations,
    nearest_neighbour_distances,
    precision_recall_from_activations,
)


def _brute_force(real, generated, pr_k, dc_k):
    """The papers' definitions, one pair of points at a time."""

    def distance(a, b):
        return float(np.sqrt(np.sum((a - b) ** 2)))

    def kth_radius(points, i, k):
        others = [distance(points[i], points[j]) for j in range(len(points))]
        del others[i]
        return sorted(others)[k - 1]

    real_pr = [kth_radius(real, i, pr_k) for i in range(len(real))]
    real_dc = [kth_radius(real, i, dc_k) for i in range(len(real))]
    gen_pr = [kth_radius(generated, j, pr_k) for j in range(len(generated))]
    d = [[distance(r, g) for g in generated] for r in real]
    n, m = len(real), len(generated)
    precision = np.mean(
        [any(d[i][j] <= real_pr[i] for i in range(n)) for j in range(m)]
    )
    recall = np.mean(
        [any(d[i][j] <= gen_pr[j] for j in range(m)) for i in range(n)]
    )
    density = sum(d[i][j] <= real_dc[i] for i in range(n) for j in range(m)) / (
        dc_k * m
    )
    coverage = np.mean(
        [any(d[i][j] <= real_dc[i] for j in range(m)) for i in range(n)]
    )
    return {
        "precision": precision,
        "recall": recall,
        "density": density,
        "coverage": coverage,
    }


def test_hand_built_one_dimensional_case():
    # k = 1. Real radii: 0, 1, 2, 3 -> 1 and 10 -> 7. Generated radii:
    # 2.4, 5 -> 2.6, 20 -> 15, 40 -> 20.
    real = np.array([0.0, 1.0, 2.0, 3.0, 10.0])[:, None]
    generated = np.array([2.4, 5.0, 20.0, 40.0])[:, None]
    metrics = manifold_metrics_from_activations(
        real, generated, precision_recall_k=1, density_coverage_k=1
    )
    # 2.4 is in B(2, 1); 5 only in the wide ball B(10, 7); 20 and 40 in none.
    assert metrics["precision"] == pytest.approx(2 / 4)
    # 0..3 are within 2.6 of 2.4; 10 is within 15 of 20.
    assert metrics["recall"] == pytest.approx(1.0)
    # 2.4 lies in B(2, 1) and B(3, 1); 5 in B(10, 7).
    assert metrics["density"] == pytest.approx(3 / 4)
    # B(2, 1), B(3, 1) and B(10, 7) hold a generated point; B(0, 1), B(1, 1)
    # do not.
    assert metrics["coverage"] == pytest.approx(3 / 5)


def test_random_sets_match_brute_force():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(40, 3))
    generated = rng.normal(size=(35, 3)) * 1.3 + 0.4
    expected = _brute_force(real, generated, pr_k=3, dc_k=5)
    metrics = manifold_metrics_from_activations(
        real, generated, batch_size=8, dtype="float64"
    )
    assert metrics == pytest.approx(expected, abs=1e-12)
    assert precision_recall_from_activations(
        real, generated, dtype="float64"
    ) == pytest.approx((expected["precision"], expected["recall"]))
    assert density_coverage_from_activations(
        real, generated, dtype="float64"
    ) == pytest.approx((expected["density"], expected["coverage"]))


@pytest.mark.parametrize("batch_size", [1, 7, 64, 5000])
def test_chunked_equals_unchunked(batch_size):
    rng = np.random.default_rng(1)
    real = rng.normal(size=(300, 10)).astype(np.float32)
    generated = (rng.normal(size=(257, 10)) + 0.3).astype(np.float32)
    reference = manifold_metrics_from_activations(
        real, generated, batch_size=10_000
    )
    chunked = manifold_metrics_from_activations(
        real, generated, batch_size=batch_size
    )
    assert chunked == reference


def test_float32_agrees_with_float64():
    rng = np.random.default_rng(2)
    real = 100.0 + rng.normal(size=(500, 32))
    generated = 100.0 + rng.normal(size=(400, 32))
    low = manifold_metrics_from_activations(real, generated, dtype="float32")
    high = manifold_metrics_from_activations(real, generated, dtype="float64")
    assert low == pytest.approx(high, abs=2 / 400)


def test_nearest_neighbour_distances_exclude_the_point_itself():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(50, 4))
    full = np.linalg.norm(points[:, None] - points[None], axis=-1)
    np.fill_diagonal(full, np.inf)
    expected = np.sort(full, axis=1)[:, 2]
    np.testing.assert_allclose(
        nearest_neighbour_distances(points, 3, batch_size=9, dtype="float64"),
        expected,
        rtol=1e-10,
    )
    # A duplicate point is a neighbour at distance 0; the point is not.
    duplicated = np.array([[0.0], [0.0], [5.0]])
    np.testing.assert_allclose(
        nearest_neighbour_distances(duplicated, 1), [0.0, 0.0, 5.0]
    )


def test_identical_sets_have_full_precision_recall_and_coverage():
    rng = np.random.default_rng(4)
    points = rng.normal(size=(200, 8))
    metrics = manifold_metrics_from_activations(points, points.copy())
    assert metrics["precision"] == 1.0
    assert metrics["recall"] == 1.0
    assert metrics["coverage"] == 1.0


def test_far_apart_sets_score_zero():
    rng = np.random.default_rng(5)
    real = rng.normal(size=(100, 4))
    generated = rng.normal(size=(100, 4)) + 100.0
    assert manifold_metrics_from_activations(real, generated) == {
        "precision": 0.0,
        "recall": 0.0,
        "density": 0.0,
        "coverage": 0.0,
    }


def test_same_distribution_is_near_ideal():
    rng = np.random.default_rng(6)
    real = rng.normal(size=(3000, 8))
    generated = rng.normal(size=(3000, 8))
    metrics = manifold_metrics_from_activations(real, generated)
    assert metrics["precision"] > 0.7
    assert metrics["recall"] > 0.7
    assert metrics["density"] == pytest.approx(1.0, abs=0.15)
    # Naeem et al.: for identical distributions coverage -> 1 - 2^-k.
    assert metrics["coverage"] == pytest.approx(1 - 0.5**5, abs=0.03)


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="k=3"):
        precision_recall_from_activations(np.zeros((3, 2)), np.zeros((9, 2)))
    with pytest.raises(ValueError, match="k=0"):
        nearest_neighbour_distances(np.zeros((3, 2)), 0)
    with pytest.raises(ValueError, match="same number of features"):
        precision_recall_from_activations(np.zeros((9, 2)), np.zeros((9, 3)))
    with pytest.raises(ValueError, match="batch_size"):
        precision_recall_from_activations(
            np.zeros((9, 2)), np.zeros((9, 2)), batch_size=-1
        )


@pytest.mark.parametrize("batch_size", [1, 4, 1000])
def test_nearest_neighbour_distances_with_many_ties(batch_size):
    # Integer points: many equal distances and duplicates across blocks.
    # float64, because in float32 the expansion |a|^2 + |b|^2 - 2 a.b
    # leaves duplicates about 1e-7 |a|^2 apart (documented).
    rng = np.random.default_rng(7)
    points = rng.integers(0, 3, size=(60, 2)).astype(np.float64)
    full = np.linalg.norm(points[:, None] - points[None], axis=-1)
    np.fill_diagonal(full, np.inf)
    for k in (1, 3, 5):
        np.testing.assert_allclose(
            nearest_neighbour_distances(
                points, k, batch_size=batch_size, dtype="float64"
            ),
            np.sort(full, axis=1)[:, k - 1],
            atol=1e-6,
        )
