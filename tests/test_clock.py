"""TrainingClock sums its running spans on top of the time spent before."""

import pytest

from keras_gan import clock as clock_lib


@pytest.fixture
def now(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(clock_lib.time, "monotonic", lambda: now[0])
    return now


def test_sums_spans_on_top_of_earlier_time(now):
    clock = clock_lib.TrainingClock(elapsed_seconds=3)
    assert clock.elapsed_seconds == 3 and not clock.running
    with clock:
        now[0] += 2
        assert clock.running and clock.elapsed_seconds == 5
    now[0] += 50  # not counted: the clock is stopped
    clock.start()
    now[0] += 1
    clock.start()  # already running: the span goes on
    now[0] += 1
    clock.stop()
    clock.stop()
    assert clock.elapsed_seconds == 7 and not clock.running
