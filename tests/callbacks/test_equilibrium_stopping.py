"""EquilibriumStopping stops at the D* = 1/2 signal and only then."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.callbacks import EquilibriumStopping
from keras_gan.models import mlp_discriminator, mlp_generator


def _gan(loss="non_saturating"):
    gan = keras_gan.GAN(
        mlp_generator(4, 2, (8,)), mlp_discriminator(2, (8,)), seed=0
    )
    gan.compile(loss=loss)
    gan.fit(np.zeros((8, 2), np.float32), batch_size=8, verbose=0)
    return gan


def _attach(callback, gan):
    callback.set_model(gan)
    callback.on_train_begin()
    return callback


def _epochs(callback, outputs, logs=None):
    """Feeds (d_real, d_fake) pairs as epoch-end logs; returns the epoch
    count run before stopping."""
    for epoch, (d_real, d_fake) in enumerate(outputs):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(
            epoch, {"d_real": d_real, "d_fake": d_fake, **(logs or {})}
        )
        if callback.model.stop_training:
            return epoch + 1
    return len(outputs)


def test_stops_after_patience_epochs_within_tolerance():
    callback = _attach(EquilibriumStopping(tolerance=0.05, patience=3), _gan())
    outputs = [(0.9, 0.1), (0.52, 0.48), (0.6, 0.45), (0.53, 0.47),
               (0.51, 0.5), (0.49, 0.54), (0.5, 0.5)]  # fmt: skip
    assert _epochs(callback, outputs) == 6
    assert callback.stopped_epoch == 5


def test_does_not_stop_when_only_one_side_is_near_one_half():
    callback = _attach(EquilibriumStopping(patience=2), _gan())
    assert _epochs(callback, [(0.5, 0.2)] * 10) == 10
    assert not callback.model.stop_training


def test_start_from_epoch_delays_checks():
    callback = _attach(
        EquilibriumStopping(patience=2, start_from_epoch=4), _gan()
    )
    assert _epochs(callback, [(0.5, 0.5)] * 10) == 6


def test_quality_monitor_must_also_have_stalled():
    callback = _attach(
        EquilibriumStopping(patience=1, monitor="fd", monitor_patience=2),
        _gan(),
    )
    fds = [10.0, 8.0, 6.0, 6.5, 6.2, 5.0]
    for epoch, fd in enumerate(fds):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"d_real": 0.5, "d_fake": 0.5, "fd": fd})
        if callback.model.stop_training:
            break
    # Improving until epoch 2; stalled for two epochs at epoch 4.
    assert callback.stopped_epoch == 4


def test_restore_best_weights_restores_the_closest_check():
    gan = _gan()
    callback = _attach(
        EquilibriumStopping(patience=2, restore_best_weights=True), gan
    )
    callback.on_epoch_begin(0)
    callback.on_epoch_end(0, {"d_real": 0.5, "d_fake": 0.5})
    best = [w.copy() for w in gan.get_weights()]
    gan.set_weights([w + 1.0 for w in best])
    callback.on_epoch_begin(1)
    callback.on_epoch_end(1, {"d_real": 0.54, "d_fake": 0.47})
    assert gan.stop_training
    for x, y in zip(best, gan.get_weights()):
        np.testing.assert_array_equal(x, y)


def test_every_n_steps_checks_the_mean_since_the_last_check():
    gan = _gan()
    callback = _attach(EquilibriumStopping(patience=1, every_n_steps=2), gan)
    callback.on_epoch_begin(0)
    # Running means: steps 1-2 average 0.9 on d_real; steps 3-4 average
    # 0.5 (running mean (0.9 * 2 + 0.5 * 2) / 4 = 0.7).
    for batch, running in enumerate([0.9, 0.9, 0.7666, 0.7]):
        gan.g_optimizer.iterations.assign(batch + 1)
        callback.on_train_batch_end(batch, {"d_real": running, "d_fake": 0.5})
        assert gan.stop_training == (batch == 3)


def test_refuses_losses_without_an_equilibrium_output():
    with pytest.raises(ValueError, match="equilibrium output"):
        _attach(EquilibriumStopping(), _gan("wasserstein"))
    callback = _attach(EquilibriumStopping(target=0.0), _gan("hinge"))
    assert _epochs(callback, [(0.01, -0.02)] * 3) == 3
    assert callback.model.stop_training


def test_invalid_arguments_are_rejected():
    with pytest.raises(ValueError, match="tolerance=0"):
        EquilibriumStopping(tolerance=0)
    with pytest.raises(ValueError, match="mode='best'"):
        EquilibriumStopping(mode="best")
    with pytest.raises(ValueError, match="patience=0"):
        EquilibriumStopping(patience=0)


def test_stops_a_real_fit_and_is_reusable():
    gan = _gan()
    data = tf.data.Dataset.from_tensor_slices(
        np.zeros((64, 2), np.float32)
    ).batch(8)
    # tolerance 0.5 accepts any probability: stop after `patience` epochs.
    callback = EquilibriumStopping(tolerance=0.5, patience=2)
    history = gan.fit(data, epochs=10, callbacks=[callback], verbose=0)
    assert len(history.history["d_loss"]) == 2
    history = gan.fit(data, epochs=10, callbacks=[callback], verbose=0)
    assert len(history.history["d_loss"]) == 2
    assert isinstance(callback, keras.callbacks.Callback)
