"""A small CNN classifier trained on the domain, for FID/KID/PR features.

InceptionV3 features describe ImageNet photographs and its weights cannot be
downloaded everywhere; for 28x28 grayscale domains such as Fashion-MNIST a
classifier trained on the domain itself gives features that separate the
classes and are cheap to compute. Its penultimate layer (named `features`)
feeds the Frechet distance, KID and the manifold metrics; its logits feed the
classifier score. Scores computed with it compare only with scores from the
same classifier: quote its test accuracy and the real-vs-real floor.
"""

import datetime
import json
import os
import tempfile
import time
import warnings

import keras
import numpy as np

from keras_gan.metrics.fashion_mnist_idx import load_fashion_mnist_idx
from keras_gan.metrics.features import (
    FEATURE_LAYER_NAME,
    ClassifierFeatureExtractor,
)
from keras_gan.metrics.images import to_model_range, with_channels

__all__ = [
    "FASHION_MNIST_CLASSIFIER_VERSION",
    "build_classifier",
    "default_cache_dir",
    "fashion_mnist_classifier_paths",
    "load_fashion_mnist_feature_extractor",
    "load_or_train_fashion_mnist_classifier",
    "train_classifier",
]

# Bump when the architecture or the training recipe changes, so that cached
# weights from an older recipe are retrained rather than reused.
FASHION_MNIST_CLASSIFIER_VERSION = 1
_CACHE_STEM = f"fashion_mnist_classifier_v{FASHION_MNIST_CLASSIFIER_VERSION}"


def build_classifier(
    input_shape=(28, 28, 1),
    num_classes=10,
    feature_dim=128,
    dropout_rate=0.3,
    name="domain_classifier",
):
    """Builds the CNN classifier: two conv blocks, a feature layer, logits.

    `Conv(32) -> MaxPool -> Conv(64) -> MaxPool -> Dropout -> Dense(
    feature_dim, relu, name="features") -> Dropout -> Dense(num_classes)`,
    3x3 "same" convolutions with ReLU. It takes float32 NHWC images in
    [-1, 1] and returns logits.

    Args:
        input_shape: shape of one image, `(height, width, channels)`.
            Defaults to `(28, 28, 1)`.
        num_classes: number of classes. Defaults to `10`.
        feature_dim: width of the penultimate `features` layer. Defaults
            to `128`.
        dropout_rate: dropout before and after the feature layer. Defaults
            to `0.3`.
        name: model name. Defaults to `"domain_classifier"`.

    Returns:
        An uncompiled functional `keras.Model`.
    """
    layers = keras.layers
    inputs = keras.Input(shape=input_shape, name="images")
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(dropout_rate)(x)
    x = layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER_NAME)(x)
    x = layers.Dropout(dropout_rate)(x)
    logits = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def train_classifier(
    train_images,
    train_labels,
    test_images,
    test_labels,
    epochs=5,
    batch_size=128,
    learning_rate=1e-3,
    value_range=(-1.0, 1.0),
    seed=None,
    verbose=0,
    model=None,
):
    """Trains the classifier with Adam on sparse softmax cross-entropy.

    Five epochs on the 60,000 Fashion-MNIST training images reach about 91%
    test accuracy in under two minutes on two CPU cores.

    Args:
        train_images: NHWC (or NHW for one channel) images in
            `value_range`.
        train_labels: integer class labels of shape `[N]`.
        test_images: held-out images, as `train_images`.
        test_labels: held-out labels.
        epochs: passes over the training images. Defaults to `5`.
        batch_size: Defaults to `128`.
        learning_rate: Adam learning rate. Defaults to `1e-3`.
        value_range: `(low, high)` of the pixel values, mapped to the
            model's [-1, 1]; use `(0, 255)` for uint8 images. Defaults to
            `(-1.0, 1.0)`, the range of keras_gan's image pipelines.
        seed: if not `None`, passed to `keras.utils.set_random_seed` (which
            seeds Python, NumPy and TensorFlow globally) for a reproducible
            run. Defaults to `None`.
        verbose: verbosity of `fit`. Defaults to `0` (silent).
        model: a model to train instead of `build_classifier(...)` for the
            images' shape and `max(label) + 1` classes. Defaults to `None`.

    Returns:
        A tuple `(model, test_accuracy)`: the trained `keras.Model` and its
        accuracy on the test images, a Python float.
    """
    train_images = to_model_range(train_images, value_range, "train_images")
    test_images = to_model_range(test_images, value_range, "test_images")
    if train_images.ndim == 3:
        train_images = train_images[..., None]
    if test_images.ndim == 3:
        test_images = test_images[..., None]
    train_labels = np.asarray(train_labels).astype(np.int32)
    test_labels = np.asarray(test_labels).astype(np.int32)
    if len(train_images) != len(train_labels):
        raise ValueError(
            "Invalid values for arguments `train_images` and `train_labels`. "
            "Expected as many labels as images. Received: "
            f"{len(train_images)} images and {len(train_labels)} labels"
        )
    if len(test_images) != len(test_labels):
        raise ValueError(
            "Invalid values for arguments `test_images` and `test_labels`. "
            "Expected as many labels as images. Received: "
            f"{len(test_images)} images and {len(test_labels)} labels"
        )
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if model is None:
        num_classes = int(max(train_labels.max(), test_labels.max())) + 1
        model = build_classifier(
            input_shape=train_images.shape[1:], num_classes=num_classes
        )
    test_images = with_channels(
        test_images, model.input_shape[-1], "test_images"
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(
        train_images,
        train_labels,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=True,
        verbose=verbose,
    )
    logits = model.predict(test_images, batch_size=1000, verbose=0)
    test_accuracy = float(np.mean(logits.argmax(axis=1) == test_labels))
    return model, test_accuracy


def default_cache_dir():
    """Where cached classifier weights live.

    Returns:
        `$KERAS_GAN_CACHE` when set, else `~/.cache/keras_gan`.
    """
    return os.environ.get("KERAS_GAN_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "keras_gan"
    )


def _write_atomically(path, write):
    """Calls `write(temporary_path)`, then renames it onto `path`."""
    directory = os.path.dirname(path)
    stem, suffix = os.path.splitext(os.path.basename(path))
    fd, tmp_path = tempfile.mkstemp(
        prefix=f".{stem}.", suffix=f".tmp{suffix}", dir=directory
    )
    os.close(fd)
    try:
        write(tmp_path)
        # mkstemp creates the file private (0600); give it the permissions
        # of any newly created file, so a shared cache stays readable.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


def fashion_mnist_classifier_paths(cache_dir=None):
    """Paths of the cached Fashion-MNIST classifier and its metadata.

    Args:
        cache_dir: the cache folder. Defaults to `default_cache_dir()`.

    Returns:
        A tuple `(model_path, metadata_path)`: a `.keras` file and the JSON
        beside it that records the test accuracy.
    """
    cache_dir = cache_dir or default_cache_dir()
    return (
        os.path.join(cache_dir, f"{_CACHE_STEM}.keras"),
        os.path.join(cache_dir, f"{_CACHE_STEM}.json"),
    )


def _load_cached(model_path, metadata_path):
    if not (os.path.exists(model_path) and os.path.exists(metadata_path)):
        return None
    try:
        with open(metadata_path, encoding="utf-8") as f:
            metadata = json.load(f)
        if metadata.get("version") != FASHION_MNIST_CLASSIFIER_VERSION:
            return None
        test_accuracy = float(metadata["test_accuracy"])
        model = keras.saving.load_model(model_path, compile=False)
    except (OSError, ValueError, KeyError, TypeError) as error:
        warnings.warn(
            f"Ignoring the unreadable cached classifier {model_path}: "
            f"{error}. Retraining it.",
            stacklevel=3,
        )
        return None
    return model, test_accuracy


def load_or_train_fashion_mnist_classifier(
    cache_dir=None,
    data=None,
    data_dir=None,
    epochs=5,
    seed=0,
    retrain=False,
    verbose=0,
):
    """Loads the cached Fashion-MNIST classifier, training it if needed.

    The model is cached as `fashion_mnist_classifier_v1.keras` with a JSON
    beside it that records its test accuracy; both are written to a
    temporary file in the cache folder and renamed into place, so readers
    never see a partial file and concurrent trainers do not corrupt it.

    Args:
        cache_dir: the cache folder, created if missing. Defaults to
            `$KERAS_GAN_CACHE`, else `~/.cache/keras_gan`.
        data: training data when the cache is empty, a tuple
            `(train_images, train_labels, test_images, test_labels)` with
            images in [-1, 1] (e.g. from `keras_gan.data`). Defaults to
            `None`: the original IDX files in `data_dir`.
        data_dir: folder with the Fashion-MNIST IDX `.gz` files, used when
            `data` is `None`. Defaults to `/usr/share/datasets/
            fashion-mnist` (Debian package `dataset-fashion-mnist`).
        epochs: training epochs. Defaults to `5`.
        seed: global seed for training (see `train_classifier`). Defaults
            to `0`.
        retrain: train and overwrite the cache even when it holds a model.
            Defaults to `False`.
        verbose: verbosity of `fit`. Defaults to `0`.

    Returns:
        A tuple `(model, test_accuracy)`.
    """
    model_path, metadata_path = fashion_mnist_classifier_paths(cache_dir)
    if not retrain:
        cached = _load_cached(model_path, metadata_path)
        if cached is not None:
            return cached

    if data is None:
        data = (
            *load_fashion_mnist_idx("train", data_dir),
            *load_fashion_mnist_idx("test", data_dir),
        )
    train_images, train_labels, test_images, test_labels = data
    start = time.perf_counter()
    model, test_accuracy = train_classifier(
        train_images,
        train_labels,
        test_images,
        test_labels,
        epochs=epochs,
        seed=seed,
        verbose=verbose,
    )
    metadata = {
        "version": FASHION_MNIST_CLASSIFIER_VERSION,
        "test_accuracy": test_accuracy,
        "num_train_examples": len(train_images),
        "num_test_examples": len(test_images),
        "epochs": epochs,
        "seed": seed,
        "train_seconds": round(time.perf_counter() - start, 1),
        "keras_version": keras.__version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    }

    def write_metadata(path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(metadata, f, indent=2)

    os.makedirs(os.path.dirname(model_path), exist_ok=True)
    # The model first: a metadata file implies its model is complete.
    _write_atomically(model_path, model.save)
    _write_atomically(metadata_path, write_metadata)
    return model, test_accuracy


def load_fashion_mnist_feature_extractor(cache_dir=None, **kwargs):
    """The cached Fashion-MNIST classifier wrapped as a feature extractor.

    Args:
        cache_dir: see `load_or_train_fashion_mnist_classifier`.
        **kwargs: passed to `ClassifierFeatureExtractor` (e.g.
            `value_range`, `batch_size`).

    Returns:
        A `ClassifierFeatureExtractor` whose `test_accuracy` attribute holds
        the classifier's recorded test accuracy.
    """
    model, test_accuracy = load_or_train_fashion_mnist_classifier(cache_dir)
    extractor = ClassifierFeatureExtractor(model, **kwargs)
    extractor.test_accuracy = test_accuracy
    return extractor
