"""The callbacks of a run's `fit` calls, in the order they must run:
divergence, evaluation, stopping rules, logs, curves, sample pictures,
TensorBoard, the caller's own, then the checkpoint and the preemption
stop."""

import dataclasses

import keras

from keras_gan.callbacks.checkpoint import PeriodicCheckpoint
from keras_gan.callbacks.divergence import TerminateOnNonFinite
from keras_gan.callbacks.evaluation import Evaluation
from keras_gan.callbacks.metrics_log import MetricsLog
from keras_gan.callbacks.sample_grid import SampleGrid
from keras_gan.callbacks.training_curves import TrainingCurves
from keras_gan.metrics import scoring
from keras_gan.training import plan as plan_lib
from keras_gan.training import preemption, stopping
from keras_gan.training.config import ConfigError

__all__ = ["RunCallbacks", "make_run_callbacks", "make_scorer"]


@dataclasses.dataclass(frozen=True)
class RunCallbacks:
    """A run's callbacks, with the ones `train` reads after `fit`.

    Attributes:
        all: Every callback, in order, for `fit`.
        divergence: The `TerminateOnNonFinite` (first of all).
        rules: `keras_gan.training.stopping.stop_rules`' dict.
        checkpoint: The `PeriodicCheckpoint`.
        preemption: The `keras_gan.training.preemption.PreemptionStop`
            (last of all).
    """

    all: list
    divergence: object
    rules: dict
    checkpoint: object
    preemption: object


def make_scorer(config):
    """The scorer of `config`'s evaluations, or `None` without them.

    Built before anything is written, so a dataset without one fails at
    once rather than at the first evaluation.

    Raises:
        ConfigError: when `config.dataset` has no scorer.
    """
    if config.eval_every_n_epochs is None:
        return None
    try:
        return scoring.make_scorer(config.dataset, data_dir=config.data_dir)
    except (ValueError, TypeError) as error:
        raise ConfigError(
            f"Cannot evaluate {config.dataset!r} samples "
            f"(eval_every_n_epochs={config.eval_every_n_epochs}): {error}"
        ) from error


def make_run_callbacks(
    gan,
    plan,
    *,
    layout,
    manager,
    clock,
    scorer,
    fresh_discriminator_inputs,
    extra_callbacks=(),
    verbose=0,
):
    """Assembles the callbacks of a run.

    Args:
        gan: The GAN being trained.
        plan: The run's `keras_gan.training.plan.RunPlan`.
        layout: The `WorkdirLayout` the outputs go to.
        manager: The `CheckpointManager` that writes the checkpoints.
        clock: The run's `keras_gan.clock.TrainingClock`.
        scorer: `make_scorer`'s scorer, or `None`.
        fresh_discriminator_inputs: The run's
            `keras_gan.training.stopping.FreshDiscriminatorInputs`.
        extra_callbacks: The caller's own callbacks. Defaults to `()`.
        verbose: `fit`'s verbosity. Defaults to `0`.

    Returns:
        A `RunCallbacks`.
    """
    config, spec = plan.config, plan.spec

    def state():
        return {
            "epochs": gan.generator_steps // plan.steps_per_epoch,
            "steps_per_epoch": plan.steps_per_epoch,
            "train_seconds": round(clock.elapsed_seconds, 3),
        }

    value_range = spec.value_range or (-1.0, 1.0)
    fresh_discriminator = stopping.fresh_discriminator_callback(
        config, spec, fresh_discriminator_inputs, verbose
    )
    rules = stopping.stop_rules(
        config, plan.total_steps, clock, fresh_discriminator
    )
    watching = (
        [fresh_discriminator]
        if fresh_discriminator is not None
        and not stopping.fresh_discriminator_stops(config)
        else []
    )
    evaluation = []
    if scorer is not None:
        # Before the stopping rules and the logs, which read its figures.
        evaluation.append(
            Evaluation(
                scorer,
                every_n_epochs=config.eval_every_n_epochs,
                num_samples=config.eval_num_samples,
                seed=config.seed,
                value_range=value_range,
                verbose=verbose,
            )
        )
    divergence = TerminateOnNonFinite()
    checkpoint = PeriodicCheckpoint(
        manager,
        every_n_epochs=config.checkpoint_every_n_epochs,
        every_n_steps=config.checkpoint_every_n_steps,
        state_fn=state,
    )
    stop = preemption.PreemptionStop(strategy=gan.distribute_strategy)
    num_samples = config.num_samples or (64 if spec.kind == "images" else 1000)
    callbacks = [
        # First: later callbacks of the batch see stop_training set.
        divergence,
        *evaluation,
        *watching,
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
            value_range=value_range,
            log_dir=layout.tensorboard,
            class_names=plan_lib.class_names(config, spec),
        ),
        keras.callbacks.TensorBoard(
            layout.tensorboard, write_graph=False, update_freq="epoch"
        ),
        *extra_callbacks,
        # Last: a checkpoint marks everything of its step as written, so a
        # run killed after it resumes with no epoch's outputs missing.
        checkpoint,
        # After it: a signal ends the run once every callback of the step
        # in flight has run.
        stop,
    ]
    return RunCallbacks(
        all=callbacks,
        divergence=divergence,
        rules=rules,
        checkpoint=checkpoint,
        preemption=stop,
    )
