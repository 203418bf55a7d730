"""Mode metrics on hand-built ring and grid samples."""

import math

import numpy as np
import pytest
import scipy.stats

from keras_gan.metrics import mode_metrics, nearest_modes

RING_STD = 0.01
GRID_STD = 0.05


def _ring_means():
    angles = 2 * np.pi * np.arange(8) / 8
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _grid_means():
    axis = np.arange(-4.0, 5.0, 2.0)
    return np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)


def test_all_ring_modes_plus_outliers():
    rng = np.random.default_rng(0)
    means = _ring_means()
    # 10 samples per mode, 2 std away in a random direction: high quality.
    angles = rng.uniform(0, 2 * np.pi, size=(8, 10))
    offsets = 2 * RING_STD * np.stack([np.cos(angles), np.sin(angles)], -1)
    good = (means[:, None, :] + offsets).reshape(-1, 2)
    outliers = np.array([[0.0, 0.0], [5.0, 5.0], [0.5, 0.5], [-2.0, 1.0]] * 5)
    metrics = mode_metrics(np.concatenate([good, outliers]), means, RING_STD)
    assert metrics == {
        "modes_captured": 8,
        "num_modes": 8,
        "high_quality_fraction": pytest.approx(80 / 100),
        "high_quality_percent": pytest.approx(80.0),
        "mode_kl_divergence": pytest.approx(0.0, abs=1e-12),
    }


def test_three_std_boundary():
    means = _ring_means()
    inside = means[2] + [0.0, 2.9 * RING_STD]
    outside = means[5] + [3.1 * RING_STD, 0.0]
    nearest, high_quality = nearest_modes(
        np.stack([inside, outside]), means, RING_STD
    )
    np.testing.assert_array_equal(nearest, [2, 5])
    np.testing.assert_array_equal(high_quality, [True, False])
    metrics = mode_metrics(np.stack([inside, outside]), means, RING_STD)
    assert metrics["modes_captured"] == 1
    assert metrics["high_quality_fraction"] == 0.5


def test_collapse_to_one_mode_has_maximal_kl():
    means = _ring_means()
    samples = np.repeat(means[3:4], 50, axis=0)
    metrics = mode_metrics(samples, means, RING_STD)
    assert metrics["modes_captured"] == 1
    assert metrics["high_quality_fraction"] == 1.0
    assert metrics["mode_kl_divergence"] == pytest.approx(math.log(8))


def test_grid_uneven_histogram_matches_scipy_kl():
    means = _grid_means()
    counts = np.arange(25) % 4  # modes with 0..3 samples each
    samples = np.repeat(means, counts, axis=0) + 0.5 * GRID_STD
    far = np.array([[10.0, 10.0]] * 7)
    metrics = mode_metrics(np.concatenate([samples, far]), means, GRID_STD)
    p = counts / counts.sum()
    assert metrics["modes_captured"] == int((counts > 0).sum())
    assert metrics["high_quality_fraction"] == pytest.approx(
        counts.sum() / (counts.sum() + 7)
    )
    assert metrics["mode_kl_divergence"] == pytest.approx(
        scipy.stats.entropy(p, np.full(25, 1 / 25)), rel=1e-12
    )


def test_low_quality_samples_capture_no_mode():
    means = _grid_means()
    # Nearest to a grid mean, but 10 std away from it.
    samples = means + [0.5, 0.0]
    metrics = mode_metrics(samples, means, GRID_STD)
    assert metrics["modes_captured"] == 0
    assert metrics["high_quality_fraction"] == 0.0
    assert math.isnan(metrics["mode_kl_divergence"])


def test_invalid_inputs_raise():
    means = _ring_means()
    with pytest.raises(ValueError, match="samples"):
        mode_metrics(np.zeros((5, 3)), means, RING_STD)
    with pytest.raises(ValueError, match="std"):
        mode_metrics(np.zeros((5, 2)), means, 0.0)
    with pytest.raises(ValueError, match="means"):
        mode_metrics(np.zeros((5, 2)), np.zeros(2), RING_STD)
