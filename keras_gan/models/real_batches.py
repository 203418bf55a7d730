"""Feeding real data to `GAN.train_step`: k real batches per step.

Each training step makes `discriminator_steps` (k) discriminator updates,
each on a different real batch. `group_real_batches` turns the user's
ordinary batched data into one element of k stacked batches per step, so
`model.fit(ds.batch(64))` works for any k: a step consumes k consecutive
batches of the dataset.

The element is batch-major, `[batch_size, k, ...]`: under a
`tf.distribute` strategy Keras splits every element along its first axis
into one shard per replica, and that axis must be the batch (split along k,
replicas would get whole batches, or none).
"""

import numpy as np
import tensorflow as tf

from keras_gan.seeding import resolve_seed

__all__ = [
    "as_dataset",
    "as_labelled_dataset",
    "check_finite",
    "check_label_spec",
    "check_label_values",
    "checked_labels",
    "group_real_batches",
    "labelled_part",
    "real_part",
    "split_validation",
]


def real_part(element):
    """The real samples in a dataset element: the element itself, the first
    item of a tuple (as in `(images, labels)`), or the `"image"` entry of a
    dict (as TFDS yields)."""
    if isinstance(element, dict):
        if "image" not in element:
            raise ValueError(
                "Expected dataset elements to be tensors, tuples whose first "
                "item holds the real samples, or dicts with an 'image' key. "
                f"Received a dict with keys {sorted(element)}."
            )
        return element["image"]
    if isinstance(element, (tuple, list)):
        return element[0]
    return element


def check_finite(x):
    """Raises `ValueError` when an array of real samples holds NaN or
    infinite values, naming how many samples and the first one.

    Arrays are checked in full before training (one pass in memory); a
    `tf.data.Dataset` is not scanned, which would cost a pass over data
    that may not fit in memory or may be endless.
    """
    values = np.asarray(x)
    if not np.issubdtype(values.dtype, np.floating):
        return
    finite = np.isfinite(values.reshape(len(values), -1)).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise ValueError(
            "Invalid value for argument `x`. Expected finite real samples. "
            f"Received {len(bad)} of {len(values)} samples holding NaN or "
            f"infinite values, the first at index {bad[0]}."
        )


def as_dataset(x, batch_size=None, shuffle=True, seed=None):
    """Returns a batched `tf.data.Dataset` of real samples from `x`.

    Args:
        x: A `tf.data.Dataset` (of batches), or an array or tensor of
            samples (batched here with `batch_size`).
        batch_size: Batch size for array inputs. Must be left unset for a
            dataset, which is batched already. Defaults to `32` for arrays.
        shuffle: Whether to reshuffle array inputs every epoch. Defaults to
            `True`.
        seed: Shuffle seed for array inputs. Defaults to `None`: drawn
            from Python's `random` (see `keras_gan.seeding`).

    Returns:
        A `tf.data.Dataset` yielding float batches of real samples.
    """
    if isinstance(x, tf.data.Dataset):
        if batch_size is not None:
            raise ValueError(
                "Argument `batch_size` must not be given when `x` is a "
                "tf.data.Dataset, which is batched already. Received: "
                f"batch_size={batch_size}"
            )
        return x.map(lambda *e: real_part(e if len(e) > 1 else e[0]))
    if isinstance(x, (np.ndarray, tf.Tensor)):
        check_finite(x)
        batch_size = 32 if batch_size is None else batch_size
        count = int(x.shape[0])
        if count < batch_size:
            raise ValueError(
                f"Expected at least one full batch of {batch_size} samples. "
                f"Received {count} samples."
            )
        ds = tf.data.Dataset.from_tensor_slices(x)
        if shuffle:
            ds = ds.shuffle(
                count, seed=resolve_seed(seed), reshuffle_each_iteration=True
            )
        return ds.batch(batch_size, drop_remainder=True)
    raise TypeError(
        "Expected `x` to be a tf.data.Dataset, a NumPy array or a tensor of "
        f"real samples. Received: x of type {type(x).__name__}"
    )


def split_validation(x, validation_split, batch_size=None, y=None):
    """Holds out the last `validation_split` of an array of samples (and
    of their labels), as `keras.Model.fit(validation_split=...)` does
    (before any shuffling).

    Args:
        x: A NumPy array or tensor of samples.
        validation_split: The fraction held out, in (0, 1).
        batch_size: Batch size of the held-out batches. Defaults to `None`
            (32).
        y: The samples' labels, for a conditional GAN. Defaults to `None`.

    Returns:
        A tuple `(train_x, train_y, validation)`: the first samples (and
        labels, `None` without `y`), and a batched `tf.data.Dataset` of the
        held-out samples (of `(samples, labels)` pairs with `y`).
    """
    if not isinstance(x, (np.ndarray, tf.Tensor)):
        raise ValueError(
            "Argument `validation_split` is only supported for arrays and "
            "tensors of samples: pass a dataset's held-out batches as "
            f"`validation_data`. Received: x of type {type(x).__name__}"
        )
    if not 0.0 < validation_split < 1.0:
        raise ValueError(
            "Invalid value for argument `validation_split`. Expected a "
            f"number in (0, 1). Received: validation_split={validation_split}"
        )
    count = int(x.shape[0])
    split_at = int(count * (1.0 - validation_split))
    if not 0 < split_at < count:
        raise ValueError(
            f"Argument `validation_split={validation_split}` leaves no "
            f"samples on one side of the split of {count} samples."
        )
    held_out = x[split_at:] if y is None else (x[split_at:], y[split_at:])
    validation = tf.data.Dataset.from_tensor_slices(held_out).batch(
        32 if batch_size is None else batch_size
    )
    return x[:split_at], None if y is None else y[:split_at], validation


def group_real_batches(dataset, discriminator_steps, drop_remainder=False):
    """Stacks every `discriminator_steps` consecutive batches into one
    element of shape `[batch_size, k, ...]` (batch-major; see the module
    docstring).

    Batches of a static size are stacked as they are. A dataset whose last
    batch may be short (`batch` without `drop_remainder`) is first rebatched
    to the size of its first batch, dropping the short remainder, since all
    k batches of a step must have one size.

    A labelled dataset, of `(samples, labels)` batches, gives
    `(samples [batch, k, ...], labels [batch, k])` elements: each real
    batch keeps its own labels.

    Args:
        dataset: A `tf.data.Dataset` of batches, or of `(samples, labels)`
            batches.
        discriminator_steps: k, the number of batches per training step.
        drop_remainder: Whether to drop a short last batch for k = 1 too,
            giving every step the same, static batch size (as splitting
            batches evenly over replicas needs). Defaults to `False`.

    Returns:
        A `tf.data.Dataset` of stacked batches.
    """
    spec = dataset.element_spec
    labelled = isinstance(spec, tuple) and len(spec) == 2
    if labelled:
        spec, label_spec = spec
        check_label_spec(label_spec)
    if not isinstance(spec, tf.TensorSpec) or spec.shape.rank is None:
        raise ValueError(
            "Expected a dataset of batched tensors of known rank. Received "
            f"element_spec={spec}"
        )
    if spec.shape.rank < 2:
        raise ValueError(
            "Expected batched samples of rank >= 2 ([batch, features...]). "
            f"Received element shape {spec.shape}: batch the dataset."
        )
    if labelled:
        dataset = dataset.map(
            lambda x, y: (tf.cast(x, tf.float32), tf.cast(y, tf.int32))
        )
    else:
        dataset = dataset.map(lambda x: tf.cast(x, tf.float32))
    if spec.shape[0] is None and (discriminator_steps > 1 or drop_remainder):
        first = next(iter(dataset.take(1)), None)
        if first is None:
            raise ValueError("Expected a non-empty dataset. Received none.")
        size = int(tf.nest.flatten(first)[0].shape[0])
        dataset = dataset.rebatch(size, drop_remainder=True)
    if discriminator_steps == 1:
        return dataset.map(
            lambda *e: (
                tf.nest.map_structure(lambda t: t[:, tf.newaxis], e)
                if labelled
                else e[0][:, tf.newaxis]
            )
        )

    def batch_major(t):  # [k, batch, ...] -> [batch, k, ...]
        return tf.transpose(t, [1, 0, *range(2, t.shape.rank)])

    return dataset.batch(discriminator_steps, drop_remainder=True).map(
        lambda *e: tuple(map(batch_major, e)) if labelled else batch_major(e[0])
    )


# -- Labelled real data, for class-conditional GANs --


def labelled_part(element):
    """The `(samples, labels)` of a labelled dataset element: the first two
    items of a tuple (as in `(images, labels)`), or the `"image"` and
    `"label"` entries of a dict (as TFDS yields)."""
    if isinstance(element, dict):
        missing = sorted({"image", "label"} - set(element))
        if missing:
            raise ValueError(
                "A conditional GAN expects dict elements with 'image' and "
                f"'label' keys. Received a dict with keys {sorted(element)}"
                f" (missing {missing})."
            )
        return element["image"], element["label"]
    if isinstance(element, (tuple, list)) and len(element) >= 2:
        return element[0], element[1]
    raise ValueError(
        "A conditional GAN expects labelled data: `(samples, labels)` "
        "elements or dicts with 'image' and 'label' keys (or arrays "
        "passed as `fit(x=samples, y=labels)`). Received elements without "
        "labels."
    )


def check_label_spec(spec):
    """Raises unless `spec` (a `tf.TensorSpec`) describes a batch of integer
    class labels, `[batch]`."""
    if not spec.dtype.is_integer:
        raise TypeError(
            "Expected integer class labels (int32 or int64). Received "
            f"labels of dtype {spec.dtype.name}: cast them with "
            "tf.cast(labels, 'int32') if they hold class indices."
        )
    if spec.shape.rank is not None and spec.shape.rank != 1:
        raise ValueError(
            "Expected one class label per sample, a batch of shape [batch]. "
            f"Received labels of shape {spec.shape}."
        )


def check_label_values(labels, num_classes):
    """Raises a `ValueError` unless the NumPy array `labels` holds integer
    class labels in `[0, num_classes)`."""
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            "Expected integer class labels. Received labels of dtype "
            f"{labels.dtype}."
        )
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"Expected class labels in [0, {num_classes}) (num_classes="
            f"{num_classes}). Received labels from {labels.min()} to "
            f"{labels.max()}."
        )


def checked_labels(labels, num_classes):
    """`labels` as int32, with an assertion that each is in
    `[0, num_classes)`: in a `tf.data` pipeline it raises at the offending
    batch, before any step trains on it."""
    labels = tf.cast(labels, tf.int32)
    with tf.control_dependencies(
        [
            tf.debugging.assert_non_negative(
                labels, message="Expected class labels >= 0."
            ),
            tf.debugging.assert_less(
                labels,
                tf.constant(num_classes, tf.int32),
                message=f"Expected class labels < num_classes={num_classes}.",
            ),
        ]
    ):
        return tf.identity(labels)


def as_labelled_dataset(
    x, y, num_classes, batch_size=None, shuffle=True, seed=None
):
    """Returns a batched `tf.data.Dataset` of `(samples, labels)`, the
    labels checked against `num_classes`.

    Args:
        x: A `tf.data.Dataset` of batches (`(samples, labels)` tuples or
            dicts with `"image"` and `"label"`), or an array of samples.
        y: The labels of array `x`, integers `[num_samples]`. Must be
            `None` for a dataset, which carries its labels.
        num_classes: Labels must lie in `[0, num_classes)`.
        batch_size: Batch size for array inputs. Defaults to `32` for
            arrays.
        shuffle: Whether to reshuffle array inputs every epoch. Defaults to
            `True`.
        seed: Shuffle seed for array inputs. Defaults to `None`.

    Returns:
        A `tf.data.Dataset` of `(float samples, int32 labels)` batches.
        Array labels are checked here; a dataset's labels are checked
        batch by batch as it is read, so an out-of-range label raises
        before any update trains on it.
    """
    if isinstance(x, tf.data.Dataset):
        if y is not None:
            raise ValueError(
                "Argument `y` must not be given when `x` is a "
                "tf.data.Dataset: its elements carry the labels, as "
                "`(samples, labels)` or dicts with a 'label' key."
            )
        if batch_size is not None:
            raise ValueError(
                "Argument `batch_size` must not be given when `x` is a "
                "tf.data.Dataset, which is batched already. Received: "
                f"batch_size={batch_size}"
            )
        dataset = x.map(lambda *e: labelled_part(e if len(e) > 1 else e[0]))
        check_label_spec(dataset.element_spec[1])
        return dataset.map(
            lambda samples, labels: (
                samples,
                checked_labels(labels, num_classes),
            )
        )
    if y is None:
        raise ValueError(
            "A conditional GAN expects labels: pass them as "
            "`fit(x=samples, y=labels)`. Received: y=None"
        )
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    check_label_spec(tf.TensorSpec((None,) * y.ndim, tf.as_dtype(y.dtype)))
    if len(y) != int(x.shape[0]):
        raise ValueError(
            "Expected one label per sample. Received "
            f"{int(x.shape[0])} samples and {len(y)} labels."
        )
    check_label_values(y, num_classes)
    batch_size = 32 if batch_size is None else batch_size
    count = int(x.shape[0])
    if count < batch_size:
        raise ValueError(
            f"Expected at least one full batch of {batch_size} samples. "
            f"Received {count} samples."
        )
    ds = tf.data.Dataset.from_tensor_slices((x, y.astype(np.int32)))
    if shuffle:
        ds = ds.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=True)
