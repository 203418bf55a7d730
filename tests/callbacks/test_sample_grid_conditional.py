"""SampleGrid draws a conditional GAN's samples one row per class."""

import numpy as np

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
        drawn.append((np.asarray(samples), columns))
        return np.zeros((4, 4, 3), np.uint8)

    monkeypatch.setattr(plots, "samples_picture", capture)
    grid = SampleGrid(str(tmp_path), num_samples=13)
    points = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    gan.fit(
        points, np.arange(16) % 3, batch_size=8, callbacks=[grid], verbose=0
    )
    ((samples, columns),) = drawn
    assert columns == 4 and samples.shape == (12, 2)  # 13 // 3 per row
    for label in range(3):
        row = slice(label * columns, (label + 1) * columns)
        expected = gan([grid.noise[row], np.full(columns, label)])
        np.testing.assert_allclose(samples[row], expected, rtol=1e-5)
