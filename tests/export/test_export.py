"""export_generator writes the SavedModel of docs/contracts.md ("SavedModel
signature"): it serves the trained generator in data units and loads
without Keras."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import export
from keras_gan.models import (
    dcgan_discriminator,
    dcgan_generator,
    mlp_generator,
)

LATENT = 6


def _image_gan():
    keras.utils.set_random_seed(1)
    return keras_gan.GAN(
        dcgan_generator(LATENT, (8, 8, 1), base_filters=4),
        dcgan_discriminator((8, 8, 1), base_filters=4),
        seed=0,
    )


def _noise(n=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, LATENT)).astype(np.float32)


def _serve(export_dir):
    return tf.saved_model.load(os.fspath(export_dir)).signatures[
        "serving_default"
    ]


def test_images_are_served_in_unit_range_as_the_generator_makes_them(
    tmp_path,
):
    gan = _image_gan()
    gan.compile()
    data = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1))
    gan.fit(data.astype(np.float32), batch_size=8, epochs=1, verbose=0)
    path = export.export_generator(gan, tmp_path / "export")
    assert path == os.fspath(tmp_path / "export")

    serve = _serve(path)
    _, inputs = serve.structured_input_signature
    assert list(inputs) == ["z"]
    assert inputs["z"].dtype == tf.float32
    assert inputs["z"].shape.as_list() == [None, LATENT]
    assert list(serve.structured_outputs) == ["samples"]
    z = _noise()
    samples = serve(z=tf.constant(z))["samples"].numpy()
    expected = (np.asarray(gan.generator(z, training=False)) + 1.0) / 2.0
    assert samples.dtype == np.float32 and samples.shape == (5, 8, 8, 1)
    np.testing.assert_allclose(samples, np.clip(expected, 0, 1), atol=1e-6)
    assert samples.min() >= 0.0 and samples.max() <= 1.0

    metadata = export.read_metadata(path)
    assert metadata["latent_dim"] == LATENT and metadata["kind"] == "images"
    assert metadata["value_range"] == [-1.0, 1.0]
    assert metadata["sample_shape"] == [8, 8, 1]


def test_points_are_served_in_data_coordinates(tmp_path):
    generator = mlp_generator(LATENT, 2, (8,))
    path = export.export_generator(
        generator, tmp_path / "export", metadata={"step": 7}
    )
    z = _noise(9)
    np.testing.assert_allclose(
        _serve(path)(z=tf.constant(z))["samples"].numpy(),
        np.asarray(generator(z)),
        rtol=1e-6,
        atol=1e-6,
    )
    metadata = export.read_metadata(path)
    assert metadata["kind"] == "points" and metadata["value_range"] is None
    assert metadata["step"] == 7
    with pytest.raises(ValueError, match="image generators only"):
        export.export_generator(
            generator, tmp_path / "other", value_range=(-4, 4)
        )


def test_custom_value_range_maps_to_unit_range(tmp_path):
    gan = _image_gan()
    gan.build()
    path = export.export_generator(gan, tmp_path / "e", value_range=(0, 2))
    z = _noise()
    expected = np.clip(np.asarray(gan.generator(z, training=False)) / 2, 0, 1)
    np.testing.assert_allclose(
        _serve(path)(z=tf.constant(z))["samples"].numpy(), expected, atol=1e-6
    )


def test_existing_export_is_refused_unless_overwrite(tmp_path):
    target = tmp_path / "export"
    first = mlp_generator(LATENT, 2, (8,))
    export.export_generator(first, target)
    second = mlp_generator(LATENT, 2, (8,))
    with pytest.raises(FileExistsError, match="overwrite=True"):
        export.export_generator(second, target)
    z = _noise()
    np.testing.assert_allclose(
        _serve(target)(z=tf.constant(z))["samples"].numpy(),
        np.asarray(first(z)),
        atol=1e-6,
    )
    export.export_generator(second, target, overwrite=True)
    np.testing.assert_allclose(
        _serve(target)(z=tf.constant(z))["samples"].numpy(),
        np.asarray(second(z)),
        atol=1e-6,
    )
    assert sorted(os.listdir(tmp_path)) == ["export"]


def test_a_failed_export_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    # Fails after the SavedModel is written, while adding the metadata.
    monkeypatch.setattr(export.json, "dump", broken)
    with pytest.raises(OSError, match="disk full"):
        export.export_generator(
            mlp_generator(LATENT, 2, (8,)), tmp_path / "export"
        )
    assert os.listdir(tmp_path) == []


def test_invalid_generators_are_rejected(tmp_path):
    with pytest.raises(TypeError, match="gan_or_generator"):
        export.export_generator("generator", tmp_path / "e")
    z = keras.Input((2, LATENT))
    sequence = keras.Model(z, keras.layers.Dense(2)(z))
    with pytest.raises(ValueError, match="input shape"):
        export.export_generator(sequence, tmp_path / "e")
    assert not (tmp_path / "e").exists()


# A fresh interpreter where Keras cannot be imported at all. TensorFlow
# 2.16+ imports `keras.src.optimizers` during `import tensorflow` when Keras
# is installed (to register optimizers for SavedModel loading), so "keras
# not in sys.modules" cannot hold by itself; blocking the import is the
# stronger check that loading and serving need neither Keras nor keras_gan.
_LOADER = textwrap.dedent(
    """
    import json, sys
    sys.modules["keras"] = None
    import numpy as np
    import tensorflow as tf
    serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
    z = np.load(sys.argv[2])
    samples = serve(z=tf.constant(z))["samples"].numpy()
    np.save(sys.argv[3], samples)
    try:
        import keras  # noqa: F401
        keras_importable = True
    except ImportError:
        keras_importable = False
    print(json.dumps({
        "keras_importable": keras_importable,
        "keras_gan_loaded": any(
            m.startswith("keras_gan") for m in sys.modules
        ),
        "keras_loaded": any(
            m.split(".")[0] == "keras" and sys.modules[m] is not None
            for m in sys.modules
        ),
    }))
    """
)


@pytest.mark.slow
def test_loads_and_serves_in_a_process_without_keras(tmp_path):
    gan = _image_gan()
    gan.build()
    export_dir = export.export_generator(gan, tmp_path / "export")
    z = _noise(4, seed=5)
    np.save(tmp_path / "z.npy", z)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _LOADER,
            export_dir,
            tmp_path / "z.npy",
            tmp_path / "out.npy",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,  # keras_gan is not importable from here
        env={**os.environ, "PYTHONPATH": "", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {
        "keras_importable": False,
        "keras_gan_loaded": False,
        "keras_loaded": False,
    }
    expected = (np.asarray(gan.generator(z, training=False)) + 1.0) / 2.0
    np.testing.assert_allclose(
        np.load(tmp_path / "out.npy"), np.clip(expected, 0, 1), atol=1e-6
    )


@pytest.mark.slow
def test_saved_model_cli_describes_the_signature(tmp_path):
    export_dir = export.export_generator(
        mlp_generator(LATENT, 2, (8,)), tmp_path / "export"
    )
    # The command installed with tensorflow, else its module.
    command = (
        [shutil.which("saved_model_cli")]
        if shutil.which("saved_model_cli")
        else [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli"]
    )
    done = subprocess.run(
        [*command, "show", "--all", "--dir", export_dir],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "signature_def['serving_default']" in out
    assert "inputs['z'] tensor_info:" in out
    assert "outputs['samples'] tensor_info:" in out
    assert out.count("dtype: DT_FLOAT") >= 2
    assert f"shape: (-1, {LATENT})" in out and "shape: (-1, 2)" in out
