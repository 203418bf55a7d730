"""A conditional GAN's export serves `z` and `labels`, without Keras."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import export
from keras_gan.models import build_pair

LATENT = 6
CLASSES = 3
NAMES = ["shirt", "shoe", "bag"]


def _trained_gan():
    keras.utils.set_random_seed(1)
    gan = keras_gan.GAN(
        *build_pair(
            "dcgan",
            (8, 8, 1),
            LATENT,
            num_classes=CLASSES,
            conditioning="concat",
            base_filters=4,
        ),
        num_classes=CLASSES,
        seed=0,
    )
    gan.compile()
    data = np.random.default_rng(0).uniform(-1, 1, (24, 8, 8, 1))
    labels = np.arange(24) % CLASSES
    gan.fit(data.astype(np.float32), labels, batch_size=8, verbose=0)
    return gan


def _expected(gan, z, labels):
    images = gan.sample_generator([z, labels], training=False)
    return np.clip((np.asarray(images) + 1.0) / 2.0, 0.0, 1.0)


def test_serves_the_class_asked_for_and_keeps_the_class_names(tmp_path):
    gan = _trained_gan()
    path = export.export_generator(gan, tmp_path / "e", class_names=NAMES)
    serve = tf.saved_model.load(path).signatures["serving_default"]
    _, inputs = serve.structured_input_signature
    assert sorted(inputs) == ["labels", "z"]
    assert inputs["labels"].dtype == tf.int32
    assert inputs["labels"].shape.as_list() == [None]
    z = np.random.default_rng(2).normal(size=(4, LATENT)).astype("float32")
    labels = np.array([0, 1, 2, 1], np.int32)
    samples = serve(z=tf.constant(z), labels=tf.constant(labels))["samples"]
    np.testing.assert_allclose(samples, _expected(gan, z, labels), atol=1e-6)
    other = serve(z=tf.constant(z), labels=tf.constant([2, 2, 2, 2]))
    assert not np.allclose(other["samples"], samples)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes"):
        serve(z=tf.constant(z[:1]), labels=tf.constant([CLASSES]))
    metadata = export.read_metadata(path)
    assert metadata["num_classes"] == CLASSES
    assert metadata["class_names"] == NAMES
    assert metadata["labels_input"] == "labels"


def test_class_names_must_match_the_classes(tmp_path):
    gan = _trained_gan()
    with pytest.raises(ValueError, match="one class name per class"):
        export.export_generator(gan, tmp_path / "e", class_names=["a"])
    assert not (tmp_path / "e").exists()
    default = export.export_generator(gan, tmp_path / "d")
    assert export.read_metadata(default)["class_names"] == ["0", "1", "2"]


_LOADER = textwrap.dedent(
    """
    import json, sys
    sys.modules["keras"] = None
    import numpy as np
    import tensorflow as tf
    serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
    z = np.load(sys.argv[2])
    labels = np.load(sys.argv[3])
    out = serve(z=tf.constant(z), labels=tf.constant(labels))["samples"]
    np.save(sys.argv[4], out.numpy())
    try:
        serve(z=tf.constant(z[:1]), labels=tf.constant([-1], tf.int32))
        refused = False
    except tf.errors.InvalidArgumentError:
        refused = True
    print(json.dumps({
        "out_of_range_refused": refused,
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
    gan = _trained_gan()
    path = export.export_generator(gan, tmp_path / "e")
    z = np.random.default_rng(3).normal(size=(6, LATENT)).astype("float32")
    labels = (np.arange(6) % CLASSES).astype(np.int32)
    np.save(tmp_path / "z.npy", z)
    np.save(tmp_path / "labels.npy", labels)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _LOADER,
            path,
            tmp_path / "z.npy",
            tmp_path / "labels.npy",
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
        "out_of_range_refused": True,
        "keras_gan_loaded": False,
        "keras_loaded": False,
    }
    np.testing.assert_allclose(
        np.load(tmp_path / "out.npy"), _expected(gan, z, labels), atol=1e-6
    )
