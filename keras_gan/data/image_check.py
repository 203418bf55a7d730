"""Which files of an image folder can be trained on, found before training.

One bad file among 20,000 must not stop a run at step 4,000 with a
TensorFlow stack trace. `usable_image_files` decodes every listed file
once (Pillow, a full decode: a truncated file fails here) and skips the
files that cannot be trained on, with one warning naming each file and
a last one with the count:

- a truncated or damaged image, or a file that is not an image at all
  (a text file named `x.png`);
- an image TensorFlow does not decode as 8 bits per channel (16-bit or
  floating-point PNGs and TIFF-like modes).

What is converted rather than skipped: grayscale among RGB images and
the reverse (to `channels`, 3 by default), an alpha channel (dropped),
palette images (expanded), and images of another size (resized to
`image_size`, by default the first usable image's size).

A class folder (a top-level subfolder) with no usable image is not a
class: a warning names it, and with labels (a conditional model, whose
classes must all be there) it is refused. A folder with no usable image
at all is refused, naming it.

The result is cached per folder for as long as no listed file changes
(size or modification time), so describing a dataset and loading it
decode each file once.
"""

import os
import pathlib
import warnings

from PIL import Image

from keras_gan.data import image_files

__all__ = [
    "UsableFiles",
    "usable_image_files",
]

# Pillow modes of 8-bit images, which TensorFlow's decoders read.
_EIGHT_BIT_MODES = frozenset({"1", "L", "LA", "P", "PA", "RGB", "RGBA"})
_FORMATS = frozenset({"PNG", "JPEG", "BMP", "GIF"})

# What Pillow raises for a file that is not a readable image.
_UNREADABLE = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)

_cache = {}


class UsableFiles(tuple):
    """`(paths, labels, class_names)` of the usable files, like
    `image_files.list_image_files`, with `skipped` (paths) and
    `empty_classes` (names) as attributes."""

    skipped = ()
    empty_classes = ()


def usable_image_files(directory, with_labels=False):
    """Lists the image files under `directory` that can be trained on.

    Args:
        directory: The folder (see `image_files.list_image_files`).
        with_labels: Whether the labels are used; then a class folder
            with no usable image is refused. Defaults to `False`.

    Returns:
        A `UsableFiles`: `(paths, labels, class_names)`.

    Raises:
        ValueError: when no file is usable, naming the folder, or with
            labels when a class folder holds no usable image, naming it.
    """
    root = pathlib.Path(directory).expanduser()
    paths, labels, class_names = image_files.list_image_files(root)
    key = (os.fspath(root.resolve()), tuple(_signature(p) for p in paths))
    if key not in _cache:
        _cache[key] = _scan(root, paths, labels, class_names)
    found = _cache[key]
    if with_labels and found.empty_classes:
        raise ValueError(
            f"Class folders of {os.fspath(root)!r} hold no usable image: "
            f"{', '.join(found.empty_classes)}. With labels every class "
            "needs images: add some, or remove the folders."
        )
    return found


def _signature(path):
    try:
        stat = os.stat(path)
    except OSError:
        return (path, None, None)
    return (path, stat.st_size, stat.st_mtime_ns)


def _scan(root, paths, labels, class_names):
    kept, kept_labels, skipped = [], [], []
    for path, label in zip(paths, labels):
        problem = _problem(path)
        if problem is None:
            kept.append(path)
            kept_labels.append(label)
            continue
        skipped.append(path)
        warnings.warn(f"Skipping {path}: {problem}.", UserWarning, stacklevel=3)
    if skipped:
        warnings.warn(
            f"Skipped {len(skipped)} of {len(paths)} files in "
            f"{os.fspath(root)!r} that cannot be trained on; training uses "
            f"the other {len(kept)}.",
            UserWarning,
            stacklevel=3,
        )
    if not kept:
        raise ValueError(
            f"The folder {os.fspath(root)!r} holds no usable image: all "
            f"{len(paths)} image files were skipped (see the warnings)."
        )
    subfolders = sorted(
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and not entry.name.startswith(".")
    )
    used = sorted({class_names[label] for label in kept_labels if label >= 0})
    has_classes = bool(used)
    empty = [name for name in subfolders if name not in used]
    if has_classes and empty:
        warnings.warn(
            f"Class folders of {os.fspath(root)!r} hold no usable image "
            f"and are not classes: {', '.join(empty)}.",
            UserWarning,
            stacklevel=3,
        )
    # Labels index the classes that have images.
    index = {name: i for i, name in enumerate(used)}
    kept_labels = [
        index[class_names[label]] if label >= 0 else -1 for label in kept_labels
    ]
    found = UsableFiles((kept, kept_labels, used))
    found.skipped = tuple(skipped)
    found.empty_classes = tuple(empty) if has_classes else ()
    return found


def _problem(path):
    """Why `path` cannot be trained on, or `None`."""
    try:
        with Image.open(path) as image:
            image.load()  # a full decode: truncation shows here
            mode, kind = image.mode, image.format
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
    ) as error:
        return f"not a readable image ({type(error).__name__}: {error})"
    if kind not in _FORMATS:
        return f"a {kind} file; expected PNG, JPEG, BMP or GIF"
    if mode not in _EIGHT_BIT_MODES:
        return (
            f"pixels of mode {mode!r}; expected 8 bits per channel "
            "(grayscale, RGB, RGBA or palette)"
        )
    return None
