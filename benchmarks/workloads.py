"""Benchmark workloads and the trainer variants compared on them.

A workload fixes the data, the architecture, the batch size and k; a
variant fixes the trainer (`keras_gan.GAN` or the plain keras.io-style
`PlainGAN`) and its speed options. Both trainers get the same data
pipeline, the same freshly built generator and discriminator (same seed,
so the same initial weights) and the same Adam(2e-4, beta_1=0.5)
optimizers.

Variants are named like `ours+xla+spe8`: a trainer, `ours` or `plain`,
then options joined by `+`:

- `xla`: `jit_compile=True` (Keras leaves XLA off on CPU-only machines;
  this forces it on).
- `spe<N>`: `steps_per_execution=N`: N steps per call from Python.
- `bf16` / `fp16`: the `mixed_bfloat16` / `mixed_float16` dtype policy
  (fp16 adds loss scaling).
- `concat` (ours only): a prototype of `GAN` that runs the discriminator
  once on `concatenate([real, generated])` in its update instead of
  twice; see `ConcatGAN`.
"""

import dataclasses
import re

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from benchmarks import baseline
from keras_gan.models import gan as gan_module
from keras_gan.models import mlp

TRAINERS = ("ours", "plain")
OPTION_PATTERN = re.compile(r"^(xla|spe\d+|bf16|fp16|concat)$")
_POLICIES = {"bf16": "mixed_bfloat16", "fp16": "mixed_float16"}


@dataclasses.dataclass(frozen=True)
class Workload:
    """One benchmark problem.

    Attributes:
        name: Short name, used on the command line and in the JSON.
        data: `"fashion_mnist"`, `"random"` (a fixed pool of uniform
            images in [-1, 1]) or a mixture name (`"ring"`).
        sample_shape: Shape of one real sample.
        batch_size: Real samples per batch.
        discriminator_steps: k of `keras_gan.GAN` (the plain trainer
            always takes one batch per step).
        latent_dim: Noise size.
        architecture: `"dcgan"` or `"mlp"`.
        width: `base_filters` for dcgan, hidden units per layer for mlp.
    """

    name: str
    data: str
    sample_shape: tuple
    batch_size: int
    discriminator_steps: int = 1
    latent_dim: int = 128
    architecture: str = "dcgan"
    width: int = 64

    def describe(self):
        """A one-line description for tables."""
        shape = "x".join(str(s) for s in self.sample_shape)
        return (
            f"{self.architecture} {shape} on {self.data}, batch "
            f"{self.batch_size}, k={self.discriminator_steps}"
        )


WORKLOADS = {
    w.name: w
    for w in (
        Workload("dcgan28_fmnist", "fashion_mnist", (28, 28, 1), 64),
        Workload(
            "dcgan28_fmnist_k5",
            "fashion_mnist",
            (28, 28, 1),
            64,
            discriminator_steps=5,
        ),
        Workload("dcgan32_random", "random", (32, 32, 3), 64),
        Workload(
            "mlp_ring",
            "ring",
            (2,),
            256,
            latent_dim=64,
            architecture="mlp",
            width=256,
        ),
    )
}


def scaling_workload(image_size, batch_size):
    """The DCGAN on random images of one size (1 channel at 28, else 3)."""
    channels = 1 if image_size == 28 else 3
    return Workload(
        f"dcgan{image_size}_b{batch_size}",
        "random",
        (image_size, image_size, channels),
        batch_size,
    )


def parse_variant(variant):
    """Splits `"ours+xla+spe8"` into `("ours", {"xla", "spe8"})`.

    Raises:
        ValueError: for an unknown trainer or option.
    """
    trainer, *options = variant.split("+")
    if trainer not in TRAINERS:
        raise ValueError(
            f"Invalid variant {variant!r}: expected a trainer in {TRAINERS} "
            "first."
        )
    for option in options:
        if not OPTION_PATTERN.match(option):
            raise ValueError(
                f"Invalid option {option!r} in variant {variant!r}. "
                "Expected xla, spe<N>, bf16, fp16 or concat."
            )
    if trainer == "plain" and "concat" in options:
        raise ValueError(
            f"Invalid variant {variant!r}: `concat` is an option of `ours` "
            "only."
        )
    if "bf16" in options and "fp16" in options:
        raise ValueError(
            f"Invalid variant {variant!r}: it names two dtype policies."
        )
    return trainer, set(options)


def steps_per_execution(variant):
    """The `steps_per_execution` a variant compiles with."""
    _, options = parse_variant(variant)
    for option in options:
        if option.startswith("spe"):
            return int(option[3:])
    return 1


def images_per_step(workload, variant):
    """Real samples one training step of `variant` consumes."""
    trainer, _ = parse_variant(variant)
    k = workload.discriminator_steps if trainer == "ours" else 1
    return k * workload.batch_size


def make_dataset(workload, seed=0):
    """The endless batched dataset of real samples of a workload."""
    if workload.data == "fashion_mnist":
        from keras_gan import data

        return data.load(
            "fashion_mnist",
            batch_size=workload.batch_size,
            seed=seed,
            repeat=True,
        )
    if workload.data == "random":
        # A fixed pool, batched without end: the step sees new batches
        # while the pipeline costs almost nothing.
        pool = np.random.default_rng(seed).uniform(
            -1.0, 1.0, (16 * workload.batch_size, *workload.sample_shape)
        )
        dataset = tf.data.Dataset.from_tensor_slices(pool.astype(np.float32))
        dataset = dataset.repeat().batch(workload.batch_size, True)
        return dataset.prefetch(tf.data.AUTOTUNE)
    from keras_gan import data

    return data.mixture_dataset(workload.data, workload.batch_size, seed=seed)


def build_players(workload, seed=0, dtype_policy=None):
    """Builds a workload's generator and discriminator.

    The same seed gives the same initial weights.

    Args:
        workload: A `Workload`.
        seed: Seed of the initial weights. Defaults to `0`.
        dtype_policy: A Keras dtype policy name for the layers. Defaults
            to `None`: the current global policy.

    Returns:
        `(generator, discriminator)`.
    """
    from keras_gan.models import dcgan

    keras.utils.set_random_seed(seed)
    previous = keras.config.dtype_policy()
    if dtype_policy is not None:
        keras.config.set_dtype_policy(dtype_policy)
    try:
        if workload.architecture == "mlp":
            units = (workload.width,) * 3
            generator = mlp.mlp_generator(
                workload.latent_dim, workload.sample_shape[0], units
            )
            discriminator = mlp.mlp_discriminator(
                workload.sample_shape[0], units
            )
        else:
            generator = dcgan.dcgan_generator(
                workload.latent_dim, workload.sample_shape, workload.width
            )
            discriminator = dcgan.dcgan_discriminator(
                workload.sample_shape, workload.width
            )
    finally:
        keras.config.set_dtype_policy(previous)
    return generator, discriminator


def _adam():
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


def build_trainer(workload, variant, seed=0):
    """Builds and compiles the model a variant trains.

    Args:
        workload: A `Workload`.
        variant: A variant name, e.g. `"ours+xla+spe8"` or `"plain"`.
        seed: Seed of the initial weights and the noise. Defaults to `0`.

    Returns:
        A compiled `keras.Model` whose `fit` takes `make_dataset(workload)`.
    """
    trainer, options = parse_variant(variant)
    policy = next((_POLICIES[o] for o in options if o in _POLICIES), None)
    generator, discriminator = build_players(workload, seed, policy)
    compile_kwargs = {
        "jit_compile": "xla" in options,
        "steps_per_execution": steps_per_execution(variant),
    }
    if trainer == "plain":
        d_optimizer, g_optimizer = _adam(), _adam()
        if policy == "mixed_float16":
            d_optimizer = keras.optimizers.LossScaleOptimizer(d_optimizer)
            g_optimizer = keras.optimizers.LossScaleOptimizer(g_optimizer)
        model = baseline.PlainGAN(
            generator, discriminator, workload.latent_dim, seed=seed
        )
        model.compile(
            d_optimizer=d_optimizer, g_optimizer=g_optimizer, **compile_kwargs
        )
        return model
    cls = ConcatGAN if "concat" in options else gan_module.GAN
    model = cls(
        generator,
        discriminator,
        discriminator_steps=workload.discriminator_steps,
        seed=seed,
    )
    model.compile(g_optimizer=_adam(), d_optimizer=_adam(), **compile_kwargs)
    return model


class ConcatGAN(gan_module.GAN):
    """Prototype: `GAN` with one discriminator call per update.

    `GAN._discriminator_loss` calls the discriminator twice, on the real
    and on the generated batch. This runs it once on their concatenation
    and splits the output, as the plain keras.io step does. For a
    discriminator whose examples do not interact (no batch
    normalisation, as `GAN` requires) the outputs, losses and gradients
    are the same; only the kernels see one batch of 2B instead of two of
    B.
    """

    def _discriminator_loss(self, real, generated, training):
        real = ops.cast(real, generated.dtype)
        outputs = ops.cast(
            self.discriminator(
                ops.concatenate([real, generated], axis=0), training=training
            ),
            "float32",
        )
        real_out, fake_out = ops.split(outputs, 2, axis=0)
        d_loss = self.adversarial_loss.discriminator_loss(real_out, fake_out)
        penalty_values = [
            p(self.discriminator, real, generated, self.seed_generator)
            for p in self.penalties
        ]
        total = d_loss + sum(penalty_values)
        if self.discriminator.losses:
            total += ops.sum(self.discriminator.losses)
        return total, penalty_values, real_out, fake_out
