"""keras_gan: generative adversarial networks for Keras 3 on TensorFlow.

Importing the package costs no more than importing Keras: the data,
metrics, export, training and plotting modules (which pull in
tensorflow-datasets, SciPy or matplotlib) load on first attribute access.
"""

import importlib

try:
    import tensorflow  # noqa: F401
except ModuleNotFoundError as error:
    if error.name != "tensorflow":
        raise
    # Not a dependency of the package: the CPU and GPU wheels differ.
    raise ImportError(
        "keras_gan needs TensorFlow, which is not installed in this Python "
        "environment. Install `tensorflow-cpu` (CPU only) or "
        "`tensorflow[and-cuda]` (NVIDIA GPUs), e.g. `pip install "
        'tensorflow-cpu`, or `pip install "keras_gan[cpu]"` / '
        '`pip install "keras_gan[gpu]"`.'
    ) from None

from keras_gan import callbacks, layers, losses, models, schedules
from keras_gan.models.gan import GAN

__version__ = "0.1.0"

_LAZY_SUBMODULES = (
    "data",
    "metrics",
    "export",
    "training",
    "plots",
    "distribute",
)

__all__ = [
    "GAN",
    "callbacks",
    "layers",
    "losses",
    "models",
    "schedules",
    *_LAZY_SUBMODULES,
]


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"keras_gan.{name}")
    raise AttributeError(f"module 'keras_gan' has no attribute '{name}'")
