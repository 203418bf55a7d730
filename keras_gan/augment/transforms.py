"""Differentiable image transforms of NHWC batches, one value per example.

Each transform takes the batch and its per-example random values (drawn by
the caller), so it is a pure function of both and differentiable in the
images. Images are in `[-1, 1]`, as keras_gan's pipelines hold them.
"""

from keras import ops

__all__ = [
    "brightness",
    "contrast",
    "cutout",
    "flip_columns",
    "rotate90",
    "saturation",
    "translation",
]


def _per_example(values, images):
    return ops.reshape(ops.cast(values, images.dtype), (-1, 1, 1, 1))


def brightness(images, shift):
    """Adds `shift[i]` to every pixel of image i."""
    return images + _per_example(shift, images)


def saturation(images, factor):
    """Scales each pixel's distance from its mean over channels by
    `factor[i]` (the identity on one channel)."""
    mean = ops.mean(images, axis=3, keepdims=True)
    return (images - mean) * _per_example(factor, images) + mean


def contrast(images, factor):
    """Scales each image's distance from its mean by `factor[i]`."""
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * _per_example(factor, images) + mean


def _shift_axis(images, shift, axis):
    size = images.shape[axis]
    source = ops.arange(size, dtype="int32")[None, :] + ops.reshape(
        ops.cast(shift, "int32"), (-1, 1)
    )
    inside = ops.logical_and(source >= 0, source < size)
    index = ops.reshape(
        ops.clip(source, 0, size - 1),
        (-1, size, 1, 1) if axis == 1 else (-1, 1, size, 1),
    )
    # Row (column) `source[i, j]` of image i, for every column (row) and
    # channel: a gather, the same values on every backend.
    gathered = ops.take_along_axis(
        images, ops.broadcast_to(index, ops.shape(images)), axis=axis
    )
    mask = ops.cast(inside, images.dtype)
    mask = ops.reshape(
        mask, (-1, size, 1, 1) if axis == 1 else (-1, 1, size, 1)
    )
    return gathered * mask


def translation(images, shift_rows, shift_columns):
    """Moves image i by whole pixels, zero-padded: output pixel `(r, c)` is
    input pixel `(r + shift_rows[i], c + shift_columns[i])`, or 0 where that
    falls outside."""
    return _shift_axis(_shift_axis(images, shift_rows, 1), shift_columns, 2)


def cutout(images, center_rows, center_columns, size):
    """Zeroes a `size = (rows, columns)` rectangle of image i whose top-left
    corner is `(center_rows[i] - rows // 2, center_columns[i] - columns //
    2)`, clipped to the image."""
    masks = []
    for axis, center, extent in (
        (1, center_rows, size[0]),
        (2, center_columns, size[1]),
    ):
        start = ops.reshape(ops.cast(center, "int32"), (-1, 1)) - extent // 2
        index = ops.arange(images.shape[axis], dtype="int32")[None, :]
        masks.append(ops.logical_and(index >= start, index < start + extent))
    inside = ops.logical_and(masks[0][:, :, None], masks[1][:, None, :])
    keep = 1.0 - ops.cast(inside, images.dtype)
    return images * keep[..., None]


def flip_columns(images, flip):
    """Mirrors image i left-right where `flip[i]` is true."""
    return ops.where(
        ops.reshape(ops.cast(flip, "bool"), (-1, 1, 1, 1)),
        ops.flip(images, axis=2),
        images,
    )


def rotate90(images, quarter_turns):
    """Rotates image i by `quarter_turns[i]` (0-3) times 90 degrees
    counter-clockwise. Square images only."""
    turns = ops.cast(quarter_turns, "int32")
    result = images
    rotated = images
    for k in range(1, 4):
        # One more quarter turn: transpose, then flip the rows.
        rotated = ops.flip(ops.transpose(rotated, (0, 2, 1, 3)), axis=1)
        chosen = ops.reshape(ops.equal(turns, k), (-1, 1, 1, 1))
        result = ops.where(chosen, rotated, result)
    return result
