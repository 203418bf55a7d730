"""scikit-learn's 8x8 digits (1,797 images, 10 classes) as a source,
offline."""

import numpy as np
import tensorflow as tf

from keras_gan.data.splits import split_range

__all__ = [
    "IMAGE_SHAPE",
    "NUM_CLASSES",
    "NUM_EXAMPLES",
    "dataset",
]

NUM_EXAMPLES = 1797
NUM_CLASSES = 10
IMAGE_SHAPE = (8, 8, 1)


def dataset(split):
    """`(dataset, image_shape, num_examples)`: unbatched `(image, label)`
    pairs, images float32 in `[0, 1]`."""
    # Imported on use: scikit-learn is heavy, and only this dataset needs it.
    from sklearn.datasets import load_digits

    digits = load_digits()
    start, stop = split_range(split, {"train": len(digits.images)})
    pixels = digits.images[start:stop, :, :, None] / 16.0
    labels = digits.target[start:stop]
    dataset = tf.data.Dataset.from_tensor_slices(
        (pixels.astype(np.float32), labels.astype(np.int32))
    )
    return dataset, IMAGE_SHAPE, stop - start
