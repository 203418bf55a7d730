"""Mode coverage and sample quality on Gaussian-mixture toy data."""

import numpy as np

__all__ = [
    "mode_metrics",
    "nearest_modes",
]


def nearest_modes(samples, means, std, num_stds=3.0):
    """Assigns each sample to its nearest mixture mean.

    Args:
        samples: array of shape `[num_samples, dim]`.
        means: array of shape `[num_modes, dim]`, the mixture means, e.g.
            `keras_gan.data.mixtures.ring_means()`.
        std: the (isotropic) standard deviation of every mixture
            component, e.g. `keras_gan.data.mixtures.RING_STD`.
        num_stds: a sample is high quality when its Euclidean distance to
            the nearest mean is at most `num_stds * std`. Defaults to `3.0`.

    Returns:
        A tuple `(nearest, high_quality)`: int64 indices into `means` of
        shape `[num_samples]`, and a boolean mask of the same shape.
    """
    samples = np.asarray(samples, dtype=np.float64)
    means = np.asarray(means, dtype=np.float64)
    if means.ndim != 2 or len(means) == 0:
        raise ValueError(
            "Invalid value for argument `means`. Expected a 2-D array of "
            f"shape [num_modes, dim]. Received: shape={means.shape}"
        )
    if samples.ndim != 2 or samples.shape[1] != means.shape[1]:
        raise ValueError(
            "Invalid value for argument `samples`. Expected shape "
            f"[num_samples, {means.shape[1]}] to match `means`. Received: "
            f"shape={samples.shape}"
        )
    if not std > 0:
        raise ValueError(
            "Invalid value for argument `std`. Expected a positive number. "
            f"Received: std={std}"
        )
    distances = np.linalg.norm(samples[:, None, :] - means[None], axis=-1)
    nearest = distances.argmin(axis=1)
    nearest_distance = distances[np.arange(len(samples)), nearest]
    return nearest, nearest_distance <= num_stds * std


def mode_metrics(samples, means, std, num_stds=3.0):
    """Modes captured, high-quality fraction and mode KL on a mixture.

    The protocol of VEEGAN (Srivastava et al., NeurIPS 2017) and PacGAN
    (Lin et al., NeurIPS 2018) for the 2D ring (8 modes, std 0.01) and
    grid (25 modes, std 0.05), on 2,500 samples:

    - a sample is high quality when its Euclidean distance to its nearest
      mean is at most 3 std;
    - a mode is captured when at least one high-quality sample has it as
      its nearest mean;
    - `mode_kl_divergence` is KL(p || u), where p is the histogram of
      nearest modes over the high-quality samples (normalised) and u the
      uniform distribution over the modes (the mixture's true weights):

          KL(p || u) = sum_i p_i log(p_i * num_modes)

      Modes that no sample reaches contribute `0 log 0 = 0`, so no epsilon
      is needed in this direction: the value is in [0, log(num_modes)],
      0 when the high-quality samples are spread evenly, log(num_modes)
      when they all sit in one mode. With no high-quality sample p is
      undefined and the value is NaN.

    Args:
        samples: array of shape `[num_samples, dim]`, in data coordinates.
        means: array of shape `[num_modes, dim]`, e.g.
            `keras_gan.data.mixtures.mixture_means("ring")[0]`.
        std: the standard deviation of every component, e.g.
            `keras_gan.data.mixtures.RING_STD` (0.01) or `GRID_STD` (0.05).
        num_stds: the high-quality radius in units of `std`. Defaults to
            `3.0`.

    Returns:
        Dict with `modes_captured` (int), `num_modes` (int),
        `high_quality_fraction` (float in [0, 1]),
        `high_quality_percent` (the same times 100) and
        `mode_kl_divergence` (float, nats).
    """
    nearest, high_quality = nearest_modes(samples, means, std, num_stds)
    num_modes = len(means)
    counts = np.bincount(nearest[high_quality], minlength=num_modes)
    num_high_quality = counts.sum()
    if num_high_quality > 0:
        p = counts / num_high_quality
        terms = np.where(
            p > 0, p * np.log(np.where(p > 0, p, 1) * num_modes), 0
        )
        kl = float(terms.sum())
    else:
        kl = float("nan")
    fraction = float(high_quality.mean()) if len(high_quality) else 0.0
    return {
        "modes_captured": int((counts > 0).sum()),
        "num_modes": int(num_modes),
        "high_quality_fraction": fraction,
        "high_quality_percent": 100.0 * fraction,
        "mode_kl_divergence": kl,
    }
