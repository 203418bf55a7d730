"""Train a GAN from a `TrainConfig`: data, model, callbacks, resume, export.

`train(config)` reads no flags and prints nothing (progress comes from the
Keras progress bar when `verbose` is set); `bin/train` turns flags into a
`TrainConfig`, calls it and prints the summary.

Workdir layout (the contract of DESIGN.md; `training.workdir.WorkdirLayout`
holds the paths):

```
WORKDIR/
  config.json               the TrainConfig, JSON; checked on resume
  checkpoints/
    ckpt-00000500.keras     whole model (weights, optimizers, noise state)
    ckpt-00001000.keras     + keras_gan_train_state.json inside; the newest
                            `keep_checkpoints`, written atomically
  samples/
    samples_epoch_0001.png  fixed-noise samples: image grid or 2D scatter
  metrics.csv               step, epoch, wall_time, d_loss, g_loss, d_real,
                            d_fake, penalties: one row per
                            `log_every_n_steps` steps and per epoch end
  curves.png                losses and mean D outputs against the step
  tensorboard/              train/ (epoch scalars), samples/ (image grids)
  export/                   the generator's SavedModel (or `export_dir`)
```

Resuming: running `train` again with the same workdir continues from the
newest checkpoint that loads. Checkpoints are taken at epoch ends (every
`checkpoint_every_n_epochs`), every `checkpoint_every_n_steps` steps if
set, and when training stops; a run killed in between loses the steps
since its last checkpoint, which are trained again. The first resumed
epoch is shortened to end where the uninterrupted run's epoch would, so
epochs, pictures and the total step count match an uninterrupted run;
the data order after a resume differs (the pipeline restarts with a seed
derived from the step). `config.json` must agree with the new config
except for budgets, stopping rules, output frequencies, paths and learning
rates (`training.config.RESUMABLE_FIELDS`); otherwise
`IncompatibleConfigError`.
The time budget counts training time over all runs of the workdir. A run
that is finished (budget spent, or stopped by a rule that is still
enabled) is not trained further: `fit` is not called, since Keras would
run at least one step.

Divergence: when `d_loss` or `g_loss` becomes NaN or infinite, training
stops at once and `train` raises `TrainingDivergedError`, naming the step.
No checkpoint and no export is written from non-finite weights (the
checkpoint manager and the export refuse them), so the newest checkpoint
and the export stay the last good ones. The way on: rerun with lower
learning rates (`g_learning_rate`, `d_learning_rate`, which may change on
resume), which resumes from that checkpoint.

Distribution (`strategy`): the model is built or restored under the
strategy's scope and `batch_size` is the global batch. Under
`"multi_worker"` every worker restores from the workdir (shared storage)
and takes part in saving, but only the chief writes into it; the others
write to a temporary directory that is deleted (`distribute.write_dir`).
"""

import contextlib
import dataclasses
import glob
import math
import os
import time

import keras

from keras_gan import (
    checkpoints,
    data,
    distribute,
    export,
    files,
    losses,
    models,
    schedules,
)
from keras_gan.augment import AdaptiveAugment
from keras_gan.callbacks.checkpoint import PeriodicCheckpoint
from keras_gan.callbacks.divergence import TerminateOnNonFinite
from keras_gan.callbacks.equilibrium_stopping import EquilibriumStopping
from keras_gan.callbacks.evaluation import Evaluation
from keras_gan.callbacks.fresh_discriminator_stopping import (
    FreshDiscriminatorStopping,
)
from keras_gan.callbacks.loss_threshold import LossThreshold
from keras_gan.callbacks.metrics_log import MetricsLog
from keras_gan.callbacks.sample_grid import SampleGrid
from keras_gan.callbacks.step_budget import StepBudget
from keras_gan.callbacks.time_budget import TimeBudget
from keras_gan.callbacks.training_curves import TrainingCurves
from keras_gan.checkpoints import (
    CheckpointError,
    NonFiniteWeightsError,
)
from keras_gan.models.gan import GAN
from keras_gan.training import (
    lock,
    precision,
    preemption,
    preflight,
    workdir,
)
from keras_gan.training.config import (
    AUTO,
    ConfigError,
    IncompatibleConfigError,
    TrainConfig,
    check_resumable,
)
from keras_gan.training.lock import WorkdirLockedError
from keras_gan.training.preemption import TrainingPreempted
from keras_gan.training.workdir import WorkdirLayout

# Why training stopped.
STOP_STEPS = "steps"  # the step or epoch budget is spent
STOP_TIME = "time"  # max_train_minutes is spent
STOP_EQUILIBRIUM = "equilibrium"
STOP_LOSS_THRESHOLD = "loss_threshold"
STOP_FRESH_DISCRIMINATOR = "fresh_discriminator"
STOP_DIVERGED = "diverged"  # raised as TrainingDivergedError, not returned

# Generator steps per epoch on the endless mixtures, unless configured.
ENDLESS_STEPS_PER_EPOCH = 500
# Epochs passed to fit when only a time budget bounds training.
_UNBOUNDED_EPOCHS = 10**6


class TrainingDivergedError(RuntimeError):
    """A loss or a weight became NaN or infinite; nothing was saved from
    the diverged model.

    Attributes:
        step: The generator step at which the divergence was seen.
        checkpoint: The newest (last good) checkpoint, or `None`.
        stop_reason: `STOP_DIVERGED`.
    """

    stop_reason = STOP_DIVERGED

    def __init__(self, message, step, checkpoint):
        super().__init__(message)
        self.step = step
        self.checkpoint = checkpoint


@dataclasses.dataclass(frozen=True)
class TrainResult:
    """What a call of `train` did.

    Attributes:
        steps: Generator steps of the run in total (earlier runs included).
        steps_this_run: Generator steps trained by this call.
        epochs: Complete epochs in total.
        resumed_from: The step of the checkpoint this call resumed, or
            `None` for a fresh run.
        stop_reason: One of `STOP_STEPS`, `STOP_TIME`, `STOP_EQUILIBRIUM`,
            `STOP_LOSS_THRESHOLD`, `STOP_FRESH_DISCRIMINATOR`.
        stop_message: Why training stopped, in words.
        wall_seconds: Wall time of this call.
        train_seconds: Time spent in `fit`, over all runs of the workdir.
        paths: Name to path of everything written: `workdir`, `config`,
            `checkpoint`, `samples` (directory), `last_samples`,
            `metrics`, `curves`, `tensorboard`, `export`.
    """

    steps: int
    steps_this_run: int
    epochs: int
    resumed_from: int | None
    stop_reason: str
    stop_message: str
    wall_seconds: float
    train_seconds: float
    paths: dict

    def summary(self):
        """A few lines for people: steps, time, why it stopped, where."""
        if self.resumed_from is None:
            start = "fresh run"
        elif self.steps_this_run == 0:
            start = f"already finished at step {self.resumed_from}"
        else:
            start = f"resumed from step {self.resumed_from}"
        lines = [
            f"Trained {self.steps_this_run} steps in "
            f"{_duration(self.wall_seconds)} ({start}); {self.steps} "
            f"steps, {self.epochs} epochs, "
            f"{_duration(self.train_seconds)} of training in total.",
            f"Stopped: {self.stop_message}.",
        ]
        width = max(len(name) for name in self.paths)
        for name, path in self.paths.items():
            if path is not None:
                lines.append(f"  {name:<{width}}  {path}")
        return "\n".join(lines)


def train(config, callbacks=None, verbose=0):
    """Trains (or resumes) the run of `config` in its workdir and exports
    the generator.

    Args:
        config: A `TrainConfig`.
        callbacks: More Keras callbacks for `fit`. Defaults to `None`.
        verbose: `fit`'s verbosity: 0 silent, 1 progress bar, 2 one line
            per epoch. Defaults to `0`.

    Returns:
        A `TrainResult`.

    Raises:
        ConfigError: for settings that cannot work (unknown dataset, an
            architecture that does not fit the data, an existing foreign
            `export_dir`...). `IncompatibleConfigError` when the workdir
            holds a run with other settings.
        keras_gan.data.DatasetUnavailableError: when the data cannot be
            had here; raised before anything is written.
        CheckpointError: when the workdir has checkpoints but none loads.
        TrainingDivergedError: when a loss or weight became NaN or
            infinite; the last good checkpoint and export are kept.
        keras_gan.files.WriteError: (an `OSError`) when the
            workdir or export directory cannot be written or lacks the
            free space, before training; or when a write fails during it
            (nothing partial is kept, and a rerun resumes).
        keras_gan.training.lock.WorkdirLockedError: when another live
            process trains in the workdir; raised before anything is
            written.
        keras_gan.training.preemption.TrainingPreempted: when SIGTERM or
            SIGINT arrived during training: the step in flight finished
            and a checkpoint of it was written; a rerun resumes from it.
    """
    with contextlib.ExitStack() as cleanup:
        return _train(config, callbacks, verbose, cleanup)


def _train(config, callbacks, verbose, cleanup):
    if not isinstance(config, TrainConfig):
        raise TypeError(
            "Expected `config` to be a TrainConfig. Received: config of "
            f"type {type(config).__name__}"
        )
    wall_start = time.monotonic()
    # First: a multi-worker strategy must be made before other TF ops run.
    strategy = _strategy(config)
    layout = WorkdirLayout.of(config)
    config = _resolve_mixed_precision(config, layout)
    spec = _dataset_spec(config)
    architecture = _architecture(config, spec)
    steps_per_epoch = _steps_per_epoch(config, spec)
    total_steps = _total_steps(config, steps_per_epoch)
    _check_export_destination(config, layout)
    preflight.check_storage(config, layout, spec, architecture)
    # One run per workdir; the chief alone writes there.
    if distribute.is_chief(strategy):
        cleanup.enter_context(lock.WorkdirLock(layout.workdir))
        # Held by this run alone now: what killed writers left is garbage.
        files.remove_write_leftovers(layout.workdir)
    scorer = _scorer(config)
    fresh_d_real = _fresh_d_real(config, spec)
    fresh_d_features = _fresh_d_features(config, spec)

    manager = checkpoints.CheckpointManager(
        layout.checkpoints, keep=config.keep_checkpoints
    )
    saved_config = workdir.read_config(layout)
    if saved_config is not None and manager.checkpoints():
        check_resumable(saved_config, config)
    with strategy.scope():
        restored = manager.restore()
        if restored is None:
            gan = _build_gan(config, spec, architecture, total_steps)
            state = {}
        else:
            gan, state, _ = restored
            _apply_speed_settings(gan, config)
            _apply_learning_rates(gan, config, total_steps)
    start_step = gan.generator_steps
    resumed_from = None if restored is None else start_step
    clock = _Clock(state.get("train_seconds", 0.0))
    reason = _finished(config, state, start_step, total_steps, clock.total)
    dataset = None if reason else _load_data(config, start_step)

    # Every worker writes (saving can take part in collective ops), but
    # only the chief into the workdir; the others into a temporary copy.
    with distribute.write_dir(layout.workdir, strategy) as root:
        chief = os.path.abspath(root) == layout.workdir
        out = layout if chief else WorkdirLayout(root)
        writer = (
            manager
            if chief
            else checkpoints.CheckpointManager(
                out.checkpoints, keep=config.keep_checkpoints
            )
        )
        workdir.write_config(out, config)
        if reason is None:
            reason = _fit(
                gan,
                dataset,
                config,
                spec,
                out,
                writer,
                clock,
                steps_per_epoch,
                total_steps,
                scorer,
                (fresh_d_real, fresh_d_features),
                list(callbacks or []),
                verbose,
            )
        _export(gan, config, spec, out)
    return TrainResult(
        steps=gan.generator_steps,
        steps_this_run=gan.generator_steps - start_step,
        epochs=gan.generator_steps // steps_per_epoch,
        resumed_from=resumed_from,
        stop_reason=reason,
        stop_message=_stop_message(reason, config, total_steps),
        wall_seconds=time.monotonic() - wall_start,
        train_seconds=clock.total,
        paths=_paths(layout, manager),
    )


# -- Set-up --


def _strategy(config):
    try:
        return distribute.get_strategy(config.strategy, config.tpu_address)
    except (ValueError, RuntimeError) as error:
        raise ConfigError(str(error)) from error


def _load_data(config, start_step):
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


def _dataset_spec(config):
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


def _architecture(config, spec):
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


def _steps_per_epoch(config, spec):
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


def _total_steps(config, steps_per_epoch):
    budgets = [config.steps]
    if config.epochs is not None:
        budgets.append(config.epochs * steps_per_epoch)
    budgets = [b for b in budgets if b is not None]
    return min(budgets) if budgets else None


def _check_export_destination(config, layout):
    if not os.path.lexists(layout.export_dir) or config.overwrite_export:
        return
    if _is_own_export(layout):
        return
    raise ConfigError(
        f"Export directory {layout.export_dir} exists and is not this "
        "run's export. Set `overwrite_export` to replace it, or choose "
        "another `export_dir`."
    )


def _is_own_export(layout):
    metadata = export.read_metadata(layout.export_dir)
    return metadata.get("workdir") == layout.workdir


@contextlib.contextmanager
def _dtype_policy(name):
    previous = keras.config.dtype_policy()
    if name is not None:
        keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _scorer(config):
    # Built before anything is written, so a dataset without one fails
    # at once rather than at the first evaluation.
    if config.eval_every_n_epochs is None:
        return None
    from keras_gan.metrics import scoring

    try:
        return scoring.make_scorer(config.dataset, data_dir=config.data_dir)
    except (ValueError, TypeError) as error:
        raise ConfigError(
            f"Cannot evaluate {config.dataset!r} samples "
            f"(eval_every_n_epochs={config.eval_every_n_epochs}): {error}"
        ) from error


def _resolve_mixed_precision(config, layout):
    """`mixed_precision="auto"` made concrete: the precision the workdir's
    run started with (a resumed run keeps it), else what this machine
    runs fastest (`keras_gan.training.precision.resolve`)."""
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


def _build_gan(config, spec, architecture, total_steps):
    # Seeds the weight initialisers; the GAN's own seed drives the noise.
    keras.utils.set_random_seed(config.seed)
    width = (
        {"base_filters": config.base_filters}
        if architecture in ("dcgan", "resnet")
        else {"hidden_units": config.hidden_units}
    )
    policy = config.mixed_precision and f"mixed_{config.mixed_precision}"
    with _dtype_policy(policy):
        try:
            generator, discriminator = models.build_pair(
                architecture,
                spec.element_shape,
                config.latent_dim,
                **_conditioning_arguments(config, spec),
                **width,
            )
        except ValueError as error:
            raise ConfigError(
                f"Cannot build a {architecture} for {config.dataset!r} "
                f"samples of shape {spec.element_shape}: {error}"
            ) from error
    if config.augment is not None and spec.kind != "images":
        raise ConfigError(
            "Invalid value for `augment`. Augmentation transforms images; "
            f"{config.dataset!r} holds {spec.kind}. Received: augment="
            f"{config.augment!r}"
        )
    gan = GAN(
        generator,
        discriminator,
        latent_dim=config.latent_dim,
        discriminator_steps=config.discriminator_steps,
        seed=config.seed,
        ema_decay=config.ema_decay,
        num_classes=_conditioning_arguments(config, spec).get("num_classes"),
        augment=(
            AdaptiveAugment(target=config.ada_target)
            if config.augment == "ada"
            else config.augment
        ),
        penalty_inputs=config.penalty_inputs,
    )
    penalties = [losses.get_penalty(name) for name in config.penalties]
    if config.penalty_weights:
        penalties = [
            type(penalty)(weight=weight)
            for penalty, weight in zip(penalties, config.penalty_weights)
        ]
    penalties = [
        losses.R1Penalty(penalty.weight, interval=config.r1_interval)
        if isinstance(penalty, losses.R1Penalty)
        else penalty
        for penalty in penalties
    ]
    g_rate, d_rate = _learning_rates(config, total_steps)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(
            g_rate, beta_1=config.beta_1, beta_2=config.beta_2
        ),
        d_optimizer=keras.optimizers.Adam(
            d_rate, beta_1=config.beta_1, beta_2=config.beta_2
        ),
        loss=config.loss,
        penalties=penalties,
        jit_compile=config.jit_compile,
        steps_per_execution=config.steps_per_execution,
    )
    return gan


def _apply_speed_settings(gan, config):
    # Speed settings may change on resume; "auto" keeps the checkpoint's.
    gan.steps_per_execution = config.steps_per_execution
    if config.jit_compile != AUTO:
        gan.jit_compile = config.jit_compile


def _learning_rates(config, total_steps):
    """The generator's and the discriminator's learning rates: numbers,
    or schedules over the optimizers' own step counts."""
    if not config.lr_decay_fraction:
        return config.g_learning_rate, config.d_learning_rate
    return tuple(
        schedules.ConstantThenLinearDecay(
            rate, total_steps * updates, config.lr_decay_fraction
        )
        for rate, updates in (
            (config.g_learning_rate, 1),
            (config.d_learning_rate, config.discriminator_steps),
        )
    )


def _apply_learning_rates(gan, config, total_steps):
    # Lowering the learning rates is the way on after a divergence, so
    # they may change on resume (`RESUMABLE_FIELDS`), as may the step
    # budget a decay runs to.
    g_rate, d_rate = _learning_rates(config, total_steps)
    gan.g_optimizer.learning_rate = g_rate
    gan.d_optimizer.learning_rate = d_rate


# -- Training --


class _Clock:
    """Training time: what earlier runs spent plus the running `fit`."""

    def __init__(self, previous):
        self._spent = float(previous)
        self._start = None

    @property
    def total(self):
        running = 0.0 if self._start is None else time.monotonic() - self._start
        return self._spent + running

    def __enter__(self):
        self._start = time.monotonic()
        return self

    def __exit__(self, *exc_info):
        self._spent = self.total
        self._start = None


def _finished(config, state, step, total_steps, train_seconds):
    if total_steps is not None and step >= total_steps:
        return STOP_STEPS
    if (
        config.max_train_minutes is not None
        and train_seconds >= config.max_train_minutes * 60
    ):
        return STOP_TIME
    reason = state.get("stop_reason")
    if reason == STOP_EQUILIBRIUM and config.equilibrium_tolerance is not None:
        return reason
    if reason == STOP_LOSS_THRESHOLD and config.loss_threshold is not None:
        return reason
    if reason == STOP_FRESH_DISCRIMINATOR and _fresh_d_stops(config):
        return reason
    return None


def _segments(start_step, steps_per_epoch, total_steps):
    """`(initial_epoch, epochs, steps_per_epoch)` of each `fit` call: a
    short first epoch when resuming mid-epoch, then whole epochs."""
    if total_steps is None:
        total_epochs = _UNBOUNDED_EPOCHS
    else:
        total_epochs = math.ceil(total_steps / steps_per_epoch)
    epoch, offset = divmod(start_step, steps_per_epoch)
    segments = []
    if offset:
        segments.append((epoch, epoch + 1, steps_per_epoch - offset))
        epoch += 1
    if epoch < total_epochs:
        segments.append((epoch, total_epochs, steps_per_epoch))
    return segments


def _fit(
    gan,
    dataset,
    config,
    spec,
    layout,
    manager,
    clock,
    steps_per_epoch,
    total_steps,
    scorer,
    fresh_d_inputs,
    extra_callbacks,
    verbose,
):
    def state():
        return {
            "epochs": gan.generator_steps // steps_per_epoch,
            "steps_per_epoch": steps_per_epoch,
            "train_seconds": round(clock.total, 3),
        }

    rules = {}
    if total_steps is not None:
        rules[STOP_STEPS] = StepBudget(total_steps)
    if config.max_train_minutes is not None:
        rules[STOP_TIME] = TimeBudget(
            config.max_train_minutes * 60, elapsed_seconds=clock.total
        )
    if config.equilibrium_tolerance is not None:
        rules[STOP_EQUILIBRIUM] = EquilibriumStopping(
            tolerance=config.equilibrium_tolerance,
            patience=config.equilibrium_patience,
        )
    if config.loss_threshold is not None:
        rules[STOP_LOSS_THRESHOLD] = LossThreshold(
            config.loss_threshold,
            monitor=config.loss_threshold_monitor,
            mode=config.loss_threshold_mode,
        )
    fresh_d = _fresh_d_callback(config, spec, *fresh_d_inputs, verbose)
    if fresh_d is not None and _fresh_d_stops(config):
        rules[STOP_FRESH_DISCRIMINATOR] = fresh_d
    num_samples = config.num_samples or (64 if spec.kind == "images" else 1000)
    divergence = TerminateOnNonFinite()
    periodic = PeriodicCheckpoint(
        manager,
        every_n_epochs=config.checkpoint_every_n_epochs,
        every_n_steps=config.checkpoint_every_n_steps,
        state_fn=state,
    )
    stop = preemption.PreemptionStop(strategy=gan.distribute_strategy)
    evaluation = []
    if scorer is not None:
        # Before the stopping rules and the logs, which read its figures.
        evaluation.append(
            Evaluation(
                scorer,
                every_n_epochs=config.eval_every_n_epochs,
                num_samples=config.eval_num_samples,
                seed=config.seed,
                value_range=spec.value_range or (-1.0, 1.0),
                verbose=verbose,
            )
        )
    callbacks = [
        # First: later callbacks of the batch see stop_training set.
        divergence,
        *evaluation,
        *(
            [fresh_d]
            if fresh_d is not None and not _fresh_d_stops(config)
            else []
        ),
        *rules.values(),
        MetricsLog(layout.metrics, every_n_steps=config.log_every_n_steps),
        TrainingCurves(
            layout.metrics, layout.curves, title=f"{config.dataset} GAN"
        ),
        SampleGrid(
            layout.samples,
            num_samples=num_samples,
            seed=config.seed,
            every_n_epochs=config.sample_every_n_epochs,
            value_range=spec.value_range or (-1.0, 1.0),
            log_dir=layout.tensorboard,
            class_names=_class_names(config, spec),
        ),
        keras.callbacks.TensorBoard(
            layout.tensorboard, write_graph=False, update_freq="epoch"
        ),
        *extra_callbacks,
        # Last: a checkpoint marks everything of its step as written, so a
        # run killed after it resumes with no epoch's outputs missing.
        periodic,
        # After it: a signal ends the run once every callback of the step
        # in flight has run.
        stop,
    ]
    reason = None
    try:
        with clock, stop.watch():
            for initial_epoch, epochs, steps in _segments(
                gan.generator_steps, steps_per_epoch, total_steps
            ):
                gan.fit(
                    dataset,
                    initial_epoch=initial_epoch,
                    epochs=epochs,
                    steps_per_epoch=steps,
                    callbacks=callbacks,
                    verbose=verbose,
                )
                if divergence.stopped_step is not None:
                    break
                reason = _stop_reason(gan, rules, total_steps)
                if reason is not None:
                    break
        if divergence.stopped_step is None:
            manager.save(gan, {**state(), "stop_reason": reason})
    except NonFiniteWeightsError as error:
        # The weights went bad without a bad loss being seen first (or the
        # checkpoint of the step that diverged refused them).
        raise _diverged(gan, manager, divergence, error) from error
    except preemption.TrainingPreempted as error:
        raise _preempted(gan, manager, periodic, error) from None
    if divergence.stopped_step is not None:
        raise _diverged(gan, manager, divergence, None)
    return reason or STOP_STEPS


def _diverged(gan, manager, divergence, error):
    step = divergence.stopped_step or gan.generator_steps
    seen = divergence.message() or f"weights became non-finite by step {step}"
    last = manager.checkpoints()
    if last:
        kept = (
            f"The newest checkpoint, {last[-1][1]} (step {last[-1][0]}), "
            "and the export are the last good ones; nothing was saved "
            "from the diverged model. To go on, rerun with lower "
            "`g_learning_rate` and `d_learning_rate` (--g_learning_rate, "
            "--d_learning_rate): it resumes from that checkpoint."
        )
    else:
        kept = (
            "No checkpoint had been written. Rerun with lower "
            "`g_learning_rate` and `d_learning_rate`."
        )
    return TrainingDivergedError(
        f"Training diverged: {seen}. {kept}",
        step=step,
        checkpoint=last[-1][1] if last else None,
    )


def _preempted(gan, manager, periodic, error):
    # The step in flight finished and its callbacks ran; unless the
    # periodic checkpoint has just taken this step, take it now.
    periodic.save()
    step = gan.generator_steps
    path = manager.latest()
    return preemption.TrainingPreempted(
        f"Preempted by {error.signal_name} at step {step}: checkpoint "
        f"{path} written; rerun the same command to resume from it.",
        signal_name=error.signal_name,
        step=step,
        checkpoint=path,
    )


def _stop_reason(gan, rules, total_steps):
    for name in (
        STOP_EQUILIBRIUM,
        STOP_LOSS_THRESHOLD,
        STOP_FRESH_DISCRIMINATOR,
    ):
        if name in rules and rules[name].stopped_step is not None:
            return name
    if total_steps is not None and gan.generator_steps >= total_steps:
        return STOP_STEPS
    if STOP_TIME in rules and rules[STOP_TIME].stopped_step is not None:
        return STOP_TIME
    return None


def _stop_message(reason, config, total_steps):
    if reason == STOP_STEPS:
        if config.steps is not None and total_steps == config.steps:
            return f"reached the budget of {total_steps} steps"
        return f"reached {config.epochs} epochs ({total_steps} steps)"
    if reason == STOP_TIME:
        return f"spent the time budget of {config.max_train_minutes:g} min"
    if reason == STOP_EQUILIBRIUM:
        return (
            "discriminator at equilibrium: d_real and d_fake within "
            f"{config.equilibrium_tolerance:g} of its equilibrium output "
            f"at {config.equilibrium_patience} consecutive epoch ends"
        )
    if reason == STOP_FRESH_DISCRIMINATOR:
        return _fresh_d_stop_message(config)
    return (
        f"{config.loss_threshold_monitor} {config.loss_threshold_mode} "
        f"{config.loss_threshold:g}"
    )


# -- The fresh-discriminator rule --


def _fresh_d_stops(config):
    return config.fresh_d_every_n_epochs is not None and (
        config.fresh_d_tolerance is not None
        or config.fresh_d_patience is not None
    )


def _fresh_d_real(config, spec):
    """The real samples the fresh discriminator compares with: held-out
    images (the test split where there is one), or fresh mixture points;
    loaded before anything is written."""
    if config.fresh_d_every_n_epochs is None:
        return None
    from keras_gan.data import mixtures
    from keras_gan.metrics import scoring

    num = config.fresh_d_num_samples or scoring.DEFAULT_NUM_SAMPLES[spec.kind]
    if config.dataset in mixtures.MIXTURE_NAMES:
        # Another seed than the training data's.
        return mixtures.sample_mixture(
            config.dataset, num, seed=config.seed + 1
        )
    try:
        data.info(config.dataset, split="test", data_dir=config.data_dir)
        split = "test"
    except ValueError:
        split = config.split
    real = scoring.load_real_images(
        config.dataset, split, config.data_dir, limit=num
    )
    if spec.kind == "images" and real.shape[1:] != tuple(spec.element_shape):
        raise ConfigError(
            f"Cannot test {config.dataset!r} samples with a fresh "
            f"discriminator: its {split!r} images have shape "
            f"{real.shape[1:]}, the generator's {spec.element_shape} "
            f"(fresh_d_every_n_epochs={config.fresh_d_every_n_epochs})"
        )
    return real


def _fresh_d_features(config, spec):
    """What the fresh discriminator compares the samples by
    (`fresh_d_features`): the Fashion-MNIST classifier's feature extractor,
    or `None` for the samples themselves; loaded before anything is
    written."""
    if config.fresh_d_every_n_epochs is None:
        return None
    fits = spec.kind == "images" and tuple(spec.element_shape) == (28, 28, 1)
    if config.fresh_d_features == "samples" or (
        config.fresh_d_features == "auto" and not fits
    ):
        return None
    if not fits:
        raise ConfigError(
            "Invalid value for `fresh_d_features`. The classifier's "
            "features are of 28x28 grayscale images; "
            f"{config.dataset!r} holds {spec.kind} of shape "
            f"{tuple(spec.element_shape)}. Expected 'samples' or 'auto'. "
            f"Received: fresh_d_features={config.fresh_d_features!r}"
        )
    from keras_gan.metrics.classifier import (
        load_fashion_mnist_feature_extractor,
    )

    return load_fashion_mnist_feature_extractor()


def _fresh_d_callback(config, spec, real, features, verbose):
    if real is None:
        return None
    return FreshDiscriminatorStopping(
        real,
        every_n_epochs=config.fresh_d_every_n_epochs,
        tolerance=config.fresh_d_tolerance,
        patience=config.fresh_d_patience,
        min_delta=config.fresh_d_min_delta,
        num_samples=config.fresh_d_num_samples,
        steps=config.fresh_d_steps,
        features=features,
        repeats=config.fresh_d_repeats,
        restore_best_weights=config.fresh_d_restore_best_weights,
        seed=config.seed,
        value_range=spec.value_range or (-1.0, 1.0),
        verbose=verbose,
    )


def _fresh_d_stop_message(config):
    rules = []
    if config.fresh_d_tolerance is not None:
        rules.append(
            f"held-out accuracy within {config.fresh_d_tolerance:g} of 1/2"
        )
    if config.fresh_d_patience is not None:
        rules.append(
            f"or no lower for {config.fresh_d_patience} evaluations"
            if rules
            else "held-out accuracy no lower for "
            f"{config.fresh_d_patience} evaluations"
        )
    restored = (
        "; weights of its lowest accuracy restored"
        if config.fresh_d_restore_best_weights
        else ""
    )
    return "fresh discriminator: " + " ".join(rules) + restored


# -- Export --


def _export(gan, config, spec, layout):
    metadata = export.read_metadata(layout.export_dir)
    if (
        _is_own_export(layout)
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
        class_names=_class_names(config, spec),
    )


def _conditioning_arguments(config, spec):
    """`build_pair`'s conditioning arguments: none for an unconditional
    run, else the dataset's class count and the mechanism."""
    if config.conditioning is None:
        return {}
    if not spec.num_classes:
        raise ConfigError(
            f"`conditioning={config.conditioning!r}` needs a dataset with "
            f"class labels. Received: dataset={config.dataset!r}, which "
            "has none (an image folder needs one subfolder per class)."
        )
    return {
        "num_classes": spec.num_classes,
        "conditioning": config.conditioning,
    }


def _class_names(config, spec):
    """The names of a conditional run's classes (for the export and the
    sample grids' rows); `None` when the dataset names none."""
    if config.conditioning is None:
        return None
    names = data.class_names(config.dataset, data_dir=config.data_dir)
    return names if names and len(names) == spec.num_classes else None


def _paths(layout, manager):
    samples = (
        sorted(glob.glob(os.path.join(layout.samples, "*.png")))
        if os.path.isdir(layout.samples)
        else []
    )
    return {
        "workdir": layout.workdir,
        "config": layout.config,
        "checkpoint": manager.latest(),
        "samples": layout.samples,
        "last_samples": samples[-1] if samples else None,
        "metrics": layout.metrics,
        "curves": layout.curves,
        "tensorboard": layout.tensorboard,
        "export": layout.export_dir,
    }


def _duration(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


__all__ = [
    "CheckpointError",
    "ConfigError",
    "IncompatibleConfigError",
    "STOP_DIVERGED",
    "STOP_EQUILIBRIUM",
    "STOP_FRESH_DISCRIMINATOR",
    "STOP_LOSS_THRESHOLD",
    "STOP_STEPS",
    "STOP_TIME",
    "TrainConfig",
    "TrainResult",
    "TrainingDivergedError",
    "TrainingPreempted",
    "WorkdirLockedError",
    "WorkdirLayout",
    "train",
]
