"""benchmarks.stopping: the rules replayed on a log stop where their
callbacks would, and the study writes its table and plot."""

import json
import os

import pytest

from benchmarks import stopping


def _records(fd, accuracy, d_real, d_fake):
    return [
        {
            "epoch": i + 1,
            "step": 100 * (i + 1),
            "training_seconds": 10.0 * (i + 1),
            "frechet_distance": fd[i],
            "fresh_d_accuracy": accuracy[i],
            "d_real": d_real[i],
            "d_fake": d_fake[i],
        }
        for i in range(len(fd))
    ]


# An FD that falls to 10 and stays; a fresh discriminator that falls to
# 0.6 and stays; a training discriminator at 1/2 from the first epoch.
RECORDS = _records(
    fd=[80, 40, 20, 12, 10, 10.5, 10.2, 10.1, 10.3, 10.4],
    accuracy=[1.0, 0.95, 0.8, 0.7, 0.62, 0.6, 0.61, 0.6, 0.6, 0.6],
    d_real=[0.52] * 10,
    d_fake=[0.49] * 10,
)


def test_each_rule_stops_where_its_callback_would():
    where = stopping.replay_rules(RECORDS, "frechet_distance", "min")
    # d_real/d_fake within 0.05 of 1/2 at 3 epoch ends in a row.
    assert where["equilibrium"] == {"stop": 2, "kept": 2}
    # Accuracy not 0.005 below its lowest (0.6, record 5) for 3 checks.
    assert where["fresh_discriminator"] == {"stop": 8, "kept": 5}
    # FD not 1% below its best (10, record 4) for 3 evaluations.
    assert where["quality_plateau"] == {"stop": 7, "kept": 4}


def test_summary_compares_with_the_best_and_counts_time_saved():
    summary = stopping.summarise(RECORDS, "frechet_distance", "min")
    assert summary["run"]["best_quality"] == 10
    equilibrium = summary["rules"]["equilibrium"]
    assert equilibrium["quality"] == 20
    assert equilibrium["gap_to_best"] == pytest.approx(1.0)
    assert equilibrium["improvement_reached"] == pytest.approx(60 / 70)
    assert equilibrium["seconds_saved"] == pytest.approx(70.0)
    assert not equilibrium["within_10_percent"]
    fresh = summary["rules"]["fresh_discriminator"]
    assert fresh["quality"] == 10.5 and fresh["within_10_percent"]
    assert fresh["past_half_improvement"]


def test_a_rule_that_never_fires_keeps_the_last_record():
    records = _records([5, 4, 3], [0.9, 0.8, 0.7], [0.9] * 3, [0.1] * 3)
    summary = stopping.summarise(records, "frechet_distance", "min")
    assert summary["rules"]["equilibrium"]["stop_step"] is None
    assert summary["rules"]["equilibrium"]["kept_step"] == 300
    assert summary["rules"]["equilibrium"]["seconds_saved"] == 0


def test_plot_writes_a_png(tmp_path):
    summary = stopping.summarise(RECORDS, "frechet_distance", "min")
    path = tmp_path / "stopping.png"
    stopping.plot(RECORDS, summary, os.fspath(path), title="test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_study_trains_a_logged_run_and_writes_its_outputs(tmp_path):
    flags = [
        "--hidden_units=8",
        "--latent_dim=4",
        "--batch_size=32",
        "--steps=12",
        "--steps_per_epoch=3",
        "--eval_num_samples=100",
        "--num_samples=100",
        "--fresh_d_num_samples=200",
        "--fresh_d_steps=20",
    ]
    preset = os.path.join(stopping.ROOT, "configs", "ring_mlp.flags")
    summary = stopping.study(preset, tmp_path, flags)
    assert summary["quality"] == "high_quality_percent"
    assert [r["step"] for r in summary["records"]] == [3, 6, 9, 12]
    assert all("fresh_d_accuracy" in r for r in summary["records"])
    assert set(summary["rules"]) == set(stopping.RULES)
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["run"]["steps"] == 12
    assert "| fresh_discriminator |" in (tmp_path / "results.md").read_text()
    assert (tmp_path / "stopping.png").stat().st_size > 0
