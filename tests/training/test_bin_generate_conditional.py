"""bin/generate on a conditional export: one row per class, or the classes
asked for by index or name."""

import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import export
from keras_gan.models import build_pair


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory):
    gan = keras_gan.GAN(
        *build_pair(
            "mlp",
            (2,),
            3,
            num_classes=3,
            conditioning="concat",
            hidden_units=(8,),
        ),
        num_classes=3,
        seed=0,
    )
    gan.build()
    path = tmp_path_factory.mktemp("export") / "e"
    return export.export_generator(
        gan, path, class_names=["shirt", "shoe", "bag"]
    )


def test_draws_the_listed_classes_one_row_each(
    export_dir, run_script, tmp_path
):
    out = tmp_path / "s.npz"
    done = run_script(
        "generate",
        f"--export_dir={export_dir}",
        "--labels=1,bag",
        "--num=6",
        f"--out={out}",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    arrays = np.load(out)
    np.testing.assert_array_equal(arrays["labels"], [1, 1, 1, 2, 2, 2])
    serve = tf.saved_model.load(export_dir).signatures["serving_default"]
    expected = serve(
        z=tf.constant(arrays["z"]), labels=tf.constant(arrays["labels"])
    )["samples"]
    np.testing.assert_allclose(arrays["samples"], expected, atol=1e-6)
    # By default: every class, one row each.
    done = run_script(
        "generate", f"--export_dir={export_dir}", "--num=7", f"--out={out}"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    np.testing.assert_array_equal(np.load(out)["labels"], [0, 0, 1, 1, 2, 2])


def test_unknown_classes_are_refused(export_dir, run_script, tmp_path):
    for value in ("3", "hat"):
        done = run_script(
            "generate",
            f"--export_dir={export_dir}",
            f"--labels={value}",
            f"--out={tmp_path / 's.npz'}",
        )
        assert done.returncode == 2
        assert repr(value) in done.stderr and "shirt" in done.stderr
        assert not (tmp_path / "s.npz").exists()
