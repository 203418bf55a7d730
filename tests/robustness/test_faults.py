"""Faults while a run writes its files, and what the same command does
afterwards.

- SIGKILL inside a checkpoint write and inside an export write of a real
  bin/train process: the partial file is never taken for a good one; the
  rerun resumes from the last complete checkpoint to the same total steps
  and leaves a valid export and no temporary files. The kill lands inside
  the write deterministically: the test hook
  `keras_gan.files.pause_for_test` (environment variable
  `KERAS_GAN_TEST_PAUSE_IN_WRITE`) stops the process halfway through the
  write, names what it half wrote in a marker file, and waits to be
  killed.
- A workdir that cannot be written, or too little free space: a clear
  error before training, nothing written, bin/train exits 1.
- A disk that fills up during training (a real file size limit,
  `RLIMIT_FSIZE`): the failed write names its file and keeps nothing
  partial, the older checkpoints stay intact, bin/train exits 1, and the
  rerun finishes the run.
"""

import ctypes
import dataclasses
import errno
import hashlib
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys
import time
import types
import zipfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from absl import flags
from absl.testing import flagsaver

from keras_gan import checkpoints, data, export, files, models
from keras_gan.models.gan import GAN
from keras_gan.training import preflight, train_lib

ROOT = pathlib.Path(__file__).resolve().parents[2]
LATENT_DIM = 8


def _tiny_fashion_mnist_args(data_dir, workdir, **overrides):
    args = {
        "flagfile": ROOT / "configs" / "fashion_mnist_dcgan.flags",
        "workdir": workdir,
        "data_dir": data_dir,
        "split": "train[:4096]",
        "base_filters": 4,
        "latent_dim": LATENT_DIM,
        "batch_size": 32,
        "steps_per_epoch": 5,
        "log_every_n_steps": 2,
        "max_train_minutes": 10,
        "verbose": 2,
    }
    args.update(overrides)
    return [f"--{name}={value}" for name, value in args.items()]


def _start_and_kill_inside(start_script_with, args, tmp_path, point, count):
    """Starts bin/train, kills it in the `count`-th write at `point` and
    returns the path the write had half written."""
    marker = tmp_path / f"paused-in-{point}"
    log = tmp_path / f"killed-in-{point}.log"
    process = start_script_with(
        "train",
        *args,
        log=log,
        env={files.PAUSE_ENV: f"{point}:{count}:{marker}"},
    )
    deadline = time.monotonic() + 240
    try:
        while not marker.exists():
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"never paused in {point}"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return pathlib.Path(marker.read_text())


def _checkpoint_steps(workdir):
    manager = checkpoints.CheckpointManager(workdir / "checkpoints")
    return [step for step, _ in manager.checkpoints()]


def _leftovers(directory):
    """Hidden or temporary entries under `directory`: what an interrupted
    write leaves (`.tmp-ckpt-*`, `.export.tmp-*`, `.metrics.csv.*.tmp`)."""
    return sorted(
        os.path.join(parent, name)
        for parent, dirs, names in os.walk(directory)
        for name in [*dirs, *names]
        if name.startswith((".", "tmp"))
    )


def _serve(export_dir, num=6):
    serve = tf.saved_model.load(os.fspath(export_dir)).signatures[
        "serving_default"
    ]
    z = np.random.default_rng(0).standard_normal((num, LATENT_DIM))
    samples = serve(z=tf.constant(z, tf.float32))["samples"].numpy()
    assert samples.shape == (num, 28, 28, 1)
    assert np.all((samples >= 0.0) & (samples <= 1.0))
    return samples


def _metrics_steps(workdir):
    lines = (workdir / "metrics.csv").read_text().splitlines()[1:]
    return [int(line.split(",")[0]) for line in lines]


def _expected_metrics_steps(total, every=2, steps_per_epoch=5):
    # One row per `log_every_n_steps` steps and per epoch end.
    return sorted(
        set(range(every, total + 1, every))
        | set(range(steps_per_epoch, total + 1, steps_per_epoch))
    )


# -- SIGKILL inside a write --


@pytest.mark.slow
def test_killed_inside_a_checkpoint_write_resumes_from_the_last_complete(
    start_script_with, run_script, fashion_mnist_data_dir, tmp_path
):
    workdir = tmp_path / "run"
    args = _tiny_fashion_mnist_args(fashion_mnist_data_dir, workdir, steps=15)
    # The second checkpoint (step 10): the first one is complete.
    partial = _start_and_kill_inside(
        start_script_with, args, tmp_path, "checkpoint", 2
    )

    # What the kill left: a half-written archive under a temporary name,
    # never listed or restored as a checkpoint.
    assert partial.parent == workdir / "checkpoints" and partial.exists()
    assert partial.name.startswith(".tmp-ckpt-")
    assert checkpoints.read_state(partial) == {}  # the state not yet in
    assert _checkpoint_steps(workdir) == [5]
    gan, state, path = checkpoints.CheckpointManager(
        workdir / "checkpoints"
    ).restore()
    assert (gan.generator_steps, state["step"]) == (5, 5)
    assert path.endswith(checkpoints.checkpoint_name(5))

    done = run_script("train", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resumed from step 5" in done.stdout
    assert "15 steps, 3 epochs" in done.stdout
    assert _checkpoint_steps(workdir) == [5, 10, 15]
    assert _metrics_steps(workdir) == _expected_metrics_steps(15)
    assert not partial.exists()
    assert _leftovers(workdir) == []
    assert export.read_metadata(workdir / "export")["step"] == 15
    _serve(workdir / "export")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["export", "export_rename"])
def test_killed_inside_an_export_write_keeps_a_good_export(
    start_script_with, run_script, fashion_mnist_data_dir, tmp_path, point
):
    workdir = tmp_path / "run"
    export_dir = workdir / "export"
    done = run_script(
        "train",
        *_tiny_fashion_mnist_args(fashion_mnist_data_dir, workdir, steps=5),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    first_samples = _serve(export_dir)

    args = _tiny_fashion_mnist_args(fashion_mnist_data_dir, workdir, steps=10)
    partial = _start_and_kill_inside(
        start_script_with, args, tmp_path, point, 1
    )

    assert partial.parent == workdir and partial.name.startswith(".export.")
    assert _checkpoint_steps(workdir) == [5, 10]  # saved before the export
    if point == "export":
        # Killed while writing the new export: the old one is in place,
        # the new one half written aside, without its metadata.
        assert partial.name.startswith(".export.tmp-")
        assert (partial / "saved_model.pb").exists()
        assert export.read_metadata(partial) == {}
        kept = export_dir
    else:
        # Killed between the two renames: the old export moved aside,
        # complete, and nothing under the export's name.
        assert partial.name.startswith(".export.old-")
        assert not export_dir.exists()
        kept = partial
    assert export.read_metadata(kept)["step"] == 5
    np.testing.assert_array_equal(_serve(kept), first_samples)

    done = run_script("train", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "already finished at step 10" in done.stdout
    assert "10 steps, 2 epochs" in done.stdout
    assert export.read_metadata(export_dir)["step"] == 10
    assert not np.array_equal(_serve(export_dir), first_samples)
    assert _leftovers(workdir) == []
    assert _metrics_steps(workdir) == _expected_metrics_steps(10)


# -- Failed writes leave nothing partial --


def _tiny_gan():
    generator, discriminator = models.build_pair(
        "mlp", (2,), 3, hidden_units=(4,)
    )
    gan = GAN(generator, discriminator, latent_dim=3, seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam()
    )
    gan.build()
    return gan


def _no_space():
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_failed_atomic_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text("old\n")

    def write_half(tmp):
        with open(tmp, "w") as file:
            file.write("ne")
        raise _no_space()

    with pytest.raises(files.WriteError) as info:
        files.atomic_write(path, write_half)
    assert isinstance(info.value, OSError)
    assert info.value.path == path
    assert f"Could not write {path}" in str(info.value)
    assert "No space left on device" in str(info.value)
    assert "Nothing partial was kept" in str(info.value)
    assert isinstance(info.value.__cause__, OSError)
    assert os.listdir(tmp_path) == ["metrics.csv"]
    assert path.read_text() == "old\n"


def test_an_atomic_write_removes_what_a_killed_writer_left(tmp_path):
    path = tmp_path / "metrics.csv"
    # The temporary names `atomic_write` gives this file, and others.
    killed = tmp_path / ".metrics.csv.k1ll3d_x.tmp"
    killed.write_text("half")
    others = [".curves.png.abcdefgh.tmp", ".metrics.csv.keep", "metrics.tmp"]
    for name in others:
        (tmp_path / name).write_text("not ours")
    files.atomic_write(path, lambda tmp: pathlib.Path(tmp).write_text("new"))
    assert path.read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == sorted(["metrics.csv", *others])


def test_a_failed_checkpoint_write_names_it_and_keeps_the_older(
    tmp_path, monkeypatch
):
    gan = _tiny_gan()
    manager = checkpoints.CheckpointManager(tmp_path)
    kept = manager.save(gan)
    before = pathlib.Path(kept).read_bytes()
    points = np.random.default_rng(0).normal(size=(32, 2))
    gan.fit(points.astype("float32"), batch_size=8, epochs=1, verbose=0)
    assert gan.generator_steps == 4

    def save_half(path, *args, **kwargs):
        with open(path, "wb") as file:
            file.write(b"PK\x03\x04 half an archive")
        raise _no_space()

    monkeypatch.setattr(gan, "save", save_half)
    with pytest.raises(files.WriteError) as info:
        manager.save(gan)
    message = str(info.value)
    assert f"Could not write checkpoint {tmp_path}" in message
    assert checkpoints.checkpoint_name(4) in message
    assert "No space left on device" in message
    assert "Nothing partial was kept" in message
    assert f"the newest being {kept} (step 0)" in message
    assert os.listdir(tmp_path) == [checkpoints.checkpoint_name(0)]
    assert pathlib.Path(kept).read_bytes() == before


@pytest.mark.parametrize(
    "error",
    [
        _no_space(),
        tf.errors.ResourceExhaustedError(None, None, "No space left"),
    ],
    ids=["OSError", "tf.errors"],
)
def test_a_failed_export_write_keeps_the_previous_export(
    tmp_path, monkeypatch, error
):
    gan = _tiny_gan()
    export_dir = tmp_path / "export"
    export.export_generator(gan, export_dir, metadata={"step": 1})
    before = sorted(os.listdir(export_dir))

    def write_half(self, path, **kwargs):
        pathlib.Path(path, "saved_model.pb").write_bytes(b"half")
        raise error

    # `ExportArchive()` makes an instance of the backend's subclass.
    archive_class = type(keras.export.ExportArchive())
    monkeypatch.setattr(archive_class, "write_out", write_half)
    with pytest.raises(files.WriteError) as info:
        export.export_generator(
            gan, export_dir, overwrite=True, metadata={"step": 2}
        )
    assert f"Could not write the export {export_dir}" in str(info.value)
    assert "No space left" in str(info.value)
    assert os.listdir(tmp_path) == ["export"]
    assert sorted(os.listdir(export_dir)) == before
    assert export.read_metadata(export_dir)["step"] == 1


def test_an_export_killed_between_its_renames_is_put_back(tmp_path):
    gan = _tiny_gan()
    export_dir = tmp_path / "export"
    export.export_generator(gan, export_dir, metadata={"step": 1})
    # What a kill leaves between the two renames of a replacement, and
    # inside the write of another.
    export_dir.rename(tmp_path / ".export.old-k1ll3d")
    (tmp_path / ".export.tmp-h4lf").mkdir()
    (tmp_path / ".export.tmp-h4lf" / "saved_model.pb").write_bytes(b"half")
    (tmp_path / ".other.tmp-keep").mkdir()

    # The previous export is back, so without `overwrite` it is kept.
    with pytest.raises(FileExistsError):
        export.export_generator(gan, export_dir, metadata={"step": 2})
    assert export.read_metadata(export_dir)["step"] == 1
    assert sorted(os.listdir(tmp_path)) == [".other.tmp-keep", "export"]
    export.export_generator(
        gan, export_dir, overwrite=True, metadata={"step": 2}
    )
    assert export.read_metadata(export_dir)["step"] == 2
    assert sorted(os.listdir(tmp_path)) == [".other.tmp-keep", "export"]


# -- Before training: writable directories and free space --


def _ring_flags(config):
    return [
        "--dataset=ring",
        "--hidden_units=8",
        "--latent_dim=3",
        "--batch_size=16",
        f"--steps={config.steps}",
        "--steps_per_epoch=5",
        "--verbose=0",
        f"--workdir={config.workdir}",
        *([f"--export_dir={config.export_dir}"] if config.export_dir else []),
    ]


def _bin_train_fails(bin_train, capsys, *args):
    """Runs bin/train's main in this process, expecting it to exit;
    returns `(status, stderr)`."""
    with flagsaver.flagsaver():
        flags.FLAGS.unparse_flags()
        with pytest.raises(SystemExit) as info:
            bin_train.main(bin_train.parse_flags(["bin/train", *args]))
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error: ") == 1, err
    return info.value.code, err


def _tree(directory):
    """Every path under `directory` with its size, time and content hash."""
    found = {}
    for parent, dirs, names in os.walk(directory):
        for name in [*dirs, *names]:
            path = os.path.join(parent, name)
            stat = os.stat(path)
            digest = None
            if os.path.isfile(path):
                digest = hashlib.sha256(pathlib.Path(path).read_bytes())
                digest = digest.hexdigest()
            found[path] = (stat.st_size, stat.st_mtime_ns, digest)
    return found


@pytest.mark.parametrize("argument", ["workdir", "export_dir"])
def test_a_path_through_a_file_fails_before_anything_is_written(
    bin_train, capsys, tmp_path, argument, ring_config
):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    paths = {"workdir": tmp_path / "run", "export_dir": None}
    paths[argument] = blocker / "inside"
    config = ring_config(**paths)
    with pytest.raises(files.WriteError) as info:
        train_lib.train(config)
    message = str(info.value)
    assert f"Invalid value for `{argument}`" in message
    assert f"Received: {argument}={paths[argument]}" in message
    assert f"{blocker} is not a directory" in message
    assert info.value.path == os.fspath(blocker)
    assert os.listdir(tmp_path) == ["a_file"]

    status, err = _bin_train_fails(bin_train, capsys, *_ring_flags(config))
    assert status == 1 and f"{blocker} is not a directory" in err
    assert not (tmp_path / "run").exists()


def _disk_usage_with(free, calls):
    def disk_usage(path):
        calls.append(os.fspath(path))
        return types.SimpleNamespace(total=2 * free, used=free, free=free)

    return disk_usage


def test_too_little_free_space_fails_before_anything_is_written(
    bin_train, capsys, tmp_path, monkeypatch, ring_config
):
    calls = []
    monkeypatch.setattr(
        shutil, "disk_usage", _disk_usage_with(2 * 1024 * 1024, calls)
    )
    config = ring_config(tmp_path / "new" / "run", keep_checkpoints=4)
    with pytest.raises(files.WriteError) as info:
        train_lib.train(config)
    message = str(info.value)
    assert message.startswith("Not enough free space for the run.")
    assert "4 + 1 checkpoints of about" in message and "the export" in message
    assert f"on the file system of {tmp_path}." in message
    assert "Received: 2.0 MiB free." in message
    assert "keep_checkpoints" in message
    # The nearest existing directory of the workdir was asked about.
    assert calls == [os.fspath(tmp_path)]
    assert not (tmp_path / "new").exists()

    status, err = _bin_train_fails(bin_train, capsys, *_ring_flags(config))
    assert status == 1 and "Not enough free space" in err
    assert not (tmp_path / "new").exists()


def test_the_size_estimates_cover_what_a_run_writes(
    tmp_path, monkeypatch, ring_config
):
    calls = []
    monkeypatch.setattr(shutil, "disk_usage", _disk_usage_with(2**40, calls))
    # 8x8 digits make a small DCGAN.
    digits = dict(dataset="digits", base_filters=4, batch_size=32)
    for config, architecture in [
        (ring_config(tmp_path / "ring"), "mlp"),
        (ring_config(tmp_path / "digits", **digits), "dcgan"),
    ]:
        result = train_lib.train(config)
        assert calls, "the free space was not checked"
        spec = data.info(config.dataset, split=config.split)
        sizes = preflight.estimate_sizes(config, spec, architecture)
        checkpoint = os.path.getsize(result.paths["checkpoint"])
        exported = sum(
            os.path.getsize(os.path.join(parent, name))
            for parent, _, names in os.walk(result.paths["export"])
            for name in names
        )
        assert checkpoint <= sizes.checkpoint
        assert exported <= sizes.export


_COUNTED = [
    ("dcgan", (28, 28, 1), {"base_filters": 3}),
    ("dcgan", (32, 32, 3), {"base_filters": 5}),
    ("dcgan", (8, 8, 1), {"base_filters": 2}),
    ("dcgan", (64, 64, 3), {"base_filters": 1}),
    ("mlp", (2,), {"hidden_units": (4, 6)}),
    ("mlp", (5,), {"hidden_units": (7,)}),
    ("resnet", (28, 28, 1), {"base_filters": 8}),
    ("resnet", (32, 32, 3), {"base_filters": 4}),
    ("resnet", (8, 8, 1), {"base_filters": 2}),
]


def test_every_architecture_is_counted():
    assert {name for name, _, _ in _COUNTED} == set(models.architecture_names())


@pytest.mark.parametrize("architecture, sample_shape, width", _COUNTED)
def test_parameter_counts_match_the_built_models(
    architecture, sample_shape, width
):
    latent_dim = 5
    built = tuple(
        (
            model.count_params(),
            sum(int(np.prod(w.shape)) for w in model.trainable_weights),
        )
        for model in models.build_pair(
            architecture, sample_shape, latent_dim, **width
        )
    )
    unused = {"base_filters": 0, "hidden_units": ()}
    config = types.SimpleNamespace(latent_dim=latent_dim, **{**unused, **width})
    counted = preflight.parameter_counts(architecture, sample_shape, config)
    assert counted == built


# -- Real permissions and a real file size limit: subprocesses --


_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


@pytest.fixture
def obey_permissions(tmp_path):
    """A `preexec_fn` under which bin/train obeys permission bits.

    Root ignores them, and here `nobody` cannot run Python (it lives
    under /root, mode 0700), so for root the child drops
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its bounding set: after
    `exec` it is root without them, and a directory of mode 0o555 is as
    unwritable to it as to any user. Skips where that cannot be done.
    """
    preexec_fn = None
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)

        def preexec_fn():
            for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
                if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl")

    probe = tmp_path / "probe"
    probe.mkdir(mode=0o555)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import os, sys; sys.exit(os.access(sys.argv[1], os.W_OK))",
                probe,
            ],
            preexec_fn=preexec_fn,
        )
    except subprocess.SubprocessError as error:
        pytest.skip(f"Cannot drop root's CAP_DAC_OVERRIDE here: {error}")
    finally:
        probe.rmdir()
    if done.returncode != 0:
        pytest.skip("Permission bits are not enforced for this process.")
    return preexec_fn


@pytest.mark.slow
@pytest.mark.parametrize("locked", ["workdir_parent", "checkpoints"])
def test_an_unwritable_workdir_fails_before_training(
    run_script_with, obey_permissions, tmp_path, locked, ring_config
):
    if locked == "workdir_parent":
        config = ring_config(tmp_path / "locked" / "run")
        (tmp_path / "locked").mkdir()
        directory = tmp_path / "locked"
        expected = f"{directory}, the nearest existing parent of"
    else:
        # A run already there whose checkpoints can no longer be written.
        config = ring_config(tmp_path / "run")
        train_lib.train(config)
        config = dataclasses.replace(config, steps=10)
        directory = tmp_path / "run" / "checkpoints"
        expected = f"{directory} is not writable"
    before = _tree(tmp_path)
    directory.chmod(0o555)
    try:
        done = run_script_with(
            "train", *_ring_flags(config), preexec_fn=obey_permissions
        )
    finally:
        directory.chmod(0o755)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "train: error: Cannot write the run's files: " in done.stderr
    assert expected in done.stderr and "is not writable" in done.stderr
    assert "Traceback" not in done.stderr
    assert _tree(tmp_path) == before  # nothing written


def _file_size_limit(limit):
    def preexec_fn():
        # A write past `limit` bytes then fails with EFBIG, as on a full
        # disk, instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec_fn


@pytest.mark.slow
def test_a_disk_full_during_training_keeps_the_checkpoints_and_resumes(
    run_script, run_script_with, fashion_mnist_data_dir, tmp_path
):
    workdir = tmp_path / "run"
    scratch = tmp_path / "scratch"  # Keras's temporary files
    scratch.mkdir()
    args = _tiny_fashion_mnist_args(fashion_mnist_data_dir, workdir, steps=20)
    done = run_script(
        "train",
        *_tiny_fashion_mnist_args(fashion_mnist_data_dir, workdir, steps=10),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    newest = workdir / "checkpoints" / checkpoints.checkpoint_name(10)
    # Loading unpacks the weights (a file of `weights` bytes); a limit
    # between that and a whole checkpoint lets the run resume and fail
    # at its next checkpoint. Nothing else it writes is as large.
    with zipfile.ZipFile(newest) as archive:
        weights = archive.getinfo("model.weights.h5").file_size
    limit = (weights + newest.stat().st_size) // 2
    largest_other = max(
        size
        for path, (size, _, _) in _tree(workdir).items()
        if "checkpoints" not in path
    )
    assert largest_other < weights < limit < newest.stat().st_size
    checkpoints_before = {
        path: digest
        for path, (_, _, digest) in _tree(workdir / "checkpoints").items()
    }

    done = run_script_with(
        "train",
        *args,
        env={"TMPDIR": os.fspath(scratch)},
        preexec_fn=_file_size_limit(limit),
    )
    assert done.returncode == 1, done.stderr[-3000:]
    failed = workdir / "checkpoints" / checkpoints.checkpoint_name(15)
    assert (
        f"train: error: Could not write checkpoint {failed}: [Errno 27] "
        "File too large. Nothing partial was kept" in done.stderr
    )
    assert f"the newest being {newest} (step 10)" in done.stderr
    assert "Traceback" not in done.stderr
    assert "resumed from" not in done.stdout  # no summary: it failed
    assert _leftovers(workdir) == []
    assert {
        path: digest
        for path, (_, _, digest) in _tree(workdir / "checkpoints").items()
    } == checkpoints_before

    # Too little room even to unpack a checkpoint: not taken for damage.
    done = run_script_with(
        "train",
        *args,
        env={"TMPDIR": os.fspath(scratch)},
        preexec_fn=_file_size_limit(weights // 2),
    )
    assert done.returncode == 1, done.stderr[-3000:]
    assert f"train: error: Could not load checkpoint {newest}" in done.stderr
    assert "The checkpoint was not found damaged" in done.stderr
    assert "Skipping checkpoint" not in done.stderr
    assert _checkpoint_steps(workdir) == [5, 10]

    done = run_script("train", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resumed from step 10" in done.stdout
    assert "20 steps, 4 epochs" in done.stdout
    assert _checkpoint_steps(workdir) == [10, 15, 20]  # keep_checkpoints=3
    assert _metrics_steps(workdir) == _expected_metrics_steps(20)
    assert _leftovers(workdir) == []
    assert export.read_metadata(workdir / "export")["step"] == 20
    _serve(workdir / "export")


def test_a_run_sweeps_the_temporaries_of_killed_writers(ring_config, tmp_path):
    # What a SIGKILL in the middle of atomic writes leaves: temporaries of
    # paths the resumed run may never write again.
    samples = tmp_path / "run" / "samples"
    samples.mkdir(parents=True)
    stale = [
        samples / ".samples_epoch_0003.png.npre52ca.tmp",
        tmp_path / "run" / ".config.json.ab12cd_3.tmp",
    ]
    for path in stale:
        path.write_bytes(b"partial")
    kept = tmp_path / "run" / "notes.txt"
    kept.write_text("the user's")
    result = train_lib.train(ring_config(tmp_path / "run", steps=2))
    assert result.steps == 2
    assert not any(path.exists() for path in stale)
    assert kept.read_text() == "the user's"
