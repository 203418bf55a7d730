"""Gradient penalty and R1 against closed forms."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import losses


def _linear_critic(input_shape, weight_value):
    """D(x) = sum(weight_value * x): input gradient is constant."""
    inputs = keras.Input(input_shape)
    flat = keras.layers.Flatten()(inputs)
    dense = keras.layers.Dense(1, use_bias=False)
    model = keras.Model(inputs, dense(flat))
    size = int(np.prod(input_shape))
    dense.kernel.assign(np.full((size, 1), weight_value, np.float32))
    return model


@pytest.mark.parametrize("shape", [(4,), (3, 3, 2), (2, 2, 2, 1)])
def test_gradient_penalty_equals_closed_form_for_any_rank(shape):
    size = int(np.prod(shape))
    # ||grad D|| = 0.5 * sqrt(size); penalty = 10 * (norm - 1)^2.
    critic = _linear_critic(shape, 0.5)
    real = tf.random.normal((8, *shape))
    fake = tf.random.normal((8, *shape))
    penalty = losses.GradientPenalty(weight=10.0)
    value = penalty(critic, real, fake, keras.random.SeedGenerator(0))
    expected = 10.0 * (0.5 * np.sqrt(size) - 1.0) ** 2
    assert float(value) == pytest.approx(expected, rel=1e-4)


def test_gradient_penalty_is_finite_where_the_input_gradient_is_zero():
    critic = _linear_critic((3,), 0.0)
    real = tf.zeros((4, 3))
    fake = tf.ones((4, 3))
    penalty = losses.GradientPenalty(weight=10.0)
    with tf.GradientTape() as tape:
        value = penalty(critic, real, fake, keras.random.SeedGenerator(0))
    grads = tape.gradient(value, critic.trainable_variables)
    assert float(value) == pytest.approx(10.0, rel=1e-4)
    for grad in grads:
        assert np.all(np.isfinite(grad.numpy()))


def test_gradient_penalty_interpolates_with_uniform_weights():
    # D(x) = x^2 / 2 has input gradient x. With real = 0 and fake = 1 the
    # interpolate is eps itself, so the penalty is E[(eps - 1)^2]: 1/3 for
    # eps ~ U[0, 1] (a normal eps, the keras.io bug, would give 2).
    inputs = keras.Input((1,))
    critic = keras.Model(
        inputs, keras.layers.Lambda(lambda x: x * x / 2)(inputs)
    )
    n = 20000
    penalty = losses.GradientPenalty(weight=1.0)
    value = penalty(
        critic, tf.zeros((n, 1)), tf.ones((n, 1)), keras.random.SeedGenerator(1)
    )
    assert float(value) == pytest.approx(1.0 / 3.0, abs=0.01)


def test_r1_penalty_equals_closed_form():
    critic = _linear_critic((2, 2, 1), 0.5)
    real = tf.random.normal((5, 2, 2, 1))
    penalty = losses.R1Penalty(weight=4.0)
    value = penalty(critic, real, real, keras.random.SeedGenerator(0))
    # gamma / 2 * ||grad||^2 = 2 * (4 * 0.25).
    assert float(value) == pytest.approx(2.0, rel=1e-5)


def test_penalties_serialize_and_reject_bad_weights():
    for penalty in (losses.GradientPenalty(5.0), losses.R1Penalty(0.1)):
        config = keras.saving.serialize_keras_object(penalty)
        assert keras.saving.deserialize_keras_object(config) == penalty
    with pytest.raises(ValueError, match="weight=-1"):
        losses.GradientPenalty(weight=-1)
    assert isinstance(losses.get_penalty("r1"), losses.R1Penalty)
    with pytest.raises(ValueError, match="gradient_penalty"):
        losses.get_penalty("gp")
