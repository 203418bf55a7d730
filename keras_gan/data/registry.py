"""`load` and `info`: every training input of keras_gan, by name.

The registry of sources; each source is a module of its own:

- `"ring"`, `"grid"`: the toy 2D mixtures (`keras_gan.data.mixtures`),
  float32 points in data coordinates, endless.
- `"fashion_mnist"`: TFDS `fashion_mnist`, prepared offline from the local
  IDX files when it is not prepared yet (`keras_gan.data.fashion_mnist`).
- `"digits"`: scikit-learn's 8x8 digits (1,797 images), offline
  (`keras_gan.data.digits`).
- any other TFDS dataset with an image feature (`"mnist"`, `"cifar10"`,
  `"celeb_a"`, ...): read from `data_dir`. When it is not prepared there,
  it is downloaded only if the network answers; otherwise
  `DatasetUnavailableError` says how to get it, at once
  (`keras_gan.data.tfds_source`).
- a folder of images (a path starting with `/`, `~` or `.`, or an existing
  directory): png, jpg, bmp and gif files, searched recursively
  (`keras_gan.data.folders`, decoding in `keras_gan.data.image_files`).

Images come out float32, NHWC, in `[-1, 1]`.
"""

import dataclasses
import math
import os

import tensorflow as tf

from keras_gan.arguments import check_positive_int
from keras_gan.data import (
    digits,
    fashion_mnist,
    folders,
    image_check,
    image_files,
    mixtures,
    tfds_source,
)
from keras_gan.data.splits import split_range
from keras_gan.seeding import resolve_seed

__all__ = [
    "BUILTIN_NAMES",
    "DatasetSpec",
    "MEMORY_CACHE_LIMIT_BYTES",
    "class_names",
    "info",
    "load",
]

BUILTIN_NAMES = ("ring", "grid", "fashion_mnist", "digits")

# In-memory caching is skipped above this estimated size (float32 images).
MEMORY_CACHE_LIMIT_BYTES = 2 * 1024**3


_DEFAULT_SHUFFLE_BUFFER = 10_000


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """What a dataset yields, known without reading its data.

    Attributes:
        name: the name or folder path it was asked for.
        element_shape: shape of one unbatched element, e.g. `(28, 28, 1)`
            for images or `(2,)` for 2D points; `None` entries are sizes
            that vary (pass `image_size`).
        num_examples: examples in the split, or `None` when unknown or
            endless (the mixtures).
        num_classes: number of labels (modes for the mixtures), or `None`.
        kind: `"points"` or `"images"`.
        value_range: `(-1.0, 1.0)` for images, `None` for points (data
            coordinates).
    """

    name: str
    element_shape: tuple
    num_examples: int | None
    num_classes: int | None
    kind: str

    @property
    def value_range(self):
        return image_files.IMAGE_RANGE if self.kind == "images" else None


def info(name, split="train", data_dir=None, image_size=None, channels=None):
    """Describes a dataset without loading or preparing it.

    Lets model builders pick an architecture from the element shape.

    Args:
        name: dataset name or folder, as for `load`.
        split: split whose size to report. Defaults to `"train"`.
        data_dir: TFDS data directory. Defaults to `None`:
            `$TFDS_DATA_DIR`, else `~/tensorflow_datasets`.
        image_size: resize target, as for `load`. Defaults to `None`.
        channels: channel count, as for `load`. Defaults to `None`.

    Returns:
        A `DatasetSpec`.
    """
    image_size = image_files.normalize_image_size(image_size)
    image_files.check_channels(channels)
    source = _source(name)
    if source == "mixture":
        means, _ = mixtures.mixture_means(name)
        return DatasetSpec(
            name=name,
            element_shape=(2,),
            num_examples=None,
            num_classes=len(means),
            kind="points",
        )
    if source == "fashion_mnist":
        builder = fashion_mnist.tfds_builder(data_dir)
        if tfds_source.is_prepared(builder):
            num_examples = tfds_source.num_examples(builder, split)
        else:
            start, stop = split_range(split, fashion_mnist.NUM_EXAMPLES)
            num_examples = stop - start
        shape = fashion_mnist.IMAGE_SHAPE
        num_classes = fashion_mnist.NUM_CLASSES
    elif source == "digits":
        shape = digits.IMAGE_SHAPE
        start, stop = split_range(split, {"train": digits.NUM_EXAMPLES})
        num_examples = stop - start
        num_classes = digits.NUM_CLASSES
    elif source == "folder":
        # Bad files are skipped (with warnings) before anything trains.
        paths, labels, class_names = image_check.usable_image_files(name)
        start, stop = split_range(split, {"train": len(paths)})
        first = image_files.decode_image_file(paths[0], channels or 3)
        shape = tuple(first.shape)
        num_examples = stop - start
        num_classes = len(class_names) or None
    else:
        builder = tfds_source.tfds_builder(name, data_dir, BUILTIN_NAMES)
        _, feature = tfds_source.image_feature(builder, name)
        shape = tuple(feature.shape)
        num_examples = tfds_source.num_examples(builder, split)
        num_classes = tfds_source.num_classes(builder)
    return DatasetSpec(
        name=os.fspath(name),
        element_shape=_output_shape(shape, image_size, channels),
        num_examples=num_examples,
        num_classes=num_classes,
        kind="images",
    )


def class_names(name, data_dir=None):
    """The names of a dataset's classes, in label order.

    Fashion-MNIST's ("T-shirt/top", "Trouser", ...), the digits' and the
    mixtures' ("0", "1", ...: a mixture's classes are its modes), a
    folder's class subfolders, a TFDS dataset's `label` names.

    Args:
        name: dataset name or folder, as for `load`.
        data_dir: TFDS data directory. Defaults to `None`:
            `$TFDS_DATA_DIR`, else `~/tensorflow_datasets`.

    Returns:
        A list of strings, or `None` for a dataset without classes.
    """
    source = _source(name)
    if source == "fashion_mnist":
        return list(fashion_mnist.CLASS_NAMES)
    if source == "folder":
        return list(image_check.usable_image_files(name)[2]) or None
    if source == "tfds":
        builder = tfds_source.tfds_builder(name, data_dir, BUILTIN_NAMES)
        label = builder.info.features.get("label")
        names = getattr(label, "names", None)
        return list(names) if names else None
    num_classes = info(name, data_dir=data_dir).num_classes
    return [str(label) for label in range(num_classes)]


def load(
    name,
    split="train",
    batch_size=64,
    shuffle=True,
    seed=None,
    data_dir=None,
    image_size=None,
    channels=None,
    cache=True,
    drop_remainder=True,
    repeat=False,
    with_labels=False,
    shuffle_buffer_size=None,
    download=None,
):
    """Returns a batched `tf.data.Dataset` of training data by name.

    Images are decoded, converted to `channels`, resized to `image_size`,
    mapped to float32 `[-1, 1]`, cached, shuffled, batched and prefetched.
    The mixtures `"ring"` and `"grid"` ignore every argument but
    `batch_size`, `seed` and `with_labels`, and never end.

    Args:
        name: `"ring"`, `"grid"`, `"fashion_mnist"`, `"digits"`, any TFDS
            dataset with an image feature (e.g. `"mnist"`, `"cifar10"`,
            `"celeb_a"`, optionally with config and version), or a folder
            of images (a `pathlib.Path`, a path starting with `/`, `~` or
            `.`, or an existing directory).
        split: split to read, with TFDS slicing (`"train[:90%]"`). The
            digits and folder sources have one split, `"train"` (slicing
            works). Defaults to `"train"`.
        batch_size: examples per batch. Defaults to `64`.
        shuffle: shuffle examples (and TFDS files), again on every
            iteration. Defaults to `True`.
        seed: seed for shuffling (and the mixture stream); the same seed
            gives the same order. Defaults to `None`: drawn from Python's
            `random`, so `keras.utils.set_random_seed` fixes it.
        data_dir: TFDS data directory. Defaults to `None`:
            `$TFDS_DATA_DIR`, else `~/tensorflow_datasets`.
        image_size: resize to this size: an integer (square) or
            `(height, width)`. Defaults to `None`: the native size (for a
            folder, the size of its first image in sorted order).
        channels: 1 (grayscale) or 3 (RGB); converts when the source has
            the other. Defaults to `None`: the source's own (3 for a
            folder).
        cache: `True` caches the preprocessed images in memory when their
            estimated float32 size is known and at most
            `MEMORY_CACHE_LIMIT_BYTES` (2 GiB), else does not cache;
            `False` never caches; a string caches to files with that path
            prefix. Defaults to `True`.
        drop_remainder: drop the last partial batch, so the batch
            dimension is static. Defaults to `True`.
        repeat: `True` repeats without end, an integer that many times.
            Defaults to `False` (one pass per iteration, as `fit` expects
            for an epoch).
        with_labels: yield `(images, labels)` with int32 labels instead of
            images alone; for a folder, a label is the index of the
            image's top-level subfolder. Defaults to `False`.
        shuffle_buffer_size: shuffle buffer size. Defaults to `None`: the
            whole split when it is cached in memory, else 10,000.
        download: what to do with a TFDS dataset that is not prepared in
            `data_dir`: `True` downloads it, `False` raises
            `DatasetUnavailableError` at once, `None` downloads only if
            the download host answers within 3 seconds. Defaults to
            `None`.

    Returns:
        A `tf.data.Dataset` of float32 `[batch_size, height, width,
        channels]` images in `[-1, 1]` (or `[batch_size, 2]` points), or
        of `(images, labels)` pairs.

    Raises:
        ValueError: for an unknown name or invalid argument.
        DatasetUnavailableError: when the data cannot be had here.
    """
    batch_size = check_positive_int("batch_size", batch_size)
    image_size = image_files.normalize_image_size(image_size)
    image_files.check_channels(channels)
    if download not in (None, True, False):
        raise ValueError(
            "Invalid value for argument `download`. Expected None, True or "
            f"False. Received: download={download!r}"
        )
    source = _source(name)
    seed = resolve_seed(seed)
    if source == "mixture":
        return mixtures.mixture_dataset(
            name, batch_size, seed=seed, with_labels=with_labels
        )
    if source == "digits":
        dataset, shape, num_examples = digits.dataset(split)
    elif source == "folder":
        dataset, shape, num_examples = folders.dataset(
            name, split, channels, image_size, with_labels
        )
    else:
        if source == "fashion_mnist":
            builder = fashion_mnist.builder_for_load(data_dir, download)
        else:
            builder = tfds_source.prepared_builder(
                name, data_dir, download, BUILTIN_NAMES
            )
        dataset, shape, num_examples = tfds_source.dataset(
            builder, name, split, shuffle, seed, with_labels
        )
    shape = _output_shape(shape, image_size, channels)
    if None in shape:
        raise ValueError(
            f"Images of {name!r} vary in size ({shape}); pass `image_size` "
            "to resize them to one size."
        )

    # Folder images are resized while decoding: they differ in size.
    resize_to = None if source == "folder" else image_size

    def preprocess(image, label):
        image = image_files.convert_channels(image, channels)
        image = image_files.to_model_range(image)
        image = image_files.resize(image, resize_to)
        image = tf.ensure_shape(image, shape)
        return image, tf.cast(label, tf.int32)

    dataset = dataset.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE)
    if not with_labels:
        dataset = dataset.map(lambda image, label: image)
    in_memory = False
    if isinstance(cache, str):
        dataset = dataset.cache(cache)
    elif cache:
        size = None if num_examples is None else num_examples * 4
        if size is not None and size * math.prod(shape) <= (
            MEMORY_CACHE_LIMIT_BYTES
        ):
            dataset = dataset.cache()
            in_memory = True
    if shuffle:
        if shuffle_buffer_size is None:
            shuffle_buffer_size = (
                num_examples
                if in_memory
                else min(
                    num_examples or _DEFAULT_SHUFFLE_BUFFER,
                    _DEFAULT_SHUFFLE_BUFFER,
                )
            )
        dataset = dataset.shuffle(
            max(1, shuffle_buffer_size),
            seed=seed,
            reshuffle_each_iteration=True,
        )
    if repeat is True:
        dataset = dataset.repeat()
    elif repeat:
        dataset = dataset.repeat(int(repeat))
    dataset = dataset.batch(
        batch_size,
        drop_remainder=drop_remainder,
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return dataset.prefetch(tf.data.AUTOTUNE)


def _source(name):
    if isinstance(name, os.PathLike):
        return "folder"
    if not isinstance(name, str) or not name:
        raise ValueError(
            "Invalid value for argument `name`. Expected a non-empty string "
            f"or path. Received: name={name!r}"
        )
    if name in mixtures.MIXTURE_NAMES:
        return "mixture"
    if name in ("fashion_mnist", "digits"):
        return name
    if name.startswith(("/", "~", ".")) or os.path.isdir(name):
        return "folder"
    return "tfds"


def _output_shape(shape, image_size, channels):
    height, width, have = shape
    if image_size is not None:
        height, width = image_size
    return (height, width, channels or have)
