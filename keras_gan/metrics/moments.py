"""Streaming mean and covariance of activations."""

import numpy as np

__all__ = [
    "RunningMoments",
]


class RunningMoments:
    """Mean and covariance of activations seen in batches, in float64.

    Frechet distances are computed from 50,000 samples or more; this keeps
    only the count, the mean and the sum of squared deviations
    `M2 = sum_i (x_i - mean)(x_i - mean)^T`, so the activations themselves
    never need to be held in memory at once. Batches are merged with the
    pairwise update of Chan, Golub and LeVeque (1979), which stays accurate
    when the activations have a large mean relative to their spread (unlike
    accumulating raw sums of `x` and `x x^T`):

        delta = mean_b - mean_a
        n = n_a + n_b
        mean = mean_a + delta * n_b / n
        M2 = M2_a + M2_b + delta delta^T * n_a * n_b / n

    Example:

    >>> moments = RunningMoments()
    >>> for batch in batches:  # each of shape `[batch_size, num_features]`
    ...     moments.update(batch)
    >>> moments.mean.shape, moments.covariance.shape

    Args:
        num_features: the activation dimension, or `None` to take it from
            the first batch. Defaults to `None`.
    """

    def __init__(self, num_features=None):
        self.num_features = num_features
        self.reset()

    def reset(self):
        """Forgets every batch seen so far."""
        self.count = 0
        self._mean = None
        self._m2 = None

    def update(self, batch_activations):
        """Adds a batch of activations.

        Args:
            batch_activations: array of shape `[batch_size, num_features]`.

        Returns:
            `self`, so that calls can be chained.
        """
        batch = np.asarray(batch_activations, dtype=np.float64)
        if batch.ndim != 2:
            raise ValueError(
                "Invalid value for argument `batch_activations`. Expected a "
                "2-D array of shape [batch_size, num_features]. Received: "
                f"shape={batch.shape}"
            )
        if self.num_features is None:
            self.num_features = batch.shape[1]
        if batch.shape[1] != self.num_features:
            raise ValueError(
                "Invalid value for argument `batch_activations`. Expected "
                f"{self.num_features} features per row. Received: "
                f"shape={batch.shape}"
            )
        batch_count = batch.shape[0]
        if batch_count == 0:
            return self
        batch_mean = batch.mean(axis=0)
        centered = batch - batch_mean
        batch_m2 = centered.T @ centered
        if self.count == 0:
            self.count = batch_count
            self._mean = batch_mean
            self._m2 = batch_m2
            return self
        self._merge(batch_count, batch_mean, batch_m2)
        return self

    def merge(self, other):
        """Adds every batch that another `RunningMoments` has seen.

        Args:
            other: a `RunningMoments` with the same `num_features`.

        Returns:
            `self`, so that calls can be chained.
        """
        if other.count == 0:
            return self
        if self.count == 0:
            self.num_features = other.num_features
            self.count = other.count
            self._mean = other._mean.copy()
            self._m2 = other._m2.copy()
            return self
        if other.num_features != self.num_features:
            raise ValueError(
                "Invalid value for argument `other`. Expected "
                f"num_features={self.num_features}. Received: "
                f"num_features={other.num_features}"
            )
        self._merge(other.count, other._mean, other._m2)
        return self

    def _merge(self, other_count, other_mean, other_m2):
        total = self.count + other_count
        delta = other_mean - self._mean
        self._mean = self._mean + delta * (other_count / total)
        self._m2 = (
            self._m2
            + other_m2
            + np.outer(delta, delta) * (self.count * other_count / total)
        )
        self.count = total

    @property
    def mean(self):
        """The mean activation, float64 of shape `[num_features]`."""
        if self.count == 0:
            raise ValueError(
                "RunningMoments has seen no activations; call `update` first."
            )
        return self._mean.copy()

    @property
    def covariance(self):
        """The unbiased sample covariance (divisor `count - 1`), as `np.cov`.

        Float64 of shape `[num_features, num_features]`.
        """
        if self.count < 2:
            raise ValueError(
                "The covariance needs at least 2 activations. Received: "
                f"count={self.count}"
            )
        return self._m2 / (self.count - 1)
