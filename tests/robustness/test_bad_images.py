"""Bad files in a user's image folder: each skipped with a warning
naming it, or converted, or refused before training naming it; never a
crash mid-run."""

import dataclasses
import io
import os
import warnings

import numpy as np
import pytest
from PIL import Image

from keras_gan import data
from keras_gan.data import image_check
from keras_gan.training import train_lib

SIZE = 8


def _png(path, mode="RGB", size=(SIZE, SIZE), seed=0):
    rng = np.random.default_rng(seed)
    channels = {"L": 1, "RGB": 3, "RGBA": 4}[mode]
    pixels = rng.integers(0, 256, (size[1], size[0], channels), np.uint8)
    image = Image.fromarray(pixels.squeeze(-1) if channels == 1 else pixels)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def _jpeg_bytes(seed=0):
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (SIZE * 4, SIZE * 4, 3), np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def messy_folder(tmp_path):
    """Two classes of good RGB images with every kind of bad file among
    them, and an empty class folder. Returns `(root, good, bad)`."""
    root = tmp_path / "images"
    good = [_png(root / "cats" / f"{i}.png", seed=i) for i in range(6)]
    good += [_png(root / "dogs" / f"{i}.png", seed=10 + i) for i in range(5)]
    # Converted, not skipped.
    good.append(_png(root / "dogs" / "gray.png", mode="L"))
    good.append(_png(root / "dogs" / "alpha.png", mode="RGBA"))
    good.append(_png(root / "cats" / "big.png", size=(SIZE + 5, SIZE + 3)))
    bad = []
    truncated = root / "dogs" / "truncated.jpg"
    truncated.write_bytes(_jpeg_bytes()[:300])
    bad.append(truncated)
    text = root / "cats" / "notes.png"
    text.write_text("not an image\n")
    bad.append(text)
    deep = root / "dogs" / "sixteen_bit.png"
    Image.fromarray(np.full((SIZE, SIZE), 40000, np.uint16)).save(deep)
    bad.append(deep)
    (root / "birds").mkdir()  # a class folder with no images
    (root / "birds" / "readme.txt").write_text("todo")
    return root, good, bad


def _messages(caught):
    return [str(w.message) for w in caught]


def test_bad_files_are_skipped_each_named_and_counted(messy_folder):
    root, good, bad = messy_folder
    image_check._cache.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths, labels, classes = image_check.usable_image_files(root)
    messages = _messages(caught)
    assert sorted(paths) == sorted(map(os.fspath, good))
    for path in bad:
        assert sum(f"Skipping {path}:" in m for m in messages) == 1
    (summary,) = [m for m in messages if m.startswith("Skipped ")]
    assert f"Skipped {len(bad)} of {len(good) + len(bad)} files" in summary
    assert any("birds" in m and "not classes" in m for m in messages)
    assert classes == ["cats", "dogs"]
    assert set(labels) == {0, 1}


def test_a_pass_over_the_data_sees_every_usable_image_converted(
    messy_folder,
):
    root, good, _ = messy_folder
    for channels in (None, 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset = data.load(
                os.fspath(root),
                batch_size=1,
                shuffle=False,
                channels=channels,
            )
            images = np.concatenate([b.numpy() for b in dataset])
        assert images.shape == (len(good), SIZE, SIZE, channels or 3)
        assert np.isfinite(images).all()
        assert images.min() >= -1.0 and images.max() <= 1.0


def test_labels_refuse_a_class_folder_without_images(messy_folder):
    root, _, _ = messy_folder
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="birds"):
            data.load(os.fspath(root), batch_size=2, with_labels=True)


def test_a_folder_of_only_bad_files_is_refused_naming_it(tmp_path):
    root = tmp_path / "broken"
    root.mkdir()
    (root / "a.png").write_text("nope")
    (root / "b.jpg").write_bytes(_jpeg_bytes()[:200])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="holds no usable image"):
            data.info(os.fspath(root))


def test_an_empty_folder_is_refused_naming_it(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no images"):
        data.info(os.fspath(tmp_path / "empty"))


def test_training_on_a_messy_folder_runs_its_steps(
    messy_folder, ring_config, tmp_path
):
    root, good, _ = messy_folder
    config = dataclasses.replace(
        ring_config(tmp_path / "run"),
        dataset=os.fspath(root),
        architecture="dcgan",
        base_filters=2,
        batch_size=4,
        steps=6,
        steps_per_epoch=None,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = train_lib.train(config)
    assert result.steps == 6
    # An epoch is the usable images only.
    assert result.epochs == 6 // (len(good) // 4)
