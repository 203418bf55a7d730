"""InceptionV3 pool features, for image sets without a domain classifier.

Uses `keras.applications.InceptionV3` (ImageNet weights, no top, global
average pooling: 2,048 features). Its weights are never downloaded here: the
file must already be in Keras's cache or be passed explicitly, otherwise
`InceptionWeightsNotFoundError` is raised at once. Note that Keras's
InceptionV3 is not the 2015 TensorFlow graph that published FID numbers use,
so its distances compare with each other, not with papers.
"""

import os

import keras
import numpy as np

from keras_gan.metrics.images import to_model_range

__all__ = [
    "INCEPTION_V3_IMAGE_SIZE",
    "INCEPTION_V3_WEIGHTS_FILENAME",
    "INCEPTION_V3_WEIGHTS_URL",
    "InceptionV3FeatureExtractor",
    "InceptionWeightsNotFoundError",
    "inception_v3_weights_path",
    "preprocess_for_inception_v3",
]

INCEPTION_V3_WEIGHTS_FILENAME = (
    "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
)
INCEPTION_V3_WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/"
    "inception_v3/" + INCEPTION_V3_WEIGHTS_FILENAME
)
INCEPTION_V3_IMAGE_SIZE = 299


class InceptionWeightsNotFoundError(FileNotFoundError):
    """The InceptionV3 weights file is not on this machine."""


def _keras_cache_dirs():
    """The folders where `keras.utils.get_file` may have cached files."""
    candidates = []
    if os.environ.get("KERAS_HOME"):
        candidates.append(os.environ["KERAS_HOME"])
    candidates.append(os.path.join(os.path.expanduser("~"), ".keras"))
    # get_file falls back to /tmp/.keras when the home is not writable.
    candidates.append(os.path.join("/tmp", ".keras"))
    unique = []
    for directory in candidates:
        directory = os.path.expanduser(directory)
        if directory not in unique:
            unique.append(directory)
    return unique


def inception_v3_weights_path(weights_path=None, keras_cache_dir=None):
    """Finds the InceptionV3 no-top weights file without downloading it.

    Args:
        weights_path: an explicit path to the weights file (`.h5` from
            Keras, or a `.weights.h5` saved by Keras 3). Defaults to `None`:
            look in the Keras cache.
        keras_cache_dir: the Keras cache folder to look in (the file is
            expected in its `models/` subfolder). Defaults to `None`:
            `$KERAS_HOME`, Keras's configured home, `~/.keras` and
            `/tmp/.keras`.

    Returns:
        The path of an existing weights file.

    Raises:
        InceptionWeightsNotFoundError: when no such file exists. The message
            says where to put it.
    """
    if weights_path is not None:
        if os.path.isfile(weights_path):
            return weights_path
        searched = [weights_path]
    else:
        directories = (
            [keras_cache_dir] if keras_cache_dir else _keras_cache_dirs()
        )
        searched = [
            os.path.join(d, "models", INCEPTION_V3_WEIGHTS_FILENAME)
            for d in directories
        ]
        for path in searched:
            if os.path.isfile(path):
                return path
    raise InceptionWeightsNotFoundError(
        "InceptionV3 weights not found; keras_gan does not download them. "
        f"Searched: {', '.join(searched)}. Download {INCEPTION_V3_WEIGHTS_URL} "
        f"on a machine with network access and copy it to {searched[0]} "
        "(or another path above), or pass `weights_path=` explicitly. "
        "Without it, use a classifier trained on the domain "
        "(keras_gan.metrics.ClassifierFeatureExtractor)."
    )


def preprocess_for_inception_v3(images, value_range=(-1.0, 1.0)):
    """Maps images to InceptionV3's input: 299x299x3 in [-1, 1].

    Pixels are mapped linearly from `value_range` to [-1, 1] (the scaling of
    `keras.applications.inception_v3.preprocess_input`), one channel is
    repeated to three, and images are resized to 299x299 with bilinear
    interpolation, as in TF-GAN.

    Args:
        images: array of shape `[N, H, W, C]` with `C` in {1, 3}, or
            `[N, H, W]`.
        value_range: `(low, high)` of the pixel values. Defaults to
            `(-1.0, 1.0)`.

    Returns:
        Float32 array of shape `[N, 299, 299, 3]`.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "Invalid value for argument `images`. Expected NHWC images "
            f"with 1 or 3 channels. Received: shape={images.shape}"
        )
    images = to_model_range(images, value_range)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    size = INCEPTION_V3_IMAGE_SIZE
    if images.shape[1:3] != (size, size):
        images = keras.ops.convert_to_numpy(
            keras.ops.image.resize(
                images, (size, size), interpolation="bilinear"
            )
        )
    return images


class InceptionV3FeatureExtractor:
    """InceptionV3 2,048-d pool features of images, in batches.

    Images go through `preprocess_for_inception_v3` (to 299x299x3 in
    [-1, 1]) and the ImageNet-trained network without its top.

    Args:
        weights_path: see `inception_v3_weights_path`. Defaults to `None`.
        keras_cache_dir: see `inception_v3_weights_path`. Defaults to
            `None`.
        value_range: `(low, high)` of the pixel values that will be passed
            in. Defaults to `(-1.0, 1.0)`.
        batch_size: images per forward pass. Defaults to `64`.

    Raises:
        InceptionWeightsNotFoundError: at construction, before any model is
            built, when the weights are not on this machine.
    """

    has_logits = False
    num_features = 2048

    def __init__(
        self,
        weights_path=None,
        keras_cache_dir=None,
        value_range=(-1.0, 1.0),
        batch_size=64,
    ):
        self.weights_path = inception_v3_weights_path(
            weights_path, keras_cache_dir
        )
        self.value_range = tuple(value_range)
        self.batch_size = int(batch_size)
        size = INCEPTION_V3_IMAGE_SIZE
        # weights=None: build without touching the network, then load the
        # local file.
        self._model = keras.applications.InceptionV3(
            include_top=False,
            weights=None,
            input_shape=(size, size, 3),
            pooling="avg",
        )
        self._model.load_weights(self.weights_path)

    def features(self, images):
        """Pool features, float32 of shape `[N, 2048]`."""
        images = np.asarray(images)
        outputs = [np.zeros((0, self.num_features), np.float32)]
        for start in range(0, len(images), self.batch_size):
            batch = preprocess_for_inception_v3(
                images[start : start + self.batch_size], self.value_range
            )
            outputs.append(np.asarray(self._model.predict_on_batch(batch)))
        return np.concatenate(outputs)

    def __call__(self, images):
        return self.features(images)
