"""GAN(ema_decay=...): the model keeps, saves and samples from an average
of its generator's weights, and trains exactly as without one."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import export
from keras_gan.data import mixture_dataset
from keras_gan.models import mlp
from keras_gan.models.generator_ema import GeneratorEMA


def _gan(ema_decay=0.9):
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        mlp.mlp_generator(4, 2, (8,)),
        mlp.mlp_discriminator(2, (8,)),
        seed=0,
        ema_decay=ema_decay,
    )
    gan.compile()
    return gan


def _data(skip=0):
    return mixture_dataset("ring", 16, seed=0).skip(skip)


class _RecordGenerator(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_train_begin(self, logs=None):
        self.weights.append(self.model.generator.get_weights())

    def on_train_batch_end(self, batch, logs=None):
        self.weights.append(self.model.generator.get_weights())


def test_fit_keeps_the_documented_average():
    gan = _gan(ema_decay=0.9)
    record = _RecordGenerator()
    gan.fit(_data(), epochs=1, steps_per_epoch=3, callbacks=[record], verbose=0)
    w0, w1, w2, w3 = record.weights
    expected = []
    for layer in range(len(w0)):
        average = w0[layer]
        # decay_t = min(0.9, (1 + t) / (10 + t)), t = 0, 1, 2
        for t, w in enumerate((w1, w2, w3)):
            decay = min(0.9, (1 + t) / (10 + t))
            average = decay * average + (1 - decay) * w[layer]
        expected.append(average)
    for got, want in zip(gan.generator_ema.get_weights(), expected):
        np.testing.assert_allclose(got, want, atol=1e-6)
    assert not gan.generator_ema.trainable
    assert gan.sample_generator is gan.generator_ema


def test_the_average_does_not_change_training():
    with_average, without = _gan(0.9), _gan(None)
    for gan in (with_average, without):
        gan.fit(_data(), epochs=1, steps_per_epoch=4, verbose=0)
    for player in ("generator", "discriminator"):
        pairs = zip(
            getattr(with_average, player).get_weights(),
            getattr(without, player).get_weights(),
        )
        for a, b in pairs:
            np.testing.assert_array_equal(a, b)
    assert without.generator_ema is None
    assert without.sample_generator is without.generator


def test_saving_keeps_the_average_and_resuming_matches_one_run(tmp_path):
    uninterrupted = _gan()
    uninterrupted.fit(_data(), epochs=1, steps_per_epoch=6, verbose=0)

    first = _gan()
    first.fit(_data(), epochs=1, steps_per_epoch=3, verbose=0)
    first.save(tmp_path / "gan.keras")
    resumed = keras.saving.load_model(tmp_path / "gan.keras")
    assert resumed.ema_decay == 0.9
    for a, b in zip(
        resumed.generator_ema.get_weights(), first.generator_ema.get_weights()
    ):
        np.testing.assert_array_equal(a, b)
    resumed.fit(_data(skip=3), epochs=1, steps_per_epoch=3, verbose=0)
    for a, b in zip(
        resumed.generator_ema.get_weights(),
        uninterrupted.generator_ema.get_weights(),
    ):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_sampling_and_export_use_the_average(tmp_path):
    gan = _gan()
    gan.fit(_data(), epochs=1, steps_per_epoch=5, verbose=0)
    z = np.random.default_rng(1).standard_normal((6, 4)).astype(np.float32)
    averaged = np.asarray(gan.generator_ema(z, training=False))
    raw = np.asarray(gan.generator(z, training=False))
    assert not np.allclose(averaged, raw)
    np.testing.assert_allclose(np.asarray(gan(z)), averaged, atol=1e-6)
    path = export.export_generator(gan, tmp_path / "export")
    serve = tf.saved_model.load(path).signatures["serving_default"]
    np.testing.assert_allclose(
        serve(z=tf.constant(z))["samples"].numpy(), averaged, atol=1e-5
    )


def test_a_callback_of_the_same_decay_adopts_the_average():
    gan = _gan(ema_decay=0.9)
    callback = GeneratorEMA(decay=0.9)
    gan.fit(
        _data(), epochs=1, steps_per_epoch=3, callbacks=[callback], verbose=0
    )
    assert callback.generator is gan.generator_ema
    # Updated once per step, not twice: same as a fit without the callback.
    alone = _gan(ema_decay=0.9)
    alone.fit(_data(), epochs=1, steps_per_epoch=3, verbose=0)
    for a, b in zip(
        gan.generator_ema.get_weights(), alone.generator_ema.get_weights()
    ):
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("decay", [0.0, 1.0, -0.5, 2, True, "0.9"])
def test_invalid_decay_is_refused(decay):
    with pytest.raises(ValueError, match="ema_decay"):
        keras_gan.GAN(
            mlp.mlp_generator(4, 2, (8,)),
            mlp.mlp_discriminator(2, (8,)),
            ema_decay=decay,
        )
