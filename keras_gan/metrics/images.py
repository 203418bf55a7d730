"""Checks and rescaling shared by the classifier and feature extractors."""

import numpy as np

__all__ = ["to_model_range", "with_channels"]


def to_model_range(images, value_range, argument="images"):
    """Returns float32 images rescaled from `value_range` to [-1, 1]."""
    images = np.asarray(images)
    low, high = (float(v) for v in value_range)
    if not high > low:
        raise ValueError(
            "Invalid value for argument `value_range`. Expected (low, high) "
            f"with high > low. Received: value_range={value_range}"
        )
    if np.issubdtype(images.dtype, np.integer) and high <= 1.0:
        raise ValueError(
            f"Invalid value for argument `{argument}`. Received integer "
            f"images (dtype={images.dtype}) with value_range={value_range}; "
            "pass value_range=(0, 255) for uint8 images, or float images in "
            "value_range."
        )
    images = images.astype(np.float32)
    return (images - low) * np.float32(2.0 / (high - low)) - np.float32(1.0)


def with_channels(images, channels, argument="images"):
    """Adds a channel axis to `[N, H, W]` images when `channels == 1`."""
    if images.ndim == 3 and channels == 1:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] != channels:
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected NHWC images "
            f"with {channels} channel(s). Received: shape={images.shape}"
        )
    return images
