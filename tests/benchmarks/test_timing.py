"""Interleaved timing: participants take turns, one at a time."""

import threading

import pytest

from benchmarks import timing, workloads


def _recording_participant(name, events, lock, fail_at=None):
    state = {"calls": 0}

    def window():
        with lock:
            events.append(("start", name))
        if state["calls"] == fail_at:
            raise RuntimeError(f"{name} failed")
        state["calls"] += 1
        with lock:
            events.append(("end", name))

    return timing.function_participant(window)


def test_windows_run_round_robin_and_never_overlap():
    events, lock = [], threading.Lock()
    participants = {
        name: _recording_participant(name, events, lock)
        for name in ("a", "b", "c")
    }
    results = timing.run_interleaved(participants, windows=3, warmup_windows=1)
    starts = [name for kind, name in events if kind == "start"]
    assert starts == ["a", "b", "c"] * 4
    # Each window ends before the next one starts.
    assert [kind for kind, _ in events] == ["start", "end"] * 12
    for result in results.values():
        assert result.error is None
        assert len(result.window_seconds) == 3
        assert len(result.window_cpu_seconds) == 3


def test_a_failing_participant_leaves_and_the_others_finish():
    events, lock = [], threading.Lock()
    participants = {
        "a": _recording_participant("a", events, lock),
        "broken": _recording_participant("broken", events, lock, fail_at=1),
        "c": _recording_participant("c", events, lock),
    }
    results = timing.run_interleaved(participants, windows=2, warmup_windows=0)
    assert isinstance(results["broken"].error, RuntimeError)
    assert len(results["a"].window_seconds) == 2
    assert len(results["c"].window_seconds) == 2


def test_fit_participant_times_one_fit_epoch_per_window():
    workload = workloads.Workload(
        "tiny", "ring", (2,), 8, latent_dim=2, architecture="mlp", width=4
    )
    model = workloads.build_trainer(workload, "ours+spe2")
    participant = timing.fit_participant(
        model, workloads.make_dataset(workload), steps_per_window=4
    )
    result = timing.run_interleaved({"ours": participant}, windows=2)["ours"]
    assert result.error is None
    assert len(result.window_seconds) == 2
    assert [step for step, _ in result.resident_bytes] == [4, 8, 12]
    assert model.generator_steps == 12


@pytest.mark.parametrize(
    "variant, expected",
    [
        ("ours", ("ours", set())),
        ("plain+xla+spe8", ("plain", {"xla", "spe8"})),
        ("ours+bf16+concat", ("ours", {"bf16", "concat"})),
    ],
)
def test_variant_names_parse(variant, expected):
    assert workloads.parse_variant(variant) == expected


@pytest.mark.parametrize(
    "variant", ["theirs", "ours+fast", "plain+concat", "ours+bf16+fp16"]
)
def test_invalid_variant_names_are_refused(variant):
    with pytest.raises(ValueError, match="variant|option"):
        workloads.parse_variant(variant)
