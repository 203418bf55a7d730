"""SampleGrid writes one picture per epoch from fixed noise."""

import glob
import os

import numpy as np
import tensorflow as tf
from PIL import Image

import keras_gan
from keras_gan.callbacks import SampleGrid
from keras_gan.models import (
    dcgan_discriminator,
    dcgan_generator,
    mlp_discriminator,
    mlp_generator,
)


def test_image_grids_per_epoch_from_fixed_noise(tmp_path):
    gan = keras_gan.GAN(
        dcgan_generator(8, (8, 8, 1), base_filters=4),
        dcgan_discriminator((8, 8, 1), base_filters=4),
        seed=0,
    )
    gan.compile()
    data = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1))
    callback = SampleGrid(
        str(tmp_path / "samples"), num_samples=16, log_dir=str(tmp_path / "tb")
    )
    gan.fit(
        data.astype(np.float32), batch_size=8, epochs=2, callbacks=[callback],
        verbose=0,
    )  # fmt: skip
    paths = sorted(glob.glob(str(tmp_path / "samples" / "*.png")))
    assert [os.path.basename(p) for p in paths] == [
        "samples_epoch_0001.png",
        "samples_epoch_0002.png",
    ]
    grid = np.asarray(Image.open(paths[0]))
    # 4 x 4 tiles of 8 pixels with 1-pixel gaps, upscaled to about 256.
    assert grid.shape[0] == grid.shape[1] == 35 * (256 // 35)
    # The picture shows the generator's output for the fixed noise.
    expected = keras_gan.plots.tile_images(
        keras_gan.plots.to_unit_range(gan.generator(callback.noise))
    )
    last = np.asarray(Image.open(paths[1]))[:: 256 // 35, :: 256 // 35]
    assert np.abs(last.astype(int) - expected[..., 0].astype(int)).max() <= 1
    assert glob.glob(str(tmp_path / "tb" / "samples" / "events.out.*"))
    assert not glob.glob(str(tmp_path / "samples" / "*.tmp"))


def test_points_become_a_scatter_plot(tmp_path):
    gan = keras_gan.GAN(
        mlp_generator(4, 2, (8,)), mlp_discriminator(2, (8,)), seed=0
    )
    gan.compile()
    callback = SampleGrid(str(tmp_path), num_samples=500, every_n_epochs=2)
    data = tf.data.Dataset.from_tensor_slices(
        np.zeros((16, 2), np.float32)
    ).batch(8)
    gan.fit(data, epochs=3, callbacks=[callback], verbose=0)
    assert [os.path.basename(p) for p in callback.paths] == [
        "samples_epoch_0002.png"
    ]
    image = Image.open(callback.paths[0])
    assert image.format == "PNG" and image.size == (500, 500)
