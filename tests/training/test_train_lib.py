"""train(config): the workdir artefacts, resuming, budgets, stopping rules
and the export, on the ring mixture with a tiny MLP."""

import dataclasses
import functools
import glob
import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import checkpoints, data, distribute, export
from keras_gan import clock as clock_lib
from keras_gan.training import build, plan, train_lib
from keras_gan.training.config import (
    ConfigError,
    IncompatibleConfigError,
    TrainConfig,
)


@pytest.fixture
def make_config(ring_config):
    """The tiny ring run of tests/conftest.py, 12 steps long, logged and
    pictured often."""
    return functools.partial(
        ring_config, steps=12, log_every_n_steps=2, num_samples=50
    )


def _samples(workdir):
    return sorted(
        os.path.basename(p) for p in glob.glob(f"{workdir}/samples/*.png")
    )


def _steps_logged(workdir):
    return [int(s) for s in _read_log(workdir)["step"]]


def _read_log(workdir):
    from keras_gan.callbacks.metrics_log import read_log

    return read_log(os.path.join(workdir, "metrics.csv"))


def test_a_run_writes_every_artefact_and_exports(make_config, tmp_path):
    config = make_config(penalties=("r1",), penalty_weights=(0.1,))
    result = train_lib.train(config)

    run = config.workdir
    assert result.steps == result.steps_this_run == 12
    assert result.epochs == 2 and result.resumed_from is None
    assert result.stop_reason == train_lib.STOP_STEPS
    assert "12 steps" in result.stop_message
    with open(f"{run}/config.json") as file:
        assert TrainConfig.from_dict(json.load(file)) == config
    manager = checkpoints.CheckpointManager(f"{run}/checkpoints")
    assert [step for step, _ in manager.checkpoints()] == [5, 10, 12]
    state = checkpoints.read_state(manager.latest())
    assert state["stop_reason"] == "steps" and state["train_seconds"] > 0
    assert _samples(run) == [f"samples_epoch_000{i}.png" for i in (1, 2, 3)]
    log = _read_log(run)
    assert _steps_logged(run) == [2, 4, 5, 6, 8, 10, 12]
    assert {"d_loss", "g_loss", "d_real", "d_fake", "r1_penalty"} <= set(log)
    assert os.path.getsize(f"{run}/curves.png") > 0
    assert glob.glob(f"{run}/tensorboard/train/events.out.tfevents.*")
    assert glob.glob(f"{run}/tensorboard/samples/events.out.tfevents.*")
    assert result.paths["export"] == os.path.join(run, "export")
    assert result.paths["last_samples"].endswith("samples_epoch_0003.png")
    for path in result.paths.values():
        assert os.path.exists(path), path
    assert not glob.glob(f"{run}/**/.tmp*", recursive=True)

    # The export serves the trained generator in data coordinates.
    gan, _, _ = manager.restore()
    z = np.random.default_rng(0).standard_normal((7, 3)).astype(np.float32)
    serve = tf.saved_model.load(result.paths["export"]).signatures[
        "serving_default"
    ]
    np.testing.assert_allclose(
        serve(z=tf.constant(z))["samples"].numpy(),
        np.asarray(gan.generator(z, training=False)),
        rtol=1e-5,
        atol=1e-6,
    )
    assert export.read_metadata(result.paths["export"])["step"] == 12

    # A finished run is not trained further: fit is not even called.
    again = train_lib.train(config)
    assert (again.steps, again.steps_this_run) == (12, 0)
    assert again.resumed_from == 12 and again.stop_reason == "steps"
    assert _steps_logged(run) == [2, 4, 5, 6, 8, 10, 12]


def test_an_interrupted_run_resumes_to_the_same_total(
    make_config, tmp_path, crash_at
):
    config = make_config(steps=17, checkpoint_every_n_steps=3)
    with pytest.raises(KeyboardInterrupt):
        train_lib.train(config, callbacks=[crash_at(step=8)])
    manager = checkpoints.CheckpointManager(f"{config.workdir}/checkpoints")
    assert [step for step, _ in manager.checkpoints()] == [3, 5, 6]

    result = train_lib.train(config)
    assert result.resumed_from == 6 and result.steps == 17
    assert result.steps_this_run == 11
    # Same epochs as an uninterrupted run: the first resumed epoch is cut
    # to end at step 10, and the log holds each step once.
    uninterrupted = train_lib.train(
        dataclasses.replace(config, workdir=os.fspath(tmp_path / "ref"))
    )
    assert uninterrupted.steps == result.steps == 17
    assert _samples(config.workdir) == _samples(uninterrupted.paths["workdir"])
    assert _steps_logged(config.workdir) == _steps_logged(
        uninterrupted.paths["workdir"]
    )
    assert _read_log(config.workdir)["epoch"][-1] == 4


def test_budgets_and_rules_can_change_on_resume_but_the_model_cannot(
    make_config,
    tmp_path,
):
    config = make_config(steps=5)
    train_lib.train(config)
    longer = train_lib.train(dataclasses.replace(config, steps=8))
    assert (longer.resumed_from, longer.steps) == (5, 8)
    assert _steps_logged(config.workdir)[-1] == 8

    with pytest.raises(IncompatibleConfigError, match="`latent_dim`"):
        train_lib.train(dataclasses.replace(config, steps=20, latent_dim=4))


def test_time_budget_and_stopping_rules_are_recorded(make_config, tmp_path):
    timed = train_lib.train(
        make_config(steps=None, epochs=50, max_train_minutes=1e-4)
    )
    assert timed.stop_reason == train_lib.STOP_TIME
    assert 1 <= timed.steps < 250
    again = train_lib.train(
        make_config(steps=None, epochs=50, max_train_minutes=1e-4)
    )
    assert again.steps_this_run == 0 and again.stop_reason == "time"

    # Within 0.49 of 0.5 is always true: stops at the first epoch end.
    rule = make_config(
        workdir=os.fspath(tmp_path / "rule"),
        steps=100,
        equilibrium_tolerance=0.49,
        equilibrium_patience=1,
    )
    stopped = train_lib.train(rule)
    assert stopped.stop_reason == train_lib.STOP_EQUILIBRIUM
    assert stopped.steps == 5
    assert train_lib.train(rule).steps_this_run == 0
    # Turning the rule off lets the run go on.
    resumed = train_lib.train(
        dataclasses.replace(rule, equilibrium_tolerance=None, steps=7)
    )
    assert (resumed.steps, resumed.stop_reason) == (7, "steps")


def test_bad_settings_fail_before_anything_is_written(make_config, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(ConfigError, match="Did you mean"):
        train_lib.train(make_config(dataset="fashon_mnist"))
    with pytest.raises(ConfigError, match="`architecture`"):
        train_lib.train(make_config(architecture="dcgan"))
    foreign = tmp_path / "served"
    foreign.mkdir()
    with pytest.raises(ConfigError, match="overwrite_export"):
        train_lib.train(make_config(export_dir=os.fspath(foreign)))
    assert not run.exists()
    with pytest.raises(data.DatasetUnavailableError, match="not prepared"):
        train_lib.train(
            make_config(
                dataset="mnist",
                data_dir=os.fspath(tmp_path / "empty"),
            )
        )
    assert not run.exists()

    result = train_lib.train(
        make_config(
            steps=2,
            export_dir=os.fspath(foreign),
            overwrite_export=True,
        )
    )
    assert result.paths["export"] == os.fspath(foreign)
    assert os.path.exists(foreign / "saved_model.pb")


def test_a_run_under_a_strategy_resumes_and_exports(make_config, tmp_path):
    config = make_config(steps=5, strategy="mirrored")
    first = train_lib.train(config)
    assert first.steps == 5
    # A step is the same computation on any replica count: a mirrored
    # run's checkpoint resumes without a strategy.
    resumed = train_lib.train(dataclasses.replace(config, strategy="default"))
    assert (resumed.resumed_from, resumed.steps) == (5, 5)
    assert os.path.exists(os.path.join(first.paths["export"], "saved_model.pb"))


def test_workers_other_than_the_chief_write_nothing_to_the_workdir(
    make_config, tmp_path, monkeypatch
):
    config = make_config(steps=5)
    train_lib.train(config)
    run = config.workdir

    def snapshot():
        return {
            path: os.path.getmtime(path)
            for path in glob.glob(f"{run}/**", recursive=True)
        }

    before = snapshot()
    monkeypatch.setattr(distribute, "is_chief", lambda strategy=None: False)
    result = train_lib.train(dataclasses.replace(config, steps=8))
    # It resumed from the chief's checkpoint and trained, elsewhere.
    assert (result.resumed_from, result.steps) == (5, 8)
    assert snapshot() == before


def test_a_time_budget_ends_the_progress_line_at_the_steps_run(
    make_config, monkeypatch, capsys
):
    now = [0.0]
    monkeypatch.setattr(clock_lib.time, "monotonic", lambda: now[0])

    class Tick(keras.callbacks.Callback):
        """Twenty seconds per step on the faked clock."""

        def on_train_batch_end(self, batch, logs=None):
            now[0] += 20.0

    config = make_config(steps=None, max_train_minutes=1.0)
    result = train_lib.train(config, callbacks=[Tick()], verbose=2)
    # The budget sees 60 s spent at the end of the fourth step.
    assert result.stop_reason == train_lib.STOP_TIME and result.steps == 4
    lines = capsys.readouterr().out.splitlines()
    progress = [line for line in lines if "/5 - " in line]
    assert [line.split()[0] for line in progress] == ["4/5"], lines


def test_build_gan_reads_what_it_is_not_given(make_config):
    config = make_config(lr_decay_fraction=0.5, steps=8)
    gan = build.build_gan(config)
    assert gan.compiled and gan.latent_dim == 3
    assert _decay_steps(gan) == 8  # the config's budget
    spec = plan.dataset_spec(config)
    assert _decay_steps(build.build_gan(config, spec, total_steps=20)) == 20


def _decay_steps(gan):
    schedule = gan.g_optimizer.get_config()["learning_rate"]
    assert schedule["class_name"] == "ConstantThenLinearDecay"
    return schedule["config"]["total_steps"]


def test_dtype_policy_is_set_within_its_block_only():
    before = keras.config.dtype_policy().name
    with build.dtype_policy("mixed_bfloat16"):
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
    assert keras.config.dtype_policy().name == before
    with build.dtype_policy(None):
        assert keras.config.dtype_policy().name == before


def test_a_backend_other_than_keras_runs_fails_before_anything_is_written(
    make_config, tmp_path
):
    running = keras.backend.backend()
    other = "jax" if running != "jax" else "tensorflow"
    with pytest.raises(ConfigError) as info:
        train_lib.train(make_config(backend=other))
    message = str(info.value)
    assert (
        f"Expected `backend` to be the backend Keras runs on, {running!r}"
        in message
    )
    assert f"KERAS_BACKEND={other}" in message
    assert f"Received: backend={other!r}" in message
    assert not (tmp_path / "run").exists()
