"""Manifold metrics: improved precision/recall, density and coverage.

A set of feature vectors is taken to cover the union of the balls centred at
its points, each with the radius to that point's k-th nearest neighbour in
the set (the point itself excluded). A sample is inside the manifold of a set
when its distance to SOME point of the set is at most that point's radius.

Distances are Euclidean and computed in blocks of `batch_size x batch_size`,
so 50,000 samples never need an N x N matrix. Both sets are first centred
on the mean of the real set (distances do not change) so that the expansion
`|a|^2 + |b|^2 - 2 a.b` loses little precision in float32. Its squared
distances still carry an absolute error of about 1e-7 |a|^2 in float32
(e.g. duplicates come out about 3e-4 |a| apart rather than 0), far below
nearest-neighbour radii of real features; pass `dtype="float64"` where exact
duplicates matter.
"""

import numpy as np

__all__ = [
    "density_coverage_from_activations",
    "manifold_metrics_from_activations",
    "nearest_neighbour_distances",
    "precision_recall_from_activations",
]

_DEFAULT_BATCH_SIZE = 2048


def _as_features(name, features):
    features = np.asarray(features)
    if features.ndim != 2 or features.shape[0] == 0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a 2-D array of "
            "shape [num_samples, num_features]. Received: "
            f"shape={features.shape}"
        )
    return features


def _check_batch_size(batch_size):
    if int(batch_size) < 1:
        raise ValueError(
            "Invalid value for argument `batch_size`. Expected a positive "
            f"integer. Received: batch_size={batch_size}"
        )
    return int(batch_size)


def _blocks(n, batch_size):
    for start in range(0, n, batch_size):
        yield start, min(start + batch_size, n)


def _squared_distances(a, a_sq, b, b_sq):
    distances = a @ b.T
    distances *= -2.0
    distances += a_sq[:, None]
    distances += b_sq[None, :]
    return np.maximum(distances, 0.0, out=distances)


def _merge_smallest(best, distances, k):
    """The k smallest values per row of `best` and `distances` together.

    `best` holds each row's k smallest values so far. Only entries below a
    row's current k-th smallest can enter, and after the first blocks they
    are few, so they are gathered sparsely instead of partitioning every
    row of the block.
    """
    if best is None:
        if distances.shape[1] <= k:
            return distances
        return np.partition(distances, k - 1, axis=1)[:, :k]
    if best.shape[1] < k:
        return _merge_smallest(None, np.concatenate([best, distances], 1), k)
    threshold = best.max(axis=1)
    rows, cols = np.nonzero(distances < threshold[:, None])
    if rows.size == 0:
        return best
    counts = np.bincount(rows, minlength=len(best))
    # np.nonzero lists entries row by row, so each entry's slot in its row
    # is its index minus the index of its row's first entry.
    slots = np.arange(rows.size) - (np.cumsum(counts) - counts)[rows]
    candidates = np.full((len(best), counts.max()), np.inf, best.dtype)
    candidates[rows, slots] = distances[rows, cols]
    merged = np.concatenate([best, candidates], axis=1)
    return np.partition(merged, k - 1, axis=1)[:, :k]


class _Centered:
    """A feature set centred and cast once, with its squared norms."""

    def __init__(self, features, center, dtype):
        # Cast before centring: no float64 copy of a 50k x 2048 set.
        self.values = np.asarray(features, dtype=dtype) - center.astype(dtype)
        self.sq_norms = np.einsum("ij,ij->i", self.values, self.values)

    def __len__(self):
        return len(self.values)

    def block(self, start, stop):
        return self.values[start:stop], self.sq_norms[start:stop]


def _kth_neighbour_squared_distances(points, ks, batch_size):
    """Squared distance of each point to its k-th nearest other point."""
    n = len(points)
    largest_k = max(ks)
    for k in ks:
        if not 1 <= k <= n - 1:
            raise ValueError(
                "Invalid value for argument `k`. Expected 1 <= k <= "
                f"num_samples - 1 = {n - 1}. Received: k={k}"
            )
    nearest = np.empty((n, largest_k), dtype=points.values.dtype)
    for row_start, row_stop in _blocks(n, batch_size):
        rows, rows_sq = points.block(row_start, row_stop)
        best = None
        for col_start, col_stop in _blocks(n, batch_size):
            cols, cols_sq = points.block(col_start, col_stop)
            distances = _squared_distances(rows, rows_sq, cols, cols_sq)
            # Exclude each point itself (by index, not by value, so that
            # duplicates still count as neighbours).
            lo, hi = max(row_start, col_start), min(row_stop, col_stop)
            if lo < hi:
                own = np.arange(lo, hi)
                distances[own - row_start, own - col_start] = np.inf
            best = _merge_smallest(best, distances, largest_k)
        nearest[row_start:row_stop] = np.sort(best, axis=1)
    return {k: nearest[:, k - 1] for k in ks}


def nearest_neighbour_distances(features, k, batch_size=None, dtype="float32"):
    """Distance from each row to its k-th nearest other row.

    Args:
        features: array of shape `[num_samples, num_features]`.
        k: which neighbour; the point itself is not counted.
        batch_size: rows and columns per block of pairwise distances.
            Defaults to `2048`.
        dtype: floating dtype of the distance computation. Defaults to
            `"float32"`.

    Returns:
        Array of shape `[num_samples]` in `dtype`.
    """
    features = _as_features("features", features)
    batch_size = _check_batch_size(batch_size or _DEFAULT_BATCH_SIZE)
    center = features.mean(axis=0, dtype=np.float64)
    points = _Centered(features, center, dtype)
    return np.sqrt(_kth_neighbour_squared_distances(points, [k], batch_size)[k])


def manifold_metrics_from_activations(
    real_activations,
    generated_activations,
    precision_recall_k=3,
    density_coverage_k=5,
    batch_size=None,
    dtype="float32",
):
    """Improved precision and recall, density and coverage, in one pass.

    Improved precision and recall (Kynkaanniemi et al., "Improved Precision
    and Recall Metric for Assessing Generative Models", NeurIPS 2019), with
    `NND_k(x)` the distance from `x` to its k-th nearest neighbour within its
    own set and `B(x, r)` the closed ball:

        precision = 1/M sum_j 1[exists i: Y_j in B(X_i, NND_k(X_i))]
        recall    = 1/N sum_i 1[exists j: X_i in B(Y_j, NND_k(Y_j))]

    Density and coverage (Naeem et al., "Reliable Fidelity and Diversity
    Metrics for Generative Models", ICML 2020), on the real balls only:

        density  = 1/(kM) sum_j sum_i 1[Y_j in B(X_i, NND_k(X_i))]
        coverage = 1/N sum_i 1[exists j: Y_j in B(X_i, NND_k(X_i))]

    where `X` are the N real and `Y` the M generated activations. Precision
    and density measure fidelity, recall and coverage diversity. Density
    is about 1 for two samples of one distribution and can exceed 1.

    Args:
        real_activations: array of shape `[N, d]`.
        generated_activations: array of shape `[M, d]`.
        precision_recall_k: neighbour for precision and recall, or `None`
            to skip them. Defaults to `3` (the paper's choice).
        density_coverage_k: neighbour for density and coverage, or `None`
            to skip them. Defaults to `5` (the paper's choice).
        batch_size: rows and columns per block of pairwise distances
            (memory grows as its square). Defaults to `2048`.
        dtype: floating dtype of the distance computation, `"float32"` or
            `"float64"`. Defaults to `"float32"`.

    Returns:
        Dict with Python floats under `precision`, `recall`, `density` and
        `coverage` (the pairs whose `k` is not `None`).
    """
    return _manifold_metrics(
        real_activations,
        generated_activations,
        precision_recall_k,
        density_coverage_k,
        batch_size,
        dtype,
    )


def _manifold_metrics(
    real_activations,
    generated_activations,
    precision_recall_k,
    density_coverage_k,
    batch_size,
    dtype,
):
    """The metrics whose `k` is not `None`, sharing every distance pass."""
    real = _as_features("real_activations", real_activations)
    generated = _as_features("generated_activations", generated_activations)
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            "Invalid values for arguments `real_activations` and "
            "`generated_activations`. Expected the same number of features. "
            f"Received: shapes {real.shape} and {generated.shape}"
        )
    batch_size = _check_batch_size(batch_size or _DEFAULT_BATCH_SIZE)
    center = real.mean(axis=0, dtype=np.float64)
    real = _Centered(real, center, dtype)
    generated = _Centered(generated, center, dtype)
    want_pr = precision_recall_k is not None
    want_dc = density_coverage_k is not None

    ks = [k for k in (precision_recall_k, density_coverage_k) if k is not None]
    real_radii = _kth_neighbour_squared_distances(
        real, sorted(set(ks)), batch_size
    )
    if want_pr:
        generated_radii = _kth_neighbour_squared_distances(
            generated, [precision_recall_k], batch_size
        )[precision_recall_k]
        real_pr_radii = real_radii[precision_recall_k]
    if want_dc:
        real_dc_radii = real_radii[density_coverage_k]

    in_real_manifold = np.zeros(len(generated), dtype=bool)
    in_generated_manifold = np.zeros(len(real), dtype=bool)
    real_balls_containing = np.zeros(len(generated), dtype=np.int64)
    covered = np.zeros(len(real), dtype=bool)
    for row_start, row_stop in _blocks(len(real), batch_size):
        rows, rows_sq = real.block(row_start, row_stop)
        for col_start, col_stop in _blocks(len(generated), batch_size):
            cols, cols_sq = generated.block(col_start, col_stop)
            distances = _squared_distances(rows, rows_sq, cols, cols_sq)
            if want_pr:
                inside = distances <= real_pr_radii[row_start:row_stop, None]
                in_real_manifold[col_start:col_stop] |= inside.any(axis=0)
                inside = distances <= generated_radii[None, col_start:col_stop]
                in_generated_manifold[row_start:row_stop] |= inside.any(axis=1)
            if want_dc:
                inside = distances <= real_dc_radii[row_start:row_stop, None]
                real_balls_containing[col_start:col_stop] += inside.sum(axis=0)
                covered[row_start:row_stop] |= inside.any(axis=1)
    metrics = {}
    if want_pr:
        metrics["precision"] = float(in_real_manifold.mean())
        metrics["recall"] = float(in_generated_manifold.mean())
    if want_dc:
        metrics["density"] = float(
            real_balls_containing.sum() / (density_coverage_k * len(generated))
        )
        metrics["coverage"] = float(covered.mean())
    return metrics


def precision_recall_from_activations(
    real_activations,
    generated_activations,
    k=3,
    batch_size=None,
    dtype="float32",
):
    """Improved precision and recall (Kynkaanniemi et al., NeurIPS 2019).

    `precision` is the fraction of generated samples inside the real
    manifold, `recall` the fraction of real samples inside the generated
    manifold; see `manifold_metrics_from_activations` for the formulas.

    Args:
        real_activations: array of shape `[N, d]`.
        generated_activations: array of shape `[M, d]`.
        k: the nearest neighbour that sets each ball's radius. Defaults to
            `3`.
        batch_size: rows and columns per block of pairwise distances.
            Defaults to `2048`.
        dtype: floating dtype of the distance computation. Defaults to
            `"float32"`.

    Returns:
        A tuple `(precision, recall)` of Python floats in [0, 1].
    """
    metrics = _manifold_metrics(
        real_activations, generated_activations, k, None, batch_size, dtype
    )
    return metrics["precision"], metrics["recall"]


def density_coverage_from_activations(
    real_activations,
    generated_activations,
    k=5,
    batch_size=None,
    dtype="float32",
):
    """Density and coverage (Naeem et al., ICML 2020).

    `density` counts, per generated sample, the real balls that contain it,
    divided by `k` and averaged; `coverage` is the fraction of real balls
    that contain at least one generated sample. See
    `manifold_metrics_from_activations` for the formulas.

    Args:
        real_activations: array of shape `[N, d]`.
        generated_activations: array of shape `[M, d]`.
        k: the nearest neighbour that sets each real ball's radius.
            Defaults to `5`.
        batch_size: rows and columns per block of pairwise distances.
            Defaults to `2048`.
        dtype: floating dtype of the distance computation. Defaults to
            `"float32"`.

    Returns:
        A tuple `(density, coverage)` of Python floats; density >= 0,
        coverage in [0, 1].
    """
    metrics = _manifold_metrics(
        real_activations, generated_activations, None, k, batch_size, dtype
    )
    return metrics["density"], metrics["coverage"]
