"""Tests for the toy 2D mixtures."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data
from keras_gan.data import mixtures


def _nearest_modes(points, means):
    distances = np.linalg.norm(points[:, None, :] - means[None], axis=-1)
    return np.argmin(distances, axis=1)


def _check_mixture_statistics(points, name):
    means, std = data.mixture_means(name)
    modes = _nearest_modes(points, means)
    counts = np.bincount(modes, minlength=len(means))
    expected = len(points) / len(means)
    # Binomial count per mode: 5 standard deviations is a loose bound.
    bound = 5 * np.sqrt(expected * (1 - 1 / len(means)))
    np.testing.assert_array_less(np.abs(counts - expected), bound)
    residuals = points - means[modes]
    np.testing.assert_allclose(residuals.mean(axis=0), 0.0, atol=5 * std / 30)
    for mode in range(len(means)):
        per_mode = residuals[modes == mode]
        np.testing.assert_allclose(per_mode.std(axis=0), std, rtol=0.15)
    np.testing.assert_allclose(residuals.std(axis=0), std, rtol=0.03)


def test_ring_means_follow_protocol():
    means = data.ring_means()
    assert means.shape == (8, 2)
    assert means.dtype == np.float32
    for i in range(8):
        angle = 2 * np.pi * i / 8
        np.testing.assert_allclose(
            means[i], [np.cos(angle), np.sin(angle)], atol=1e-7
        )
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 1.0, atol=1e-6)
    assert len({tuple(np.round(m, 5)) for m in means}) == 8


def test_grid_means_follow_protocol():
    means = data.grid_means()
    assert means.shape == (25, 2)
    assert means.dtype == np.float32
    values = (-4, -2, 0, 2, 4)
    expected = {(float(x), float(y)) for x in values for y in values}
    assert {tuple(map(float, m)) for m in means} == expected


def test_standard_deviations_follow_protocol():
    assert data.RING_STD == 0.01
    assert data.GRID_STD == 0.05
    assert data.mixture_means("ring")[1] == 0.01
    assert data.mixture_means("grid")[1] == 0.05
    np.testing.assert_array_equal(
        data.mixture_means("grid")[0], data.grid_means()
    )


def test_unknown_mixture_lists_valid_names():
    with pytest.raises(ValueError, match="'ring', 'grid'.*name='spiral'"):
        data.mixture_means("spiral")


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_sample_mixture_statistics(name):
    points = data.sample_mixture(name, 50_000, seed=0)
    assert points.shape == (50_000, 2)
    assert points.dtype == np.float32
    _check_mixture_statistics(points, name)


def test_sample_mixture_is_seeded():
    first = data.sample_mixture("grid", 100, seed=7)
    np.testing.assert_array_equal(first, data.sample_mixture("grid", 100, 7))
    assert not np.array_equal(first, data.sample_mixture("grid", 100, 8))


def test_sample_mixture_rejects_negative_count():
    with pytest.raises(ValueError, match="num_samples=-1"):
        data.sample_mixture("ring", -1)


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_mixture_dataset_statistics(name):
    dataset = data.mixture_dataset(name, 1000, seed=3)
    points = np.concatenate([b.numpy() for b in dataset.take(50)])
    _check_mixture_statistics(points, name)


def test_mixture_dataset_static_shape():
    dataset = data.mixture_dataset("ring", 48, seed=0)
    assert dataset.element_spec == tf.TensorSpec([48, 2], tf.float32)
    assert next(iter(dataset)).shape == (48, 2)


def test_mixture_dataset_is_infinite():
    dataset = data.mixture_dataset("ring", 8, seed=0)
    assert dataset.cardinality() == tf.data.INFINITE_CARDINALITY


def test_mixture_dataset_same_seed_same_stream():
    def stream(seed):
        dataset = data.mixture_dataset("grid", 64, seed=seed)
        return np.stack([b.numpy() for b in dataset.take(3)])

    first = stream(11)
    np.testing.assert_array_equal(first, stream(11))
    assert not np.array_equal(first, stream(12))
    # Batches within one stream differ from each other.
    assert not np.array_equal(first[0], first[1])


def test_mixture_dataset_repeats_stream_on_each_iteration():
    dataset = data.mixture_dataset("ring", 16, seed=5)
    first = [b.numpy() for b in dataset.take(2)]
    second = [b.numpy() for b in dataset.take(2)]
    np.testing.assert_array_equal(first, second)


def test_mixture_dataset_labels_are_the_drawn_modes():
    dataset = data.mixture_dataset("grid", 256, seed=1, with_labels=True)
    points, modes = next(iter(dataset))
    assert modes.dtype == tf.int32
    expected = _nearest_modes(points.numpy(), data.grid_means())
    np.testing.assert_array_equal(modes.numpy(), expected)


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
def test_mixture_dataset_rejects_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match="`batch_size`"):
        data.mixture_dataset("ring", batch_size)


def test_mixture_dataset_rejects_bad_seed():
    with pytest.raises(ValueError, match="`seed`"):
        data.mixture_dataset("ring", 8, seed="abc")


def test_load_returns_mixture_stream():
    loaded = data.load("ring", batch_size=32, seed=4)
    direct = mixtures.mixture_dataset("ring", 32, seed=4)
    np.testing.assert_array_equal(next(iter(loaded)), next(iter(direct)))
    spec = data.info("grid")
    assert spec.element_shape == (2,)
    assert spec.num_classes == 25
    assert spec.num_examples is None
    assert spec.kind == "points"
    assert spec.value_range is None
