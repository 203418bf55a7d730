"""`TrainConfig`: everything one training run needs, checked in one place.

A config is plain data: it round-trips through JSON (`to_dict` /
`from_dict`), which is how the workdir remembers the run it holds, and
`check_resumable` says whether a new config may continue that run.
"""

import dataclasses
import math
import os

from keras_gan import augment, distribute, losses, models
from keras_gan.models.gan import PENALTY_INPUTS

AUTO = "auto"
LOSS_THRESHOLD_MODES = ("below", "above")
LOGGED_KEYS = ("d_loss", "g_loss", "d_real", "d_fake")
JIT_COMPILE_VALUES = (AUTO, True, False)
MIXED_PRECISION_VALUES = (None, "float16", "bfloat16", "auto")

# Settings a resumed run may change: budgets, stopping rules, how often
# things are written, where, speed knobs that do not change the maths, and
# the learning rates (lowered to go on after a divergence).
# Everything else shapes the model, its optimizers or its data, and must
# match the checkpoint.
RESUMABLE_FIELDS = frozenset(
    {
        "data_dir",
        "epochs",
        "steps",
        "max_train_minutes",
        "equilibrium_tolerance",
        "equilibrium_patience",
        "loss_threshold",
        "loss_threshold_monitor",
        "loss_threshold_mode",
        "workdir",
        "export_dir",
        "overwrite_export",
        "sample_every_n_epochs",
        "num_samples",
        "eval_every_n_epochs",
        "eval_num_samples",
        "checkpoint_every_n_epochs",
        "checkpoint_every_n_steps",
        "keep_checkpoints",
        "log_every_n_steps",
        "jit_compile",
        "steps_per_execution",
        # Lowered to go on after a divergence (see train_lib).
        "g_learning_rate",
        "d_learning_rate",
        # A step is the same computation on any number of replicas.
        "strategy",
        "tpu_address",
        # The fresh-discriminator stopping rule and its figures.
        "fresh_d_every_n_epochs",
        "fresh_d_tolerance",
        "fresh_d_patience",
        "fresh_d_min_delta",
        "fresh_d_num_samples",
        "fresh_d_steps",
        "fresh_d_restore_best_weights",
        "fresh_d_features",
        "fresh_d_repeats",
    }
)


FRESH_D_FEATURES = ("auto", "classifier", "samples")


class ConfigError(ValueError):
    """An invalid training configuration: the message names each bad
    field, what was expected and what was received."""


class IncompatibleConfigError(ConfigError):
    """A config that cannot resume the run already in its workdir."""


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """The settings of one training run.

    Validated on construction (`ConfigError` lists every invalid field).
    Sequences are stored as tuples, so a config compares equal to its
    JSON round trip.

    Attributes:
        dataset: Name for `keras_gan.data.load`: `"fashion_mnist"`,
            `"ring"`, `"grid"`, `"digits"`, a TFDS name or an image folder.
        split: Split to train on (TFDS slicing allowed, `"train[:10%]"`).
        data_dir: TFDS data directory. `None`: `$TFDS_DATA_DIR`, else
            `~/tensorflow_datasets`.
        image_size: Resize images to this square size. `None`: native.
        channels: 1 or 3 to convert images. `None`: the dataset's own.
        architecture: One of `keras_gan.models.architecture_names()`, or
            `"auto"`: `"dcgan"` for images, `"mlp"` for points.
        base_filters: Width of the DCGAN networks.
        hidden_units: Hidden layer widths of the MLP networks.
        latent_dim: Size of the noise vector.
        loss: One of `keras_gan.losses.loss_names()`.
        penalties: Names from `keras_gan.losses.penalty_names()`.
        penalty_weights: One weight per penalty, or empty for the
            penalties' default weights.
        discriminator_steps: Discriminator updates per generator update.
        batch_size: Real samples per discriminator update.
        g_learning_rate: Adam learning rate of the generator.
        d_learning_rate: Adam learning rate of the discriminator.
        beta_1: Adam beta_1 of both optimizers.
        beta_2: Adam beta_2 of both optimizers.
        lr_decay_fraction: Hold both learning rates for the first `1 -
            lr_decay_fraction` of the run's steps, then decay them
            linearly to 1% at its last step
            (`keras_gan.schedules.ConstantThenLinearDecay`); needs a step
            budget (`steps` or `epochs`). 0: constant rates.
        ema_decay: Keep an exponential moving average of the generator's
            weights with this decay per step (`GAN(ema_decay=...)`); the
            sample pictures, evaluations and the export then come from
            the average. `None`: no average.
        epochs: Total epochs. `None`: no epoch budget.
        steps: Total generator updates. `None`: no step budget.
        steps_per_epoch: Generator updates per epoch. `None`: one pass
            over a finite split (`examples // (batch_size *
            discriminator_steps)`), 500 for the endless mixtures.
        max_train_minutes: Training time budget, summed over resumed runs.
            `None`: no time budget.
        equilibrium_tolerance: Stop when `d_real` and `d_fake` stay within
            this of the loss's equilibrium output (0.5) at
            `equilibrium_patience` consecutive epoch ends. `None`: off.
        equilibrium_patience: See `equilibrium_tolerance`.
        loss_threshold: Stop when `loss_threshold_monitor` crosses this at
            an epoch end. `None`: off.
        loss_threshold_monitor: The logged key compared with
            `loss_threshold`.
        loss_threshold_mode: `"below"` or `"above"`.
        seed: Seed of the weights, the noise and the data order.
        workdir: Directory of the run (required).
        export_dir: Where the SavedModel goes. `None`: `workdir/export`.
        overwrite_export: Replace an existing `export_dir` that is not
            this run's own.
        sample_every_n_epochs: Write a sample picture every this many
            epochs.
        num_samples: Samples per picture. `None`: 64 images or 1,000
            points.
        eval_every_n_epochs: Score samples every this many epochs with
            `keras_gan.callbacks.Evaluation` (mode metrics for the ring
            and grid, feature metrics for 28x28x1 images, and for a
            conditional run on labelled images `label_accuracy` and
            `intra_class_fd`); the figures go into the metrics log,
            TensorBoard and the history. `None`: never.
        eval_num_samples: Samples per evaluation. `None`: 2,500 points or
            10,000 images.
        checkpoint_every_n_epochs: Checkpoint every this many epochs.
        checkpoint_every_n_steps: Also checkpoint every this many
            generator updates. `None`: only at epoch ends.
        keep_checkpoints: Checkpoints kept (the newest).
        log_every_n_steps: Rows of the metrics log: one per this many
            generator updates (and one at every epoch end).
        jit_compile: `"auto"`, `True` or `False`, as for `Model.compile`.
        steps_per_execution: Steps per `tf.function` call.
        mixed_precision: `"float16"` or `"bfloat16"`: train with Keras's
            `"mixed_float16"` (GPUs; with loss scaling) or
            `"mixed_bfloat16"` (CPUs with bf16 units, TPUs, recent GPUs)
            dtype policy. `None`: float32. `"auto"`: what the machine runs
            fastest (`keras_gan.training.precision`), fixed when the run
            starts (`config.json` records it; a resumed run keeps it).
        strategy: One of `keras_gan.distribute.STRATEGY_NAMES`: `"default"`
            (one device), `"mirrored"` (the local GPUs), `"multi_worker"`
            (hosts in `TF_CONFIG`; the chief alone keeps files) or `"tpu"`.
            `batch_size` is the global batch, divisible by the replicas.
        tpu_address: For `"tpu"`: the TPU's name or `grpc://` address,
            `"local"` on a TPU VM. `None`: `$TPU_NAME`.
        conditioning: Train a class-conditional GAN on the dataset's
            labels with this mechanism, one of
            `keras_gan.models.conditioning_names()`: `"projection"`
            (conditional batch normalisation in the generator, projection
            discriminator) or `"concat"` (one-hot labels concatenated to
            both players' inputs). `None`: unconditional.
        augment: Augment the discriminator's inputs (images only):
            `"diffaugment"` (`keras_gan.augment.DiffAugment`, colour,
            translation and cutout) or `"ada"` (`AdaptiveAugment`). `None`:
            no augmentation.
        r1_interval: With the `"r1"` penalty: penalise every this many
            discriminator updates, with this times the weight (lazy R1).
        ada_target: With `augment="ada"`: the target of the overfitting
            signal `r_t = E[sign(D(real))]`.
        penalty_inputs: With `augment` and an input penalty (R1, gradient
            penalty): `"augmented"`, the penalty differentiates the
            discriminator through the update's augmentation with respect
            to the raw batch (the DiffAugment and ADA reference code), or
            `"raw"`, the penalty is computed on the un-augmented batch
            (`GAN(penalty_inputs=...)`).
        fresh_d_every_n_epochs: Every this many epochs, train a fresh
            discriminator on real versus generated samples and log its
            held-out figures (`fresh_d_accuracy`, `fresh_d_real`,
            `fresh_d_fake`, `fresh_d_p_value`;
            `keras_gan.callbacks.FreshDiscriminatorStopping`). `None`:
            never.
        fresh_d_tolerance: Stop when the fresh discriminator's held-out
            accuracy is within this of 1/2. `None`: not for this reason.
        fresh_d_patience: Stop when that accuracy has not fallen by more
            than `fresh_d_min_delta` for this many evaluations. `None`:
            not for this reason.
        fresh_d_min_delta: See `fresh_d_patience`.
        fresh_d_num_samples: Real and generated samples per test (half of
            each held out). `None`: 2,500 points or 10,000 images.
        fresh_d_steps: Training steps of each fresh discriminator.
        fresh_d_restore_best_weights: When the fresh-discriminator rule
            stops, go back to the weights of its lowest accuracy (which
            the checkpoint and the export then hold).
        fresh_d_features: What the fresh discriminator compares:
            `"classifier"`, the Fashion-MNIST classifier's features of
            28x28 grayscale images (what tracks sample quality, see
            `keras_gan.metrics.fresh_discriminator_test`); `"samples"`,
            the samples themselves; `"auto"`, the classifier's features
            where the images fit it, the samples otherwise.
        fresh_d_repeats: Independent fresh discriminators averaged per
            evaluation.
    """

    dataset: str = "fashion_mnist"
    split: str = "train"
    data_dir: str | None = None
    image_size: int | None = None
    channels: int | None = None
    architecture: str = AUTO
    base_filters: int = 64
    hidden_units: tuple = (256, 256, 256)
    latent_dim: int = 64
    loss: str = "non_saturating"
    penalties: tuple = ()
    penalty_weights: tuple = ()
    discriminator_steps: int = 1
    batch_size: int = 64
    g_learning_rate: float = 2e-4
    d_learning_rate: float = 2e-4
    beta_1: float = 0.5
    beta_2: float = 0.999
    lr_decay_fraction: float = 0.0
    ema_decay: float | None = None
    epochs: int | None = None
    steps: int | None = None
    steps_per_epoch: int | None = None
    max_train_minutes: float | None = None
    equilibrium_tolerance: float | None = None
    equilibrium_patience: int = 3
    loss_threshold: float | None = None
    loss_threshold_monitor: str = "g_loss"
    loss_threshold_mode: str = "below"
    seed: int = 0
    workdir: str | None = None
    export_dir: str | None = None
    overwrite_export: bool = False
    sample_every_n_epochs: int = 1
    num_samples: int | None = None
    eval_every_n_epochs: int | None = None
    eval_num_samples: int | None = None
    checkpoint_every_n_epochs: int = 1
    checkpoint_every_n_steps: int | None = None
    keep_checkpoints: int = 3
    log_every_n_steps: int = 10
    jit_compile: str | bool = AUTO
    steps_per_execution: int = 1
    mixed_precision: str | None = None
    strategy: str = "default"
    tpu_address: str | None = None
    conditioning: str | None = None
    augment: str | None = None
    r1_interval: int = 1
    ada_target: float = 0.6
    penalty_inputs: str = "augmented"
    fresh_d_every_n_epochs: int | None = None
    fresh_d_tolerance: float | None = None
    fresh_d_patience: int | None = None
    fresh_d_min_delta: float = 0.0
    fresh_d_num_samples: int | None = None
    fresh_d_steps: int = 1000
    fresh_d_restore_best_weights: bool = True
    fresh_d_features: str = "auto"
    fresh_d_repeats: int = 1

    def __post_init__(self):
        for name in ("hidden_units", "penalties", "penalty_weights"):
            value = getattr(self, name)
            if isinstance(value, (list, tuple)):
                object.__setattr__(self, name, tuple(value))
        for name in ("workdir", "export_dir", "data_dir"):
            value = getattr(self, name)
            if isinstance(value, os.PathLike):
                object.__setattr__(self, name, os.fspath(value))
        errors = _errors(self)
        if errors:
            raise ConfigError(_join(errors))

    @property
    def resolved_export_dir(self):
        """`export_dir`, or `workdir/export` when it is unset."""
        if self.export_dir is not None:
            return self.export_dir
        return os.path.join(self.workdir, "export")

    def to_dict(self):
        """The config as JSON-ready data."""
        data = dataclasses.asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return data

    @classmethod
    def from_dict(cls, data):
        """Builds a config from `to_dict` data; unknown keys are an error.

        Args:
            data: A dict of field values; missing fields take defaults.

        Returns:
            A validated `TrainConfig`.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"Unknown TrainConfig fields {unknown}. Expected fields "
                f"among {sorted(known)}."
            )
        return cls(**data)


def check_resumable(saved, new):
    """Raises `IncompatibleConfigError` unless `new` may resume `saved`.

    Args:
        saved: The `TrainConfig` the workdir's run was started with.
        new: The `TrainConfig` of the run resuming it.
    """
    differences = [
        f"`{f.name}`: the workdir's run has {getattr(saved, f.name)!r}, "
        f"this run {getattr(new, f.name)!r}"
        for f in dataclasses.fields(TrainConfig)
        if f.name not in RESUMABLE_FIELDS
        and getattr(saved, f.name) != getattr(new, f.name)
    ]
    if differences:
        raise IncompatibleConfigError(
            f"Cannot resume the run in {new.workdir}: its settings differ "
            "in what shapes the model, its optimizers or its data.\n  "
            + "\n  ".join(differences)
            + "\nUse another workdir, or the saved settings (config.json "
            "in the workdir). Only budgets, stopping rules, output "
            "frequencies, paths and learning rates may change: "
            f"{sorted(RESUMABLE_FIELDS)}."
        )


def _join(errors):
    if len(errors) == 1:
        return errors[0]
    return "Invalid training configuration:\n  " + "\n  ".join(errors)


def _invalid(name, expected, value):
    return (
        f"Invalid value for `{name}`. Expected {expected}. "
        f"Received: {name}={value!r}"
    )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _errors(config):
    errors = []

    def check(name, ok, expected):
        if not ok:
            errors.append(_invalid(name, expected, getattr(config, name)))

    def positive_int(name, optional=False):
        value = getattr(config, name)
        if optional and value is None:
            return
        check(
            name,
            _is_int(value) and value > 0,
            "a positive integer" + (" or None" if optional else ""),
        )

    def positive_float(name, optional=False):
        value = getattr(config, name)
        if optional and value is None:
            return
        check(
            name,
            _is_number(value) and value > 0,
            "a positive number" + (" or None" if optional else ""),
        )

    for name in ("dataset", "split"):
        value = getattr(config, name)
        check(name, isinstance(value, str) and value, "a non-empty string")
    positive_int("image_size", optional=True)
    check(
        "channels",
        config.channels in (None, 1, 3),
        "1, 3 or None",
    )
    architectures = [AUTO, *models.architecture_names()]
    check(
        "architecture",
        config.architecture in architectures,
        f"one of {architectures}",
    )
    positive_int("base_filters")
    check(
        "hidden_units",
        isinstance(config.hidden_units, tuple)
        and len(config.hidden_units) > 0
        and all(_is_int(u) and u > 0 for u in config.hidden_units),
        "a non-empty sequence of positive integers",
    )
    positive_int("latent_dim")
    loss_names = losses.loss_names()
    check("loss", config.loss in loss_names, f"one of {loss_names}")
    penalty_names = losses.penalty_names()
    check(
        "penalties",
        isinstance(config.penalties, tuple)
        and all(p in penalty_names for p in config.penalties)
        and len(set(config.penalties)) == len(config.penalties),
        f"distinct names among {penalty_names}",
    )
    check(
        "penalty_weights",
        isinstance(config.penalty_weights, tuple)
        and len(config.penalty_weights) in (0, len(config.penalties))
        and all(_is_number(w) and w > 0 for w in config.penalty_weights),
        "positive numbers, one per penalty (or none for the defaults)",
    )
    positive_int("discriminator_steps")
    positive_int("batch_size")
    for name in ("g_learning_rate", "d_learning_rate"):
        positive_float(name)
    for name in ("beta_1", "beta_2"):
        value = getattr(config, name)
        check(name, _is_number(value) and 0 <= value < 1, "a number in [0, 1)")
    check(
        "lr_decay_fraction",
        _is_number(config.lr_decay_fraction)
        and 0 <= config.lr_decay_fraction <= 1,
        "a number in [0, 1]",
    )
    check(
        "ema_decay",
        config.ema_decay is None
        or (_is_number(config.ema_decay) and 0 < config.ema_decay < 1),
        "a number in (0, 1) or None",
    )
    positive_int("epochs", optional=True)
    positive_int("steps", optional=True)
    positive_int("steps_per_epoch", optional=True)
    positive_float("max_train_minutes", optional=True)
    if (config.epochs, config.steps, config.max_train_minutes) == (None,) * 3:
        errors.append(
            "No training budget: training would never stop. Expected at "
            "least one of `epochs`, `steps` or `max_train_minutes`. "
            "Received: epochs=None, steps=None, max_train_minutes=None"
        )
    if (
        _is_number(config.lr_decay_fraction)
        and config.lr_decay_fraction > 0
        and config.epochs is None
        and config.steps is None
    ):
        errors.append(
            "`lr_decay_fraction` decays the learning rates towards the "
            "run's last step, so it needs a step budget. Expected `steps` "
            "or `epochs`. Received: lr_decay_fraction="
            f"{config.lr_decay_fraction!r}, epochs=None, steps=None"
        )
    positive_float("equilibrium_tolerance", optional=True)
    positive_int("equilibrium_patience")
    if (
        config.equilibrium_tolerance is not None
        and config.loss in loss_names
        and losses.get(config.loss).equilibrium_output is None
    ):
        errors.append(
            "Equilibrium stopping needs a loss whose discriminator has "
            "an equilibrium output (0.5): minimax, non_saturating or "
            f"least_squares. Received: loss={config.loss!r}, "
            f"equilibrium_tolerance={config.equilibrium_tolerance!r}"
        )
    check(
        "loss_threshold",
        config.loss_threshold is None or _is_number(config.loss_threshold),
        "a finite number or None",
    )
    logged = list(LOGGED_KEYS)
    if all(p in penalty_names for p in config.penalties):
        logged += [losses.get_penalty(p).name for p in config.penalties]
    check(
        "loss_threshold_monitor",
        config.loss_threshold_monitor in logged,
        f"a logged key, one of {logged}",
    )
    check(
        "loss_threshold_mode",
        config.loss_threshold_mode in LOSS_THRESHOLD_MODES,
        f"one of {LOSS_THRESHOLD_MODES}",
    )
    check("seed", _is_int(config.seed) and config.seed >= 0, "an integer >= 0")
    check(
        "workdir",
        isinstance(config.workdir, str) and config.workdir,
        "a directory path",
    )
    for name in ("export_dir", "data_dir"):
        value = getattr(config, name)
        check(
            name,
            value is None or (isinstance(value, str) and value),
            "a directory path or None",
        )
    check(
        "overwrite_export",
        isinstance(config.overwrite_export, bool),
        "True or False",
    )
    check(
        "mixed_precision",
        config.mixed_precision in MIXED_PRECISION_VALUES,
        f"one of {MIXED_PRECISION_VALUES}",
    )
    positive_int("sample_every_n_epochs")
    positive_int("num_samples", optional=True)
    positive_int("eval_every_n_epochs", optional=True)
    positive_int("eval_num_samples", optional=True)
    positive_int("checkpoint_every_n_epochs")
    positive_int("checkpoint_every_n_steps", optional=True)
    positive_int("keep_checkpoints")
    positive_int("log_every_n_steps")
    check(
        "jit_compile",
        isinstance(config.jit_compile, bool) or config.jit_compile == AUTO,
        f"one of {JIT_COMPILE_VALUES}",
    )
    positive_int("steps_per_execution")
    per_execution = config.steps_per_execution
    for name in ("steps_per_epoch", "steps"):
        value = getattr(config, name)
        if (
            _is_int(value)
            and _is_int(per_execution)
            and per_execution > 1
            and value % per_execution
        ):
            # Keras runs whole executions: an epoch of 10 steps at 4 per
            # execution makes 12 generator updates.
            errors.append(
                f"Expected `{name}` to be a multiple of "
                f"`steps_per_execution` ({per_execution}): training runs "
                "whole executions, so it would make more generator updates "
                f"than asked. Received: {name}={value}"
            )
    names = distribute.STRATEGY_NAMES
    check("strategy", config.strategy in names, f"one of {names}")
    check(
        "tpu_address",
        config.tpu_address is None
        or (isinstance(config.tpu_address, str) and config.strategy == "tpu"),
        "None, or an address with strategy='tpu'",
    )
    from keras_gan.models import conditioning_names

    check(
        "conditioning",
        config.conditioning is None
        or config.conditioning in conditioning_names(),
        f"None or one of {conditioning_names()}",
    )
    augment_names = [None, *augment.names()]
    check("augment", config.augment in augment_names, f"one of {augment_names}")
    positive_int("r1_interval")
    check(
        "ada_target",
        _is_number(config.ada_target) and -1 <= config.ada_target <= 1,
        "a number in [-1, 1]",
    )
    check(
        "penalty_inputs",
        config.penalty_inputs in PENALTY_INPUTS,
        f"one of {list(PENALTY_INPUTS)}",
    )
    if config.strategy == "multi_worker" and config.max_train_minutes:
        # Each worker has its own clock: they could stop at different steps
        # and leave the others waiting in a collective op.
        errors.append(
            "`max_train_minutes` cannot be used with strategy="
            "'multi_worker': the workers must stop at the same step. Use "
            "`steps` or `epochs`. Received: max_train_minutes="
            f"{config.max_train_minutes!r}, strategy='multi_worker'"
        )
    _fresh_d_errors(config, check, positive_int, errors)
    return errors


def _fresh_d_errors(config, check, positive_int, errors):
    positive_int("fresh_d_every_n_epochs", optional=True)
    check(
        "fresh_d_tolerance",
        config.fresh_d_tolerance is None
        or (
            _is_number(config.fresh_d_tolerance)
            and 0 < config.fresh_d_tolerance < 0.5
        ),
        "a number in (0, 0.5) or None",
    )
    positive_int("fresh_d_patience", optional=True)
    check(
        "fresh_d_min_delta",
        _is_number(config.fresh_d_min_delta) and config.fresh_d_min_delta >= 0,
        "a number >= 0",
    )
    positive_int("fresh_d_num_samples", optional=True)
    positive_int("fresh_d_steps")
    positive_int("fresh_d_repeats")
    check(
        "fresh_d_features",
        config.fresh_d_features in FRESH_D_FEATURES,
        f"one of {list(FRESH_D_FEATURES)}",
    )
    check(
        "fresh_d_restore_best_weights",
        isinstance(config.fresh_d_restore_best_weights, bool),
        "True or False",
    )
    if config.fresh_d_every_n_epochs is None and (
        config.fresh_d_tolerance is not None
        or config.fresh_d_patience is not None
    ):
        errors.append(
            "The fresh-discriminator rule runs at its evaluations. Expected "
            "`fresh_d_every_n_epochs` with `fresh_d_tolerance` or "
            "`fresh_d_patience`. Received: fresh_d_every_n_epochs=None, "
            f"fresh_d_tolerance={config.fresh_d_tolerance!r}, "
            f"fresh_d_patience={config.fresh_d_patience!r}"
        )
