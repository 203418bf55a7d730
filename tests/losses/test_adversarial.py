"""Adversarial losses against hand-computed values on fixed inputs."""

import math

import numpy as np
import pytest
import tensorflow as tf

from keras_gan import losses

REAL = [1.5, -0.5, 3.0, 0.0]
GEN = [-2.0, 0.25, 1.0]


def _log_sigmoid(x):
    return math.log(1.0 / (1.0 + math.exp(-x)))


def _log_one_minus_sigmoid(x):
    return math.log(1.0 - 1.0 / (1.0 + math.exp(-x)))


def _mean(values):
    return sum(values) / len(values)


# The textbook formulas, written with probabilities D = sigmoid(logit).
EXPECTED = {
    "minimax": (
        -_mean([_log_sigmoid(r) for r in REAL])
        - _mean([_log_one_minus_sigmoid(g) for g in GEN]),
        _mean([_log_one_minus_sigmoid(g) for g in GEN]),
    ),
    "non_saturating": (
        -_mean([_log_sigmoid(r) for r in REAL])
        - _mean([_log_one_minus_sigmoid(g) for g in GEN]),
        -_mean([_log_sigmoid(g) for g in GEN]),
    ),
    "wasserstein": (_mean(GEN) - _mean(REAL), -_mean(GEN)),
    "hinge": (
        _mean([max(0.0, 1 - r) for r in REAL])
        + _mean([max(0.0, 1 + g) for g in GEN]),
        -_mean(GEN),
    ),
    "least_squares": (
        0.5 * _mean([(r - 1) ** 2 for r in REAL])
        + 0.5 * _mean([g**2 for g in GEN]),
        0.5 * _mean([(g - 1) ** 2 for g in GEN]),
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_values_match_hand_computed(name):
    loss = losses.get(name)
    d_expected, g_expected = EXPECTED[name]
    real = tf.constant(REAL)[:, None]
    gen = tf.constant(GEN)[:, None]
    assert float(loss.discriminator_loss(real, gen)) == pytest.approx(
        d_expected, rel=1e-5
    )
    assert float(loss.generator_loss(gen)) == pytest.approx(
        g_expected, rel=1e-5
    )


def test_label_smoothing_targets_one_minus_smoothing():
    loss = losses.NonSaturatingLoss(label_smoothing=0.1)
    real = tf.constant([[2.0]])
    gen = tf.constant([[-1.0]])
    expected = -(
        0.9 * _log_sigmoid(2.0) + 0.1 * _log_one_minus_sigmoid(2.0)
    ) - _log_one_minus_sigmoid(-1.0)
    assert float(loss.discriminator_loss(real, gen)) == pytest.approx(
        expected, rel=1e-5
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("extreme", [1e4, -1e4])
def test_finite_values_and_gradients_for_extreme_outputs(name, extreme):
    loss = losses.get(name)
    real = tf.Variable([[extreme], [-extreme]])
    gen = tf.Variable([[extreme], [-extreme]])
    with tf.GradientTape(persistent=True) as tape:
        d_loss = loss.discriminator_loss(real, gen)
        g_loss = loss.generator_loss(gen)
    for value in (d_loss, g_loss):
        assert np.isfinite(value.numpy())
    for grad in tape.gradient(d_loss, [real, gen]) + [
        tape.gradient(g_loss, gen)
    ]:
        assert np.all(np.isfinite(grad.numpy()))


def _generator_gradient(loss, logit):
    gen = tf.Variable([[logit]])
    with tf.GradientTape() as tape:
        value = loss.generator_loss(gen)
    return float(tape.gradient(value, gen)[0, 0])


def test_non_saturating_gradient_survives_where_minimax_vanishes():
    # D(G(z)) = sigmoid(-20) ~ 2e-9: the discriminator rejects the sample.
    minimax = _generator_gradient(losses.MinimaxLoss(), -20.0)
    non_saturating = _generator_gradient(losses.NonSaturatingLoss(), -20.0)
    assert abs(minimax) < 1e-8
    assert non_saturating == pytest.approx(-1.0, abs=1e-6)
    # Both push the logit up (descent increases D(G(z))).
    assert minimax < 0 and non_saturating < 0


def test_logged_outputs_are_probabilities_only_for_logistic_losses():
    logits = tf.constant([0.0, 2.0])
    np.testing.assert_allclose(
        losses.NonSaturatingLoss().discriminator_output(logits),
        [0.5, 1 / (1 + math.exp(-2.0))],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        losses.WassersteinLoss().discriminator_output(logits), [0.0, 2.0]
    )
    assert losses.MinimaxLoss.equilibrium_output == 0.5
    assert losses.LeastSquaresLoss.equilibrium_output == 0.5
    assert losses.HingeLoss.equilibrium_output is None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_serialization_round_trip(name):
    import keras

    loss = losses.get(name)
    config = keras.saving.serialize_keras_object(loss)
    restored = keras.saving.deserialize_keras_object(config)
    assert restored == loss and restored is not loss
    assert type(restored).from_config(restored.get_config()) == loss


def test_get_rejects_unknown_name_listing_valid_ones():
    with pytest.raises(ValueError, match="non_saturating.*Received: loss="):
        losses.get("nonsaturating")


def test_invalid_label_smoothing_is_rejected():
    with pytest.raises(ValueError, match="label_smoothing=1.5"):
        losses.MinimaxLoss(label_smoothing=1.5)


def test_custom_loss_by_subclassing_the_base_class():
    import keras

    @keras.saving.register_keras_serializable(package="keras_gan_tests")
    class SquaredHingeLoss(losses.AdversarialLoss):
        def discriminator_loss(self, real_outputs, generated_outputs):
            real = keras.ops.relu(1.0 - real_outputs) ** 2
            fake = keras.ops.relu(1.0 + generated_outputs) ** 2
            return keras.ops.mean(real) + keras.ops.mean(fake)

        def generator_loss(self, generated_outputs):
            return -keras.ops.mean(generated_outputs)

    loss = losses.get(SquaredHingeLoss())
    value = loss.discriminator_loss(tf.constant([0.0]), tf.constant([0.0]))
    assert float(value) == pytest.approx(2.0)
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(loss)
    )
    assert isinstance(restored, SquaredHingeLoss)
