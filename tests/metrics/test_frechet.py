"""Frechet distance against closed forms for Gaussians."""

import numpy as np
import pytest

from keras_gan.metrics import (
    RunningMoments,
    frechet_distance_from_activations,
    frechet_distance_from_statistics,
)


def _diagonal_closed_form(mu1, s1, mu2, s2):
    return np.sum((mu1 - mu2) ** 2) + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))


def _symmetric_sqrt(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def _eigh_closed_form(mu1, sigma1, mu2, sigma2):
    # Tr (S1 S2)^(1/2) = Tr (S1^(1/2) S2 S1^(1/2))^(1/2), computed with
    # symmetric eigendecompositions rather than a general matrix sqrt.
    root1 = _symmetric_sqrt(sigma1)
    cross = _symmetric_sqrt(root1 @ sigma2 @ root1)
    return (
        np.sum((mu1 - mu2) ** 2)
        + np.trace(sigma1)
        + np.trace(sigma2)
        - 2 * np.trace(cross)
    )


def _random_covariance(rng, d):
    a = rng.normal(size=(d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


def test_diagonal_gaussians_match_closed_form():
    rng = np.random.default_rng(0)
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    s1, s2 = rng.uniform(0.1, 3, size=6), rng.uniform(0.1, 3, size=6)
    distance = frechet_distance_from_statistics(
        mu1, np.diag(s1), mu2, np.diag(s2)
    )
    assert distance == pytest.approx(
        _diagonal_closed_form(mu1, s1, mu2, s2), rel=1e-10
    )


def test_one_dimensional_gaussians():
    # In 1-D the distance is (m1 - m2)^2 + (std1 - std2)^2.
    distance = frechet_distance_from_statistics([1.0], [[4.0]], [3.0], [[9.0]])
    assert distance == pytest.approx(2.0**2 + (2.0 - 3.0) ** 2)


def test_full_covariances_match_symmetric_closed_form():
    rng = np.random.default_rng(1)
    mu1, mu2 = rng.normal(size=10), rng.normal(size=10)
    sigma1, sigma2 = _random_covariance(rng, 10), _random_covariance(rng, 10)
    distance = frechet_distance_from_statistics(mu1, sigma1, mu2, sigma2)
    assert distance == pytest.approx(
        _eigh_closed_form(mu1, sigma1, mu2, sigma2), rel=1e-8
    )
    assert distance == pytest.approx(
        frechet_distance_from_statistics(mu2, sigma2, mu1, sigma1), rel=1e-8
    )


def test_identical_statistics_give_zero():
    rng = np.random.default_rng(2)
    mu, sigma = rng.normal(size=8), _random_covariance(rng, 8)
    assert frechet_distance_from_statistics(mu, sigma, mu, sigma) == (
        pytest.approx(0.0, abs=1e-8)
    )


def test_from_samples_converges_to_closed_form():
    rng = np.random.default_rng(3)
    mu1, mu2 = np.zeros(4), np.array([1.0, -1.0, 0.5, 0.0])
    s1, s2 = np.array([1.0, 2.0, 0.5, 1.0]), np.array([2.0, 1.0, 0.5, 3.0])
    x1 = mu1 + rng.normal(size=(100_000, 4)) * np.sqrt(s1)
    x2 = mu2 + rng.normal(size=(100_000, 4)) * np.sqrt(s2)
    expected = _diagonal_closed_form(mu1, s1, mu2, s2)
    assert frechet_distance_from_activations(x1, x2) == pytest.approx(
        expected, rel=0.02
    )


def test_from_activations_equals_from_statistics_of_np_cov():
    rng = np.random.default_rng(4)
    x1 = rng.normal(size=(300, 5))
    x2 = rng.normal(size=(200, 5)) * 2 + 1
    expected = frechet_distance_from_statistics(
        x1.mean(0),
        np.cov(x1, rowvar=False),
        x2.mean(0),
        np.cov(x2, rowvar=False),
    )
    assert frechet_distance_from_activations(x1, x2) == pytest.approx(
        expected, rel=1e-10
    )


def test_streamed_statistics_give_the_same_distance():
    rng = np.random.default_rng(5)
    x1, x2 = rng.normal(size=(1000, 6)), rng.normal(size=(900, 6)) + 0.3
    streamed = [RunningMoments(), RunningMoments()]
    for moments, data in zip(streamed, (x1, x2), strict=True):
        for batch in np.array_split(data, 7):
            moments.update(batch)
    distance = frechet_distance_from_statistics(
        streamed[0].mean,
        streamed[0].covariance,
        streamed[1].mean,
        streamed[1].covariance,
    )
    assert distance == pytest.approx(
        frechet_distance_from_activations(x1, x2), rel=1e-9
    )


def test_singular_covariances_stay_finite():
    # More features than samples: rank-deficient covariances, as with
    # dead ReLU units in a classifier's feature layer.
    rng = np.random.default_rng(6)
    x1 = np.concatenate([rng.normal(size=(20, 30)), np.zeros((20, 5))], 1)
    x2 = np.concatenate([rng.normal(size=(20, 30)), np.zeros((20, 5))], 1)
    distance = frechet_distance_from_activations(x1, x2)
    assert np.isfinite(distance)
    assert distance > 0


def test_zero_covariances_give_squared_mean_difference():
    sigma = np.zeros((3, 3))
    distance = frechet_distance_from_statistics(
        [0.0, 0.0, 0.0], sigma, [1.0, 2.0, 2.0], sigma
    )
    assert distance == pytest.approx(9.0, abs=1e-4)


def test_shape_mismatch_names_the_argument():
    with pytest.raises(ValueError, match="sigma2"):
        frechet_distance_from_statistics(
            np.zeros(3), np.eye(3), np.zeros(3), np.eye(4)
        )
    with pytest.raises(ValueError, match="mu1"):
        frechet_distance_from_statistics(
            np.zeros(3), np.eye(3), np.zeros(4), np.eye(4)
        )
    with pytest.raises(ValueError, match="activations2"):
        frechet_distance_from_activations(np.zeros((5, 3)), np.zeros(5))


def test_non_finite_square_root_is_retried_with_an_offset(monkeypatch):
    import scipy.linalg

    real_sqrtm = scipy.linalg.sqrtm
    calls = []

    def flaky_sqrtm(matrix):
        calls.append(matrix)
        if len(calls) == 1:
            return np.full_like(matrix, np.nan)
        return real_sqrtm(matrix)

    monkeypatch.setattr(scipy.linalg, "sqrtm", flaky_sqrtm)
    s1, s2 = np.array([1.0, 2.0]), np.array([3.0, 0.5])
    distance = frechet_distance_from_statistics(
        np.zeros(2), np.diag(s1), np.ones(2), np.diag(s2), epsilon=1e-3
    )
    assert len(calls) == 2
    np.testing.assert_allclose(calls[1], np.diag((s1 + 1e-3) * (s2 + 1e-3)))
    # Traces stay those of the inputs; only the cross term sees the offset.
    expected = 2.0 + np.sum(s1 + s2 - 2 * np.sqrt((s1 + 1e-3) * (s2 + 1e-3)))
    assert distance == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("imaginary, raises", [(1e-8, False), (0.1, True)])
def test_imaginary_square_roots(monkeypatch, imaginary, raises):
    import scipy.linalg

    def complex_sqrtm(matrix):
        return np.sqrt(matrix) + 1j * imaginary * np.eye(len(matrix))

    monkeypatch.setattr(scipy.linalg, "sqrtm", complex_sqrtm)
    args = (np.zeros(2), np.eye(2), np.zeros(2), np.eye(2))
    if raises:
        with pytest.raises(ValueError, match="imaginary component"):
            frechet_distance_from_statistics(*args)
    else:
        assert frechet_distance_from_statistics(*args) == pytest.approx(0.0)
