"""The plan of a run, fixed before anything is written: the data it
trains on, the architecture, the precision, the steps per epoch, the step
budget and the `fit` calls that spend it."""

import dataclasses
import math

from keras_gan import checkpoints, data, distribute
from keras_gan.training import precision, workdir
from keras_gan.training.config import AUTO, ConfigError

__all__ = [
    "ENDLESS_STEPS_PER_EPOCH",
    "FitSegment",
    "RunPlan",
    "class_names",
    "dataset_spec",
    "fit_segments",
    "get_strategy",
    "load_data",
    "make_plan",
    "resolve_architecture",
    "resolve_mixed_precision",
    "steps_per_epoch",
    "total_steps",
]

# Generator steps per epoch on the endless mixtures, unless configured.
ENDLESS_STEPS_PER_EPOCH = 500
# Epochs passed to fit when only a time budget bounds training.
_UNBOUNDED_EPOCHS = 10**6


@dataclasses.dataclass(frozen=True)
class RunPlan:
    """What a run trains on and for how long.

    Attributes:
        config: The `TrainConfig`, its `mixed_precision` made concrete
            (`resolve_mixed_precision`).
        spec: The data's `keras_gan.data.info`.
        architecture: The network pair's name (`"auto"` resolved).
        steps_per_epoch: Generator steps per epoch.
        total_steps: The step budget, or `None` when only a time budget
            bounds the run.
    """

    config: object
    spec: object
    architecture: str
    steps_per_epoch: int
    total_steps: int | None


@dataclasses.dataclass(frozen=True)
class FitSegment:
    """One `fit` call: `fit(initial_epoch=..., epochs=...,
    steps_per_epoch=...)`."""

    initial_epoch: int
    epochs: int
    steps_per_epoch: int


def make_plan(config, layout):
    """The `RunPlan` of `config`, whose run lives in `layout`.

    Args:
        config: A `TrainConfig`.
        layout: Its `keras_gan.training.workdir.WorkdirLayout`.

    Returns:
        A `RunPlan`.

    Raises:
        ConfigError: when the data, the architecture or the budget cannot
            work together.
        keras_gan.data.DatasetUnavailableError: when the data cannot be
            had here.
    """
    config = resolve_mixed_precision(config, layout)
    spec = dataset_spec(config)
    architecture = resolve_architecture(config, spec)
    per_epoch = steps_per_epoch(config, spec)
    return RunPlan(
        config=config,
        spec=spec,
        architecture=architecture,
        steps_per_epoch=per_epoch,
        total_steps=total_steps(config, per_epoch),
    )


def get_strategy(config):
    """The `tf.distribute.Strategy` of `config.strategy`.

    Raises:
        ConfigError: when the strategy cannot be made here.
    """
    try:
        return distribute.get_strategy(config.strategy, config.tpu_address)
    except (ValueError, RuntimeError) as error:
        raise ConfigError(str(error)) from error


def load_data(config, start_step):
    """The endless, shuffled training data of `config`, from `start_step`.

    Args:
        config: A `TrainConfig`.
        start_step: The generator step training starts from.

    Returns:
        A `tf.data.Dataset` of batches (with labels for a conditional
        run).
    """
    # The seed moves with the step, so a resumed run does not replay the
    # data order of the run's first steps.
    return data.load(
        config.dataset,
        split=config.split,
        batch_size=config.batch_size,
        shuffle=True,
        seed=config.seed + start_step,
        data_dir=config.data_dir,
        image_size=config.image_size,
        channels=config.channels,
        repeat=True,
        with_labels=config.conditioning is not None,
    )


def dataset_spec(config):
    """`keras_gan.data.info` of `config`'s data, with fixed-size samples.

    Raises:
        ConfigError: for a dataset that is not known or whose images vary
            in size without `image_size`.
        keras_gan.data.DatasetUnavailableError: when the data cannot be
            had here.
    """
    try:
        spec = data.info(
            config.dataset,
            split=config.split,
            data_dir=config.data_dir,
            image_size=config.image_size,
            channels=config.channels,
        )
    except data.DatasetUnavailableError:
        raise
    except ValueError as error:
        raise ConfigError(str(error)) from error
    if None in spec.element_shape:
        raise ConfigError(
            f"The images of {config.dataset!r} vary in size "
            f"({spec.element_shape}): set `image_size`."
        )
    return spec


def resolve_architecture(config, spec):
    """`config.architecture`, with `"auto"` made `"dcgan"` for images
    and `"mlp"` for points.

    Raises:
        ConfigError: when the architecture does not fit the data's rank.
    """
    architecture = config.architecture
    if architecture == AUTO:
        return "dcgan" if spec.kind == "images" else "mlp"
    rank = {"mlp": 1, "dcgan": 3, "resnet": 3}.get(architecture)
    if rank is not None and len(spec.element_shape) != rank:
        raise ConfigError(
            f"Invalid value for `architecture`. Expected an architecture "
            f"for {spec.kind} of shape {spec.element_shape} ('dcgan' for "
            f"images, 'mlp' for points). Received: architecture="
            f"{architecture!r}"
        )
    return architecture


def steps_per_epoch(config, spec):
    """Generator steps per epoch: `config.steps_per_epoch`, else one pass
    over a finite split in whole executions, else
    `ENDLESS_STEPS_PER_EPOCH`.

    Raises:
        ConfigError: when the split is smaller than one execution.
    """
    if config.steps_per_epoch is not None:
        return config.steps_per_epoch
    # Whole executions only (Keras runs no partial one; see TrainConfig).
    per_execution = config.steps_per_execution
    if spec.num_examples is None:
        return max(
            per_execution,
            ENDLESS_STEPS_PER_EPOCH - ENDLESS_STEPS_PER_EPOCH % per_execution,
        )
    per_step = config.batch_size * config.discriminator_steps
    steps = spec.num_examples // per_step
    steps -= steps % per_execution
    if steps < 1:
        raise ConfigError(
            f"Split {config.split!r} of {config.dataset!r} has "
            f"{spec.num_examples} examples, fewer than one execution needs "
            f"(batch_size * discriminator_steps * steps_per_execution = "
            f"{per_step * per_execution}). Use a smaller batch_size or "
            "steps_per_execution, or a larger split."
        )
    return steps


def total_steps(config, steps_per_epoch):
    """The step budget: the fewer of `steps` and `epochs` epochs' steps,
    or `None` when neither is set."""
    budgets = [config.steps]
    if config.epochs is not None:
        budgets.append(config.epochs * steps_per_epoch)
    budgets = [b for b in budgets if b is not None]
    return min(budgets) if budgets else None


def resolve_mixed_precision(config, layout):
    """`config` with `mixed_precision="auto"` made concrete.

    The precision the workdir's run started with (a resumed run keeps
    it), else what this machine runs fastest
    (`keras_gan.training.precision.resolve`).

    Args:
        config: A `TrainConfig`.
        layout: Its `keras_gan.training.workdir.WorkdirLayout`.

    Returns:
        A `TrainConfig` whose `mixed_precision` is not `"auto"`.
    """
    if config.mixed_precision != precision.AUTO:
        return config
    saved = workdir.read_config(layout)
    if (
        saved is not None
        and saved.mixed_precision != precision.AUTO
        and checkpoints.CheckpointManager(layout.checkpoints).checkpoints()
    ):
        value = saved.mixed_precision
    else:
        value = precision.resolve(precision.AUTO, config.strategy)
    return dataclasses.replace(config, mixed_precision=value)


def fit_segments(start_step, steps_per_epoch, total_steps):
    """The `fit` calls from `start_step`: a short first epoch when
    resuming mid-epoch, then whole epochs up to the budget.

    Args:
        start_step: The generator step training starts from.
        steps_per_epoch: Generator steps per epoch.
        total_steps: The step budget, or `None` for none.

    Returns:
        A list of `FitSegment`.
    """
    if total_steps is None:
        total_epochs = _UNBOUNDED_EPOCHS
    else:
        total_epochs = math.ceil(total_steps / steps_per_epoch)
    epoch, offset = divmod(start_step, steps_per_epoch)
    segments = []
    if offset:
        segments.append(FitSegment(epoch, epoch + 1, steps_per_epoch - offset))
        epoch += 1
    if epoch < total_epochs:
        segments.append(FitSegment(epoch, total_epochs, steps_per_epoch))
    return segments


def class_names(config, spec):
    """The names of a conditional run's classes (for the export and the
    sample grids' rows); `None` when the dataset names none or the run is
    unconditional."""
    if config.conditioning is None:
        return None
    names = data.class_names(config.dataset, data_dir=config.data_dir)
    return names if names and len(names) == spec.num_classes else None
