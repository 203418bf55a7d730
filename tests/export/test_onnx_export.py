"""The ONNX export serves what the SavedModel serves, from every backend."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import export

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))

# Exports a small GAN averaging its generator (unconditional, or
# conditional with argv[3] classes) on the backend KERAS_BACKEND names,
# runs the ONNX model with onnxruntime and saves what it needs to compare:
# the inputs, the ONNX samples and the Keras average's samples in data
# units (mapped by hand here, not by the export).
_SCENARIO = textwrap.dedent(
    """
    import json, sys
    import keras
    import numpy as np
    import onnxruntime
    import keras_gan
    from keras_gan import export
    from keras_gan.models import build_pair

    out, classes = sys.argv[1], int(sys.argv[2]) or None
    keras.utils.set_random_seed(1)
    conditional = {} if classes is None else {
        "num_classes": classes, "conditioning": "concat"}
    gan = keras_gan.GAN(
        *build_pair("dcgan", (8, 8, 1), 6, base_filters=4, **conditional),
        num_classes=classes, ema_decay=0.9, seed=0)
    # The average differs from the generator, as after training.
    for variable in gan.sample_generator.weights:
        variable.assign(variable * 0.5 + 0.01)
    path = export.export_onnx(
        gan, out + "/g.onnx", metadata={"step": 7},
        class_names=None if classes is None else ["a", "b", "c"])
    rng = np.random.default_rng(2)
    z = rng.standard_normal((5, 6)).astype("float32")
    feed = {"z": z}
    labels = np.array([0, 1, 2, 1, 0], "int32")
    if classes:
        feed["labels"] = labels
    session = onnxruntime.InferenceSession(path)
    (samples,) = session.run(["samples"], feed)
    inputs = list(feed.values()) if classes else z
    average = keras.ops.convert_to_numpy(gan.sample_generator(inputs))
    generator = keras.ops.convert_to_numpy(gan.generator(inputs))
    np.save(out + "/z.npy", z)
    np.save(out + "/onnx.npy", samples)
    np.save(out + "/average.npy", np.clip((average + 1) / 2, 0, 1))
    np.save(out + "/generator.npy", np.clip((generator + 1) / 2, 0, 1))
    if classes:
        (unknown,) = session.run(
            ["samples"], {"z": z[:3], "labels": np.array([-1, classes, 2],
            "int32")})
        np.save(out + "/unknown.npy", unknown)
    print(json.dumps({
        "inputs": [
            [i.name, i.type, i.shape] for i in session.get_inputs()],
        "outputs": [[o.name, o.shape] for o in session.get_outputs()],
        "metadata": json.loads(
            session.get_modelmeta().custom_metadata_map["keras_gan"]),
        "read_metadata": export.read_onnx_metadata(path),
    }))
    """
)


def _run_scenario(backend, tmp_path, classes=0):
    done = subprocess.run(
        [sys.executable, "-c", _SCENARIO, str(tmp_path), str(classes)],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "KERAS_BACKEND": backend,
            "PYTHONPATH": ROOT,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "JAX_PLATFORMS": "cpu",
        },
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    arrays = {
        name: np.load(tmp_path / f"{name}.npy")
        for name in ("z", "onnx", "average", "generator", "unknown")
        if (tmp_path / f"{name}.npy").exists()
    }
    return report, arrays


def _check(report, arrays, backend, classes):
    inputs = [["z", "tensor(float)", ["batch", 6]]]
    if classes:
        inputs.append(["labels", "tensor(int32)", ["batch"]])
    assert report["inputs"] == inputs
    assert report["outputs"] == [["samples", ["batch", 8, 8, 1]]]
    # The average's samples in data units, not the generator's.
    np.testing.assert_allclose(
        arrays["onnx"], arrays["average"], atol=2e-6, rtol=0
    )
    assert np.abs(arrays["average"] - arrays["generator"]).max() > 1e-2
    metadata = report["metadata"]
    assert metadata == report["read_metadata"]
    assert metadata["latent_dim"] == 6
    assert metadata["sample_shape"] == [8, 8, 1]
    assert metadata["value_range"] == [-1.0, 1.0]
    assert metadata["output_range"] == [0.0, 1.0]
    assert metadata["backend"] == backend
    assert metadata["step"] == 7
    if classes:
        assert metadata["class_names"] == ["a", "b", "c"]
        assert metadata["labels_input"] == "labels"
        # Unknown classes give NaN samples, never another class's; the
        # known one in the same batch is served (row 2 has label 2).
        unknown = arrays["unknown"]
        assert np.isnan(unknown[:2]).all()
        np.testing.assert_allclose(
            unknown[2], arrays["onnx"][2], atol=2e-6, rtol=0
        )
    else:
        assert metadata["num_classes"] is None


def test_tensorflow_onnx_equals_the_savedmodel(tmp_path):
    """In this process (TensorFlow): the ONNX model's samples are the
    SavedModel's on the same `z`."""
    assert keras.backend.backend() == "tensorflow"
    import keras_gan
    from keras_gan.models import build_pair

    keras.utils.set_random_seed(1)
    gan = keras_gan.GAN(
        *build_pair("dcgan", (8, 8, 1), 6, base_filters=4), seed=0
    )
    onnx_path = export.export_onnx(gan, tmp_path / "g.onnx")
    saved = export.export_generator(gan, tmp_path / "saved")
    z = np.random.default_rng(4).normal(size=(7, 6)).astype("float32")
    import onnxruntime

    (samples,) = onnxruntime.InferenceSession(onnx_path).run(
        ["samples"], {"z": z}
    )
    serve = tf.saved_model.load(saved).signatures["serving_default"]
    expected = serve(z=tf.constant(z))["samples"].numpy()
    np.testing.assert_allclose(samples, expected, atol=2e-6, rtol=0)
    assert samples.min() >= 0.0 and samples.max() <= 1.0
    assert sorted(os.listdir(tmp_path)) == ["g.onnx", "saved"]


@pytest.mark.parametrize("classes", [0, 3])
def test_tensorflow_onnx_serves_the_average_in_data_units(tmp_path, classes):
    report, arrays = _run_scenario("tensorflow", tmp_path, classes)
    _check(report, arrays, "tensorflow", classes)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
@pytest.mark.parametrize("classes", [0, 3])
def test_other_backends_onnx_serves_the_average(tmp_path, backend, classes):
    report, arrays = _run_scenario(backend, tmp_path, classes)
    _check(report, arrays, backend, classes)


def _small_generator():
    keras.utils.set_random_seed(0)
    z = keras.Input((4,))
    return keras.Model(z, keras.layers.Dense(2)(z))


def test_points_are_exported_as_they_are(tmp_path):
    import onnxruntime

    generator = _small_generator()
    path = export.export_onnx(generator, tmp_path / "p.onnx")
    z = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    (samples,) = onnxruntime.InferenceSession(path).run(None, {"z": z})
    np.testing.assert_allclose(samples, generator(z), atol=1e-6, rtol=0)
    assert export.read_onnx_metadata(path)["kind"] == "points"


def test_refuses_existing_paths_and_leaves_them_as_they_were(tmp_path):
    generator = _small_generator()
    foreign = tmp_path / "notes.onnx"
    foreign.write_text("mine")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        export.export_onnx(generator, foreign)
    assert foreign.read_text() == "mine"
    directory = tmp_path / "saved"
    directory.mkdir()
    with pytest.raises(ValueError, match="Received a directory"):
        export.export_onnx(generator, directory, overwrite=True)
    assert os.listdir(directory) == []
    export.export_onnx(generator, foreign, overwrite=True)
    assert export.read_onnx_metadata(foreign)["latent_dim"] == 4
    assert sorted(os.listdir(tmp_path)) == ["notes.onnx", "saved"]


@pytest.mark.parametrize("package", ["onnx", "onnxruntime", "tf2onnx"])
def test_a_missing_package_is_named(tmp_path, monkeypatch, package):
    monkeypatch.setitem(sys.modules, package, None)
    with pytest.raises(ImportError) as raised:
        export.export_onnx(_small_generator(), tmp_path / "g.onnx")
    message = str(raised.value)
    assert "\n" not in message
    assert f"needs the package {package}," in message
    assert "tensorflow backend" in message
    assert "keras_gan[onnx]" in message
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("classes", [None, 3])
def test_mixed_precision_generators_are_exported_in_float32(tmp_path, classes):
    """ONNX runtimes lack bfloat16 kernels: the export computes in float32,
    as the same generator built in float32 with the same weights does."""
    import onnxruntime

    import keras_gan
    from keras_gan.models import build_pair

    def build():
        keras.utils.set_random_seed(1)
        return keras_gan.GAN(
            *build_pair(
                "dcgan", (8, 8, 1), 6, num_classes=classes, base_filters=4
            ),
            num_classes=classes,
            seed=0,
        )

    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        mixed = build()
        mixed.build()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert mixed.sample_generator.layers[-1].compute_dtype == "bfloat16"
    for variable in mixed.sample_generator.weights:
        variable.assign(variable * 0.5 + 0.01)
    path = export.export_onnx(mixed, tmp_path / "g.onnx")
    reference = build()
    reference.build()
    reference.sample_generator.set_weights(mixed.sample_generator.get_weights())
    z = np.random.default_rng(4).normal(size=(4, 6)).astype("float32")
    feed = {"z": z}
    inputs = z
    if classes:
        feed["labels"] = np.array([0, 2, 1, 2], np.int32)
        inputs = [z, feed["labels"]]
    (samples,) = onnxruntime.InferenceSession(path).run(["samples"], feed)
    expected = np.clip(
        (np.asarray(reference.sample_generator(inputs)) + 1) / 2, 0, 1
    )
    np.testing.assert_allclose(samples, expected, atol=2e-6, rtol=0)
    assert mixed.sample_generator.layers[-1].compute_dtype == "bfloat16"
