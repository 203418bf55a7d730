"""`TrainConfig`: everything one training run needs, checked in one place.

A config is plain data: it round-trips through JSON (`to_dict` /
`from_dict`), which is how the workdir remembers the run it holds, and
`check_resumable` says whether a new config may continue that run.

Each field carries its `Option` (`option_of`): the help text of its
command-line flag, whether a resumed run may change it, and its check,
or the choices it takes. A new setting is one field and its use; the
checks that involve several fields run after each field's own.
"""

import dataclasses
import math
import os
import typing

import keras

from keras_gan import augment, distribute, losses, models
from keras_gan.models.gan import PENALTY_INPUTS

__all__ = [
    "AUTO",
    "BACKENDS",
    "Check",
    "ConfigError",
    "FRESH_D_FEATURES",
    "IncompatibleConfigError",
    "JIT_COMPILE_VALUES",
    "LOGGED_KEYS",
    "LOSS_THRESHOLD_MODES",
    "MIXED_PRECISION_VALUES",
    "Option",
    "PENALTY_INPUTS",
    "RESUMABLE_FIELDS",
    "TrainConfig",
    "check_resumable",
    "option_of",
]

AUTO = "auto"
LOSS_THRESHOLD_MODES = ("below", "above")
LOGGED_KEYS = ("d_loss", "g_loss", "d_real", "d_fake")
JIT_COMPILE_VALUES = (AUTO, True, False)
MIXED_PRECISION_VALUES = (None, "float16", "bfloat16", "auto")
FRESH_D_FEATURES = ("auto", "classifier", "samples")
# The Keras backends a GAN trains on.
BACKENDS = ("tensorflow", "jax", "torch")


class ConfigError(ValueError):
    """An invalid training configuration: the message names each bad
    field, what was expected and what was received."""


class IncompatibleConfigError(ConfigError):
    """A config that cannot resume the run already in its workdir."""


@dataclasses.dataclass(frozen=True)
class Check:
    """A check of one field's value.

    Attributes:
        ok: A function of the value, `True` when it is valid.
        expected: What is expected, in words ("a positive integer"), or
            a function returning it.
    """

    ok: typing.Callable
    expected: str | typing.Callable

    def describe(self):
        """`expected`, made when it is a function (of no arguments)."""
        return self.expected() if callable(self.expected) else self.expected


@dataclasses.dataclass(frozen=True)
class Option:
    """What a `TrainConfig` field is, besides its type and default.

    Attributes:
        help: The help text of its command-line flag.
        resumable: Whether a resumed run may change it (budgets, stopping
            rules, output frequencies, paths, speed settings that leave
            the maths alone, learning rates); the others shape the model,
            its optimizers or its data and must match the checkpoint.
        check: Its `Check`, or `None` for a field with `choices` or one
            checked only together with other fields.
        choices: The values it takes (a sequence, or a function returning
            one when the values come from a registry), or `None`.
    """

    help: str
    resumable: bool = False
    check: Check | None = None
    choices: typing.Any = None

    def choice_values(self):
        """The values of `choices`, or `None` without choices."""
        if callable(self.choices):
            return self.choices()
        return self.choices

    def errors(self, name, value):
        """The error of the value `value` of the field `name`, as a list
        of none or one message."""
        choices = self.choice_values()
        if choices is not None:
            if not any(
                type(value) is type(choice) and value == choice
                for choice in choices
            ):
                return [_invalid(name, f"one of {choices}", value)]
        elif self.check is not None and not self.check.ok(value):
            return [_invalid(name, self.check.describe(), value)]
        return []


def option_of(field):
    """The `Option` of a `TrainConfig` field (from
    `dataclasses.fields(TrainConfig)`)."""
    return field.metadata["option"]


def _option(default, help_text, resumable=False, check=None, choices=None):
    return dataclasses.field(
        default=default,
        metadata={"option": Option(help_text, resumable, check, choices)},
    )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _optional(check):
    return Check(
        lambda value: value is None or check.ok(value),
        lambda: check.describe() + " or None",
    )


def _number_in(low, high, closed_high=False, open_low=False):
    def ok(value):
        if not _is_number(value):
            return False
        above = value > low if open_low else value >= low
        below = value <= high if closed_high else value < high
        return above and below

    left = "(" if open_low else "["
    right = "]" if closed_high else ")"
    return Check(ok, f"a number in {left}{low:g}, {high:g}{right}")


_POSITIVE_INT = Check(lambda v: _is_int(v) and v > 0, "a positive integer")
_POSITIVE_NUMBER = Check(lambda v: _is_number(v) and v > 0, "a positive number")
_NON_EMPTY_STRING = Check(
    lambda v: isinstance(v, str) and bool(v), "a non-empty string"
)
_DIRECTORY = Check(lambda v: isinstance(v, str) and bool(v), "a directory path")
_OPTIONAL_DIRECTORY = Check(
    lambda v: v is None or (isinstance(v, str) and bool(v)),
    "a directory path or None",
)
_BOOL = Check(lambda v: isinstance(v, bool), "True or False")
_POSITIVE_INTS = Check(
    lambda v: (
        isinstance(v, tuple)
        and len(v) > 0
        and all(_is_int(u) and u > 0 for u in v)
    ),
    "a non-empty sequence of positive integers",
)


def _distinct_penalties(value):
    names = losses.penalty_names()
    return (
        isinstance(value, tuple)
        and all(p in names for p in value)
        and len(set(value)) == len(value)
    )


_PENALTIES = Check(
    _distinct_penalties,
    lambda: f"distinct names among {losses.penalty_names()}",
)


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """The settings of one training run.

    Validated on construction (`ConfigError` lists every invalid field).
    Sequences are stored as tuples, so a config compares equal to its
    JSON round trip. Each field's flag help, resumability and check are
    its `Option` (`option_of`).

    Attributes:
        backend: The Keras backend the run trains on, one of `BACKENDS`.
            Keras fixes it when it is first imported (`KERAS_BACKEND`,
            which `bin/train --backend` sets before importing it), so it
            must be the backend Keras runs: defaults to
            `keras.backend.backend()` (with `KERAS_BACKEND` unset and no
            `keras.json`, `"tensorflow"`). `config.json` records it; a
            resumed run may change it, since a `.keras` checkpoint loads
            on every backend.
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

    # Where it runs; the maths is the same on each backend.
    backend: str = _option(
        keras.backend.backend(),
        "Keras backend: tensorflow, jax or torch (default: $KERAS_BACKEND, "
        "else tensorflow). Chosen before Keras is imported; a resumed run "
        "may change it.",
        resumable=True,
        choices=BACKENDS,
    )
    # Data.
    dataset: str = _option(
        "fashion_mnist",
        "fashion_mnist, ring, grid, digits, a prepared TFDS name (mnist, "
        "cifar10...) or a folder of images.",
        check=_NON_EMPTY_STRING,
    )
    split: str = _option(
        "train",
        "Split to train on; TFDS slicing allowed.",
        check=_NON_EMPTY_STRING,
    )
    data_dir: str | None = _option(
        None,
        "TFDS data dir (default $TFDS_DATA_DIR or ~/...).",
        resumable=True,
        check=_OPTIONAL_DIRECTORY,
    )
    image_size: int | None = _option(
        None,
        "Resize images to this square size.",
        check=_optional(_POSITIVE_INT),
    )
    channels: int | None = _option(
        None,
        "Convert images to 1 or 3.",
        check=Check(lambda v: v in (None, 1, 3), "1, 3 or None"),
    )
    # Model.
    architecture: str = _option(
        AUTO,
        "Network pair; auto: dcgan for images, mlp for points.",
        choices=lambda: [AUTO, *models.architecture_names()],
    )
    base_filters: int = _option(
        64, "Width of the dcgan networks.", check=_POSITIVE_INT
    )
    hidden_units: tuple[int, ...] = _option(
        (256, 256, 256),
        "Hidden layer widths of the mlp networks, e.g. 128,128,128.",
        check=_POSITIVE_INTS,
    )
    latent_dim: int = _option(
        64, "Size of the noise vector.", check=_POSITIVE_INT
    )
    # Objective.
    loss: str = _option(
        "non_saturating", "Adversarial loss.", choices=losses.loss_names
    )
    penalties: tuple[str, ...] = _option(
        (),
        f"Discriminator penalties, among {losses.penalty_names()}.",
        check=_PENALTIES,
    )
    # Checked with `penalties` (one weight each).
    penalty_weights: tuple[float, ...] = _option(
        (), "One weight per penalty (default: the penalties' own)."
    )
    discriminator_steps: int = _option(
        1,
        "Discriminator updates per generator update (k).",
        check=_POSITIVE_INT,
    )
    # Optimization.
    batch_size: int = _option(
        64, "Real samples per discriminator update.", check=_POSITIVE_INT
    )
    # The learning rates may be lowered to go on after a divergence.
    g_learning_rate: float = _option(
        2e-4,
        "Generator Adam learning rate.",
        resumable=True,
        check=_POSITIVE_NUMBER,
    )
    d_learning_rate: float = _option(
        2e-4,
        "Discriminator Adam learning rate.",
        resumable=True,
        check=_POSITIVE_NUMBER,
    )
    beta_1: float = _option(0.5, "Adam beta_1 (both).", check=_number_in(0, 1))
    beta_2: float = _option(
        0.999, "Adam beta_2 (both).", check=_number_in(0, 1)
    )
    lr_decay_fraction: float = _option(
        0.0,
        "Decay both learning rates linearly to 1% over this final fraction "
        "of the steps (needs --steps or --epochs); 0: constant.",
        check=_number_in(0, 1, closed_high=True),
    )
    ema_decay: float | None = _option(
        None,
        "Keep a moving average of the generator's weights with this decay "
        "per step; samples, evaluations and the export use it.",
        check=_optional(_number_in(0, 1, open_low=True)),
    )
    # Budget.
    epochs: int | None = _option(
        None, "Total epochs.", resumable=True, check=_optional(_POSITIVE_INT)
    )
    steps: int | None = _option(
        None,
        "Total generator steps.",
        resumable=True,
        check=_optional(_POSITIVE_INT),
    )
    steps_per_epoch: int | None = _option(
        None,
        "Generator steps per epoch (default: one pass over the split; 500 "
        "for ring and grid).",
        check=_optional(_POSITIVE_INT),
    )
    max_train_minutes: float | None = _option(
        None,
        "Training time budget in minutes, over all runs of the workdir.",
        resumable=True,
        check=_optional(_POSITIVE_NUMBER),
    )
    # Stopping rules.
    equilibrium_tolerance: float | None = _option(
        None,
        "Stop when d_real and d_fake stay within this of 0.5 at epoch ends.",
        resumable=True,
        check=_optional(_POSITIVE_NUMBER),
    )
    equilibrium_patience: int = _option(
        3,
        "Consecutive epoch ends at equilibrium before stopping.",
        resumable=True,
        check=_POSITIVE_INT,
    )
    loss_threshold: float | None = _option(
        None,
        "Stop when the monitored loss crosses this.",
        resumable=True,
        check=Check(
            lambda v: v is None or _is_number(v), "a finite number or None"
        ),
    )
    # Checked with `penalties` (whose keys are logged too).
    loss_threshold_monitor: str = _option(
        "g_loss", "Logged key for --loss_threshold.", resumable=True
    )
    loss_threshold_mode: str = _option(
        "below",
        "Stop when the monitored key is below or above the threshold.",
        resumable=True,
        choices=LOSS_THRESHOLD_MODES,
    )
    # Run and outputs.
    seed: int = _option(
        0,
        "Seed of weights, noise, data.",
        check=Check(lambda v: _is_int(v) and v >= 0, "an integer >= 0"),
    )
    workdir: str | None = _option(
        None,
        "Directory of the run; rerun to resume.",
        resumable=True,
        check=_DIRECTORY,
    )
    export_dir: str | None = _option(
        None,
        "SavedModel directory (default WORKDIR/export).",
        resumable=True,
        check=_OPTIONAL_DIRECTORY,
    )
    overwrite_export: bool = _option(
        False,
        "Replace an existing foreign --export_dir.",
        resumable=True,
        check=_BOOL,
    )
    sample_every_n_epochs: int = _option(
        1, "Sample picture period.", resumable=True, check=_POSITIVE_INT
    )
    num_samples: int | None = _option(
        None,
        "Samples per picture (default 64 images, 1000 points).",
        resumable=True,
        check=_optional(_POSITIVE_INT),
    )
    eval_every_n_epochs: int | None = _option(
        None,
        "Score samples every N epochs (ring/grid mode metrics, Fashion-MNIST "
        "feature metrics; conditional runs add label_accuracy and "
        "intra_class_fd) into metrics.csv and TensorBoard.",
        resumable=True,
        check=_optional(_POSITIVE_INT),
    )
    eval_num_samples: int | None = _option(
        None,
        "Samples per evaluation (default 2500 points, 10000 images).",
        resumable=True,
        check=_optional(_POSITIVE_INT),
    )
    checkpoint_every_n_epochs: int = _option(
        1, "Checkpoint period in epochs.", resumable=True, check=_POSITIVE_INT
    )
    checkpoint_every_n_steps: int | None = _option(
        None,
        "Also checkpoint every N steps.",
        resumable=True,
        check=_optional(_POSITIVE_INT),
    )
    keep_checkpoints: int = _option(
        3, "Newest checkpoints kept.", resumable=True, check=_POSITIVE_INT
    )
    log_every_n_steps: int = _option(
        10, "Steps per metrics.csv row.", resumable=True, check=_POSITIVE_INT
    )
    # Speed: settings that leave the maths alone.
    jit_compile: str | bool = _option(
        AUTO, "XLA compilation.", resumable=True, choices=JIT_COMPILE_VALUES
    )
    steps_per_execution: int = _option(
        1, "Steps per tf.function call.", resumable=True, check=_POSITIVE_INT
    )
    mixed_precision: str | None = _option(
        None,
        "Mixed precision: float16 (GPUs, loss-scaled) or bfloat16 (CPUs with "
        "bf16 units, TPUs, recent GPUs); none: float32; auto: bfloat16 on a "
        "TPU, a GPU from compute capability 8.0 or a CPU with bf16 units "
        "(avx512_bf16/amx_bf16), float16 on GPUs from 7.0, float32 elsewhere "
        "(a resumed run keeps what it started with).",
        choices=MIXED_PRECISION_VALUES,
    )
    # A step is the same computation on any number of replicas.
    strategy: str = _option(
        "default",
        "Distribution: default (one device), mirrored (local GPUs), "
        "multi_worker (hosts in TF_CONFIG; worker 0 writes) or tpu. "
        "--batch_size is the global batch.",
        resumable=True,
        choices=distribute.STRATEGY_NAMES,
    )
    # Checked with `strategy`.
    tpu_address: str | None = _option(
        None,
        "With --strategy=tpu: 'local' on a TPU VM, or a name.",
        resumable=True,
    )
    conditioning: str | None = _option(
        None,
        "Train a class-conditional GAN on the dataset's labels: projection "
        "(conditional batch norm in G, projection D) or concat (one-hot "
        "labels into both players); none: unconditional.",
        choices=lambda: [None, *models.conditioning_names()],
    )
    augment: str | None = _option(
        None,
        "Augment the discriminator's inputs (images): diffaugment (colour, "
        "translation, cutout) or ada (adaptive); none: off.",
        choices=lambda: [None, *augment.names()],
    )
    r1_interval: int = _option(
        1,
        "With --penalties=r1: penalise every this many discriminator "
        "updates, with this times the weight (lazy R1).",
        check=_POSITIVE_INT,
    )
    ada_target: float = _option(
        0.6,
        "With --augment=ada: the target of the overfitting signal "
        "r_t = E[sign(D(real))].",
        check=_number_in(-1, 1, closed_high=True),
    )
    penalty_inputs: str = _option(
        "augmented",
        "With --augment and --penalties=r1 or gradient_penalty: augmented "
        "(the penalty looks through the update's augmentation, "
        "differentiated with respect to the raw batch, as the DiffAugment "
        "and ADA code does) or raw (on the un-augmented batch).",
        choices=list(PENALTY_INPUTS),
    )
    # The fresh-discriminator stopping rule and its figures.
    fresh_d_every_n_epochs: int | None = _option(
        None,
        "Every N epochs train a fresh discriminator on real vs generated "
        "samples; its held-out accuracy and mean outputs go into "
        "metrics.csv and TensorBoard (fresh_d_accuracy, fresh_d_real, "
        "fresh_d_fake).",
        resumable=True,
        check=_optional(_POSITIVE_INT),
    )
    fresh_d_tolerance: float | None = _option(
        None,
        "Stop when the fresh discriminator's held-out accuracy is within "
        "this of 1/2 (e.g. 0.05).",
        resumable=True,
        check=_optional(_number_in(0, 0.5, open_low=True)),
    )
    fresh_d_patience: int | None = _option(
        None,
        "Stop when that accuracy has not fallen for N evaluations.",
        resumable=True,
        check=_optional(_POSITIVE_INT),
    )
    fresh_d_min_delta: float = _option(
        0.0,
        "Smallest fall of the accuracy that counts for --fresh_d_patience.",
        resumable=True,
        check=Check(lambda v: _is_number(v) and v >= 0, "a number >= 0"),
    )
    fresh_d_num_samples: int | None = _option(
        None,
        "Real and generated samples per test (default 2500 points, 10000 "
        "images), half of each held out.",
        resumable=True,
        check=_optional(_POSITIVE_INT),
    )
    fresh_d_steps: int = _option(
        1000,
        "Training steps of each fresh discriminator.",
        resumable=True,
        check=_POSITIVE_INT,
    )
    fresh_d_restore_best_weights: bool = _option(
        True,
        "On a fresh-discriminator stop, go back to the weights of its lowest "
        "accuracy.",
        resumable=True,
        check=_BOOL,
    )
    fresh_d_features: str = _option(
        "auto",
        "What the fresh discriminator compares: classifier (the "
        "Fashion-MNIST classifier's features of 28x28 grayscale images), "
        "samples (the samples themselves), auto (classifier where the "
        "images fit it).",
        resumable=True,
        choices=list(FRESH_D_FEATURES),
    )
    fresh_d_repeats: int = _option(
        1,
        "Independent fresh discriminators averaged per evaluation.",
        resumable=True,
        check=_POSITIVE_INT,
    )

    def __post_init__(self):
        for name in ("hidden_units", "penalties", "penalty_weights"):
            value = getattr(self, name)
            if isinstance(value, (list, tuple)):
                object.__setattr__(self, name, tuple(value))
        for name in ("workdir", "export_dir", "data_dir"):
            value = getattr(self, name)
            if isinstance(value, os.PathLike):
                object.__setattr__(self, name, os.fspath(value))
        errors = [
            error
            for field in dataclasses.fields(self)
            for error in option_of(field).errors(
                field.name, getattr(self, field.name)
            )
        ]
        errors += _cross_field_errors(self)
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


# The settings a resumed run may change (`Option.resumable`).
RESUMABLE_FIELDS = frozenset(
    field.name
    for field in dataclasses.fields(TrainConfig)
    if option_of(field).resumable
)


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


def _cross_field_errors(config):
    """The errors of settings that are each valid but not together."""
    errors = []
    penalty_names = losses.penalty_names()
    if not (
        isinstance(config.penalty_weights, tuple)
        and len(config.penalty_weights) in (0, len(config.penalties))
        and all(_is_number(w) and w > 0 for w in config.penalty_weights)
    ):
        errors.append(
            _invalid(
                "penalty_weights",
                "positive numbers, one per penalty (or none for the defaults)",
                config.penalty_weights,
            )
        )
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
    if (
        config.equilibrium_tolerance is not None
        and config.loss in losses.loss_names()
        and losses.get(config.loss).equilibrium_output is None
    ):
        errors.append(
            "Equilibrium stopping needs a loss whose discriminator has "
            "an equilibrium output (0.5): minimax, non_saturating or "
            f"least_squares. Received: loss={config.loss!r}, "
            f"equilibrium_tolerance={config.equilibrium_tolerance!r}"
        )
    logged = list(LOGGED_KEYS)
    if all(p in penalty_names for p in config.penalties):
        logged += [losses.get_penalty(p).name for p in config.penalties]
    if config.loss_threshold_monitor not in logged:
        errors.append(
            _invalid(
                "loss_threshold_monitor",
                f"a logged key, one of {logged}",
                config.loss_threshold_monitor,
            )
        )
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
    if (
        config.backend == "torch"
        and _is_int(per_execution)
        and per_execution > 1
    ):
        errors.append(
            "Keras's PyTorch trainer runs one step per call: it refuses "
            "`steps_per_execution` > 1. Expected steps_per_execution=1 "
            "with backend='torch', or the tensorflow or jax backend. "
            f"Received: steps_per_execution={per_execution}, "
            "backend='torch'"
        )
    if config.tpu_address is not None and not (
        isinstance(config.tpu_address, str) and config.strategy == "tpu"
    ):
        errors.append(
            _invalid(
                "tpu_address",
                "None, or an address with strategy='tpu'",
                config.tpu_address,
            )
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
    return errors
