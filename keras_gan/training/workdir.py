"""Where a training run keeps its files (docs/contracts.md, "Workdir
layout")."""

import dataclasses
import os

from keras_gan import files
from keras_gan.training import config as config_lib

__all__ = ["WorkdirLayout", "read_config", "write_config"]


@dataclasses.dataclass(frozen=True)
class WorkdirLayout:
    """The paths of a run's files under its workdir.

    Args:
        workdir: The run's directory.
        export_dir: The SavedModel directory. Defaults to `None`:
            `workdir/export`.
    """

    workdir: str
    export_dir: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "workdir", os.path.abspath(self.workdir))
        export_dir = self.export_dir or os.path.join(self.workdir, "export")
        object.__setattr__(self, "export_dir", os.path.abspath(export_dir))

    @classmethod
    def of(cls, config):
        """The layout of a `TrainConfig`'s run."""
        return cls(config.workdir, config.export_dir)

    @property
    def config(self):
        return os.path.join(self.workdir, "config.json")

    @property
    def checkpoints(self):
        return os.path.join(self.workdir, "checkpoints")

    @property
    def samples(self):
        return os.path.join(self.workdir, "samples")

    @property
    def metrics(self):
        return os.path.join(self.workdir, "metrics.csv")

    @property
    def curves(self):
        return os.path.join(self.workdir, "curves.png")

    @property
    def tensorboard(self):
        return os.path.join(self.workdir, "tensorboard")


def read_config(layout):
    """Returns the `TrainConfig` saved in a workdir, or `None`.

    Raises:
        ConfigError: when the saved file is not a valid config.
    """
    if not os.path.exists(layout.config):
        return None
    try:
        data = files.read_json(layout.config)
        return config_lib.TrainConfig.from_dict(data)
    except (ValueError, TypeError) as error:
        raise config_lib.ConfigError(
            f"The workdir's {layout.config} is not a valid TrainConfig: {error}"
        ) from error


def write_config(layout, config):
    """Saves `config` as the workdir's `config.json`, atomically."""
    files.write_json(layout.config, config.to_dict())
