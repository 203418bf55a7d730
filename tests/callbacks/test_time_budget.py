"""TimeBudget stops training when its wall-clock budget is spent, counting
time over every fit it is given and time spent before."""

import numpy as np
import pytest

import keras_gan
from keras_gan import clock as clock_lib
from keras_gan.callbacks.time_budget import TimeBudget
from keras_gan.models import mlp_discriminator, mlp_generator


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(clock_lib.time, "monotonic", clock)
    return clock


class _Tick(keras_gan.callbacks.StepBudget):
    """Advances the fake clock by one second per step."""

    def __init__(self, clock):
        super().__init__(10**9)
        self.clock = clock

    def on_train_batch_end(self, batch, logs=None):
        self.clock.now += 1.0


def _fit(gan, callbacks, epochs=1):
    data = np.random.default_rng(0).normal(size=(80, 2)).astype(np.float32)
    gan.fit(data, batch_size=8, epochs=epochs, callbacks=callbacks, verbose=0)


def _gan():
    gan = keras_gan.GAN(
        mlp_generator(2, 2, (4,)), mlp_discriminator(2, (4,)), seed=0
    )
    gan.compile()
    return gan


def test_stops_when_the_budget_is_spent_across_fits(clock):
    gan = _gan()
    budget = TimeBudget(max_seconds=7, elapsed_seconds=2)
    _fit(gan, [_Tick(clock), budget], epochs=3)
    # 2 s before, then one second per step: spent after step 5.
    assert gan.generator_steps == 5 and budget.stopped_step == 5
    assert budget.elapsed_seconds == 7 and budget.remaining_seconds == 0
    _fit(gan, [_Tick(clock), budget])
    assert gan.generator_steps == 6  # Keras runs at least one step
    assert budget.elapsed_seconds == 8


def test_no_stop_within_budget(clock):
    gan = _gan()
    budget = TimeBudget(max_seconds=100)
    _fit(gan, [_Tick(clock), budget])
    assert gan.generator_steps == 10 and budget.stopped_step is None
    assert budget.remaining_seconds == 90


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"max_seconds": 0}, "max_seconds"),
        ({"max_seconds": float("inf")}, "max_seconds"),
        ({"max_seconds": 1, "elapsed_seconds": -1}, "elapsed_seconds"),
    ],
)
def test_invalid_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"argument `{name}`"):
        TimeBudget(**kwargs)


def test_reads_a_clock_its_owner_runs(clock):
    gan = _gan()
    shared = clock_lib.TrainingClock(elapsed_seconds=2)
    budget = TimeBudget(max_seconds=7, clock=shared)
    with shared:
        _fit(gan, [_Tick(clock), budget], epochs=3)
        # The budget left the owner's clock running after fit.
        assert shared.running
        clock.now += 10.0
    assert gan.generator_steps == 5 and budget.stopped_step == 5
    assert shared.elapsed_seconds == 17 and not shared.running


def test_elapsed_seconds_and_clock_are_exclusive():
    with pytest.raises(ValueError, match="`elapsed_seconds` or `clock`"):
        TimeBudget(5, elapsed_seconds=1, clock=clock_lib.TrainingClock())
