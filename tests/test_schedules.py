"""ConstantThenLinearDecay: values, validation and serialization."""

import keras
import numpy as np
import pytest

from keras_gan.schedules import ConstantThenLinearDecay


def test_constant_then_linear_to_the_end_factor():
    schedule = ConstantThenLinearDecay(1e-3, 100, 0.4, end_factor=0.01)
    steps = [0, 30, 60, 80, 100, 150]
    got = [float(schedule(s)) for s in steps]
    # Constant until step 60, then linear down to 1e-5 at step 100.
    want = [1e-3, 1e-3, 1e-3, 1e-3 - 0.5 * (1e-3 - 1e-5), 1e-5, 1e-5]
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_the_optimizer_round_trips_through_keras_serialization():
    optimizer = keras.optimizers.Adam(
        ConstantThenLinearDecay(5e-4, 1000, 0.5), beta_1=0.5
    )
    restored = keras.optimizers.deserialize(
        keras.optimizers.serialize(optimizer)
    )
    schedule = restored._learning_rate
    assert isinstance(schedule, ConstantThenLinearDecay)
    assert schedule.get_config() == optimizer._learning_rate.get_config()


@pytest.mark.parametrize(
    "arguments, named",
    [
        ((0.0, 10, 0.5), "learning_rate"),
        ((1e-3, 0, 0.5), "total_steps"),
        ((1e-3, 10, 0.0), "decay_fraction"),
        ((1e-3, 10, 1.5), "decay_fraction"),
    ],
)
def test_invalid_arguments_are_named(arguments, named):
    with pytest.raises(ValueError, match=named):
        ConstantThenLinearDecay(*arguments)
