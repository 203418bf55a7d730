"""Toy 2D Gaussian mixtures: the ring and grid benchmarks.

The protocol (docs/contracts.md, "2D mixtures", as in VEEGAN 2017 and
PacGAN 2018):

- Ring: 8 Gaussians with means `(cos(2 pi i / 8), sin(2 pi i / 8))`,
  `i = 0..7` (radius 1, no duplicate at `2 pi`), standard deviation 0.01.
- Grid: 25 Gaussians with means `{-4, -2, 0, 2, 4}^2`, standard deviation
  0.05.

Every mode is drawn with the same probability. Points are float32 in data
coordinates (no rescaling).
"""

import numpy as np
import tensorflow as tf

from keras_gan.arguments import check_positive_int
from keras_gan.seeding import resolve_seed

__all__ = [
    "GRID_STD",
    "MIXTURE_NAMES",
    "RING_STD",
    "grid_means",
    "mixture_dataset",
    "mixture_means",
    "ring_means",
    "sample_mixture",
]

RING_STD = 0.01
GRID_STD = 0.05
MIXTURE_NAMES = ("ring", "grid")

_RING_MODES = 8
_GRID_VALUES = (-4.0, -2.0, 0.0, 2.0, 4.0)


def ring_means():
    """Returns the 8 means of the ring mixture.

    Returns:
        float32 array of shape `[8, 2]`; row `i` is
        `(cos(2 pi i / 8), sin(2 pi i / 8))`.
    """
    angles = 2.0 * np.pi * np.arange(_RING_MODES) / _RING_MODES
    means = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return means.astype(np.float32)


def grid_means():
    """Returns the 25 means of the grid mixture.

    Returns:
        float32 array of shape `[25, 2]` holding `{-4, -2, 0, 2, 4}^2`,
        row-major in the first coordinate.
    """
    values = np.asarray(_GRID_VALUES, dtype=np.float32)
    xs, ys = np.meshgrid(values, values, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def mixture_means(name):
    """Returns the means and the standard deviation of a named mixture.

    Args:
        name: `"ring"` or `"grid"`.

    Returns:
        A tuple `(means, std)`: float32 array `[num_modes, 2]` and the
        per-coordinate standard deviation shared by all modes.
    """
    if name == "ring":
        return ring_means(), RING_STD
    if name == "grid":
        return grid_means(), GRID_STD
    raise ValueError(
        "Invalid value for argument `name`. Expected one of "
        f"{MIXTURE_NAMES}. Received: name={name!r}"
    )


def sample_mixture(name, num_samples, seed=None):
    """Draws points from a named mixture with NumPy.

    Modes are drawn uniformly, then isotropic Gaussian noise is added to
    the chosen mean.

    Args:
        name: `"ring"` or `"grid"`.
        num_samples: number of points to draw.
        seed: seed of the `np.random.Generator`; the same seed gives the
            same points. Defaults to `None`: a seed drawn from Python's
            `random`, which `keras.utils.set_random_seed` seeds.

    Returns:
        float32 array of shape `[num_samples, 2]`.
    """
    means, std = mixture_means(name)
    num_samples = check_positive_int(
        "num_samples", num_samples, allow_zero=True
    )
    rng = np.random.default_rng(resolve_seed(seed))
    modes = rng.integers(0, len(means), size=num_samples)
    noise = rng.standard_normal((num_samples, 2))
    return (means[modes] + std * noise).astype(np.float32)


def mixture_dataset(name, batch_size, seed=None, with_labels=False):
    """Returns an infinite `tf.data.Dataset` of batches from a mixture.

    Each element is a whole batch drawn in-graph with stateless random
    ops keyed on `(seed, batch index)`, so the stream is vectorised (no
    per-point work) and the same seed always gives the same stream, on
    every iteration over the dataset.

    Args:
        name: `"ring"` or `"grid"`.
        batch_size: points per batch; the batch shape is static.
        seed: integer seed of the stream. Defaults to `None`: a seed is
            drawn once, when the dataset is built, from Python's `random`
            (so `keras.utils.set_random_seed` fixes it).
        with_labels: also yield the int32 index of each point's mode, as
            `(points, modes)`. Defaults to `False`.

    Returns:
        A dataset of float32 `[batch_size, 2]` batches (or of
        `(points, modes)` pairs), without end: pass `steps_per_epoch` to
        `fit`.
    """
    means, std = mixture_means(name)
    batch_size = check_positive_int("batch_size", batch_size)
    seed = resolve_seed(seed)
    means_t = tf.constant(means)
    num_modes = len(means)
    seed_t = tf.constant(int(seed), dtype=tf.int64)

    def draw(step):
        keys = tf.random.experimental.stateless_split(
            tf.stack([seed_t, step]), num=2
        )
        modes = tf.random.stateless_uniform(
            [batch_size], keys[0], minval=0, maxval=num_modes, dtype=tf.int32
        )
        noise = tf.random.stateless_normal([batch_size, 2], keys[1])
        points = tf.gather(means_t, modes) + std * noise
        if with_labels:
            return points, modes
        return points

    dataset = tf.data.Dataset.counter(dtype=tf.int64)
    dataset = dataset.map(draw, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
