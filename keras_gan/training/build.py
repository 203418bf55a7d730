"""The compiled GAN of a `TrainConfig`: players, optimizers, learning-rate
schedules, loss and penalties, built under the run's dtype policy."""

import contextlib

import keras

from keras_gan import losses, models, schedules
from keras_gan.augment import AdaptiveAugment
from keras_gan.models.gan import GAN
from keras_gan.training import plan, precision
from keras_gan.training.config import AUTO, ConfigError

__all__ = [
    "apply_resume_settings",
    "build_gan",
    "dtype_policy",
    "learning_rates",
    "policy_name",
]


@contextlib.contextmanager
def dtype_policy(name):
    """Sets Keras's global dtype policy within the block, then restores
    the previous one.

    Args:
        name: A Keras dtype policy name (`"mixed_bfloat16"`...), or
            `None` to leave the policy as it is.
    """
    previous = keras.config.dtype_policy()
    if name is not None:
        keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def policy_name(mixed_precision, strategy="default"):
    """The Keras dtype policy of a `TrainConfig.mixed_precision`.

    Args:
        mixed_precision: `None`, `"float16"`, `"bfloat16"` or `"auto"`
            (resolved for this machine, `keras_gan.training.precision`).
        strategy: The run's strategy name. Defaults to `"default"`.

    Returns:
        `"mixed_float16"`, `"mixed_bfloat16"`, or `None` for float32.
    """
    value = precision.resolve(mixed_precision, strategy)
    return value and f"mixed_{value}"


def build_gan(config, spec=None, total_steps=None):
    """The compiled `GAN` a fresh run of `config` starts from.

    Seeds Keras with `config.seed`, builds the players under the config's
    dtype policy and compiles the GAN with its optimizers, learning rates
    (schedules for `lr_decay_fraction`), loss and penalties.

    Args:
        config: A `TrainConfig`.
        spec: The data's `keras_gan.data.info`. Defaults to `None`: read
            from `config` (`keras_gan.training.plan.dataset_spec`).
        total_steps: The run's step budget, which a learning-rate decay
            runs to. Defaults to `None`: the budget of `config`.

    Returns:
        A compiled `keras_gan.GAN`.

    Raises:
        ConfigError: when the architecture or the augmentation does not
            fit the data, or a conditional run's data has no labels.
    """
    if spec is None:
        spec = plan.dataset_spec(config)
    if total_steps is None:
        total_steps = plan.total_steps(
            config, plan.steps_per_epoch(config, spec)
        )
    architecture = plan.resolve_architecture(config, spec)
    conditioning = _conditioning_arguments(config, spec)
    # Seeds the weight initialisers; the GAN's own seed drives the noise.
    keras.utils.set_random_seed(config.seed)
    width = (
        {"base_filters": config.base_filters}
        if architecture in ("dcgan", "resnet")
        else {"hidden_units": config.hidden_units}
    )
    with dtype_policy(policy_name(config.mixed_precision, config.strategy)):
        try:
            generator, discriminator = models.build_pair(
                architecture,
                spec.element_shape,
                config.latent_dim,
                **conditioning,
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
        num_classes=conditioning.get("num_classes"),
        augment=(
            AdaptiveAugment(target=config.ada_target)
            if config.augment == "ada"
            else config.augment
        ),
        penalty_inputs=config.penalty_inputs,
    )
    g_rate, d_rate = learning_rates(config, total_steps)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(
            g_rate, beta_1=config.beta_1, beta_2=config.beta_2
        ),
        d_optimizer=keras.optimizers.Adam(
            d_rate, beta_1=config.beta_1, beta_2=config.beta_2
        ),
        loss=config.loss,
        penalties=_penalties(config),
        jit_compile=config.jit_compile,
        steps_per_execution=config.steps_per_execution,
    )
    return gan


def learning_rates(config, total_steps):
    """The generator's and the discriminator's learning rates.

    Args:
        config: A `TrainConfig`.
        total_steps: The run's step budget (`None` without one).

    Returns:
        A pair of numbers, or with `lr_decay_fraction` a pair of
        `keras_gan.schedules.ConstantThenLinearDecay` over the
        optimizers' own step counts.
    """
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


def apply_resume_settings(gan, config, total_steps):
    """Applies to a restored `gan` what a resumed run may change: the
    speed settings and the learning rates.

    Args:
        gan: The `GAN` restored from the workdir's checkpoint.
        config: The resuming run's `TrainConfig`.
        total_steps: Its step budget, which a learning-rate decay runs to.
    """
    # "auto" keeps the checkpoint's compilation setting.
    gan.steps_per_execution = config.steps_per_execution
    if config.jit_compile != AUTO:
        gan.jit_compile = config.jit_compile
    # Lowering the learning rates is the way on after a divergence, so
    # they may change on resume, as may the step budget a decay runs to.
    g_rate, d_rate = learning_rates(config, total_steps)
    gan.g_optimizer.learning_rate = g_rate
    gan.d_optimizer.learning_rate = d_rate


def _penalties(config):
    penalties = [losses.get_penalty(name) for name in config.penalties]
    if config.penalty_weights:
        penalties = [
            type(penalty)(weight=weight)
            for penalty, weight in zip(penalties, config.penalty_weights)
        ]
    return [
        losses.R1Penalty(penalty.weight, interval=config.r1_interval)
        if isinstance(penalty, losses.R1Penalty)
        else penalty
        for penalty in penalties
    ]


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
