"""Bad input to bin/train is refused clearly: exit status 2 (1 when no
checkpoint loads) and one message naming what is wrong, without a
traceback and before anything is trained. Untrusted files execute no code:
flagfiles hold strings, checkpoints load in Keras safe mode."""

import dataclasses
import os
import warnings

import keras
import numpy as np
import pytest
from absl import flags
from absl.testing import flagsaver

from keras_gan import checkpoints
from keras_gan.training import train_lib

_RING = (
    "--dataset=ring",
    "--hidden_units=8",
    "--latent_dim=3",
    "--batch_size=16",
    "--steps=5",
    "--steps_per_epoch=5",
    "--verbose=0",
)


def _fails(bin_train, capsys, *args):
    """Runs bin/train's flag parsing and main in this process, expecting
    it to exit; returns `(status, stderr)`."""
    with flagsaver.flagsaver():
        flags.FLAGS.unparse_flags()
        with pytest.raises(SystemExit) as info:
            bin_train.main(bin_train.parse_flags(["bin/train", *args]))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("error: ") == 1, err
    return info.value.code, err


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--dataset=no_such_dataset"], "no_such_dataset"),
        (["--loss=minimaxx"], "--loss"),
        (["--architecture=biggan"], "--architecture"),
        (["--strategy=cluster"], "--strategy"),
        (["--penalties=r2"], "`penalties`"),
        (["--no_such_flag=1"], "Unknown command line flag 'no_such_flag'"),
        (["--discriminator_steps=0"], "`discriminator_steps`"),
        (["--batch_size=-1"], "`batch_size`"),
        (["--latent_dim=0"], "`latent_dim`"),
        (["--g_learning_rate=0"], "`g_learning_rate`"),
        (["--d_learning_rate=-1e-4"], "`d_learning_rate`"),
        (["--d_learning_rate=nan"], "`d_learning_rate`"),
        (["--steps=five"], "--steps"),
        (["--flagfile=/no/such/run.flags"], "Unable to open flagfile"),
    ],
)
def test_bad_flags_exit_2_before_anything_is_written(
    bin_train, capsys, tmp_path, args, fragment
):
    workdir = tmp_path / "run"
    status, err = _fails(
        bin_train, capsys, *_RING, f"--workdir={workdir}", *args
    )
    assert status == 2 and fragment in err, err
    assert not workdir.exists()


def test_a_missing_workdir_exits_2(bin_train, capsys):
    status, err = _fails(bin_train, capsys, *_RING)
    assert status == 2 and "--workdir" in err


def test_a_malformed_flagfile_exits_2(bin_train, capsys, tmp_path):
    flagfile = tmp_path / "run.flags"
    flagfile.write_text("--dataset=ring\nsteps 5\n")
    status, err = _fails(
        bin_train,
        capsys,
        f"--flagfile={flagfile}",
        f"--workdir={tmp_path / 'run'}",
    )
    assert status == 2 and "unexpected arguments ['steps 5']" in err


def test_flagfile_values_are_strings_never_code(bin_train, capsys, tmp_path):
    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({os.fspath(marker)!r}).touch()"
    flagfile = tmp_path / "run.flags"
    flagfile.write_text(f"--dataset={payload}\n--steps=5\n")
    with flagsaver.flagsaver():
        flags.FLAGS.unparse_flags()
        bin_train.parse_flags(
            ["bin/train", f"--flagfile={flagfile}", "--workdir=/tmp/r"]
        )
        assert bin_train.config_from_flags().dataset == payload
    status, err = _fails(
        bin_train,
        capsys,
        f"--flagfile={flagfile}",
        f"--workdir={tmp_path / 'run'}",
    )
    assert status == 2 and "__import__" in err
    flagfile.write_text(f"--dataset=ring\n--steps={payload}\n")
    status, err = _fails(
        bin_train,
        capsys,
        f"--flagfile={flagfile}",
        f"--workdir={tmp_path / 'run'}",
    )
    assert status == 2 and "--steps" in err
    assert not marker.exists()


def test_a_foreign_export_dir_is_kept_without_overwrite_export(
    bin_train, capsys, tmp_path
):
    export_dir = tmp_path / "precious"
    export_dir.mkdir()
    (export_dir / "keep.txt").write_text("mine")
    status, err = _fails(
        bin_train,
        capsys,
        *_RING,
        f"--workdir={tmp_path / 'run'}",
        f"--export_dir={export_dir}",
    )
    assert status == 2 and "overwrite_export" in err
    assert os.listdir(export_dir) == ["keep.txt"]


def test_resuming_with_incompatible_settings_exits_2(
    bin_train, capsys, tmp_path, ring_config
):
    workdir = tmp_path / "run"
    train_lib.train(ring_config(workdir))
    status, err = _fails(
        bin_train,
        capsys,
        *_RING,
        f"--workdir={workdir}",
        "--steps=10",
        "--hidden_units=16",
    )
    assert status == 2 and "Cannot resume" in err and "`hidden_units`" in err
    manager = checkpoints.CheckpointManager(workdir / "checkpoints")
    assert [step for step, _ in manager.checkpoints()] == [5]


def test_a_truncated_newest_checkpoint_falls_back_to_the_previous(
    tmp_path, ring_config
):
    config = ring_config(tmp_path / "run", steps=10, keep_checkpoints=3)
    train_lib.train(config)
    manager = checkpoints.CheckpointManager(tmp_path / "run" / "checkpoints")
    (_, older), (_, newest) = manager.checkpoints()
    with open(newest, "r+b") as file:
        file.truncate(os.path.getsize(newest) // 2)
    with pytest.warns(UserWarning, match="ckpt-00000010.keras"):
        result = train_lib.train(dataclasses.replace(config, steps=12))
    assert (result.resumed_from, result.steps) == (5, 12)


def test_no_loadable_checkpoint_exits_1(
    bin_train, capsys, tmp_path, ring_config
):
    workdir = tmp_path / "run"
    train_lib.train(ring_config(workdir))
    manager = checkpoints.CheckpointManager(workdir / "checkpoints")
    for _, path in manager.checkpoints():
        with open(path, "wb") as file:
            file.write(b"not a zip archive")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, err = _fails(
            bin_train, capsys, *_RING, f"--workdir={workdir}", "--steps=10"
        )
    assert status == 1 and "No checkpoint in" in err


def test_checkpoints_load_in_safe_mode_so_lambda_layers_never_run(
    tmp_path, monkeypatch
):
    # A checkpoint-named file whose Lambda layer touches the marker file
    # when the model is rebuilt, as loading does outside safe mode.
    marker = tmp_path / "pwned"
    monkeypatch.setenv("KERAS_GAN_TEST_MARKER", os.fspath(marker))
    inputs = keras.Input((2,))
    outputs = keras.layers.Lambda(
        lambda x: (
            __import__("pathlib")
            .Path(__import__("os").environ["KERAS_GAN_TEST_MARKER"])
            .touch(),
            x,
        )[1]
    )(inputs)
    directory = tmp_path / "checkpoints"
    directory.mkdir()
    path = directory / checkpoints.checkpoint_name(5)
    keras.Model(inputs, outputs).save(path)
    marker.unlink()  # touched while building the model here

    manager = checkpoints.CheckpointManager(directory)
    with (
        pytest.warns(UserWarning, match="safe_mode"),
        pytest.raises(checkpoints.CheckpointError),
    ):
        manager.restore()
    assert not marker.exists()
    # The payload is real: outside safe mode, loading runs it.
    keras.models.load_model(path, safe_mode=False)
    assert marker.exists()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_array_data_is_refused_before_training(bad):
    from keras_gan import models
    from keras_gan.models.gan import GAN

    generator, discriminator = models.build_pair(
        "mlp", (2,), 3, hidden_units=(4,)
    )
    gan = GAN(generator, discriminator, latent_dim=3, seed=0)
    gan.compile()
    points = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    points[37, 1] = bad
    with pytest.raises(ValueError, match="first at index 37") as info:
        gan.fit(points, batch_size=16, epochs=1, verbose=0)
    assert "1 of 64 samples" in str(info.value)
    assert gan.generator_steps == 0  # not one step trained
