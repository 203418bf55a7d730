"""Turning generated samples into pictures: image grids and 2D scatter
plots, written atomically as PNG files."""

import math

import numpy as np

from keras_gan.files import atomic_write


def to_unit_range(samples, value_range=(-1.0, 1.0), clip=True):
    """Maps samples from `value_range` to [0, 1].

    `x -> (x - low) / (high - low)`: for the default tanh range,
    `(x + 1) / 2`.

    Args:
        samples: A NumPy array (or Python numbers) or a tensor.
        value_range: The `(low, high)` range of the samples. Defaults to
            `(-1.0, 1.0)`, the range of a tanh generator.
        clip: Whether to clip the result to [0, 1], so slightly
            out-of-range generator outputs stay valid pixel values.
            Defaults to `True`.

    Returns:
        float32 samples in [0, 1]: a NumPy array for NumPy input, a tensor
        otherwise.
    """
    low, high = value_range
    if _is_tensor(samples):
        from keras import ops

        unit = (ops.cast(samples, "float32") - low) / (high - low)
        return ops.clip(unit, 0.0, 1.0) if clip else unit
    unit = (np.asarray(samples, dtype=np.float32) - low) / (high - low)
    return np.clip(unit, 0.0, 1.0) if clip else unit


def from_unit_range(samples, value_range=(-1.0, 1.0)):
    """Maps samples from [0, 1] to `value_range`: `x -> low + x (high - low)`.

    Args:
        samples: A NumPy array (or Python numbers) or a tensor in [0, 1].
        value_range: The target `(low, high)` range. Defaults to
            `(-1.0, 1.0)`.

    Returns:
        The samples in `value_range`, of the same kind as the input.
    """
    low, high = value_range
    if _is_tensor(samples):
        return samples * (high - low) + low
    return np.asarray(samples, dtype=np.float32) * (high - low) + low


def _is_tensor(value):
    return not isinstance(value, (np.ndarray, np.generic, int, float, list))


def tile_images(images, columns=None, padding=1):
    """Tiles a batch of images into one grid image.

    Args:
        images: Array `[n, height, width, channels]` with values in [0, 1].
        columns: Images per row. Defaults to `None`: ceil(sqrt(n)).
        padding: Pixels between images. Defaults to `1`.

    Returns:
        A uint8 array `[rows * (height + padding) - padding, ..., channels]`.
    """
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            "Expected images of shape [n, height, width, channels]. "
            f"Received shape {images.shape}."
        )
    n, height, width, channels = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.ones(
        (
            rows * (height + padding) - padding,
            columns * (width + padding) - padding,
            channels,
        ),
        dtype=np.float32,
    )
    for index, image in enumerate(images):
        top = (index // columns) * (height + padding)
        left = (index % columns) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return np.round(np.clip(grid, 0.0, 1.0) * 255).astype(np.uint8)


def save_png(image, path, scale=1):
    """Writes a uint8 `[height, width, channels]` image as a PNG, atomically.

    Args:
        image: The image; 1 or 3 channels.
        path: Destination file.
        scale: Integer upscaling factor (nearest neighbour), so small images
            stay visible. Defaults to `1`.
    """
    from PIL import Image

    image = np.asarray(image)
    if scale > 1:
        image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    atomic_write(path, lambda tmp: Image.fromarray(image).save(tmp, "PNG"))


def save_scatter_png(
    points, path, reference=None, title=None, reference_label="real"
):
    """Writes a scatter plot of 2D samples as a PNG, atomically.

    Args:
        points: Array `[n, 2]` of generated samples.
        path: Destination file.
        reference: Optional array `[m, 2]` of real samples or mode centres,
            drawn beneath. Defaults to `None`.
        title: Plot title. Defaults to `None`.
        reference_label: Legend of `reference`. Defaults to `"real"`.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 5), dpi=100)
    if reference is not None:
        reference = np.asarray(reference)
        axes.scatter(*reference.T, s=30, c="tab:orange", label=reference_label)
    axes.scatter(*np.asarray(points).T, s=2, alpha=0.5, label="generated")
    axes.set_aspect("equal")
    if reference is not None:
        # Below the axes, where it hides no point.
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.07),
            ncol=2,
            frameon=False,
        )
    if title:
        axes.set_title(title)
    figure.tight_layout()
    try:
        atomic_write(path, lambda tmp: figure.savefig(tmp, format="png"))
    finally:
        plt.close(figure)


def save_samples_png(
    samples, path, value_range=(-1.0, 1.0), title=None, columns=None
):
    """Writes generated samples as a picture: a grid for images
    `[n, h, w, c]`, a scatter plot for 2D points `[n, 2]`.

    Args:
        samples: The samples, in the generator's output units.
        path: Destination PNG file.
        value_range: Range of image samples. Defaults to `(-1.0, 1.0)`.
        title: Title of a scatter plot. Defaults to `None`.
        columns: Images per row of a grid (e.g. the samples per class, for
            one row per class). Defaults to `None`: ceil(sqrt(n)).
    """
    samples = np.asarray(samples)
    if samples.ndim == 4:
        grid = tile_images(to_unit_range(samples, value_range), columns)
        save_png(grid, path, scale=max(1, 256 // grid.shape[0]))
    elif samples.ndim == 2 and samples.shape[1] == 2:
        save_scatter_png(samples, path, title=title)
    else:
        raise ValueError(
            "Expected image samples [n, height, width, channels] or 2D "
            f"points [n, 2]. Received shape {samples.shape}."
        )
