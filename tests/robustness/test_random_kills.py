"""SIGKILL at moments nobody chose: a short bin/train run is killed at
seeded random times (while it trains, checkpoints, writes pictures or
exports) and rerun each time; the last run must finish exactly as an
uninterrupted one would, with a valid export, no leftovers, and never
more lost work than one checkpoint interval per kill."""

import os
import signal
import time

import numpy as np
import pytest
import tensorflow as tf

from keras_gan import checkpoints

pytestmark = pytest.mark.slow

KILLS = 4
STEPS = 400
CHECKPOINT_EVERY = 25
_GUARD_S = 240  # a hang guard, not a timing assertion


def _args(workdir):
    return [
        "--dataset=ring",
        "--hidden_units=8",
        "--latent_dim=3",
        "--batch_size=16",
        f"--steps={STEPS}",
        "--steps_per_epoch=50",
        f"--checkpoint_every_n_steps={CHECKPOINT_EVERY}",
        "--log_every_n_steps=1",
        "--num_samples=100",
        "--verbose=0",
        f"--workdir={workdir}",
    ]


def _logged_steps(workdir):
    try:
        lines = (workdir / "metrics.csv").read_text().splitlines()[1:]
    except FileNotFoundError:
        return []
    return [int(line.split(",")[0]) for line in lines if line]


def _newest_checkpoint(workdir):
    found = checkpoints.CheckpointManager(workdir / "checkpoints")
    found = found.checkpoints()
    return found[-1][0] if found else 0


def _leftovers(directory):
    return sorted(
        os.path.join(parent, name)
        for parent, dirs, names in os.walk(directory)
        for name in [*dirs, *names]
        if name.startswith((".", "tmp"))
    )


def test_random_kills_lose_at_most_one_checkpoint_interval_each(
    start_script_with, run_script, tmp_path
):
    workdir = tmp_path / "run"
    rng = np.random.default_rng(0)
    lost = []
    for attempt in range(KILLS):
        start = _newest_checkpoint(workdir)
        log = tmp_path / f"attempt_{attempt}.log"
        process = start_script_with("train", *_args(workdir), log=log)
        deadline = time.monotonic() + _GUARD_S
        # Wait for it to train past where it resumed, then kill it after
        # a random delay: training, checkpoints, pictures or the export.
        while (
            process.poll() is None
            and max(_logged_steps(workdir), default=0) <= start
        ):
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 3.0))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if process.returncode == 0:
            break  # finished before the kill
        assert process.returncode == -signal.SIGKILL, log.read_text()[-3000:]
        logged = max(_logged_steps(workdir), default=0)
        lost.append(logged - _newest_checkpoint(workdir))
    print(f"kills={len(lost)} lost work per kill (steps): {lost}")
    assert lost, "no kill landed before the run finished"
    assert max(lost) <= CHECKPOINT_EVERY

    final = run_script("train", *_args(workdir))
    assert final.returncode == 0, final.stderr[-3000:]
    assert f"{STEPS} steps" in final.stdout
    assert _newest_checkpoint(workdir) == STEPS
    steps = _logged_steps(workdir)
    assert steps == sorted(set(steps)) and steps[-1] == STEPS
    assert _leftovers(workdir) == []
    serve = tf.saved_model.load(os.fspath(workdir / "export")).signatures[
        "serving_default"
    ]
    z = tf.constant(np.random.default_rng(1).normal(size=(8, 3)), tf.float32)
    samples = serve(z=z)["samples"].numpy()
    assert samples.shape == (8, 2) and np.isfinite(samples).all()
