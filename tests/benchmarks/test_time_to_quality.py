"""benchmarks.time_to_quality: snapshots land on the schedule, each
arm's snapshots load and score as the quality study scores, and the ladder
times the first reach of each FD (the real study is a benchmark, not a
test)."""

import json
import os
import types

import numpy as np
import pytest

from benchmarks import harness, quality
from benchmarks import time_to_quality as ttq
from keras_gan import checkpoints
from keras_gan import clock as clock_module
from keras_gan.metrics import samplers, scoring

TINY = quality.FashionSetup(latent_dim=8, base_filters=8, batch_size=4)


def _curve(values, minutes=None):
    minutes = minutes or list(range(1, len(values) + 1))
    return [
        {
            "minutes": m,
            "mark_minutes": m,
            "steps": 100 * m,
            "frechet_distance": v,
        }
        for m, v in zip(minutes, values, strict=True)
    ]


def test_arms_from_names_and_flags():
    arms = ttq.parse_arms(
        ["preset", "plain", "bf16"],
        ["bf16=--mixed_precision=bfloat16 --batch_size=32"],
    )
    assert [a.name for a in arms] == ["preset", "plain", "bf16"]
    assert arms[1].plain and not arms[0].plain
    assert arms[2].flags == ("--mixed_precision=bfloat16", "--batch_size=32")
    with pytest.raises(ValueError, match="--arm_flags=fast=FLAGS"):
        ttq.parse_arms(["preset", "fast"])
    with pytest.raises(ValueError, match="only for arms in"):
        ttq.parse_arms(["preset"], ["other=--seed=1"])
    with pytest.raises(ValueError, match="NAME=FLAGS"):
        ttq.parse_arms(["preset"], ["--seed=1"])
    with pytest.raises(ValueError, match="takes no bin/train flags"):
        ttq.parse_arms(["plain"], ["plain=--seed=1"])
    with pytest.raises(ValueError, match="each arm once"):
        ttq.parse_arms(["plain", "plain"])


def test_marks_end_at_the_budget():
    assert ttq.marks_within(2.5, (0.5, 1, 2, 3)) == [30.0, 60.0, 120.0, 150.0]
    assert ttq.marks_within(1, (0.5, 1, 2)) == [30.0, 60.0]


def test_each_mark_takes_the_first_snapshot_at_or_past_it():
    found = [
        {"seconds": s, "steps": i} for i, s in enumerate([25, 31, 70, 89.5])
    ]
    chosen = ttq.at_marks(found, [30, 60, 90, 120])
    assert [(m, s and s["steps"]) for m, s in chosen] == [
        (30, 1),
        (60, 2),
        # The run ended half a second short of the last mark: its last
        # snapshot stands for it; nothing stands for a later mark.
        (90, 3),
        (120, None),
    ]
    # A snapshot past two marks stands for the first only.
    chosen = ttq.at_marks([{"seconds": 200, "steps": 9}], [30, 60, 90])
    assert [s and s["steps"] for _, s in chosen] == [9, None, None]


def test_ladder_times_the_first_reach_and_the_plain_final_fd():
    curves = {
        "preset": _curve([20, 9, 7, 6.5, 5, 6]),
        "plain": _curve([30, 20, 12, 10, 9, 8.5]),
    }
    rows = ttq.ladder(curves, values=(20, 9, 6))
    by_value = {r["frechet_distance"]: r for r in rows}
    assert [r["frechet_distance"] for r in rows] == [20, 9, 8.5, 6]
    assert by_value[20]["minutes"] == {"preset": 1, "plain": 2}
    assert by_value[20]["speedup"] == {"preset": 2.0}
    assert by_value[9]["minutes"] == {"preset": 2, "plain": 5}
    assert by_value[8.5]["plain_final"] and not by_value[9]["plain_final"]
    assert by_value[8.5]["minutes"] == {"preset": 3, "plain": 6}
    assert by_value[8.5]["speedup"] == {"preset": 2.0}
    assert by_value[6]["minutes"] == {"preset": 5, "plain": None}
    assert by_value[6]["speedup"] == {"preset": None}


def test_tables_and_plot(tmp_path):
    curves = {"preset": _curve([20, 9, 7]), "plain": _curve([30, 20, 12])}
    results = {
        "arms": {
            "preset": {"flags": [], "training": {"steps": 300, "seconds": 180}},
            "plain": {"flags": [], "training": {"steps": 310, "seconds": 180}},
        },
        "curves": curves,
        "ladder": ttq.ladder(curves, values=(20,)),
    }
    table = ttq.format_results(results)
    assert "| 20.00 | 1.0 | 2.0 | 2.00x |" in table
    assert "| 12.00 (plain's final) | 2.0 | 3.0 | 1.50x |" in table
    assert "| 3 | 7.00 (3.0 min, step 300) | 12.00 (3.0 min, step 300) |" in (
        table
    )
    path = tmp_path / "ttq.png"
    ttq.plot(results, os.fspath(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_plain_dcgan_saves_its_generator_on_the_schedule(
    tmp_path, monkeypatch
):
    model = quality.build_plain_trainer(TINY)
    clock = types.SimpleNamespace(monotonic=lambda: clock.now, now=0.0)
    monkeypatch.setattr(clock_module, "time", clock)
    snapshots = harness.ScheduledSnapshots(
        seconds=5.0,
        log_path=os.fspath(tmp_path / "progress.jsonl"),
        marks=[1.5, 3.0, 5.0],
        directory=os.fspath(tmp_path),
    )
    snapshots.set_model(model)
    snapshots.on_train_begin()
    for step in range(1, 10):
        clock.now = float(step)
        snapshots.on_train_batch_end(step)
        if model.stop_training:
            break
    # First step ends at or past 1.5, 3 and 5 s: steps 2, 3 and 5, where
    # the 5-second budget stops training.
    assert step == 5
    found = ttq.snapshots(ttq.Arm("plain"), os.fspath(tmp_path))
    assert [(s["steps"], s["seconds"]) for s in found] == [
        (2, 2.0),
        (3, 3.0),
        (5, 5.0),
    ]
    generator = ttq.load_generator(ttq.Arm("plain"), found[-1], TINY)
    for a, b in zip(
        generator.get_weights(), model.generator.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(a, b)


def test_preset_checkpoints_score_their_average_as_the_quality_study_does(
    tmp_path, make_tiny_gan, make_feature_scorer
):
    gan = make_tiny_gan()
    gan.generator_ema.set_weights(
        [w + 0.1 for w in gan.generator_ema.get_weights()]
    )
    manager = checkpoints.CheckpointManager(
        os.fspath(tmp_path / "run" / "checkpoints"), keep=10
    )
    manager.save(gan, {"train_seconds": 42.5})
    found = ttq.snapshots(ttq.Arm("preset"), os.fspath(tmp_path / "run"))
    assert [s["seconds"] for s in found] == [42.5]
    loaded = ttq.load_generator(ttq.Arm("preset"), found[0])
    for a, b in zip(
        loaded.get_weights(), gan.generator_ema.get_weights(), strict=True
    ):
        np.testing.assert_allclose(a, b)

    scorer = make_feature_scorer(120, kid_subset_size=50)
    fd = ttq.frechet_distance(loaded, scorer, 100, seed=3)
    report = scoring.score(
        samplers.ModelSampler(loaded), scorer, 100, seed=3, floor=False
    )
    assert fd == pytest.approx(report["model"]["frechet_distance"], rel=1e-6)
    curve = ttq.score_arm(
        ttq.Arm("preset"), os.fspath(tmp_path / "run"), [40.0], scorer, 100, 3
    )
    assert curve == [
        {
            "mark_minutes": round(40 / 60, 3),
            "minutes": round(42.5 / 60, 3),
            "steps": 0,
            "frechet_distance": pytest.approx(fd, rel=1e-6),
        }
    ]


def test_arm_flags_reach_the_command_line():
    arm = ttq.parse_arms(["fast"], ["fast=--batch_size=32"])[0]
    command = ttq.arm_command(arm, 10, "/tmp/x", 0)
    assert "--batch_size=32" in command
    assert "--keep_checkpoints=120" in command
    assert command.index("--batch_size=32") > command.index(
        "--max_train_minutes=10"
    )
    plain = ttq.arm_command(
        ttq.Arm("plain"), 10, "/tmp/p", 0, setup=TINY, schedule=(1, 2.5)
    )
    assert plain[1:3] == ["-m", "benchmarks.time_to_quality"]
    assert "--schedule=1,2.5" in plain
    setup = json.loads(
        next(a for a in plain if a.startswith("--setup="))[len("--setup=") :]
    )
    assert setup["base_filters"] == TINY.base_filters
