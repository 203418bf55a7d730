"""The plan of a run: steps per epoch, the step budget and the fit calls
that spend it."""

import types

import pytest

from keras_gan.training import plan
from keras_gan.training.config import ConfigError
from keras_gan.training.plan import FitSegment


def test_a_resumed_run_finishes_its_epoch_first():
    assert plan.fit_segments(0, 5, 12) == [FitSegment(0, 3, 5)]
    assert plan.fit_segments(7, 5, 12) == [
        FitSegment(1, 2, 3),
        FitSegment(2, 3, 5),
    ]
    assert plan.fit_segments(10, 5, 12) == [FitSegment(2, 3, 5)]
    assert plan.fit_segments(0, 5, None)[0].epochs > 10**5


def test_the_budget_is_the_fewer_steps(ring_config):
    config = ring_config(steps=12, epochs=2)
    assert plan.total_steps(config, 5) == 10
    assert plan.total_steps(ring_config(steps=12), 5) == 12
    timed = ring_config(steps=None, max_train_minutes=1.0)
    assert plan.total_steps(timed, 5) is None


def test_steps_per_epoch_are_whole_executions(ring_config):
    finite = types.SimpleNamespace(num_examples=1000)
    config = ring_config(steps_per_epoch=None, steps=None, epochs=1)
    assert plan.steps_per_epoch(config, finite) == 1000 // 16
    four = ring_config(
        steps_per_epoch=None, steps=None, epochs=1, steps_per_execution=4
    )
    assert plan.steps_per_epoch(four, finite) == 60
    endless = types.SimpleNamespace(num_examples=None)
    assert plan.steps_per_epoch(config, endless) == (
        plan.ENDLESS_STEPS_PER_EPOCH
    )
    with pytest.raises(ConfigError, match="fewer than one execution"):
        plan.steps_per_epoch(config, types.SimpleNamespace(num_examples=8))


def test_the_architecture_fits_the_data(ring_config):
    points = types.SimpleNamespace(kind="points", element_shape=(2,))
    assert plan.resolve_architecture(ring_config(), points) == "mlp"
    with pytest.raises(ConfigError, match="Invalid value for `architecture`"):
        plan.resolve_architecture(ring_config(architecture="dcgan"), points)
