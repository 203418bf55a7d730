"""The iteration budget and the loss threshold."""

import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.callbacks import LossThreshold, StepBudget
from keras_gan.models import mlp_discriminator, mlp_generator


def _gan_and_data():
    gan = keras_gan.GAN(
        mlp_generator(4, 2, (8,)), mlp_discriminator(2, (8,)), seed=0
    )
    gan.compile()
    data = tf.data.Dataset.from_tensor_slices(
        np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
    )
    return gan, data.repeat().batch(8)


def test_step_budget_counts_total_steps_across_fit_calls():
    gan, data = _gan_and_data()
    budget = StepBudget(12)
    gan.fit(data, epochs=10, steps_per_epoch=5, callbacks=[budget], verbose=0)
    assert gan.generator_steps == 12
    assert budget.stopped_step == 12
    # A later fit call with a larger budget stops at the new total.
    budget = StepBudget(20)
    gan.fit(data, epochs=10, steps_per_epoch=5, callbacks=[budget], verbose=0)
    assert gan.generator_steps == 20


def test_step_budget_rejects_bad_values():
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="max_steps"):
            StepBudget(bad)


def test_loss_threshold_stops_when_crossed():
    gan, data = _gan_and_data()
    stop = LossThreshold(threshold=1e9, monitor="d_loss", mode="below")
    history = gan.fit(
        data, epochs=5, steps_per_epoch=3, callbacks=[stop], verbose=0
    )
    assert len(history.history["d_loss"]) == 1
    assert stop.stopped_step == 3
    never = LossThreshold(threshold=1e9, monitor="d_loss", mode="above")
    history = gan.fit(
        data, epochs=3, steps_per_epoch=3, callbacks=[never], verbose=0
    )
    assert len(history.history["d_loss"]) == 3
    assert never.stopped_step is None


def test_loss_threshold_checks_every_n_steps():
    gan, data = _gan_and_data()
    stop = LossThreshold(threshold=1e9, every_n_steps=4)
    gan.fit(data, epochs=1, steps_per_epoch=10, callbacks=[stop], verbose=0)
    assert gan.generator_steps == 4


def test_loss_threshold_names_the_missing_key():
    gan, data = _gan_and_data()
    stop = LossThreshold(threshold=1.0, monitor="fid")
    with pytest.raises(ValueError, match="fid.*Available keys.*d_loss"):
        gan.fit(data, epochs=1, steps_per_epoch=2, callbacks=[stop], verbose=0)
    with pytest.raises(ValueError, match="mode='under'"):
        LossThreshold(threshold=1.0, mode="under")
