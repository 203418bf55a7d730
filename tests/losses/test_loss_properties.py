"""Properties of the adversarial losses and penalties, for any inputs
hypothesis draws: finite values and gradients, symmetries and minima."""

import functools

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from keras_gan import losses

# Large, but a batch mean of them cannot overflow float32.
LIMIT = 1e6
_SETTINGS = settings(max_examples=30, deadline=None)


def _logits(min_value=-LIMIT, max_value=LIMIT):
    return hnp.arrays(
        np.float32,
        st.integers(1, 8),
        elements=st.floats(min_value, max_value, allow_nan=False, width=32),
    )


def _value_and_gradients(loss_fn, *arrays):
    variables = [tf.Variable(a) for a in arrays]
    with tf.GradientTape() as tape:
        value = loss_fn(*variables)
    gradients = tape.gradient(value, variables)
    return float(value), [g.numpy() for g in gradients]


_DISCRIMINATOR_LOSSES = {
    "minimax": losses.minimax_discriminator_loss,
    "wasserstein": losses.wasserstein_discriminator_loss,
    "hinge": losses.hinge_discriminator_loss,
    "least_squares": losses.least_squares_discriminator_loss,
}
_GENERATOR_LOSSES = {
    "minimax": losses.minimax_generator_loss,
    "modified": losses.modified_generator_loss,
    "wasserstein": losses.wasserstein_generator_loss,
    "least_squares": losses.least_squares_generator_loss,
}


@pytest.mark.parametrize("name", sorted(_DISCRIMINATOR_LOSSES))
@_SETTINGS
@given(real=_logits(), gen=_logits())
def test_discriminator_losses_are_finite_with_finite_gradients(name, real, gen):
    value, gradients = _value_and_gradients(
        _DISCRIMINATOR_LOSSES[name], real, gen
    )
    assert np.isfinite(value)
    assert all(np.all(np.isfinite(g)) for g in gradients)


@pytest.mark.parametrize("name", sorted(_GENERATOR_LOSSES))
@_SETTINGS
@given(gen=_logits())
def test_generator_losses_are_finite_with_finite_gradients(name, gen):
    value, (gradient,) = _value_and_gradients(_GENERATOR_LOSSES[name], gen)
    assert np.isfinite(value) and np.all(np.isfinite(gradient))


@_SETTINGS
@given(
    real=_logits(),
    gen=_logits(),
    label_smoothing=st.floats(0.0, 0.5),
)
def test_label_smoothed_minimax_loss_is_finite_and_positive(
    real, gen, label_smoothing
):
    value, gradients = _value_and_gradients(
        functools.partial(
            losses.minimax_discriminator_loss,
            label_smoothing=label_smoothing,
        ),
        real,
        gen,
    )
    assert np.isfinite(value) and value >= 0.0
    assert all(np.all(np.isfinite(g)) for g in gradients)


@_SETTINGS
@given(real=_logits(), gen=_logits())
def test_minimax_loss_is_symmetric_under_swapping_with_negated_logits(
    real, gen
):
    # softplus(-real) + softplus(gen): a real logit r plays the part of a
    # generated logit -r.
    value = float(losses.minimax_discriminator_loss(real, gen))
    swapped = float(losses.minimax_discriminator_loss(-gen, -real))
    np.testing.assert_allclose(value, swapped, rtol=1e-6)


@_SETTINGS
@given(real=_logits(), gen=_logits())
def test_wasserstein_loss_is_antisymmetric(real, gen):
    value = float(losses.wasserstein_discriminator_loss(real, gen))
    swapped = float(losses.wasserstein_discriminator_loss(gen, real))
    np.testing.assert_allclose(value, -swapped, rtol=1e-6, atol=1e-6)


@_SETTINGS
@given(
    real=_logits(-100.0, 100.0),
    gen=_logits(-100.0, 100.0),
    shift=st.floats(-100.0, 100.0),
)
def test_wasserstein_loss_ignores_a_common_shift_of_the_critic(
    real, gen, shift
):
    value = float(losses.wasserstein_discriminator_loss(real, gen))
    shifted = float(
        losses.wasserstein_discriminator_loss(
            real + np.float32(shift), gen + np.float32(shift)
        )
    )
    np.testing.assert_allclose(value, shifted, atol=1e-3)


@_SETTINGS
@given(real=_logits(-1e3, 1e3), gen=_logits(-1e3, 1e3))
def test_least_squares_loss_is_minimised_at_real_one_and_gen_zero(real, gen):
    value = float(losses.least_squares_discriminator_loss(real, gen))
    best = float(
        losses.least_squares_discriminator_loss(
            np.ones_like(real), np.zeros_like(gen)
        )
    )
    assert best == 0.0 and value >= best
    assert float(losses.least_squares_generator_loss(gen)) >= float(
        losses.least_squares_generator_loss(np.ones_like(gen))
    )


@_SETTINGS
@given(real=_logits(1.0, LIMIT), gen=_logits(-LIMIT, -1.0))
def test_hinge_loss_is_zero_beyond_the_margins(real, gen):
    assert float(losses.hinge_discriminator_loss(real, gen)) == 0.0


@_SETTINGS
@given(real=_logits(), gen=_logits())
def test_hinge_loss_is_non_negative(real, gen):
    assert float(losses.hinge_discriminator_loss(real, gen)) >= 0.0


@_SETTINGS
@given(gen=_logits(-50.0, 50.0))
def test_generator_losses_fall_as_the_discriminator_is_fooled(gen):
    # Every generator loss decreases when generated logits rise.
    for name, loss_fn in _GENERATOR_LOSSES.items():
        if name == "least_squares":
            continue  # minimised at 1, not at +infinity
        _, (gradient,) = _value_and_gradients(loss_fn, gen)
        assert np.all(gradient <= 0.0), name


# -- Penalties, on a linear critic D(x) = w.x + b whose input gradient is w --

_DIM = 3


@functools.cache
def _linear_critic():
    critic = keras.Sequential([keras.Input((_DIM,)), keras.layers.Dense(1)])
    return critic


def _with_weights(w, b=0.0):
    critic = _linear_critic()
    critic.set_weights([w.reshape(_DIM, 1), np.array([b], "float32")])
    return critic


_POINTS = hnp.arrays(
    np.float32,
    st.tuples(st.integers(1, 6), st.just(_DIM)),
    elements=st.floats(-1e3, 1e3, allow_nan=False, width=32),
)
_CRITIC_WEIGHTS = hnp.arrays(
    np.float32,
    (_DIM,),
    elements=st.floats(-10.0, 10.0, allow_nan=False, width=32),
)


@_SETTINGS
@given(w=_CRITIC_WEIGHTS, real=_POINTS, weight=st.floats(0.1, 100.0))
def test_r1_penalty_of_a_linear_critic_is_half_the_squared_slope(
    w, real, weight
):
    critic = _with_weights(w)
    penalty = losses.R1Penalty(weight=weight)
    value = float(penalty(critic, real, real, keras.random.SeedGenerator(0)))
    expected = 0.5 * weight * float(np.sum(np.square(w.astype("float64"))))
    np.testing.assert_allclose(value, expected, rtol=1e-4, atol=1e-6)


@_SETTINGS
@given(
    w=_CRITIC_WEIGHTS,
    real=_POINTS,
    shift=st.floats(-1e3, 1e3, allow_nan=False, width=32),
)
def test_gradient_penalty_of_a_linear_critic_has_finite_gradients(
    w, real, shift
):
    # The slope is w wherever the interpolates fall; w = 0 is the case
    # where a norm without epsilon would have a NaN gradient.
    critic = _with_weights(w)
    generated = real + np.float32(shift)
    with tf.GradientTape() as tape:
        value = losses.GradientPenalty(weight=10.0)(
            critic, real, generated, keras.random.SeedGenerator(0)
        )
    gradients = tape.gradient(value, critic.trainable_weights)
    norm = float(np.sqrt(np.sum(np.square(w.astype("float64")))))
    np.testing.assert_allclose(
        float(value), 10.0 * (norm - 1.0) ** 2, rtol=1e-4, atol=1e-4
    )
    assert all(
        np.all(np.isfinite(g.numpy())) for g in gradients if g is not None
    )


def test_gradient_penalty_gradient_is_finite_for_a_flat_critic():
    critic = _with_weights(np.zeros(_DIM, "float32"))
    real = np.ones((4, _DIM), "float32")
    with tf.GradientTape() as tape:
        value = losses.GradientPenalty()(
            critic, real, real, keras.random.SeedGenerator(0)
        )
    (kernel_gradient, _) = tape.gradient(value, critic.trainable_weights)
    assert np.all(np.isfinite(kernel_gradient.numpy()))
