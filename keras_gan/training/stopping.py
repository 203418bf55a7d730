"""When a run stops: its stopping rules as callbacks, the reason it
stopped and that reason in words, and whether a resumed run is finished
already. The fresh-discriminator rule's inputs are loaded here, before
anything is written."""

import dataclasses

from keras_gan import data
from keras_gan.callbacks.equilibrium_stopping import EquilibriumStopping
from keras_gan.callbacks.fresh_discriminator_stopping import (
    FreshDiscriminatorStopping,
)
from keras_gan.callbacks.loss_threshold import LossThreshold
from keras_gan.callbacks.step_budget import StepBudget
from keras_gan.callbacks.time_budget import TimeBudget
from keras_gan.data import mixtures
from keras_gan.metrics import scoring
from keras_gan.metrics.classifier import load_fashion_mnist_feature_extractor
from keras_gan.training.config import ConfigError
from keras_gan.training.results import (
    STOP_EQUILIBRIUM,
    STOP_FRESH_DISCRIMINATOR,
    STOP_LOSS_THRESHOLD,
    STOP_STEPS,
    STOP_TIME,
)

__all__ = [
    "FreshDiscriminatorInputs",
    "finished_reason",
    "fresh_discriminator_callback",
    "fresh_discriminator_features",
    "fresh_discriminator_inputs",
    "fresh_discriminator_real",
    "fresh_discriminator_stops",
    "stop_message",
    "stop_reason",
    "stop_rules",
]


def stop_rules(config, total_steps, clock, fresh_discriminator=None):
    """The run's stopping rules, by the stop reason each gives.

    Args:
        config: A `TrainConfig`.
        total_steps: The step budget, or `None`.
        clock: The run's `keras_gan.clock.TrainingClock` (all runs of the
            workdir), which the time budget reads.
        fresh_discriminator: The run's `FreshDiscriminatorStopping`, or
            `None`; a rule only when `fresh_discriminator_stops(config)`.
            Defaults to `None`.

    Returns:
        A dict of stop reason (`STOP_STEPS`...) to callback.
    """
    rules = {}
    if total_steps is not None:
        rules[STOP_STEPS] = StepBudget(total_steps)
    if config.max_train_minutes is not None:
        rules[STOP_TIME] = TimeBudget(
            config.max_train_minutes * 60, clock=clock
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
    if fresh_discriminator is not None and fresh_discriminator_stops(config):
        rules[STOP_FRESH_DISCRIMINATOR] = fresh_discriminator
    return rules


def stop_reason(gan, rules, total_steps):
    """Why the `fit` that just returned stopped, or `None` when it only
    ended its epochs.

    Args:
        gan: The GAN being trained.
        rules: `stop_rules`' dict.
        total_steps: The step budget, or `None`.

    Returns:
        A stop reason (`STOP_STEPS`...) or `None`.
    """
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


def finished_reason(config, state, step, total_steps, train_seconds):
    """Why a resumed run has nothing left to train, or `None`.

    A run is finished when its budget is spent or a rule that is still
    enabled stopped it; `fit` must not be called then, since Keras would
    run at least one step.

    Args:
        config: The resuming run's `TrainConfig`.
        state: The checkpoint's training state (its `stop_reason`).
        step: The checkpoint's generator step.
        total_steps: The step budget, or `None`.
        train_seconds: Training time over all runs so far.

    Returns:
        A stop reason or `None`.
    """
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
    if reason == STOP_FRESH_DISCRIMINATOR and fresh_discriminator_stops(config):
        return reason
    return None


def stop_message(reason, config, total_steps):
    """`reason` in words, with the settings that made it.

    Args:
        reason: A stop reason (`STOP_STEPS`...).
        config: The run's `TrainConfig`.
        total_steps: The step budget, or `None`.
    """
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
        return _fresh_discriminator_message(config)
    return (
        f"{config.loss_threshold_monitor} {config.loss_threshold_mode} "
        f"{config.loss_threshold:g}"
    )


# -- The fresh-discriminator rule --


@dataclasses.dataclass(frozen=True)
class FreshDiscriminatorInputs:
    """What the fresh discriminator compares, loaded before anything is
    written.

    Attributes:
        real: The real samples (`fresh_discriminator_real`), or `None`
            when the run has no fresh discriminator.
        features: The feature extractor
            (`fresh_discriminator_features`), or `None` for the samples
            themselves.
    """

    real: object
    features: object


def fresh_discriminator_stops(config):
    """Whether the fresh discriminator is a stopping rule of `config`
    (rather than a figure in the logs only)."""
    return config.fresh_d_every_n_epochs is not None and (
        config.fresh_d_tolerance is not None
        or config.fresh_d_patience is not None
    )


def fresh_discriminator_inputs(config, spec):
    """`FreshDiscriminatorInputs` of `config`'s run.

    Args:
        config: A `TrainConfig`.
        spec: The data's `keras_gan.data.info`.
    """
    return FreshDiscriminatorInputs(
        fresh_discriminator_real(config, spec),
        fresh_discriminator_features(config, spec),
    )


def fresh_discriminator_real(config, spec):
    """The real samples the fresh discriminator compares with: held-out
    images (the test split where there is one), or fresh mixture points;
    `None` when the run has no fresh discriminator.

    Raises:
        ConfigError: when the held-out images differ in shape from the
            generator's.
    """
    if config.fresh_d_every_n_epochs is None:
        return None
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


def fresh_discriminator_features(config, spec):
    """What the fresh discriminator compares the samples by
    (`fresh_d_features`): the Fashion-MNIST classifier's feature
    extractor, or `None` for the samples themselves.

    Raises:
        ConfigError: when the classifier is asked for samples it does
            not take (other than 28x28 grayscale images).
    """
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
    return load_fashion_mnist_feature_extractor()


def fresh_discriminator_callback(config, spec, inputs, verbose):
    """The run's `FreshDiscriminatorStopping`, or `None` without one.

    Args:
        config: A `TrainConfig`.
        spec: The data's `keras_gan.data.info`.
        inputs: `FreshDiscriminatorInputs`.
        verbose: `fit`'s verbosity.
    """
    if inputs.real is None:
        return None
    return FreshDiscriminatorStopping(
        inputs.real,
        every_n_epochs=config.fresh_d_every_n_epochs,
        tolerance=config.fresh_d_tolerance,
        patience=config.fresh_d_patience,
        min_delta=config.fresh_d_min_delta,
        num_samples=config.fresh_d_num_samples,
        steps=config.fresh_d_steps,
        features=inputs.features,
        repeats=config.fresh_d_repeats,
        restore_best_weights=config.fresh_d_restore_best_weights,
        seed=config.seed,
        value_range=spec.value_range or (-1.0, 1.0),
        verbose=verbose,
    )


def _fresh_discriminator_message(config):
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
