"""RunningMoments against np.mean / np.cov of the full data."""

import numpy as np
import pytest

from keras_gan.metrics import RunningMoments


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_streamed_moments_equal_full_data_moments(offset):
    rng = np.random.default_rng(0)
    data = offset + rng.normal(size=(5003, 7)) * rng.uniform(0.1, 5, size=7)
    moments = RunningMoments()
    # Uneven batches, including single rows.
    boundaries = [0, 1, 2, 100, 101, 2000, 4999, 5003]
    for start, stop in zip(boundaries[:-1], boundaries[1:], strict=True):
        moments.update(data[start:stop])
    assert moments.count == len(data)
    np.testing.assert_allclose(moments.mean, data.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(
        moments.covariance, np.cov(data, rowvar=False), rtol=1e-7, atol=1e-9
    )


def test_merge_equals_one_accumulator():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(300, 4)), rng.normal(size=(50, 4)) + 3
    merged = RunningMoments().update(a).merge(RunningMoments().update(b))
    full = np.concatenate([a, b])
    np.testing.assert_allclose(merged.mean, full.mean(0), rtol=1e-12)
    np.testing.assert_allclose(
        merged.covariance, np.cov(full, rowvar=False), rtol=1e-10
    )
    assert RunningMoments().merge(merged).count == merged.count


def test_float32_input_is_accumulated_in_float64():
    rng = np.random.default_rng(2)
    data = rng.normal(size=(1000, 3)).astype(np.float32)
    moments = RunningMoments().update(data)
    assert moments.covariance.dtype == np.float64
    np.testing.assert_allclose(
        moments.covariance,
        np.cov(data.astype(np.float64), rowvar=False),
        rtol=1e-10,
    )


def test_reset_forgets_batches():
    moments = RunningMoments().update(np.ones((5, 2)))
    moments.reset()
    assert moments.count == 0
    with pytest.raises(ValueError, match="update"):
        _ = moments.mean


def test_invalid_inputs_raise():
    moments = RunningMoments(num_features=3)
    with pytest.raises(ValueError, match="batch_activations"):
        moments.update(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="batch_activations"):
        moments.update(np.zeros(3))
    moments.update(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="count=1"):
        _ = moments.covariance
