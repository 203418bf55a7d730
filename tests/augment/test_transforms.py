"""The transforms against independent numpy versions of the reference
implementation's operations."""

import numpy as np
import pytest

from keras_gan.augment import transforms

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(-1, 1, (4, 8, 8, 3)).astype("float32")


def _numpy(x):
    return np.asarray(x)


def test_translation_matches_zero_padded_gather():
    rows, columns = np.array([-2, 0, 1, 3]), np.array([1, -3, 0, 2])
    got = _numpy(transforms.translation(IMAGES, rows, columns))
    # DiffAugment_tf.py: pad by one zero and gather clip(i + t + 1).
    for i, (tr, tc) in enumerate(zip(rows, columns)):
        padded = np.pad(IMAGES[i], ((1, 1), (1, 1), (0, 0)))
        r = np.clip(np.arange(8) + tr + 1, 0, 9)
        c = np.clip(np.arange(8) + tc + 1, 0, 9)
        np.testing.assert_array_equal(got[i], padded[r][:, c])


def test_cutout_matches_clipped_scatter():
    size = (4, 4)
    rows, columns = np.array([0, 3, 8, 5]), np.array([8, 4, 0, 1])
    got = _numpy(transforms.cutout(IMAGES, rows, columns, size))
    for i, (cr, cc) in enumerate(zip(rows, columns)):
        mask = np.ones((8, 8), np.float32)
        r = np.clip(np.arange(4) + cr - 2, 0, 7)
        c = np.clip(np.arange(4) + cc - 2, 0, 7)
        for a in r:
            for b in c:
                mask[a, b] = 0.0
        np.testing.assert_array_equal(got[i], IMAGES[i] * mask[..., None])


def test_rotate_and_flip_match_numpy():
    turns = np.array([0, 1, 2, 3])
    got = _numpy(transforms.rotate90(IMAGES, turns))
    for i, k in enumerate(turns):
        np.testing.assert_array_equal(got[i], np.rot90(IMAGES[i], k, (0, 1)))
    flip = np.array([True, False, True, False])
    got = _numpy(transforms.flip_columns(IMAGES, flip))
    for i in range(4):
        expected = IMAGES[i, :, ::-1] if flip[i] else IMAGES[i]
        np.testing.assert_array_equal(got[i], expected)


def test_colour_transforms_match_closed_forms():
    shift = np.array([0.5, -0.5, 0.1, 0.0], np.float32)
    factor = np.array([0.0, 0.5, 1.0, 2.0], np.float32)
    np.testing.assert_allclose(
        transforms.brightness(IMAGES, shift),
        IMAGES + shift[:, None, None, None],
    )
    mean_c = IMAGES.mean(axis=3, keepdims=True)
    np.testing.assert_allclose(
        transforms.saturation(IMAGES, factor),
        (IMAGES - mean_c) * factor[:, None, None, None] + mean_c,
        atol=1e-6,
    )
    mean = IMAGES.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(
        transforms.contrast(IMAGES, factor),
        (IMAGES - mean) * factor[:, None, None, None] + mean,
        atol=1e-6,
    )
    # One channel: saturation is the identity.
    gray = IMAGES[..., :1]
    np.testing.assert_allclose(transforms.saturation(gray, factor), gray)


@pytest.mark.parametrize("name", ["translation", "cutout"])
def test_geometric_transforms_are_differentiable(name):
    import tensorflow as tf

    x = tf.constant(IMAGES)
    with tf.GradientTape() as tape:
        tape.watch(x)
        if name == "translation":
            y = transforms.translation(x, [1, 0, -1, 2], [0, 1, 2, -2])
        else:
            y = transforms.cutout(x, [2, 3, 4, 5], [2, 3, 4, 5], (4, 4))
        total = tf.reduce_sum(y * IMAGES)
    grad = tape.gradient(total, x).numpy()
    # d/dx sum(T(x) * c) is T^T(c): nonzero exactly where pixels survive.
    assert np.count_nonzero(grad) > 0
    assert np.count_nonzero(grad) < grad.size
