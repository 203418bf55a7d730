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
        seed: Shuffle seed for array inputs. Defaults to `None`.

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
            ds = ds.shuffle(count, seed=seed, reshuffle_each_iteration=True)
        return ds.batch(batch_size, drop_remainder=True)
    raise TypeError(
        "Expected `x` to be a tf.data.Dataset, a NumPy array or a tensor of "
        f"real samples. Received: x of type {type(x).__name__}"
    )


def group_real_batches(dataset, discriminator_steps, drop_remainder=False):
    """Stacks every `discriminator_steps` consecutive batches into one
    element of shape `[batch_size, k, ...]` (batch-major; see the module
    docstring).

    Batches of a static size are stacked as they are. A dataset whose last
    batch may be short (`batch` without `drop_remainder`) is first rebatched
    to the size of its first batch, dropping the short remainder, since all
    k batches of a step must have one size.

    Args:
        dataset: A `tf.data.Dataset` of batches.
        discriminator_steps: k, the number of batches per training step.
        drop_remainder: Whether to drop a short last batch for k = 1 too,
            giving every step the same, static batch size (as splitting
            batches evenly over replicas needs). Defaults to `False`.

    Returns:
        A `tf.data.Dataset` of stacked batches.
    """
    spec = dataset.element_spec
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
    dataset = dataset.map(lambda x: tf.cast(x, tf.float32))
    if spec.shape[0] is None and (discriminator_steps > 1 or drop_remainder):
        first = next(iter(dataset.take(1)), None)
        if first is None:
            raise ValueError("Expected a non-empty dataset. Received none.")
        dataset = dataset.rebatch(int(first.shape[0]), drop_remainder=True)
    if discriminator_steps == 1:
        return dataset.map(lambda x: x[:, tf.newaxis])
    # [k, batch, ...] -> [batch, k, ...]
    perm = [1, 0, *range(2, spec.shape.rank + 1)]
    return dataset.batch(discriminator_steps, drop_remainder=True).map(
        lambda x: tf.transpose(x, perm)
    )
