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
