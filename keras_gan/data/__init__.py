"""Input pipelines for GAN training, as `tf.data` datasets.

`load(name, ...)` returns batches by dataset name: the toy 2D mixtures
(`"ring"`, `"grid"`), Fashion-MNIST prepared offline through TFDS,
scikit-learn's 8x8 digits, any prepared TFDS image dataset, or a folder of
images. Images are float32 NHWC in `[-1, 1]`; `to_unit_range` and
`from_unit_range` convert to and from `[0, 1]`. `info(name)` describes a
dataset without reading it, `class_names(name)` names its classes.
"""

from keras_gan.data import fashion_mnist
from keras_gan.data.errors import DatasetUnavailableError
from keras_gan.data.image_files import IMAGE_EXTENSIONS, IMAGE_RANGE
from keras_gan.data.mixtures import (
    GRID_STD,
    MIXTURE_NAMES,
    RING_STD,
    grid_means,
    mixture_dataset,
    mixture_means,
    ring_means,
    sample_mixture,
)
from keras_gan.data.registry import (
    BUILTIN_NAMES,
    MEMORY_CACHE_LIMIT_BYTES,
    DatasetSpec,
    class_names,
    info,
    load,
)
from keras_gan.plots import from_unit_range, to_unit_range

prepare_fashion_mnist = fashion_mnist.prepare

__all__ = [
    "BUILTIN_NAMES",
    "GRID_STD",
    "IMAGE_EXTENSIONS",
    "IMAGE_RANGE",
    "MEMORY_CACHE_LIMIT_BYTES",
    "MIXTURE_NAMES",
    "RING_STD",
    "DatasetSpec",
    "DatasetUnavailableError",
    "class_names",
    "fashion_mnist",
    "from_unit_range",
    "grid_means",
    "info",
    "load",
    "mixture_dataset",
    "mixture_means",
    "prepare_fashion_mnist",
    "ring_means",
    "sample_mixture",
    "to_unit_range",
]
