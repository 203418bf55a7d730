"""Frechet distance between Gaussians fitted to activations."""

import warnings

import numpy as np

from keras_gan.metrics.moments import RunningMoments

__all__ = [
    "frechet_distance_from_activations",
    "frechet_distance_from_statistics",
]


def frechet_distance_from_statistics(mu1, sigma1, mu2, sigma2, epsilon=1e-6):
    """Frechet (2-Wasserstein) distance between two Gaussians.

    Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to
    a Local Nash Equilibrium", NeurIPS 2017 (FID):

        d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))

    The matrix square root is `scipy.linalg.sqrtm`, handled as in the
    reference implementations: when it is not finite (a near-singular
    product) it is recomputed with `epsilon * I` added to both covariances,
    and a complex result whose diagonal has a negligible imaginary part
    (a numerical artefact) is replaced by its real part. Computed in
    float64.

    Args:
        mu1: mean of the first Gaussian, shape `[d]`.
        sigma1: covariance of the first Gaussian, shape `[d, d]`.
        mu2: mean of the second Gaussian, shape `[d]`.
        sigma2: covariance of the second Gaussian, shape `[d, d]`.
        epsilon: diagonal offset used when the square root is not finite.
            Defaults to `1e-6`.

    Returns:
        The squared Frechet distance `d^2`, a Python float (what "FID"
        reports).

    Raises:
        ValueError: on shape mismatches, or when the square root has a
            significant imaginary component.
    """
    # Imported on use: SciPy is heavy (keras_gan.metrics loads it on first use).
    import scipy.linalg

    mu1 = np.atleast_1d(np.asarray(mu1, dtype=np.float64))
    mu2 = np.atleast_1d(np.asarray(mu2, dtype=np.float64))
    sigma1 = np.atleast_2d(np.asarray(sigma1, dtype=np.float64))
    sigma2 = np.atleast_2d(np.asarray(sigma2, dtype=np.float64))
    if mu1.ndim != 1 or mu1.shape != mu2.shape:
        raise ValueError(
            "Invalid values for arguments `mu1` and `mu2`. Expected 1-D "
            f"vectors of the same shape. Received: mu1.shape={mu1.shape}, "
            f"mu2.shape={mu2.shape}"
        )
    expected = (mu1.shape[0], mu1.shape[0])
    for name, sigma in (("sigma1", sigma1), ("sigma2", sigma2)):
        if sigma.shape != expected:
            raise ValueError(
                f"Invalid value for argument `{name}`. Expected shape "
                f"{expected} to match the means. Received: "
                f"{name}.shape={sigma.shape}"
            )

    diff = mu1 - mu2
    with warnings.catch_warnings():
        # Singular products are expected (dead ReLU features, fewer samples
        # than features) and handled below; the library prints nothing.
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
        if not np.isfinite(covmean).all():
            offset = np.eye(sigma1.shape[0]) * epsilon
            covmean = scipy.linalg.sqrtm((sigma1 + offset) @ (sigma2 + offset))
    if np.iscomplexobj(covmean):
        max_imaginary = np.max(np.abs(np.diagonal(covmean).imag))
        if max_imaginary > 1e-3:
            raise ValueError(
                "The square root of sigma1 @ sigma2 has a significant "
                f"imaginary component: {max_imaginary}. The covariances may "
                "not be positive semi-definite."
            )
        covmean = covmean.real
    return float(
        diff @ diff
        + np.trace(sigma1)
        + np.trace(sigma2)
        - 2.0 * np.trace(covmean)
    )


def frechet_distance_from_activations(activations1, activations2):
    """Frechet distance between Gaussians fitted to two sets of activations.

    Fits the mean and the unbiased covariance of each set (as `np.cov`) and
    calls `frechet_distance_from_statistics`. On a classifier's penultimate
    features this is FID (Heusel et al., 2017); for data too large for
    memory, feed batches to `RunningMoments` and pass its `mean` and
    `covariance` to `frechet_distance_from_statistics`.

    Args:
        activations1: array of shape `[n1, d]`, `n1 >= 2`.
        activations2: array of shape `[n2, d]`, `n2 >= 2`.

    Returns:
        The squared Frechet distance, a Python float.
    """
    moments = []
    for name, activations in (
        ("activations1", activations1),
        ("activations2", activations2),
    ):
        activations = np.asarray(activations)
        if activations.ndim != 2 or activations.shape[0] < 2:
            raise ValueError(
                f"Invalid value for argument `{name}`. Expected a 2-D array "
                "of shape [num_samples, num_features] with at least 2 rows. "
                f"Received: shape={activations.shape}"
            )
        moments.append(RunningMoments().update(activations))
    if moments[0].num_features != moments[1].num_features:
        raise ValueError(
            "Invalid values for arguments `activations1` and `activations2`. "
            "Expected the same number of features. Received: "
            f"{moments[0].num_features} and {moments[1].num_features}"
        )
    return frechet_distance_from_statistics(
        moments[0].mean,
        moments[0].covariance,
        moments[1].mean,
        moments[1].covariance,
    )
