"""The training application: a `TrainConfig` in, a trained, exported GAN out.

- `config`: `TrainConfig`, each field with its flag help, resumability and
  check, and the rules across fields.
- `train_lib`: `train(config)`: train, resume, stop, export; reads no flags.
  It runs on:
  - `plan`: the data, architecture, precision, steps and `fit` calls;
  - `build`: the compiled GAN of a config (`build_gan`) and the dtype
    policy it is built under;
  - `run_callbacks`: the callbacks of the run's `fit` calls;
  - `stopping`: the stopping rules and why a run stopped;
  - `run_export`: the generator's SavedModel;
  - `results`: `TrainResult`, the stop reasons, `TrainingDivergedError`.
- `workdir`: the layout of a run's directory (docs/contracts.md, "Workdir
  layout").
- `preflight`: the checks made before anything is written; `lock`: one
  run per workdir; `preemption`: stopping on SIGTERM or SIGINT;
  `precision`: the mixed precision of `"auto"`.

`bin/train` is its command line. The names below load on first access, so
importing this package stays light.
"""

import importlib

_LAZY = {
    "TrainConfig": "keras_gan.training.config",
    "ConfigError": "keras_gan.training.config",
    "TrainResult": "keras_gan.training.results",
    "build_gan": "keras_gan.training.build",
    "train": "keras_gan.training.train_lib",
}

__all__ = list(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(
        f"module 'keras_gan.training' has no attribute '{name}'"
    )
