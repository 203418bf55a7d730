"""bin/train --backend: a run trained on JAX or PyTorch writes its
checkpoints and a SavedModel (exported by TensorFlow) that serves the
generator's samples; bin/export under TensorFlow exports a JAX-trained
workdir; a JAX-trained workdir resumes on TensorFlow; bad backends fail
before anything is written."""

import json
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import tensorflow as tf

ROOT = pathlib.Path(__file__).resolve().parents[2]

# A tiny MLP on the ring: seconds per run.
TINY = (
    "--dataset=ring",
    "--architecture=mlp",
    "--hidden_units=16,16",
    "--latent_dim=4",
    "--batch_size=32",
    "--steps_per_epoch=10",
    "--num_samples=100",
    "--ema_decay=0.9",
)


def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.fspath(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.pop("KERAS_BACKEND", None)
    env.update(extra)
    return env


def _run(*command, timeout=300, **env):
    return subprocess.run(
        [sys.executable, *map(str, command)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(**env),
        cwd=ROOT,
    )


def _train(*args, **env):
    return _run(ROOT / "bin" / "train", *TINY, *args, **env)


def _saved_config(workdir):
    return json.loads((workdir / "config.json").read_text())


def _serve(export_dir, z, labels=None):
    serve = tf.saved_model.load(os.fspath(export_dir)).signatures[
        "serving_default"
    ]
    inputs = {"z": tf.constant(z)}
    if labels is not None:
        inputs["labels"] = tf.constant(labels)
    return serve(**inputs)["samples"].numpy()


def _samples_on(backend, checkpoint, z_path, out_path, labels=None):
    """The checkpoint's exported generator (its weight average) on `z`
    (and `labels`), computed on `backend` in a subprocess."""
    program = textwrap.dedent(
        f"""
        import keras, numpy as np
        import keras_gan  # noqa: F401  (registers the GAN)
        assert keras.backend.backend() == {backend!r}
        gan = keras.models.load_model({os.fspath(checkpoint)!r})
        z = np.load({os.fspath(z_path)!r})
        labels = {labels!r}
        inputs = z if labels is None else [z, np.array(labels, "int32")]
        out = gan.sample_generator(inputs, training=False)
        np.save({os.fspath(out_path)!r}, keras.ops.convert_to_numpy(out))
        """
    )
    done = _run("-c", program, KERAS_BACKEND=backend)
    assert done.returncode == 0, done.stderr
    return np.load(out_path)


@pytest.mark.slow
def test_a_jax_run_exports_and_resumes_on_tensorflow(tmp_path):
    workdir = tmp_path / "run"
    done = _train("--backend=jax", "--steps=10", f"--workdir={workdir}")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert _saved_config(workdir)["backend"] == "jax"
    checkpoint = workdir / "checkpoints" / "ckpt-00000010.keras"
    assert checkpoint.exists()

    z = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    on_jax = _samples_on(
        "jax", checkpoint, tmp_path / "z.npy", tmp_path / "jax.npy"
    )
    # The run's own export, written by TensorFlow from the JAX model.
    np.testing.assert_allclose(
        _serve(workdir / "export", z), on_jax, rtol=1e-5, atol=1e-5
    )
    metadata = json.loads(
        (workdir / "export" / "assets.extra" / "keras_gan.json").read_text()
    )
    assert metadata["step"] == 10
    assert metadata["workdir"] == os.fspath(workdir)
    # bin/export on TensorFlow, from the JAX-trained checkpoint.
    exported = tmp_path / "tf_export"
    done = _run(
        ROOT / "bin" / "export",
        f"--workdir={workdir}",
        f"--export_dir={exported}",
        KERAS_BACKEND="tensorflow",
    )
    assert done.returncode == 0, done.stderr
    np.testing.assert_allclose(_serve(exported, z), on_jax, atol=1e-5)

    # The backend may change on resume: on to 20 steps on TensorFlow.
    done = _train("--steps=20", f"--workdir={workdir}")
    assert done.returncode == 0, done.stderr
    assert "resumed from step 10" in done.stdout, done.stdout
    assert _saved_config(workdir)["backend"] == "tensorflow"
    checkpoint = workdir / "checkpoints" / "ckpt-00000020.keras"
    on_tensorflow = _samples_on(
        "tensorflow", checkpoint, tmp_path / "z.npy", tmp_path / "tf.npy"
    )
    assert not np.allclose(on_tensorflow, on_jax)
    np.testing.assert_allclose(
        _serve(workdir / "export", z), on_tensorflow, atol=1e-5
    )


@pytest.mark.slow
def test_a_torch_run_from_keras_backend_exports(tmp_path):
    workdir = tmp_path / "run"
    done = _train("--steps=10", f"--workdir={workdir}", KERAS_BACKEND="torch")
    assert done.returncode == 0, done.stderr
    assert _saved_config(workdir)["backend"] == "torch"
    z = np.random.default_rng(1).normal(size=(16, 4)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    on_torch = _samples_on(
        "torch",
        workdir / "checkpoints" / "ckpt-00000010.keras",
        tmp_path / "z.npy",
        tmp_path / "torch.npy",
    )
    np.testing.assert_allclose(
        _serve(workdir / "export", z), on_torch, rtol=1e-5, atol=1e-5
    )


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_a_conditional_run_trains_and_exports(tmp_path, backend):
    workdir = tmp_path / "run"
    done = _train(
        f"--backend={backend}",
        "--conditioning=concat",
        "--steps=10",
        f"--workdir={workdir}",
    )
    assert done.returncode == 0, done.stderr
    z = np.random.default_rng(2).normal(size=(16, 4)).astype("float32")
    labels = [i % 8 for i in range(16)]
    np.save(tmp_path / "z.npy", z)
    trained = _samples_on(
        backend,
        workdir / "checkpoints" / "ckpt-00000010.keras",
        tmp_path / "z.npy",
        tmp_path / "out.npy",
        labels=labels,
    )
    served = _serve(workdir / "export", z, np.array(labels, "int32"))
    np.testing.assert_allclose(served, trained, rtol=1e-5, atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError):
        _serve(workdir / "export", z[:1], np.array([8], "int32"))


@pytest.mark.parametrize(
    "args, env, fragment",
    [
        (
            ["--backend=numpy"],
            {},
            "Invalid value for `backend`. Expected one of ['tensorflow', "
            "'jax', 'torch']. Received: --backend=numpy",
        ),
        (
            [],
            {"KERAS_BACKEND": "mlx"},
            "Received: KERAS_BACKEND=mlx",
        ),
    ],
)
def test_an_unknown_backend_exits_2_before_keras_is_imported(
    tmp_path, args, env, fragment
):
    done = _train("--steps=10", f"--workdir={tmp_path / 'run'}", *args, **env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("train: error: Invalid value for `backend`")
    assert done.stderr.endswith(f"{fragment}\n")
    assert done.stderr.count("\n") == 1
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_torch_with_steps_per_execution_exits_2(tmp_path):
    done = _train(
        "--backend=torch",
        "--steps=10",
        "--steps_per_execution=2",
        f"--workdir={tmp_path / 'run'}",
    )
    assert done.returncode == 2, done.stderr
    assert "train: error: Keras's PyTorch trainer" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "run").exists()
