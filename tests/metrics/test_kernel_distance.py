"""KID against a naive loop implementation and known regimes."""

import numpy as np
import pytest

from keras_gan.metrics import (
    kernel_distance_from_activations,
    polynomial_mmd2_unbiased,
)


def _naive_mmd2_unbiased(x, y):
    d = x.shape[1]

    def k(a, b):
        return (sum(a[i] * b[i] for i in range(d)) / d + 1.0) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j)
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n))
    return xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n)


def test_mmd2_equals_naive_loops():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(7, 3)), rng.normal(size=(5, 3)) + 0.5
    assert polynomial_mmd2_unbiased(x, y) == pytest.approx(
        _naive_mmd2_unbiased(x, y), rel=1e-12
    )


def test_kid_on_whole_sets_equals_naive_loops():
    # With subset_size equal to both set sizes every subset is a
    # permutation of the whole set, so each estimate is the naive value.
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)) * 2
    kid_mean, kid_std = kernel_distance_from_activations(
        x, y, num_subsets=3, subset_size=100
    )
    assert kid_mean == pytest.approx(_naive_mmd2_unbiased(x, y), rel=1e-10)
    assert kid_std == pytest.approx(0.0, abs=1e-12)


def test_same_distribution_is_near_zero_and_shifted_is_not():
    rng = np.random.default_rng(2)
    real = rng.normal(size=(1000, 16))
    same = rng.normal(size=(1000, 16))
    shifted = rng.normal(size=(1000, 16)) + 0.5
    same_mean, same_std = kernel_distance_from_activations(
        real, same, num_subsets=20, subset_size=500
    )
    shifted_mean, shifted_std = kernel_distance_from_activations(
        real, shifted, num_subsets=20, subset_size=500
    )
    assert abs(same_mean) < 0.01
    assert shifted_mean > 0.1
    assert shifted_mean > 10 * (abs(same_mean) + same_std)


def test_seed_makes_subsets_reproducible():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(50, 3)), rng.normal(size=(60, 3))
    first = kernel_distance_from_activations(
        x, y, num_subsets=5, subset_size=10
    )
    second = kernel_distance_from_activations(
        x, y, num_subsets=5, subset_size=10
    )
    other = kernel_distance_from_activations(
        x, y, num_subsets=5, subset_size=10, seed=1
    )
    assert first == second
    assert first != other


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="same number of features"):
        kernel_distance_from_activations(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="at least 2"):
        kernel_distance_from_activations(np.zeros((1, 2)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="num_subsets"):
        kernel_distance_from_activations(
            np.zeros((5, 2)), np.zeros((5, 2)), num_subsets=0
        )
