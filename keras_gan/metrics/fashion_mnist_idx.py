"""Reads the original Fashion-MNIST IDX files (Debian dataset-fashion-mnist).

The library's data pipelines live in `keras_gan.data`; this small reader
lets the domain classifier train without them (no TFDS preparation).
"""

import gzip
import os

import numpy as np

__all__ = ["DEFAULT_DIRECTORY", "load_fashion_mnist_idx"]

DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist"
_PREFIXES = {"train": "train", "test": "t10k"}
_IMAGES_MAGIC = 2051
_LABELS_MAGIC = 2049


def _read(path, magic, header_bytes):
    with gzip.open(path, "rb") as f:
        data = f.read()
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise ValueError(
            f"{path} is not an IDX file with magic number {magic}: "
            f"found {found}."
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_bytes)


def load_fashion_mnist_idx(split, directory=None):
    """Loads one Fashion-MNIST split from the IDX `.gz` files.

    Args:
        split: `"train"` (60,000 images) or `"test"` (10,000 images).
        directory: folder with `{train,t10k}-{images-idx3,labels-idx1}-
            ubyte.gz`. Defaults to `/usr/share/datasets/fashion-mnist`.

    Returns:
        A tuple `(images, labels)`: float32 `[N, 28, 28, 1]` in [-1, 1] and
        int32 `[N]`.
    """
    if split not in _PREFIXES:
        raise ValueError(
            "Invalid value for argument `split`. Expected one of "
            f"{set(_PREFIXES)}. Received: split={split}"
        )
    directory = directory or DEFAULT_DIRECTORY
    prefix = os.path.join(directory, _PREFIXES[split])
    images_path = f"{prefix}-images-idx3-ubyte.gz"
    labels_path = f"{prefix}-labels-idx1-ubyte.gz"
    for path in (images_path, labels_path):
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"Fashion-MNIST file not found: {path}. Install it with "
                "`apt-get install dataset-fashion-mnist`, or pass the folder "
                "that holds the IDX files."
            )
    images = _read(images_path, _IMAGES_MAGIC, 16).reshape(-1, 28, 28, 1)
    labels = _read(labels_path, _LABELS_MAGIC, 8).astype(np.int32)
    if len(images) != len(labels):
        raise ValueError(
            f"{images_path} holds {len(images)} images but {labels_path} "
            f"holds {len(labels)} labels."
        )
    return images.astype(np.float32) / 127.5 - 1.0, labels
