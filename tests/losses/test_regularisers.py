"""Lazy R1 and LeCam regularisation against hand computations, composed
with every loss and kept across save and load."""

import types

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import losses
from tests.float32 import reordering_tolerance


def _linear_critic(size, weight_value):
    inputs = keras.Input((size,))
    dense = keras.layers.Dense(1, use_bias=False)
    model = keras.Model(inputs, dense(inputs))
    dense.kernel.assign(np.full((size, 1), weight_value, np.float32))
    return model


def _fake_model(updates):
    """What `R1Penalty.build` reads of a GAN: the D optimizer's count."""
    return types.SimpleNamespace(
        d_optimizer=types.SimpleNamespace(iterations=updates)
    )


@pytest.mark.parametrize("eager", [True, False])
def test_lazy_r1_penalises_every_nth_update_with_n_times_the_weight(eager):
    critic = _linear_critic(3, 0.5)
    updates = keras.Variable(0, dtype="int64", trainable=False)
    penalty = losses.R1Penalty(weight=2.0, interval=4)
    penalty.build(_fake_model(updates))
    real = tf.random.normal((5, 3))
    # ||grad D||^2 = 3 * 0.25; the plain penalty is 2 / 2 * 0.75.
    plain = 0.5 * 2.0 * 0.75

    def value():
        return penalty(critic, real, real, None)

    call = value if eager else tf.function(value)
    got = []
    for step in range(9):
        updates.assign(step)
        got.append(float(call()))
    expected = [4 * plain if step % 4 == 0 else 0.0 for step in range(9)]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_lazy_r1_gradient_is_n_times_the_r1_gradient_when_due():
    critic = _linear_critic(3, 0.5)
    updates = keras.Variable(8, dtype="int64", trainable=False)
    lazy = losses.R1Penalty(weight=2.0, interval=4)
    lazy.build(_fake_model(updates))
    real = tf.random.normal((5, 3))

    @tf.function
    def gradient(penalty):
        with tf.GradientTape() as tape:
            value = penalty(critic, real, real, None)
        return tape.gradient(value, critic.trainable_variables)[0]

    # d/da of 0.5 * w * ||a||^2 is w * a.
    expected = 4 * 2.0 * critic.trainable_variables[0].numpy()
    np.testing.assert_allclose(gradient(lazy), expected, rtol=1e-5)
    updates.assign(9)
    np.testing.assert_allclose(gradient(lazy), 0.0)


def test_r1_interval_is_checked_and_serialized():
    with pytest.raises(ValueError, match="`interval`.*Received: interval=0"):
        losses.R1Penalty(interval=0)
    penalty = losses.R1Penalty(5.0, interval=16)
    clone = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(penalty)
    )
    assert clone == penalty and clone.interval == 16
    assert clone != losses.R1Penalty(5.0)


def _lecam_reference(real_batches, fake_batches, weight, decay, one_sided):
    """The penalty of each update, in numpy, averages moved first."""
    ema_real = ema_fake = None
    values = []
    for real, fake in zip(real_batches, fake_batches):
        if ema_real is None:
            ema_real, ema_fake = real.mean(), fake.mean()
        else:
            ema_real = decay * ema_real + (1 - decay) * real.mean()
            ema_fake = decay * ema_fake + (1 - decay) * fake.mean()
        a, b = real - ema_fake, ema_real - fake
        if one_sided:
            a, b = np.maximum(a, 0), np.maximum(b, 0)
        values.append(weight * (np.mean(a**2) + np.mean(b**2)))
    return values, ema_real, ema_fake


@pytest.mark.parametrize("one_sided", [False, True])
def test_lecam_matches_hand_computation(one_sided):
    rng = np.random.default_rng(0)
    reals = [rng.normal(1.0, 1.0, (6, 1)).astype("float32") for _ in range(4)]
    fakes = [rng.normal(-1.0, 1.0, (6, 1)).astype("float32") for _ in range(4)]
    penalty = losses.LeCamPenalty(0.3, decay=0.9, one_sided=one_sided)
    penalty.build(None)
    got = [float(penalty(r, f, training=True)) for r, f in zip(reals, fakes)]
    expected, ema_real, ema_fake = _lecam_reference(
        reals, fakes, 0.3, 0.9, one_sided
    )
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    # Evaluation reads the averages without moving them.
    before = [v.numpy() for v in penalty.variables]
    penalty(reals[0], fakes[0], training=False)
    assert [v.numpy() for v in penalty.variables] == before
    assert before[:2] == pytest.approx([ema_real, ema_fake], rel=1e-5)


def test_lecam_gradient_flows_to_the_outputs_only():
    penalty = losses.LeCamPenalty(1.0, decay=0.5)
    penalty.build(None)
    real = tf.constant([[1.0], [3.0]])
    fake = tf.constant([[-1.0], [0.0]])
    with tf.GradientTape() as tape:
        tape.watch([real, fake])
        value = penalty(real, fake, training=True)
    grad_real, grad_fake = tape.gradient(value, [real, fake])
    # Averages set to the means (2, -0.5): d/dr mean((r - a_F)^2).
    np.testing.assert_allclose(grad_real, 2 * (real - (-0.5)) / 2)
    np.testing.assert_allclose(grad_fake, -2 * (2.0 - fake) / 2)


def _gan(seed=0):
    z = keras.Input((3,))
    generator = keras.Model(z, keras.layers.Dense(2)(z))
    x = keras.Input((2,))
    h = keras.layers.Dense(8, activation="tanh")(x)
    discriminator = keras.Model(x, keras.layers.Dense(1)(h))
    return keras_gan.GAN(generator, discriminator, seed=seed)


_REAL = np.random.default_rng(1).normal(size=(64, 2)).astype("float32")


@pytest.mark.parametrize("loss", losses.loss_names())
def test_both_compose_with_every_loss(loss):
    gan = _gan()
    gan.compile(
        loss=loss,
        penalties=[losses.R1Penalty(1.0, interval=2), losses.LeCamPenalty()],
    )
    history = gan.fit(
        _REAL, batch_size=16, epochs=4, steps_per_epoch=1, verbose=0
    )
    r1 = history.history["r1_penalty"]
    assert all(
        np.isfinite(v) for values in history.history.values() for v in values
    )
    # Penalised on the D updates 0 and 2 only.
    assert r1[0] > 0 and r1[2] > 0 and r1[1] == 0 and r1[3] == 0
    lecam = gan.penalties[1]
    assert float(lecam.ema_updates) == 4.0
    assert history.history["lecam_penalty"][-1] > 0


def test_state_survives_save_and_load(tmp_path):
    gan = _gan()
    gan.compile(
        loss="hinge",
        penalties=[losses.R1Penalty(1.0, interval=3), losses.LeCamPenalty()],
    )
    gan.fit(_REAL, batch_size=16, epochs=1, steps_per_epoch=4, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.penalties[0].interval == 3
    saved = [v.numpy() for v in gan.penalties[1].variables]
    np.testing.assert_array_equal(
        [v.numpy() for v in loaded.penalties[1].variables], saved
    )
    assert saved[2] == 4.0 and saved[0] != 0.0
    # Resumed training goes on from the saved averages and schedule: the
    # same logs as the original model continuing.
    rest = dict(
        batch_size=16, epochs=1, steps_per_epoch=3, verbose=0, shuffle=False
    )
    a = gan.fit(_REAL[:48], **rest).history
    b = loaded.fit(_REAL[:48], **rest).history
    # The loaded model's graph may sum in another order. Longest sum: the
    # batch of 16. Chain: the generator's dense layer, the discriminator's
    # 2, back through all 3, R1's input gradient through the discriminator
    # twice more (10). Updates: 3 steps of one discriminator and one
    # generator update.
    tol = reordering_tolerance(terms=16, reductions=10, updates=6)
    for key in ("lecam_penalty", "r1_penalty", "d_loss"):
        assert a[key] == pytest.approx(b[key], rel=tol, abs=tol), key
