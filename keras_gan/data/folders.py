"""A folder of images as a source: one label per top-level subfolder.

Files that cannot be trained on (truncated, not images, 16-bit) are
skipped before training with a warning each (`image_check`); grayscale
and RGB images are converted to `channels`, other sizes resized. A file
that goes bad after that check (changed on disk mid-run) is dropped by
the pipeline with TensorFlow's warning rather than stopping the run.
"""

import os

import numpy as np
import tensorflow as tf

from keras_gan.data import image_check, image_files
from keras_gan.data.splits import split_range

__all__ = [
    "dataset",
]


def dataset(name, split, channels, image_size, with_labels):
    """`(dataset, image_shape, num_examples)`: unbatched `(image, label)`
    pairs, images float32 in `[0, 1]` resized to `image_size` (default:
    the first image's size)."""
    paths, labels, class_names = image_check.usable_image_files(
        name, with_labels=with_labels
    )
    if with_labels and min(labels) < 0:
        raise ValueError(
            f"`with_labels=True` needs every image of {os.fspath(name)!r} "
            "in a class subfolder (the label is the subfolder's index); "
            "some lie directly in the folder."
        )
    start, stop = split_range(split, {"train": len(paths)})
    paths, labels = paths[start:stop], labels[start:stop]
    if not paths:
        raise ValueError(f"Split {split!r} of {os.fspath(name)!r} is empty.")
    channels = channels or 3
    if image_size is None:
        first = image_files.decode_image_file(paths[0], channels)
        image_size = tuple(first.shape[:2])

    def decode(path, label):
        image = image_files.decode_image_file(path, channels)
        image = tf.image.resize(
            tf.cast(image, tf.float32), image_size, antialias=True
        )
        # Back to [0, 1] so the shared preprocessing treats all sources
        # alike; resizing happens once, here.
        return tf.clip_by_value(image / 255.0, 0.0, 1.0), label

    dataset = tf.data.Dataset.from_tensor_slices(
        (paths, np.asarray(labels, dtype=np.int32))
    )
    dataset = dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.ignore_errors(log_warning=True)
    shape = (*image_size, channels)
    dataset = dataset.map(
        lambda image, label: (tf.ensure_shape(image, shape), label)
    )
    return dataset, shape, len(paths)
