"""The run's export: the generator's SavedModel in `export_dir`, checked
before training and written at its end (docs/contracts.md, "SavedModel
signature")."""

import os

from keras_gan import export
from keras_gan.training import plan
from keras_gan.training.config import ConfigError

__all__ = ["check_export_destination", "export_run", "is_own_export"]


def check_export_destination(config, layout):
    """Raises `ConfigError` when `export_dir` holds another run's export
    (or anything else) and `overwrite_export` is not set.

    Args:
        config: A `TrainConfig`.
        layout: Its `keras_gan.training.workdir.WorkdirLayout`.
    """
    if not os.path.lexists(layout.export_dir) or config.overwrite_export:
        return
    if is_own_export(layout):
        return
    raise ConfigError(
        f"Export directory {layout.export_dir} exists and is not this "
        "run's export. Set `overwrite_export` to replace it, or choose "
        "another `export_dir`."
    )


def is_own_export(layout):
    """Whether `layout.export_dir` holds an export of this workdir's run."""
    metadata = export.read_metadata(layout.export_dir)
    return metadata.get("workdir") == layout.workdir


def export_run(gan, config, spec, layout):
    """Exports the generator of `gan` to `layout.export_dir`, unless the
    run's export of this step is there already.

    Args:
        gan: The trained GAN (its weight average, when it has one, is
            what is exported).
        config: The run's `TrainConfig`.
        spec: The data's `keras_gan.data.info`.
        layout: The `WorkdirLayout` to write to.

    Returns:
        The export's directory.
    """
    metadata = export.read_metadata(layout.export_dir)
    if (
        is_own_export(layout)
        and metadata.get("step") == gan.generator_steps
        and os.path.isdir(layout.export_dir)
    ):
        return layout.export_dir
    return export.export_generator(
        gan,
        layout.export_dir,
        value_range=spec.value_range,
        overwrite=True,
        metadata={
            "workdir": layout.workdir,
            "step": gan.generator_steps,
            "dataset": config.dataset,
            "split": config.split,
            # The export is the weight average when there is one.
            "ema_decay": config.ema_decay,
            "conditioning": config.conditioning,
        },
        class_names=plan.class_names(config, spec),
    )
