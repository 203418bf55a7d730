"""GeneratorEMA: the averaged copy follows the documented update."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.data import mixture_dataset
from keras_gan.models import mlp
from keras_gan.models.generator_ema import GeneratorEMA


def _gan():
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        mlp.mlp_generator(4, 2, (8,)), mlp.mlp_discriminator(2, (8,)), seed=0
    )
    gan.compile()
    gan.build()
    return gan


def _fit(gan, steps, callback):
    gan.fit(
        mixture_dataset("ring", 16, seed=0),
        epochs=1,
        steps_per_epoch=steps,
        callbacks=[callback],
        verbose=0,
    )


def test_first_update_uses_the_warm_up_decay():
    gan = _gan()
    initial = gan.generator.get_weights()
    ema = GeneratorEMA(decay=0.999)
    _fit(gan, 1, ema)
    trained = gan.generator.get_weights()
    # decay_0 = min(0.999, (1 + 0) / (10 + 0)) = 0.1
    for average, w0, w1 in zip(ema.generator.get_weights(), initial, trained):
        np.testing.assert_allclose(average, 0.1 * w0 + 0.9 * w1, atol=1e-6)
    assert ema.generator is not gan.generator


def test_zero_decay_follows_the_raw_generator():
    gan = _gan()
    ema = GeneratorEMA(decay=0.0)
    _fit(gan, 3, ema)
    for average, raw in zip(
        ema.generator.get_weights(), gan.generator.get_weights()
    ):
        np.testing.assert_allclose(average, raw, atol=1e-6)


def test_average_lags_behind_and_survives_a_second_fit():
    gan = _gan()
    ema = GeneratorEMA(decay=0.99)
    _fit(gan, 5, ema)
    copy = ema.generator
    _fit(gan, 5, ema)
    assert ema.generator is copy
    pairs = zip(ema.generator.get_weights(), gan.generator.get_weights())
    differences = [np.abs(a - r).max() for a, r in pairs]
    assert max(differences) > 0


def test_before_start_step_the_copy_tracks_the_raw_weights():
    gan = _gan()
    ema = GeneratorEMA(decay=0.99, start_step=10)
    _fit(gan, 3, ema)
    for average, raw in zip(
        ema.generator.get_weights(), gan.generator.get_weights()
    ):
        np.testing.assert_allclose(average, raw, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"decay": 1.0}, "decay"), ({"start_step": -1}, "start_step")],
)
def test_invalid_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GeneratorEMA(**kwargs)
