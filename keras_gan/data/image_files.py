"""Image value ranges and per-image preprocessing shared by the pipelines.

Images in keras_gan pipelines are float32, NHWC, in `[-1, 1]`: the range of
a generator that ends in `tanh`. Exported models and sample grids use
`[0, 1]`; `to_unit_range` and `from_unit_range` convert between the two.
"""

import os
import pathlib

import numpy as np
import tensorflow as tf

__all__ = [
    "CHANNELS",
    "IMAGE_EXTENSIONS",
    "IMAGE_RANGE",
    "check_channels",
    "convert_channels",
    "decode_image_file",
    "list_image_files",
    "normalize_image_size",
    "resize",
    "to_model_range",
]

IMAGE_RANGE = (-1.0, 1.0)
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
CHANNELS = (1, 3)


def to_model_range(images):
    """Converts decoded images to float32 in `[-1, 1]`.

    Args:
        images: uint8 tensor in `[0, 255]`, or a float tensor in `[0, 1]`.

    Returns:
        float32 tensor in `[-1, 1]`.
    """
    images = tf.convert_to_tensor(images)
    if images.dtype == tf.uint8:
        return tf.cast(images, tf.float32) / 127.5 - 1.0
    return tf.cast(images, tf.float32) * 2.0 - 1.0


def normalize_image_size(image_size):
    """Returns `image_size` as a `(height, width)` tuple, or `None`.

    Args:
        image_size: `None`, an integer (square) or a pair of integers.

    Returns:
        `None` or a tuple of two positive integers.
    """
    if image_size is None:
        return None
    if isinstance(image_size, (int, np.integer)) and not isinstance(
        image_size, bool
    ):
        size = (int(image_size), int(image_size))
    elif isinstance(image_size, (tuple, list)) and len(image_size) == 2:
        size = tuple(image_size)
    else:
        size = None
    if size is None or not all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0
        for s in size
    ):
        raise ValueError(
            "Invalid value for argument `image_size`. Expected None, a "
            "positive integer or a pair (height, width) of positive "
            f"integers. Received: image_size={image_size!r}"
        )
    return tuple(int(s) for s in size)


def check_channels(channels):
    """Validates the `channels` argument (`None`, 1 or 3)."""
    if channels is not None and channels not in CHANNELS:
        raise ValueError(
            "Invalid value for argument `channels`. Expected None or one of "
            f"{CHANNELS}. Received: channels={channels!r}"
        )
    return channels


def convert_channels(image, channels):
    """Converts an HWC image with a static channel count to `channels`."""
    have = image.shape[-1]
    if channels is None or have == channels:
        return image
    if have == 4:
        image, have = image[..., :3], 3
    if have == channels:
        return image
    if have == 1 and channels == 3:
        return tf.image.grayscale_to_rgb(image)
    if have == 3 and channels == 1:
        return tf.image.rgb_to_grayscale(image)
    raise ValueError(
        f"Cannot convert images with {have} channels to channels={channels}."
    )


def resize(image, image_size):
    """Resizes a float HWC image to `image_size` (bilinear, antialiased)."""
    if image_size is None:
        return image
    return tf.image.resize(image, image_size, antialias=True)


def list_image_files(directory):
    """Lists the image files under `directory`, recursively, sorted.

    Args:
        directory: folder to search; files whose extension (any case) is
            in `IMAGE_EXTENSIONS` count, hidden folders are skipped.

    Returns:
        A tuple `(paths, labels, class_names)`: sorted file paths (str);
        for each path the index of its top-level subfolder in
        `class_names`, or -1 for files directly in `directory`; and the
        sorted names of the top-level subfolders that hold images.

    Raises:
        ValueError: when `directory` is not a folder or holds no images.
    """
    root = pathlib.Path(directory).expanduser()
    if not root.is_dir():
        raise ValueError(
            "Invalid value for argument `name`. Expected a built-in "
            "dataset name, a TFDS dataset name or an existing folder of "
            f"images. Received: name={os.fspath(directory)!r} (no such "
            "folder)"
        )
    paths = []
    for folder, subfolders, files in os.walk(root, followlinks=True):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        paths.extend(
            os.path.join(folder, f)
            for f in files
            if f.lower().endswith(IMAGE_EXTENSIONS)
        )
    if not paths:
        raise ValueError(
            f"The folder {os.fspath(root)!r} holds no images: expected "
            f"files ending in one of {IMAGE_EXTENSIONS} (searched "
            "recursively)."
        )
    paths.sort()
    tops = [pathlib.Path(p).relative_to(root).parts for p in paths]
    class_names = sorted({parts[0] for parts in tops if len(parts) > 1})
    index = {name: i for i, name in enumerate(class_names)}
    labels = [index[parts[0]] if len(parts) > 1 else -1 for parts in tops]
    return paths, labels, class_names


def decode_image_file(path, channels):
    """Reads and decodes one image file to a uint8 HWC tensor."""
    image = tf.io.decode_image(
        tf.io.read_file(path),
        channels=channels or 0,
        expand_animations=False,
    )
    return image
