"""What `GAN.fit` trains on: the real data, checked and grouped by step,
and the callbacks a GAN adds to the caller's."""

import warnings

import keras
import tensorflow as tf

from keras_gan.models import keras_callbacks, player_checks, real_batches
from keras_gan.models.generator_ema import GeneratorEMA
from keras_gan.progbar import ProgbarLogger

__all__ = [
    "check_steps_per_epoch",
    "fit_callbacks",
    "fit_data",
    "warn_if_diverged",
]


def check_steps_per_epoch(steps_per_epoch, steps_per_execution):
    """Raises a `ValueError` unless `steps_per_epoch` is a multiple of the
    compiled `steps_per_execution`."""
    per_execution = steps_per_execution or 1
    if steps_per_epoch is not None and steps_per_epoch % per_execution:
        # Keras runs whole executions: 10 steps at 4 per execution
        # would make 12 generator updates.
        raise ValueError(
            "Expected `steps_per_epoch` to be a multiple of "
            f"`steps_per_execution` ({per_execution}): an epoch runs "
            "whole executions, so it would make more generator updates "
            f"than asked. Received: steps_per_epoch={steps_per_epoch}"
        )


def fit_data(
    gan,
    x,
    y=None,
    batch_size=None,
    shuffle=True,
    validation_split=None,
    validation_data=None,
):
    """The dataset `gan.fit` trains on, and its validation data.

    Args:
        gan: The `GAN` to train.
        x: Real data: a batched `tf.data.Dataset` or an array of samples.
        y: A conditional GAN's labels for an array `x`. Defaults to `None`.
        batch_size: Batch size for array inputs. Defaults to `None`.
        shuffle: Whether to shuffle array inputs. Defaults to `True`.
        validation_split: Hold out this last fraction of an array `x` as
            validation data, unless `validation_data` is given. Defaults to
            `None`.
        validation_data: The caller's validation data. Defaults to `None`.

    Returns:
        A `(dataset, validation_data)` tuple. Each element of the dataset
        holds the `discriminator_steps` real batches of one step (see
        `real_batches.group_real_batches`).
    """
    if validation_split and validation_data is None:
        x, y, validation_data = real_batches.split_validation(
            x, validation_split, batch_size, y=y
        )
    if gan.conditional:
        dataset = real_batches.as_labelled_dataset(
            x, y, gan.num_classes, batch_size, shuffle, gan.seed
        )
        sample_shape = dataset.element_spec[0].shape[1:]
    else:
        if y is not None:
            raise ValueError(
                "A GAN trains on real samples alone: expected `y=None` "
                "(labels are for class-conditional GANs, built with "
                f"`num_classes`). Received y of type {type(y).__name__}"
            )
        dataset = real_batches.as_dataset(x, batch_size, shuffle, gan.seed)
        sample_shape = dataset.element_spec.shape[1:]
    player_checks.check_sample_shape(gan.discriminator, sample_shape)
    replicas = gan.distribute_strategy.num_replicas_in_sync
    dataset = real_batches.group_real_batches(
        dataset, gan.discriminator_steps, drop_remainder=replicas > 1
    )
    global_batch_size = tf.nest.flatten(dataset.element_spec)[0].shape[0]
    if replicas > 1 and global_batch_size % replicas:
        # Equal shards, so that the replicas' means average to the
        # global batch's mean and their noise slices do not overlap.
        raise ValueError(
            "Expected a batch size divisible by the number of replicas "
            f"({replicas}): each batch is split evenly across them. "
            f"Received batches of {global_batch_size} samples."
        )
    return dataset, validation_data


def fit_callbacks(gan, callbacks, verbose="auto"):
    """The callbacks `gan.fit` runs: the caller's, adapted to a GAN (see
    `keras_callbacks.adapt_callbacks`), after the `GeneratorEMA` that
    keeps the GAN's own average when it has one, and, when `verbose`
    asks for a progress bar and the caller gave none, a
    `keras_gan.progbar.ProgbarLogger`: an epoch a callback cuts short
    ends its line at the steps that ran."""
    if gan.generator_ema is not None:
        callbacks = _with_average_callback(callbacks, gan.ema_decay)
    callbacks = list(callbacks or [])
    if verbose != 0 and not any(
        isinstance(c, keras.callbacks.ProgbarLogger) for c in callbacks
    ):
        callbacks.append(ProgbarLogger())
    return keras_callbacks.adapt_callbacks(callbacks, gan)


def warn_if_diverged(history):
    """Warns (a `RuntimeWarning`, attributed to `fit`'s caller) when the
    last logged `d_loss` or `g_loss` of `history` is NaN or infinite."""
    last = {key: values[-1] for key, values in history.history.items()}
    diverged = keras_callbacks.non_finite_losses(last)
    if diverged:
        warnings.warn(
            "Training diverged: the last logged "
            + ", ".join(f"{key}={last[key]}" for key in diverged)
            + ". Resume from an earlier checkpoint with lower learning "
            "rates.",
            RuntimeWarning,
            stacklevel=3,
        )


def _with_average_callback(callbacks, decay):
    """`callbacks` with a `GeneratorEMA` of `decay` first, unless one is
    there: it keeps the model's own average (`GAN.generator_ema`)."""
    callbacks = list(callbacks or [])
    if not any(
        isinstance(c, GeneratorEMA) and c.decay == decay for c in callbacks
    ):
        # First, so that later callbacks of each batch see the new average.
        callbacks.insert(0, GeneratorEMA(decay))
    return callbacks
