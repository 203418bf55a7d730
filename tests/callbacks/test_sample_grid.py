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
    # 4 x 4 tiles of 8 pixels with 1-pixel gaps (35 across), enlarged 13
    # times to reach 448, under a caption band.
    assert grid.shape[1] == 35 * 13 >= keras_gan.plots.MIN_WIDTH
    # The picture shows the generator's output for the fixed noise, and
    # says its epoch and step.
    expected = keras_gan.plots.image_grid(
        keras_gan.plots.to_unit_range(gan.generator(callback.noise)),
        caption="epoch 2, step 8",
    )
    last = np.asarray(Image.open(paths[1]))
    assert last.shape == expected.shape[:2]
    assert np.abs(last.astype(int) - expected[..., 0].astype(int)).max() <= 1
    band = expected.shape[0] - 35 * 13
    first_band = grid[:band]
    assert (first_band != last[:band]).any()  # "epoch 1, step 4"
    # TensorBoard holds the same pictures, at the generator step.
    pictures = _tensorboard_images(tmp_path / "tb" / "samples")
    assert sorted(pictures) == [4, 8]
    np.testing.assert_array_equal(pictures[8][..., 0], last)
    assert not glob.glob(str(tmp_path / "samples" / "*.tmp"))


def _tensorboard_images(log_dir):
    pictures = {}
    for path in glob.glob(str(log_dir / "events.out.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag == "samples":
                    encoded = tf.make_ndarray(value.tensor)[2]
                    pictures[event.step] = tf.io.decode_png(encoded).numpy()
    return pictures


def test_points_become_a_scatter_plot(tmp_path):
    gan = keras_gan.GAN(
        mlp_generator(4, 2, (8,)), mlp_discriminator(2, (8,)), seed=0
    )
    gan.compile()
    callback = SampleGrid(
        str(tmp_path),
        num_samples=500,
        every_n_epochs=3,
        log_dir=str(tmp_path / "tb"),
    )
    data = tf.data.Dataset.from_tensor_slices(
        np.zeros((16, 2), np.float32)
    ).batch(8)
    gan.fit(data, epochs=3, callbacks=[callback], verbose=0)
    assert [os.path.basename(p) for p in callback.paths] == [
        "samples_epoch_0003.png"
    ]
    image = Image.open(callback.paths[0])
    assert image.format == "PNG" and image.size == (500, 500)
    expected = keras_gan.plots.samples_picture(
        gan.generator(callback.noise), caption="epoch 3, step 6"
    )
    np.testing.assert_array_equal(np.asarray(image), expected)
    pictures = _tensorboard_images(tmp_path / "tb" / "samples")
    assert list(pictures) == [6]
    np.testing.assert_array_equal(pictures[6], expected)
