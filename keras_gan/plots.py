"""Turning generated samples into pictures: image grids and 2D scatter
plots, large enough to look at, captioned, written atomically as PNG
files (and, by `SampleGrid`, to TensorBoard)."""

import math

import numpy as np
from keras import ops

from keras_gan.files import atomic_write

__all__ = [
    "MIN_WIDTH",
    "add_caption",
    "add_row_labels",
    "enlarge",
    "from_unit_range",
    "image_grid",
    "samples_picture",
    "save_png",
    "save_samples_png",
    "save_scatter_png",
    "scatter_image",
    "tile_images",
    "to_unit_range",
]


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
    columns = columns or _columns(n)
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


MIN_WIDTH = 448
"""Pictures narrower than this many pixels are enlarged (nearest
neighbour, an integer factor) until they reach it."""


def enlarge(image, min_width=MIN_WIDTH):
    """Enlarges an image by the least integer factor that makes it at
    least `min_width` pixels across, repeating pixels (no smoothing).

    Args:
        image: Array `[height, width, channels]`.
        min_width: The least width wanted. Defaults to `MIN_WIDTH` (448).

    Returns:
        The image, `factor` times higher and wider (itself when already
        wide enough).
    """
    image = np.asarray(image)
    factor = max(1, math.ceil(min_width / image.shape[1]))
    if factor == 1:
        return image
    return image.repeat(factor, axis=0).repeat(factor, axis=1)


def add_caption(image, caption):
    """Writes `caption` in a white band above a uint8 image.

    Args:
        image: uint8 array `[height, width, channels]`, 1 or 3 channels.
        caption: The text, e.g. `"epoch 3, step 900"`.

    Returns:
        A uint8 array `[band + height, width, channels]`: the band, then
        the image unchanged.

    Example:

    >>> grid = np.zeros((462, 462, 1), np.uint8)
    >>> add_caption(grid, "epoch 1, step 300").shape[1:]
    (462, 1)
    """
    # Imported on use: PIL would make `import keras_gan` heavy.
    from PIL import ImageDraw

    image = np.asarray(image)
    height, width, channels = image.shape
    size = max(12, width // 28)
    font = _font(size)
    band = round(size * 1.6)
    strip, black = _white_strip(width, band, channels)
    ImageDraw.Draw(strip).text(
        (size // 2, band // 2), caption, fill=black, font=font, anchor="lm"
    )
    strip = np.asarray(strip, dtype=np.uint8).reshape(band, width, channels)
    return np.concatenate([strip, image], axis=0)


def add_row_labels(image, labels, row_height, padding=0):
    """Writes one label at the left of each row of a grid, in a white
    band: e.g. the class of each row of a class-conditional grid.

    Args:
        image: uint8 array `[height, width, channels]`, 1 or 3 channels:
            rows of `row_height` pixels, `padding` pixels apart.
        labels: The text of each row, from the top.
        row_height: Pixels of one row.
        padding: Pixels between rows. Defaults to `0`.

    Returns:
        A uint8 array `[height, band + width, channels]`: the band, then
        the image unchanged.

    Example:

    >>> grid = np.zeros((60, 100, 1), np.uint8)
    >>> add_row_labels(grid, ["Sneaker", "Bag"], 30).shape[0]
    60
    """
    # Imported on use: PIL would make `import keras_gan` heavy.
    from PIL import ImageDraw

    image = np.asarray(image)
    height, _, channels = image.shape
    labels = [str(label) for label in labels]
    size = max(10, min(row_height // 3, 24))
    font = _font(size)
    draw = ImageDraw.Draw(_white_strip(1, 1, channels)[0])
    band = size + max(
        round(draw.textlength(text, font=font)) for text in labels
    )
    strip, black = _white_strip(band, height, channels)
    draw = ImageDraw.Draw(strip)
    for row, text in enumerate(labels):
        middle = row * (row_height + padding) + row_height // 2
        draw.text((size // 2, middle), text, fill=black, font=font, anchor="lm")
    strip = np.asarray(strip, dtype=np.uint8).reshape(height, band, channels)
    return np.concatenate([strip, image], axis=1)


def _font(size):
    # Imported on use: PIL would make `import keras_gan` heavy.
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: one small bitmap font
        return ImageFont.load_default()


def _white_strip(width, height, channels):
    """A white PIL image of 1 or 3 channels, and the colour black in it."""
    # Imported on use: PIL would make `import keras_gan` heavy.
    from PIL import Image

    if channels == 1:
        return Image.new("L", (width, height), 255), 0
    return Image.new("RGB", (width, height), (255, 255, 255)), (0, 0, 0)


def image_grid(
    images, caption=None, columns=None, min_width=MIN_WIDTH, row_labels=None
):
    """Tiles images into a grid that is large enough to look at.

    Args:
        images: Array `[n, height, width, channels]` with values in [0, 1].
        caption: Text written above the grid, e.g. the epoch and step.
            Defaults to `None`: no caption.
        columns: Images per row. Defaults to `None`: ceil(sqrt(n)).
        min_width: The least width of the grid in pixels; smaller grids
            are enlarged by an integer factor, nearest neighbour. Defaults
            to `MIN_WIDTH` (448).
        row_labels: Text written at the left of each row (e.g. the class
            names of a class-conditional grid, one row per class), one
            per row. Defaults to `None`: none.

    Returns:
        A uint8 array `[height, width, channels]`.

    Example:

    >>> images = np.zeros((64, 28, 28, 1))
    >>> image_grid(images).shape  # 8 x 8 tiles of 28 + 1 pixels, doubled
    (462, 462, 1)
    """
    tiles = tile_images(images, columns=columns)
    grid = enlarge(tiles, min_width)
    if row_labels is not None:
        rows = math.ceil(len(images) / (columns or _columns(len(images))))
        if len(row_labels) != rows:
            raise ValueError(
                f"Expected one row label per row ({rows}). Received "
                f"{len(row_labels)} row labels."
            )
        factor = grid.shape[0] // tiles.shape[0]
        grid = add_row_labels(
            grid, row_labels, np.shape(images)[1] * factor, padding=factor
        )
    return grid if caption is None else add_caption(grid, caption)


def _columns(num_images):
    return math.ceil(math.sqrt(num_images))


def save_png(image, path, scale=1):
    """Writes a uint8 `[height, width, channels]` image as a PNG, atomically.

    Args:
        image: The image; 1 or 3 channels.
        path: Destination file.
        scale: Integer upscaling factor (nearest neighbour), so small images
            stay visible. Defaults to `1`.
    """
    # Imported on use: PIL would make `import keras_gan` heavy.
    from PIL import Image

    image = np.asarray(image)
    if scale > 1:
        image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    atomic_write(path, lambda tmp: Image.fromarray(image).save(tmp, "PNG"))


def scatter_image(points, reference=None, title=None, reference_label="real"):
    """Draws a scatter plot of 2D samples, 500 x 500 pixels.

    Args:
        points: Array `[n, 2]` of generated samples.
        reference: Optional array `[m, 2]` of real samples or mode centres,
            drawn beneath. Defaults to `None`.
        title: Plot title, e.g. the epoch and step. Defaults to `None`.
        reference_label: Legend of `reference`. Defaults to `"real"`.

    Returns:
        A uint8 RGB array `[500, 500, 3]`.
    """
    # Imported on use: matplotlib would make `import keras_gan` heavy.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 5), dpi=100)
    try:
        if reference is not None:
            reference = np.asarray(reference)
            axes.scatter(
                *reference.T, s=30, c="tab:orange", label=reference_label
            )
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
        figure.canvas.draw()
        return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
    finally:
        plt.close(figure)


def save_scatter_png(
    points, path, reference=None, title=None, reference_label="real"
):
    """Writes a scatter plot of 2D samples as a 500 x 500 PNG, atomically.

    Args:
        points: Array `[n, 2]` of generated samples.
        path: Destination file.
        reference: Optional array `[m, 2]` of real samples or mode centres,
            drawn beneath. Defaults to `None`.
        title: Plot title. Defaults to `None`.
        reference_label: Legend of `reference`. Defaults to `"real"`.
    """
    save_png(scatter_image(points, reference, title, reference_label), path)


def samples_picture(
    samples,
    value_range=(-1.0, 1.0),
    caption=None,
    reference=None,
    columns=None,
    row_labels=None,
):
    """The picture of generated samples: a grid for images `[n, h, w, c]`
    (enlarged to `MIN_WIDTH`), a scatter plot for 2D points `[n, 2]`.

    Args:
        samples: The samples, in the generator's output units.
        value_range: Range of image samples. Defaults to `(-1.0, 1.0)`.
        caption: Written above an image grid, or as a scatter plot's
            title. Defaults to `None`.
        reference: Mode centres or real points drawn beneath a scatter
            plot. Defaults to `None`.
        columns: Images per row of a grid. Defaults to `None`:
            ceil(sqrt(n)).
        row_labels: Text at the left of each row of a grid (e.g. class
            names). Defaults to `None`: none.

    Returns:
        A uint8 array `[height, width, channels]`.
    """
    samples = np.asarray(samples)
    if samples.ndim == 4:
        return image_grid(
            to_unit_range(samples, value_range),
            caption,
            columns=columns,
            row_labels=row_labels,
        )
    if samples.ndim == 2 and samples.shape[1] == 2:
        return scatter_image(samples, reference=reference, title=caption)
    raise ValueError(
        "Expected image samples [n, height, width, channels] or 2D "
        f"points [n, 2]. Received shape {samples.shape}."
    )


def save_samples_png(
    samples,
    path,
    value_range=(-1.0, 1.0),
    title=None,
    columns=None,
    row_labels=None,
):
    """Writes generated samples as a picture: a grid for images
    `[n, h, w, c]` (at least `MIN_WIDTH` pixels across), a scatter plot
    for 2D points `[n, 2]`.

    Args:
        samples: The samples, in the generator's output units.
        path: Destination PNG file.
        value_range: Range of image samples. Defaults to `(-1.0, 1.0)`.
        title: Caption of the picture (above a grid, the title of a
            scatter plot). Defaults to `None`.
        columns: Images per row of a grid (e.g. the samples per class, for
            one row per class). Defaults to `None`: ceil(sqrt(n)).
        row_labels: Text at the left of each row of a grid (e.g. class
            names). Defaults to `None`: none.
    """
    picture = samples_picture(
        samples,
        value_range,
        caption=title,
        columns=columns,
        row_labels=row_labels,
    )
    save_png(picture, path)
