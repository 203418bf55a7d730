"""The machine's measured matrix-multiplication peak.

The reference for "achieved FLOP/s": a chain of large square `tf.matmul`s
in one `tf.function`, the best case for the BLAS/oneDNN kernels TensorFlow
uses, measured on the same device and threads, in the same process, and
(through `timing.run_interleaved`) in the same minutes as the training it
is compared with.
"""

import statistics
import time

import tensorflow as tf

__all__ = [
    "matmul_peak",
    "matmul_window",
]


def matmul_window(size=2048, matmuls=8, dtype="float32"):
    """Builds one timed window of chained matrix products.

    The window computes `x <- x @ w` `matmuls` times with `size x size`
    matrices (chained, so no product can be skipped or overlap the next)
    and counts `2 * size**3` FLOPs per product. `w` is orthogonal, so `x`
    keeps its scale however long the chain.

    Args:
        size: Side of the square matrices. Defaults to `2048`.
        matmuls: Products per window. Defaults to `8`.
        dtype: Matrix dtype. Defaults to `"float32"`.

    Returns:
        `(window_function, flops_per_window)`; the function is traced and
        warmed up already.
    """
    rng = tf.random.Generator.from_seed(0)
    w, _ = tf.linalg.qr(rng.normal((size, size)))
    w = tf.cast(w, dtype)
    x0 = tf.cast(rng.normal((size, size)), dtype)

    @tf.function
    def chain(x):
        for _ in range(matmuls):
            x = tf.matmul(x, w)
        return x

    def window():
        chain(x0).numpy()

    window()
    return window, 2.0 * size**3 * matmuls


def matmul_peak(size=2048, matmuls=8, windows=5, dtype="float32"):
    """Measures matrix-multiplication FLOP/s alone: the median of windows.

    Args:
        size: Side of the square matrices. Defaults to `2048`.
        matmuls: Products per window. Defaults to `8`.
        windows: Timed windows. Defaults to `5`.
        dtype: Matrix dtype. Defaults to `"float32"`.

    Returns:
        A dict: `flops_per_second` (the median) and
        `window_flops_per_second` (every window).
    """
    window, flops = matmul_window(size, matmuls, dtype)
    rates = []
    for _ in range(windows):
        start = time.perf_counter()
        window()
        rates.append(flops / (time.perf_counter() - start))
    return {
        "flops_per_second": statistics.median(rates),
        "window_flops_per_second": rates,
    }
