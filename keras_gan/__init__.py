"""keras_gan: generative adversarial networks for Keras 3 on TensorFlow.

Importing the package costs no more than importing Keras: the data,
metrics, export, training and plotting modules (which pull in
tensorflow-datasets, SciPy or matplotlib) load on first attribute access.
"""

import importlib

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
