"""benchmarks.stopping: the rules replayed on a log stop where their
callbacks would, and the study writes its table and plot."""

import json
import os

import numpy as np
import pytest

from benchmarks import harness, stopping, time_to_quality
from keras_gan import checkpoints, metrics, models


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
    preset = harness.preset_path("ring_mlp")
    summary = stopping.study(preset, tmp_path, flags)
    assert summary["quality"] == "high_quality_percent"
    assert [r["step"] for r in summary["records"]] == [3, 6, 9, 12]
    assert all("fresh_d_accuracy" in r for r in summary["records"])
    assert set(summary["rules"]) == set(stopping.RULES)
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["run"]["steps"] == 12
    assert "| fresh_discriminator |" in (tmp_path / "results.md").read_text()
    assert (tmp_path / "stopping.png").stat().st_size > 0


def _finished_run(workdir, gan):
    """A run's workdir: metrics.csv of 2 epochs of 2 steps, and the
    checkpoints of steps 2 and 4 of `gan` (weight averages apart from the
    raw generators)."""
    gan.compile(loss="non_saturating")
    manager = checkpoints.CheckpointManager(
        os.path.join(workdir, "checkpoints"), keep=10
    )
    averages = {}
    for step in (2, 4):
        gan.g_optimizer.iterations.assign(step)
        gan.generator_ema.set_weights(
            [w + 0.05 * step for w in gan.generator_ema.get_weights()]
        )
        averages[step] = gan.generator_ema.get_weights()
        manager.save(gan, {"train_seconds": 10.0 * step})
    with open(os.path.join(workdir, "metrics.csv"), "w") as file:
        file.write("step,epoch,wall_time,d_fake,d_loss,d_real,g_loss\n")
        for step in (1, 2, 3, 4):
            file.write(f"{step},{(step + 1) // 2},{step},0.4,1.3,0.6,0.8\n")
    return averages


def test_rescoring_scores_each_kept_checkpoint_once(
    tmp_path, monkeypatch, make_tiny_gan, make_feature_scorer
):
    workdir, out = tmp_path / "run", tmp_path / "study"
    averages = _finished_run(os.fspath(workdir), make_tiny_gan())
    scorer = make_feature_scorer(60, kid_subset_size=20)
    real = (
        np.random.default_rng(1)
        .uniform(0, 1, (60, 28, 28, 1))
        .astype("float32")
    )
    kwargs = dict(
        num_samples=60,
        real=real,
        scorer=scorer,
        features=scorer.feature_extractor,
    )
    records = stopping.rescored_records(
        os.fspath(workdir),
        os.fspath(out),
        fresh_d_repeats=2,
        fresh_d_steps=5,
        **kwargs,
    )
    assert [(r["epoch"], r["step"]) for r in records] == [(1, 2), (2, 4)]
    assert [r["d_real"] for r in records] == pytest.approx([0.6, 0.6])
    generator = models.build_pair("dcgan", (28, 28, 1), 8, base_filters=8)[0]
    for record in records:
        generator.set_weights(averages[record["step"]])
        fd = time_to_quality.frechet_distance(generator, scorer, 60)
        assert record["frechet_distance"] == pytest.approx(fd, rel=1e-5)
        assert len(record["fresh_d_accuracies"]) == 2
        assert record["fresh_d_accuracy"] == pytest.approx(
            np.mean(record["fresh_d_accuracies"])
        )
    lines = (out / stopping.RESCORED).read_text().splitlines()
    assert [json.loads(line)["step"] for line in lines] == [2, 4]

    def refuse(*args, **kwargs):
        raise AssertionError("scored again")

    monkeypatch.setattr(time_to_quality, "frechet_distance", refuse)
    monkeypatch.setattr(metrics, "fresh_discriminator_test", refuse)
    again = stopping.rescored_records(
        os.fspath(workdir),
        os.fspath(out),
        fresh_d_repeats=1,
        fresh_d_steps=5,
        **kwargs,
    )
    assert [r["fresh_d_accuracies"] for r in again] == [
        r["fresh_d_accuracies"][:1] for r in records
    ]
    # Another test budget: the fresh figures are recomputed, the FD kept.
    monkeypatch.undo()
    monkeypatch.setattr(time_to_quality, "frechet_distance", refuse)
    longer = stopping.rescored_records(
        os.fspath(workdir), os.fspath(out), fresh_d_steps=6, **kwargs
    )
    assert [r["frechet_distance"] for r in longer] == [
        r["frechet_distance"] for r in records
    ]
    saved = [json.loads(line) for line in (out / stopping.RESCORED).open()]
    assert [e["fresh_d_test"]["steps"] for e in saved] == [6, 6]
    summary = stopping.analyse(
        os.fspath(workdir / "metrics.csv"),
        os.fspath(out),
        harness.preset_path("fashion_mnist_dcgan"),
        records=again,
    )
    assert summary["quality"] == "frechet_distance"
    assert (out / "stopping.png").exists()
    with pytest.raises(ValueError, match="every 3 epochs"):
        stopping.rescored_records(
            os.fspath(workdir), os.fspath(out), every_n_epochs=3, **kwargs
        )
