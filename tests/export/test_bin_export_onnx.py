"""`bin/export --format=onnx`: the checkpoint's generator as one ONNX file
serving what the SavedModel serves."""

import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import onnxruntime
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import checkpoints, export
from keras_gan.models import build_pair

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _run_export(*args, pythonpath=()):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [*map(os.fspath, pythonpath), os.fspath(ROOT)]
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return subprocess.run(
        [sys.executable, os.fspath(ROOT / "bin" / "export"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A workdir's only checkpoint."""
    keras.utils.set_random_seed(3)
    gan = keras_gan.GAN(
        *build_pair("dcgan", (8, 8, 1), 6, base_filters=4), seed=0
    )
    gan.compile()
    data = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1))
    gan.fit(data.astype(np.float32), batch_size=8, verbose=0)
    workdir = tmp_path_factory.mktemp("run")
    manager = checkpoints.CheckpointManager(workdir / "checkpoints")
    manager.save(gan)
    return pathlib.Path(manager.latest())


def test_an_unknown_format_is_a_usage_error(tmp_path, checkpoint):
    done = _run_export(
        f"--checkpoint={checkpoint}",
        f"--export_dir={tmp_path / 'g.onnx'}",
        "--format=tflite",
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "--format" in done.stderr and "onnx" in done.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_onnx_serves_the_saved_models_samples(tmp_path, checkpoint):
    workdir = checkpoint.parent.parent
    onnx_path = workdir / "export.onnx"  # the default for --format=onnx
    done = _run_export(f"--workdir={workdir}", "--format=onnx")
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"to {onnx_path}" in done.stdout
    done = _run_export(
        f"--checkpoint={checkpoint}", f"--export_dir={tmp_path / 'saved'}"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    z = np.random.default_rng(5).normal(size=(4, 6)).astype("float32")
    (samples,) = onnxruntime.InferenceSession(onnx_path).run(
        ["samples"], {"z": z}
    )
    serve = tf.saved_model.load(str(tmp_path / "saved")).signatures[
        "serving_default"
    ]
    expected = serve(z=tf.constant(z))["samples"].numpy()
    np.testing.assert_allclose(samples, expected, atol=2e-6, rtol=0)
    metadata = export.read_onnx_metadata(onnx_path)
    assert metadata["checkpoint"] == str(checkpoint)
    assert metadata["workdir"] == str(workdir)
    assert metadata["latent_dim"] == 6

    # Refused without --overwrite; a missing converter named in one line.
    done = _run_export(
        f"--checkpoint={checkpoint}",
        f"--export_dir={onnx_path}",
        "--format=onnx",
    )
    assert done.returncode == 1
    assert "--overwrite" in done.stderr
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "tf2onnx.py").write_text("raise ImportError('not here')\n")
    other = tmp_path / "other.onnx"
    done = _run_export(
        f"--checkpoint={checkpoint}",
        f"--export_dir={other}",
        "--format=onnx",
        pythonpath=[shadow],
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "needs the package tf2onnx" in errors[0]
    assert not other.exists()
