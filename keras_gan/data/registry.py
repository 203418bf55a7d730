"""`load` and `info`: every training input of keras_gan, by name.

Sources:

- `"ring"`, `"grid"`: the toy 2D mixtures (`keras_gan.data.mixtures`),
  float32 points in data coordinates, endless.
- `"fashion_mnist"`: TFDS `fashion_mnist`, prepared offline from the local
  IDX files when it is not prepared yet (`keras_gan.data.fashion_mnist`).
- `"digits"`: scikit-learn's 8x8 digits (1,797 images), offline.
- any other TFDS dataset with an image feature (`"mnist"`, `"cifar10"`,
  `"celeb_a"`, ...): read from `data_dir`. When it is not prepared there,
  it is downloaded only if the network answers; otherwise
  `DatasetUnavailableError` says how to get it, at once.
- a folder of images (a path starting with `/`, `~` or `.`, or an existing
  directory): png, jpg, bmp and gif files, searched recursively.

Images come out float32, NHWC, in `[-1, 1]` (see `keras_gan.data.images`).
"""

import dataclasses
import difflib
import math
import os
import re
import socket
import threading
import urllib.parse

import numpy as np
import tensorflow as tf

from keras_gan.arguments import check_positive_int
from keras_gan.data import fashion_mnist, images, mixtures
from keras_gan.data.errors import DatasetUnavailableError

BUILTIN_NAMES = ("ring", "grid", "fashion_mnist", "digits")

# In-memory caching is skipped above this estimated size (float32 images).
MEMORY_CACHE_LIMIT_BYTES = 2 * 1024**3
_DEFAULT_SHUFFLE_BUFFER = 10_000
_NETWORK_TIMEOUT_S = 3.0
_DIGITS_EXAMPLES = 1797


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
        return images.IMAGE_RANGE if self.kind == "images" else None


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
    image_size = images.normalize_image_size(image_size)
    images.check_channels(channels)
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
        builder = fashion_mnist._builder(data_dir)
        if builder.is_prepared():
            num_examples = _tfds_num_examples(builder, split)
        else:
            start, stop = _split_range(split, fashion_mnist.NUM_EXAMPLES)
            num_examples = stop - start
        shape = fashion_mnist.IMAGE_SHAPE
        num_classes = fashion_mnist.NUM_CLASSES
    elif source == "digits":
        shape = (8, 8, 1)
        start, stop = _split_range(split, {"train": _DIGITS_EXAMPLES})
        num_examples = stop - start
        num_classes = 10
    elif source == "folder":
        paths, labels, class_names = images.list_image_files(name)
        start, stop = _split_range(split, {"train": len(paths)})
        first = images.decode_image_file(paths[0], channels or 3)
        shape = tuple(first.shape)
        num_examples = stop - start
        num_classes = len(class_names) or None
    else:
        builder = _tfds_builder(name, data_dir)
        _, feature = _image_feature(builder, name)
        shape = tuple(feature.shape)
        num_examples = _tfds_num_examples(builder, split)
        num_classes = _tfds_num_classes(builder)
    return DatasetSpec(
        name=os.fspath(name),
        element_shape=_output_shape(shape, image_size, channels),
        num_examples=num_examples,
        num_classes=num_classes,
        kind="images",
    )


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
            gives the same order. Defaults to `None`.
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
    image_size = images.normalize_image_size(image_size)
    images.check_channels(channels)
    if download not in (None, True, False):
        raise ValueError(
            "Invalid value for argument `download`. Expected None, True or "
            f"False. Received: download={download!r}"
        )
    source = _source(name)
    if source == "mixture":
        return mixtures.mixture_dataset(
            name, batch_size, seed=seed, with_labels=with_labels
        )
    if source == "digits":
        dataset, shape, num_examples = _digits(split)
    elif source == "folder":
        dataset, shape, num_examples = _folder(
            name, split, channels, image_size, with_labels
        )
    else:
        if source == "fashion_mnist":
            builder = _fashion_mnist_builder(data_dir, download)
        else:
            builder = _prepared_tfds_builder(name, data_dir, download)
        dataset, shape, num_examples = _tfds(
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
        image = images.convert_channels(image, channels)
        image = images.to_model_range(image)
        image = images.resize(image, resize_to)
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


def _digits(split):
    from sklearn.datasets import load_digits

    digits = load_digits()
    start, stop = _split_range(split, {"train": len(digits.images)})
    pixels = digits.images[start:stop, :, :, None] / 16.0
    labels = digits.target[start:stop]
    dataset = tf.data.Dataset.from_tensor_slices(
        (pixels.astype(np.float32), labels.astype(np.int32))
    )
    return dataset, (8, 8, 1), stop - start


def _folder(name, split, channels, image_size, with_labels):
    paths, labels, class_names = images.list_image_files(name)
    if with_labels and min(labels) < 0:
        raise ValueError(
            f"`with_labels=True` needs every image of {os.fspath(name)!r} "
            "in a class subfolder (the label is the subfolder's index); "
            "some lie directly in the folder."
        )
    start, stop = _split_range(split, {"train": len(paths)})
    paths, labels = paths[start:stop], labels[start:stop]
    if not paths:
        raise ValueError(f"Split {split!r} of {os.fspath(name)!r} is empty.")
    channels = channels or 3
    if image_size is None:
        first = images.decode_image_file(paths[0], channels)
        image_size = tuple(first.shape[:2])

    def decode(path, label):
        image = images.decode_image_file(path, channels)
        image = tf.image.resize(
            tf.cast(image, tf.float32), image_size, antialias=True
        )
        # Back to [0, 1] so the shared preprocessing treats all sources
        # alike; resizing happens once, here.
        return tf.clip_by_value(image / 255.0, 0.0, 1.0), label

    dataset = tf.data.Dataset.from_tensor_slices(
        (paths, np.asarray(labels, dtype=np.int32))
    )
    dataset = dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE)
    shape = (*image_size, channels)
    dataset = dataset.map(
        lambda image, label: (tf.ensure_shape(image, shape), label)
    )
    return dataset, shape, len(paths)


def _fashion_mnist_builder(data_dir, download):
    builder = fashion_mnist._builder(data_dir)
    if builder.is_prepared():
        return builder
    try:
        fashion_mnist.find_source_files()
    except DatasetUnavailableError:
        if download is False or (
            download is None and not _network_reachable(builder)
        ):
            raise
        return _download(builder)
    return fashion_mnist.prepare(data_dir=data_dir)


def _tfds_builder(name, data_dir):
    import tensorflow_datasets as tfds

    data_dir = os.path.expanduser(data_dir or fashion_mnist.default_data_dir())
    try:
        return tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        known = tfds.list_builders(with_community_datasets=False)
        candidates = dict.fromkeys([*BUILTIN_NAMES, *known])
        close = difflib.get_close_matches(name, list(candidates), n=3)
        hint = f" Did you mean {close}?" if close else ""
        raise ValueError(
            "Invalid value for argument `name`. Expected one of "
            f"{BUILTIN_NAMES}, a TFDS dataset name or a folder of images. "
            f"Received: name={name!r}.{hint}"
        ) from None


def _prepared_tfds_builder(name, data_dir, download):
    builder = _tfds_builder(name, data_dir)
    _image_feature(builder, name)
    if builder.is_prepared():
        return builder
    if download is True or (download is None and _network_reachable(builder)):
        return _download(builder)
    root = builder.data_dir_root
    raise DatasetUnavailableError(
        f"TFDS dataset {name!r} is not prepared in {root} and cannot be "
        f"downloaded here (download={download}"
        + (", no network" if download is None else "")
        + "). On a machine with network access, prepare it with\n"
        f"    tfds build {builder.info.name} --data_dir=DIR\n"
        "(or `tfds.builder(name, data_dir=DIR).download_and_prepare()`), "
        f"then copy DIR/{builder.info.name} to {root}/ here, or pass "
        "`data_dir=` the directory that holds it."
    )


def _download(builder):
    import tensorflow_datasets as tfds

    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(try_download_gcs=False)
    )
    return builder


def _network_reachable(builder):
    """Whether the first download host of `builder` accepts a connection.

    Bounded by `_NETWORK_TIMEOUT_S` in total: name resolution, which
    ignores socket timeouts, runs in a daemon thread that is abandoned
    when it is too slow.
    """
    try:
        urls = list(builder.url_infos or {})
    except Exception:  # Builders without registered checksums.
        urls = []
    url = urllib.parse.urlsplit(
        urls[0] if urls else "https://storage.googleapis.com"
    )
    port = url.port or (443 if url.scheme == "https" else 80)
    result = []

    def connect():
        try:
            socket.create_connection(
                (url.hostname, port), timeout=_NETWORK_TIMEOUT_S
            ).close()
            result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(_NETWORK_TIMEOUT_S)
    return bool(result and result[0])


def _image_feature(builder, name):
    import tensorflow_datasets as tfds

    features = builder.info.features
    if "image" in features and isinstance(
        features["image"], tfds.features.Image
    ):
        return "image", features["image"]
    for key in features:
        if isinstance(features[key], tfds.features.Image):
            return key, features[key]
    raise ValueError(
        f"TFDS dataset {name!r} has no image feature (its features: "
        f"{list(features)}); keras_gan.data.load needs images."
    )


def _tfds(builder, name, split, shuffle, seed, with_labels):
    import tensorflow_datasets as tfds

    key, feature = _image_feature(builder, name)
    has_label = _tfds_num_classes(builder) is not None
    if with_labels and not has_label:
        raise ValueError(
            f"`with_labels=True` needs a class label; TFDS dataset {name!r} "
            f"has no `label` ClassLabel feature."
        )
    try:
        dataset = builder.as_dataset(
            split=split,
            shuffle_files=shuffle,
            read_config=tfds.ReadConfig(shuffle_seed=seed, try_autocache=False),
        )
    except (KeyError, ValueError, AssertionError) as error:
        raise ValueError(
            f"Invalid value for argument `split`. Expected one of "
            f"{list(builder.info.splits)} (TFDS slicing allowed). "
            f"Received: split={split!r}"
        ) from error

    def select(example):
        label = example["label"] if has_label else tf.constant(-1, tf.int64)
        return example[key], label

    dataset = dataset.map(select, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset, tuple(feature.shape), _tfds_num_examples(builder, split)


def _tfds_num_examples(builder, split):
    try:
        return int(builder.info.splits[split].num_examples) or None
    except (KeyError, ValueError, AssertionError):
        return None


def _tfds_num_classes(builder):
    import tensorflow_datasets as tfds

    features = builder.info.features
    if "label" in features and isinstance(
        features["label"], tfds.features.ClassLabel
    ):
        return features["label"].num_classes
    return None


_SPLIT_RE = re.compile(
    r"^(?P<base>\w+)(?:\[(?P<start>-?\d+%?)?:(?P<stop>-?\d+%?)?\])?$"
)


def _split_range(split, sizes):
    """`(start, stop)` of split `"name"` or `"name[a:b]"` in `sizes`."""
    match = _SPLIT_RE.match(split) if isinstance(split, str) else None
    if match is None or match["base"] not in sizes:
        raise ValueError(
            "Invalid value for argument `split`. Expected one of "
            f"{list(sizes)}, optionally sliced ('train[:80%]', "
            f"'train[100:]'). Received: split={split!r}"
        )
    size = sizes[match["base"]]

    def bound(text, default):
        if text is None:
            return default
        if text.endswith("%"):
            value = round(int(text[:-1]) * size / 100)
        else:
            value = int(text)
        if value < 0:
            value += size
        return min(max(value, 0), size)

    start, stop = bound(match["start"], 0), bound(match["stop"], size)
    return start, max(start, stop)
