"""Reproducibility: the same flags and seed give the same losses, step for
step, on CPU, in separate processes (no special option is needed)."""

import csv

import pytest


def _rows(workdir):
    with open(workdir / "metrics.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        del row["wall_time"]
    return rows


def _train_twice(run_script, tmp_path, *args, other_seed=False):
    rows = []
    for name, seed in (("a", 0), ("b", 0), ("c", 1))[: 2 + other_seed]:
        workdir = tmp_path / name
        done = run_script(
            "train",
            f"--workdir={workdir}",
            f"--seed={seed}",
            "--log_every_n_steps=1",
            "--verbose=0",
            *args,
        )
        assert done.returncode == 0, done.stderr
        rows.append(_rows(workdir))
    return rows


@pytest.mark.slow
def test_same_flags_and_seed_give_the_same_losses_on_the_ring(
    run_script, tmp_path
):
    first, second, other = _train_twice(
        run_script,
        tmp_path,
        "--dataset=ring",
        "--hidden_units=32,32",
        "--latent_dim=3",
        "--batch_size=64",
        "--discriminator_steps=2",
        "--steps=20",
        "--steps_per_epoch=10",
        other_seed=True,
    )
    assert len(first) == 20 and {"d_loss", "g_loss"} <= set(first[0])
    assert first == second  # exactly, as written to metrics.csv
    assert first != other  # the seed matters


@pytest.mark.slow
def test_same_flags_and_seed_give_the_same_losses_with_a_dcgan(
    run_script, tmp_path, fashion_mnist_data_dir
):
    first, second = _train_twice(
        run_script,
        tmp_path,
        "--dataset=fashion_mnist",
        f"--data_dir={fashion_mnist_data_dir}",
        "--split=train[:512]",
        "--base_filters=8",
        "--batch_size=32",
        "--steps=8",
        "--steps_per_epoch=4",
    )
    assert len(first) == 8
    assert first == second
