"""The training application: a `TrainConfig` in, a trained, exported GAN out.

- `config`: `TrainConfig`, its validation and the objects it builds.
- `train_lib`: `train(config)`: train, resume, stop, export; reads no flags.
- `workdir`: the layout of a run's directory.
- `preflight`: the checks made before anything is written.

`bin/train` is its command line. `TrainConfig` and `train` load on first
access, so importing this package (as the callbacks do) stays light.
"""

import importlib

_LAZY = {
    "TrainConfig": "keras_gan.training.config",
    "ConfigError": "keras_gan.training.config",
    "train": "keras_gan.training.train_lib",
}

__all__ = list(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(
        f"module 'keras_gan.training' has no attribute '{name}'"
    )
