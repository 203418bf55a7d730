"""Train a GAN from a `TrainConfig`: data, model, callbacks, resume, export.

`train(config)` reads no flags and prints nothing (progress comes from the
Keras progress bar when `verbose` is set); `bin/train` turns flags into a
`TrainConfig`, calls it and prints the summary. The parts it is made of,
one concern each:

- `plan`: the data, the architecture, the precision, the steps per epoch,
  the step budget and the `fit` calls that spend it.
- `build`: the compiled GAN of a config (`build_gan`).
- `run_callbacks`: the callbacks of the run's `fit` calls.
- `stopping`: the stopping rules, why a run stopped, in words.
- `run_export`: the generator's SavedModel.
- `results`: `TrainResult`, the stop reasons, `TrainingDivergedError`.

The workdir's files and what each holds are in docs/contracts.md,
"Workdir layout" (`keras_gan.training.workdir.WorkdirLayout` holds the
paths).

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
import os
import time

import keras

from keras_gan import checkpoints, distribute, files
from keras_gan.checkpoints import CheckpointError, NonFiniteWeightsError
from keras_gan.clock import TrainingClock
from keras_gan.training import (
    build,
    lock,
    plan,
    preemption,
    preflight,
    run_callbacks,
    run_export,
    stopping,
    workdir,
)
from keras_gan.training.config import (
    ConfigError,
    IncompatibleConfigError,
    TrainConfig,
    check_resumable,
)
from keras_gan.training.lock import WorkdirLockedError
from keras_gan.training.preemption import TrainingPreempted
from keras_gan.training.results import (
    STOP_DIVERGED,
    STOP_EQUILIBRIUM,
    STOP_FRESH_DISCRIMINATOR,
    STOP_LOSS_THRESHOLD,
    STOP_STEPS,
    STOP_TIME,
    TrainingDivergedError,
    TrainResult,
    diverged_error,
    written_paths,
)
from keras_gan.training.workdir import WorkdirLayout

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
    "WorkdirLayout",
    "WorkdirLockedError",
    "train",
]


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
        ConfigError: for settings that cannot work (a `backend` other
            than the one Keras runs, an unknown dataset, an architecture
            that does not fit the data, an existing foreign
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
    if not isinstance(config, TrainConfig):
        raise TypeError(
            "Expected `config` to be a TrainConfig. Received: config of "
            f"type {type(config).__name__}"
        )
    _check_backend(config)
    with contextlib.ExitStack() as cleanup:
        return _train(config, list(callbacks or []), verbose, cleanup)


def _check_backend(config):
    """Raises `ConfigError` unless Keras runs on `config.backend` (it is
    fixed when Keras is first imported)."""
    running = keras.backend.backend()
    if config.backend != running:
        raise ConfigError(
            f"Expected `backend` to be the backend Keras runs on, "
            f"{running!r}: Keras chose it when it was first imported. "
            f"To train on {config.backend!r}, set "
            f"KERAS_BACKEND={config.backend} before importing Keras (in a "
            f"new process; bin/train --backend={config.backend} does). "
            f"Received: backend={config.backend!r}"
        )


def _train(config, callbacks, verbose, cleanup):
    wall_start = time.monotonic()
    # First: a multi-worker strategy must be made before other TF ops run.
    strategy = plan.get_strategy(config)
    layout = WorkdirLayout.of(config)
    run_plan = plan.make_plan(config, layout)
    config, spec = run_plan.config, run_plan.spec
    run_export.check_export_destination(config, layout)
    preflight.check_storage(config, layout, spec, run_plan.architecture)
    # One run per workdir; the chief alone writes there.
    if distribute.is_chief(strategy):
        cleanup.enter_context(lock.WorkdirLock(layout.workdir))
        # Held by this run alone now: what killed writers left is garbage.
        files.remove_write_leftovers(layout.workdir)
    scorer = run_callbacks.make_scorer(config)
    fresh_discriminator = stopping.fresh_discriminator_inputs(config, spec)

    manager = checkpoints.CheckpointManager(
        layout.checkpoints, keep=config.keep_checkpoints
    )
    saved_config = workdir.read_config(layout)
    if saved_config is not None and manager.checkpoints():
        check_resumable(saved_config, config)
    with strategy.scope():
        restored = manager.restore()
        if restored is None:
            gan = build.build_gan(config, spec, run_plan.total_steps)
            state = {}
        else:
            gan, state, _ = restored
            build.apply_resume_settings(gan, config, run_plan.total_steps)
    start_step = gan.generator_steps
    clock = TrainingClock(state.get("train_seconds", 0.0))
    reason = stopping.finished_reason(
        config,
        state,
        start_step,
        run_plan.total_steps,
        clock.elapsed_seconds,
    )
    dataset = None if reason else plan.load_data(config, start_step)

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
            run = run_callbacks.make_run_callbacks(
                gan,
                run_plan,
                layout=out,
                manager=writer,
                clock=clock,
                scorer=scorer,
                fresh_discriminator_inputs=fresh_discriminator,
                extra_callbacks=callbacks,
                verbose=verbose,
            )
            reason = _fit(
                gan,
                dataset,
                run_plan=run_plan,
                run=run,
                manager=writer,
                clock=clock,
                verbose=verbose,
            )
        run_export.export_run(gan, config, spec, out)
    return TrainResult(
        steps=gan.generator_steps,
        steps_this_run=gan.generator_steps - start_step,
        epochs=gan.generator_steps // run_plan.steps_per_epoch,
        resumed_from=None if restored is None else start_step,
        stop_reason=reason,
        stop_message=stopping.stop_message(
            reason, config, run_plan.total_steps
        ),
        wall_seconds=time.monotonic() - wall_start,
        train_seconds=clock.elapsed_seconds,
        paths=written_paths(layout, manager),
    )


def _fit(gan, dataset, *, run_plan, run, manager, clock, verbose):
    """Runs the plan's `fit` calls until the budget or a rule stops them,
    checkpoints the last step, and returns why training stopped."""
    divergence = run.divergence
    reason = None
    try:
        with clock, run.preemption.watch():
            for segment in plan.fit_segments(
                gan.generator_steps,
                run_plan.steps_per_epoch,
                run_plan.total_steps,
            ):
                gan.fit(
                    dataset,
                    initial_epoch=segment.initial_epoch,
                    epochs=segment.epochs,
                    steps_per_epoch=segment.steps_per_epoch,
                    callbacks=run.all,
                    verbose=verbose,
                )
                if divergence.stopped_step is not None:
                    break
                reason = stopping.stop_reason(
                    gan, run.rules, run_plan.total_steps
                )
                if reason is not None:
                    break
        if divergence.stopped_step is None:
            manager.save(
                gan,
                {**run.checkpoint.state_fn(), "stop_reason": reason},
            )
    except NonFiniteWeightsError as error:
        # The weights went bad without a bad loss being seen first (or the
        # checkpoint of the step that diverged refused them).
        raise _diverged(gan, manager, divergence) from error
    except preemption.TrainingPreempted as error:
        raise _preempted(gan, manager, run.checkpoint, error) from None
    if divergence.stopped_step is not None:
        raise _diverged(gan, manager, divergence)
    return reason or STOP_STEPS


def _diverged(gan, manager, divergence):
    step = divergence.stopped_step or gan.generator_steps
    seen = divergence.message() or f"weights became non-finite by step {step}"
    return diverged_error(step, seen, manager)


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
