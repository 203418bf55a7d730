"""SampleGrid draws a conditional GAN's samples one row per class,
labelled."""

import numpy as np
import pytest

import keras_gan
from keras_gan import plots
from keras_gan.callbacks import SampleGrid
from keras_gan.models import build_pair


def test_one_row_per_class_in_class_order(tmp_path, monkeypatch):
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
    gan.compile()
    drawn = []

    def capture(samples, value_range, caption=None, columns=None, **kwargs):
        drawn.append((np.asarray(samples), columns, kwargs["row_labels"]))
        return np.zeros((4, 4, 3), np.uint8)

    monkeypatch.setattr(plots, "samples_picture", capture)
    grid = SampleGrid(str(tmp_path), num_samples=13)
    named = SampleGrid(
        str(tmp_path / "named"), num_samples=3, class_names=["a", "b", "c"]
    )
    points = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    gan.fit(
        points,
        np.arange(16) % 3,
        batch_size=8,
        callbacks=[grid, named],
        verbose=0,
    )
    (samples, columns, rows), (_, _, named_rows) = drawn
    assert columns == 4 and samples.shape == (12, 2)  # 13 // 3 per row
    # Each row is labelled: the class names, else the class numbers.
    assert rows == ["0", "1", "2"] and named_rows == ["a", "b", "c"]
    wrong = SampleGrid(str(tmp_path), class_names=["a", "b"])
    wrong.set_model(gan)
    with pytest.raises(ValueError, match=r"one class name per class \(3\)"):
        wrong.on_train_begin()
    for label in range(3):
        row = slice(label * columns, (label + 1) * columns)
        expected = gan([grid.noise[row], np.full(columns, label)])
        np.testing.assert_allclose(samples[row], expected, rtol=1e-5)
