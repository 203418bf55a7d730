"""bin/train: flags and flagfiles to TrainConfig, clear usage errors with
exit status 2, and the user's path end to end on real Fashion-MNIST."""

import dataclasses
import glob
import json
import pathlib
import signal
import time

import numpy as np
import pytest
import tensorflow as tf
from absl import flags
from absl.testing import flagsaver
from PIL import Image

from keras_gan import checkpoints
from keras_gan.training.config import ConfigError, TrainConfig, option_of

ROOT = pathlib.Path(__file__).resolve().parents[2]
PRESETS = sorted((ROOT / "configs").glob("*.flags"))


def _parse(bin_train, *args):
    flags.FLAGS.unparse_flags()
    flags.FLAGS(["bin/train", *args])
    return bin_train.config_from_flags()


def test_every_config_field_has_a_flag(bin_train):
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    assert names <= set(flags.FLAGS)


def test_flagfile_sets_values_and_later_flags_override_it(bin_train, tmp_path):
    flagfile = tmp_path / "run.flags"
    flagfile.write_text(
        "# a comment\n--dataset=ring\n--hidden_units=128,128,128\n"
        "--latent_dim=32\n--penalties=r1\n--penalty_weights=0.1\n"
        "--steps=4000\n--batch_size=256\n--jit_compile=false\n"
    )
    with flagsaver.flagsaver():
        config = _parse(
            bin_train,
            "--batch_size=8",  # before the flagfile: the flagfile wins
            f"--flagfile={flagfile}",
            "--steps=20",  # after it: this wins
            "--workdir=/tmp/run",
        )
    assert config == TrainConfig(
        dataset="ring",
        hidden_units=(128, 128, 128),
        latent_dim=32,
        penalties=("r1",),
        penalty_weights=(0.1,),
        steps=20,
        batch_size=256,
        jit_compile=False,
        workdir="/tmp/run",
    )


def test_flagsaver_overrides_map_to_the_config(bin_train):
    with flagsaver.as_parsed(
        workdir="/tmp/run",
        max_train_minutes="2.5",
        equilibrium_tolerance="0.05",
        loss="least_squares",
    ):
        config = bin_train.config_from_flags()
    assert config.max_train_minutes == 2.5
    assert config.equilibrium_tolerance == 0.05
    assert config.loss == "least_squares"


def test_bad_values_raise_config_errors(bin_train):
    with (
        flagsaver.as_parsed(workdir="/tmp/run", steps="5", batch_size="0"),
        pytest.raises(ConfigError, match="`batch_size`"),
    ):
        bin_train.config_from_flags()
    with (
        flagsaver.as_parsed(
            workdir="/tmp/run", steps="5", hidden_units="64,wide"
        ),
        pytest.raises(ConfigError, match="int values"),
    ):
        bin_train.config_from_flags()


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.stem)
def test_presets_parse_to_valid_configs(bin_train, preset):
    with flagsaver.flagsaver():
        config = _parse(bin_train, f"--flagfile={preset}", "--workdir=/tmp/r")
    assert config.dataset in preset.stem
    assert config.steps or config.epochs or config.max_train_minutes


def test_the_presets_are_there():
    assert {p.stem for p in PRESETS} >= {
        "fashion_mnist_dcgan",
        "ring_mlp",
        "grid_mlp",
        "mnist_dcgan",
        "cifar10_dcgan",
    }


# -- As a user runs it: subprocesses --


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--loss=nonsaturating", "--steps=5"], "value should be one of"),
        (["--batch_size=-3", "--steps=5"], "Invalid value for `batch_size`"),
        (["--dataset=fashon_mnist", "--steps=5"], "Did you mean"),
    ],
)
def test_bad_flags_exit_2_with_one_clear_message(
    run_script, tmp_path, args, fragment
):
    done = run_script("train", f"--workdir={tmp_path / 'run'}", *args)
    assert done.returncode == 2, done.stderr
    assert "train: error: " in done.stderr and fragment in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["mnist_dcgan", "cifar10_dcgan"])
def test_unavailable_data_fails_fast_with_the_data_message(
    run_script, tmp_path, preset
):
    start = time.monotonic()
    done = run_script(
        "train",
        f"--flagfile={ROOT / 'configs' / (preset + '.flags')}",
        f"--workdir={tmp_path / 'run'}",
        f"--data_dir={tmp_path / 'tfds'}",
    )
    assert done.returncode == 1, done.stderr
    assert "is not prepared in" in done.stderr and "tfds build" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "run").exists()
    assert time.monotonic() - start < 60


def _tiny_fashion_mnist_args(data_dir, workdir, **overrides):
    args = {
        "flagfile": ROOT / "configs" / "fashion_mnist_dcgan.flags",
        "workdir": workdir,
        "data_dir": data_dir,
        "split": "train[:4096]",
        "base_filters": 4,
        "latent_dim": 8,
        "batch_size": 32,
        "steps": 12,
        "steps_per_epoch": 5,
        "log_every_n_steps": 2,
        "max_train_minutes": 10,
    }
    args.update(overrides)
    return [f"--{name}={value}" for name, value in args.items()]


@pytest.mark.slow
def test_train_generate_and_export_on_fashion_mnist(
    run_script, fashion_mnist_data_dir, tmp_path
):
    workdir = tmp_path / "run"
    done = run_script(
        "train", *_tiny_fashion_mnist_args(fashion_mnist_data_dir, workdir)
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # Progress (one line per epoch off a terminal) and the summary.
    assert "Epoch 3/3" in done.stdout and "d_real" in done.stdout
    assert "Trained 12 steps" in done.stdout
    assert "Stopped: reached the budget of 12 steps." in done.stdout
    assert str(workdir / "export") in done.stdout

    config = json.loads((workdir / "config.json").read_text())
    assert config["dataset"] == "fashion_mnist" and config["steps"] == 12
    manager = checkpoints.CheckpointManager(workdir / "checkpoints")
    assert [step for step, _ in manager.checkpoints()] == [5, 10, 12]
    samples = sorted((workdir / "samples").glob("*.png"))
    assert [p.name for p in samples] == [
        f"samples_epoch_000{i}.png" for i in (1, 2, 3)
    ]
    grid = Image.open(samples[-1])
    assert grid.mode == "L" and grid.size[0] >= 448
    lines = (workdir / "metrics.csv").read_text().splitlines()
    assert lines[0].startswith("step,epoch,wall_time,")
    assert lines[-1].startswith("12,3,")
    assert Image.open(workdir / "curves.png").format == "PNG"
    assert glob.glob(f"{workdir}/tensorboard/train/events.out.tfevents.*")
    assert (workdir / "export" / "saved_model.pb").exists()

    # Samples from the export: seeded noise, images in [0, 1].
    export_dir = workdir / "export"
    done = run_script(
        "generate",
        f"--export_dir={export_dir}",
        "--num=10",
        "--seed=3",
        f"--out={tmp_path / 'a.npz'}",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    a = np.load(tmp_path / "a.npz")
    assert a["samples"].shape == (10, 28, 28, 1)
    np.testing.assert_array_equal(
        a["z"],
        np.random.default_rng(3).standard_normal((10, 8)).astype(np.float32),
    )
    serve = tf.saved_model.load(str(export_dir)).signatures["serving_default"]
    np.testing.assert_allclose(
        a["samples"], serve(z=tf.constant(a["z"]))["samples"], atol=1e-6
    )
    assert a["samples"].min() >= 0.0 and a["samples"].max() <= 1.0
    done = run_script(
        "generate", f"--export_dir={export_dir}", f"--out={tmp_path / 'g.png'}"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert Image.open(tmp_path / "g.png").size[0] >= 448

    # bin/export refuses to overwrite unless asked.
    done = run_script("export", f"--workdir={workdir}")
    assert done.returncode == 1 and "--overwrite" in done.stderr
    done = run_script(
        "export", f"--workdir={workdir}", f"--export_dir={tmp_path / 'e'}"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Exported step 12" in done.stdout
    assert (tmp_path / "e" / "saved_model.pb").exists()


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_total_steps(
    start_script, run_script, fashion_mnist_data_dir, tmp_path
):
    workdir = tmp_path / "run"
    args = _tiny_fashion_mnist_args(
        fashion_mnist_data_dir,
        workdir,
        steps=60,
        steps_per_epoch=10,
        keep_checkpoints=20,
    )
    process = start_script("train", *args)
    target = workdir / "checkpoints" / checkpoints.checkpoint_name(20)
    deadline = time.monotonic() + 240
    while not target.exists():
        assert process.poll() is None, process.stdout.read()[-3000:]
        assert time.monotonic() < deadline, "no checkpoint at step 20"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    killed_at = max(
        step
        for step, _ in checkpoints.CheckpointManager(
            workdir / "checkpoints"
        ).checkpoints()
    )
    assert 20 <= killed_at < 60

    done = run_script("train", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"resumed from step {killed_at}" in done.stdout
    assert "60 steps, 6 epochs" in done.stdout
    steps = [
        int(line.split(",")[0])
        for line in (workdir / "metrics.csv").read_text().splitlines()[1:]
    ]
    assert steps == list(range(2, 61, 2))  # none lost, none twice
    assert len(list((workdir / "samples").glob("*.png"))) == 6
    assert not list(workdir.glob("**/.tmp*"))


def test_flags_are_made_from_the_config_fields(bin_train):
    for field in dataclasses.fields(TrainConfig):
        flag = flags.FLAGS[field.name]
        assert flag.help.endswith(option_of(field).help)
    with flagsaver.flagsaver():
        config = _parse(
            bin_train,
            "--workdir=/tmp/run",
            "--steps=5",
            "--jit_compile=true",
            "--mixed_precision=bfloat16",
            "--conditioning=projection",
            "--augment=none",
            "--fresh_d_restore_best_weights=false",
            "--ema_decay=0.99",
        )
    assert (config.jit_compile, config.mixed_precision) == (True, "bfloat16")
    assert (config.conditioning, config.augment) == ("projection", None)
    assert config.fresh_d_restore_best_weights is False
    assert config.ema_decay == 0.99


def test_backend_flag_defaults_to_the_backend_keras_runs(bin_train):
    import keras

    assert flags.FLAGS["backend"].default == keras.backend.backend()
    assert flags.FLAGS["backend"].parser.enum_values == [
        "tensorflow",
        "jax",
        "torch",
    ]
    config = _parse(bin_train, "--workdir=/tmp/x", "--steps=5")
    assert config.backend == keras.backend.backend()
    config = _parse(
        bin_train, "--workdir=/tmp/x", "--steps=5", "--backend=torch"
    )
    assert config.backend == "torch"
    with pytest.raises(flags.IllegalFlagValueError):
        _parse(bin_train, "--workdir=/tmp/x", "--backend=numpy")
