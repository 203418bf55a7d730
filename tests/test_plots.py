"""Image grids and atomic PNG writes."""

import os

import numpy as np
import pytest
from PIL import Image

from keras_gan import plots


def test_tile_images_places_each_image_in_order():
    batch = np.stack([np.full((2, 3, 1), i / 5) for i in range(5)])
    grid = plots.tile_images(batch, columns=3, padding=1)
    assert grid.shape == (2 * 3 - 1, 3 * 4 - 1, 1) and grid.dtype == np.uint8
    assert grid[0, 0, 0] == 0 and grid[0, 4, 0] == round(255 / 5)
    assert grid[3, 0, 0] == round(3 * 255 / 5)
    assert grid[2, 0, 0] == 255  # padding row is white
    assert grid[3, 8, 0] == 255  # the empty sixth tile too


def test_to_unit_range_maps_tanh_range_and_clips():
    np.testing.assert_allclose(
        plots.to_unit_range([-1.0, 0.0, 1.0, 3.0]), [0.0, 0.5, 1.0, 1.0]
    )


def test_save_png_round_trips_and_leaves_no_temporary_files(tmp_path):
    image = np.random.default_rng(0).integers(0, 256, (4, 6, 3), np.uint8)
    path = tmp_path / "sub" / "x.png"
    plots.save_png(image, str(path), scale=2)
    loaded = np.asarray(Image.open(path))
    np.testing.assert_array_equal(loaded[::2, ::2], image)
    assert os.listdir(tmp_path / "sub") == ["x.png"]


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "x.png"
    plots.save_png(np.zeros((2, 2, 1), np.uint8), str(path))
    before = path.read_bytes()

    def broken_save(self, fp, format=None, **kwargs):
        with open(fp, "wb") as f:
            f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        plots.save_png(np.ones((2, 2, 1), np.uint8), str(path))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["x.png"]


def test_save_samples_png_rejects_other_shapes(tmp_path):
    with pytest.raises(ValueError, match=r"Received shape \(3, 5\)"):
        plots.save_samples_png(np.zeros((3, 5)), str(tmp_path / "x.png"))


def test_a_grid_of_28x28_samples_is_enlarged_without_smoothing():
    images = np.random.default_rng(0).uniform(0, 1, (64, 28, 28, 1))
    grid = plots.image_grid(images)
    tiled = plots.tile_images(images)  # 8 x 8 tiles of 28 + 1 pixels
    assert tiled.shape[1] < plots.MIN_WIDTH <= grid.shape[1]
    factor = grid.shape[1] // tiled.shape[1]
    assert grid.shape == (tiled.shape[0] * factor, tiled.shape[1] * factor, 1)
    # Nearest neighbour: every enlarged pixel is one pixel of the tiling.
    for dy in range(factor):
        for dx in range(factor):
            np.testing.assert_array_equal(grid[dy::factor, dx::factor], tiled)


def test_a_wide_grid_is_left_as_it_is():
    images = np.zeros((4, 300, 300, 3))
    assert plots.image_grid(images).shape == plots.tile_images(images).shape


def test_the_caption_is_written_above_the_grid():
    images = np.random.default_rng(0).uniform(0, 1, (64, 28, 28, 1))
    plain = plots.image_grid(images)
    first = plots.image_grid(images, caption="epoch 1, step 300")
    later = plots.image_grid(images, caption="epoch 2, step 600")
    band = first.shape[0] - plain.shape[0]
    assert band > 0 and first.shape[1:] == plain.shape[1:]
    np.testing.assert_array_equal(first[band:], plain)
    # Dark text on white, and a different caption draws differently.
    assert (first[:band] < 128).any() and (first[:band] == 255).mean() > 0.5
    assert (first[:band] != later[:band]).any()


def test_save_samples_png_writes_the_captioned_picture(tmp_path):
    samples = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1))
    path = tmp_path / "x.png"
    plots.save_samples_png(samples, str(path), title="epoch 3, step 900")
    expected = plots.image_grid(
        plots.to_unit_range(samples), caption="epoch 3, step 900"
    )
    loaded = np.asarray(Image.open(path))
    np.testing.assert_array_equal(loaded, expected[..., 0])


def test_points_become_a_scatter_plot_with_its_title(tmp_path):
    points = np.random.default_rng(0).normal(size=(500, 2))
    titled = plots.samples_picture(points, caption="epoch 2, step 1000")
    untitled = plots.samples_picture(points)
    assert titled.shape == (500, 500, 3) and titled.dtype == np.uint8
    assert (titled != untitled).any()
    path = tmp_path / "s.png"
    plots.save_scatter_png(points, str(path), title="epoch 2, step 1000")
    np.testing.assert_array_equal(np.asarray(Image.open(path)), titled)


def test_each_row_of_a_class_grid_is_labelled_at_its_left():
    # Three classes, four samples each: one row per class.
    images = np.random.default_rng(0).uniform(0, 1, (12, 28, 28, 1))
    plain = plots.image_grid(images, columns=4)
    labelled = plots.image_grid(
        images, columns=4, row_labels=["T-shirt/top", "", "Ankle boot"]
    )
    band = labelled.shape[1] - plain.shape[1]
    assert band > 0 and labelled.shape[0] == plain.shape[0]
    np.testing.assert_array_equal(labelled[:, band:], plain)
    factor = plain.shape[0] // plots.tile_images(images, columns=4).shape[0]
    row = (28 + 1) * factor
    inked = [
        (labelled[r * row : (r + 1) * row, :band] < 128).any()
        for r in (0, 1, 2)
    ]
    assert inked == [True, False, True]  # text in its own row only
    with pytest.raises(ValueError, match="one row label per row"):
        plots.image_grid(images, columns=4, row_labels=["a", "b"])
