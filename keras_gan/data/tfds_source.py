"""TFDS datasets as a source: builders, offline checks, image and label
features."""

import difflib
import os
import socket
import threading
import urllib.parse

import tensorflow as tf

from keras_gan.data.errors import DatasetUnavailableError

__all__ = [
    "dataset",
    "default_data_dir",
    "download_and_prepare",
    "image_feature",
    "is_prepared",
    "network_reachable",
    "num_classes",
    "num_examples",
    "prepared_builder",
    "tfds_builder",
]

_NETWORK_TIMEOUT_S = 3.0


def default_data_dir():
    """Returns the TFDS data directory used when none is given.

    Returns:
        `$TFDS_DATA_DIR` if set, else `~/tensorflow_datasets`, read at call
        time (TFDS reads it once, at import).
    """
    return os.path.expanduser(
        os.environ.get("TFDS_DATA_DIR") or "~/tensorflow_datasets"
    )


def tfds_builder(name, data_dir, other_names=()):
    """The TFDS builder of `name`; an unknown name is a `ValueError` that
    suggests close names among TFDS's and `other_names`."""
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
    import tensorflow_datasets as tfds

    data_dir = os.path.expanduser(data_dir or default_data_dir())
    try:
        return tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        known = tfds.list_builders(with_community_datasets=False)
        candidates = dict.fromkeys([*other_names, *known])
        close = difflib.get_close_matches(name, list(candidates), n=3)
        hint = f" Did you mean {close}?" if close else ""
        raise ValueError(
            "Invalid value for argument `name`. Expected one of "
            f"{tuple(other_names)}, a TFDS dataset name or a folder of images. "
            f"Received: name={name!r}.{hint}"
        ) from None


def is_prepared(builder):
    """Whether TFDS can read `builder`'s dataset as it is.

    `builder.is_prepared()`, without the warning "Variant folder ... has
    no dataset_info.json" that TFDS logs when the folder does not exist
    yet; a folder that exists without it is still warned about.
    """
    return builder.data_path.exists() and builder.is_prepared()


def prepared_builder(name, data_dir, download, other_names=()):
    builder = tfds_builder(name, data_dir, other_names)
    image_feature(builder, name)
    if is_prepared(builder):
        return builder
    if download is True or (download is None and network_reachable(builder)):
        return download_and_prepare(builder)
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


def download_and_prepare(builder):
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
    import tensorflow_datasets as tfds

    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(try_download_gcs=False)
    )
    return builder


def network_reachable(builder):
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


def image_feature(builder, name):
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
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


def dataset(builder, name, split, shuffle, seed, with_labels):
    """`(dataset, image_shape, num_examples)`: unbatched `(image, label)`
    pairs as stored (uint8 images; label -1 without a label feature)."""
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
    import tensorflow_datasets as tfds

    key, feature = image_feature(builder, name)
    has_label = num_classes(builder) is not None
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
    return dataset, tuple(feature.shape), num_examples(builder, split)


def num_examples(builder, split):
    try:
        return int(builder.info.splits[split].num_examples) or None
    except (KeyError, ValueError, AssertionError):
        return None


def num_classes(builder):
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
    import tensorflow_datasets as tfds

    features = builder.info.features
    if "label" in features and isinstance(
        features["label"], tfds.features.ClassLabel
    ):
        return features["label"].num_classes
    return None
