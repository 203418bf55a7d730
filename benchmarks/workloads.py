"""Benchmark workloads and the trainer variants compared on them.

A workload fixes the data, the architecture, the batch size, k and the
loss; a variant fixes the trainer (`keras_gan.GAN` or the plain
keras.io-style step of `baseline`) and its speed options. Both trainers
get the same data pipeline, the same freshly built generator and
discriminator (same seed, so the same initial weights) and the same
Adam(2e-4, beta_1=0.5) optimizers.

The plain reference of a workload is the keras.io step of its kind, at
the same math as ours wherever the keras.io step has the knob: `PlainGAN`
(one discriminator update per step: keras.io's DCGAN step has no k, so
on `dcgan28_fmnist_k5` ours does five times the discriminator work per
step and the comparison is per real image), its conditional form for
conditional workloads, and `PlainWGANGP` for WGAN-GP workloads, with the
workload's k and penalty weight. `ours` then uses the workload's loss and
penalty.

Workloads after the keras.io examples (`benchmarks.kerasio`):
`kerasio_dcgan28` (the MNIST DCGAN), `kerasio_conditional28` (the
conditional GAN, 10 classes), `kerasio_wgan_gp28_k5` (WGAN-GP, k = 5,
penalty weight 10; keras.io trains it at batch 512, here 64) and
`kerasio_dcgan64_random` (the 64x64 CelebA DCGAN on random images: no
CelebA here). Fashion-MNIST stands in for MNIST (same shapes). The
project's ResNet players: `resnet28_fmnist`, `resnet32_random`.

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
- `onepass` (ours only, k > 1): `GAN(single_generator_pass=True)`: the k
  discriminator updates' fake batches from one generator call.
"""

import dataclasses
import re

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from benchmarks import baseline, kerasio
from keras_gan import data, losses
from keras_gan.models import dcgan, mlp, resnet
from keras_gan.models import gan as gan_module

__all__ = [
    "OPTION_PATTERN",
    "TRAINERS",
    "WORKLOADS",
    "ConcatGAN",
    "Workload",
    "build_players",
    "build_trainer",
    "images_per_step",
    "make_dataset",
    "parse_variant",
    "quick_workload",
    "scaling_workload",
    "steps_per_execution",
    "trainer_dataset",
    "variant_applies",
]

TRAINERS = ("ours", "plain")
OPTION_PATTERN = re.compile(r"^(xla|spe\d+|bf16|fp16|concat|onepass)$")
_OURS_ONLY = ("concat", "onepass")
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
        discriminator_steps: k of `keras_gan.GAN` (and of the plain
            WGAN-GP step; the plain DCGAN step takes one batch per step).
        latent_dim: Noise size.
        architecture: `"dcgan"`, `"mlp"`, `"resnet"`, or a keras.io
            example's players: `"kerasio_mnist"`, `"kerasio_celeba"`,
            `"kerasio_wgan_gp"`.
        width: `base_filters` for dcgan and resnet, hidden units per
            layer for mlp (the keras.io players have their own).
        num_classes: Train class-conditional players on labelled data.
            Defaults to `None`.
        gradient_penalty: WGAN-GP: the Wasserstein loss and a gradient
            penalty of this weight, in both trainers. Defaults to `None`:
            the non-saturating loss, no penalty.
    """

    name: str
    data: str
    sample_shape: tuple
    batch_size: int
    discriminator_steps: int = 1
    latent_dim: int = 128
    architecture: str = "dcgan"
    width: int = 64
    num_classes: int | None = None
    gradient_penalty: float | None = None

    @property
    def plain_discriminator_steps(self):
        """Discriminator updates (real batches) per step of the plain
        reference: k for WGAN-GP, whose keras.io step has k; else 1."""
        return self.discriminator_steps if self.gradient_penalty else 1

    def describe(self):
        """A one-line description for tables."""
        shape = "x".join(str(s) for s in self.sample_shape)
        extras = ""
        if self.num_classes:
            extras += f", {self.num_classes} classes"
        if self.gradient_penalty:
            extras += f", WGAN-GP (penalty {self.gradient_penalty:g})"
        return (
            f"{self.architecture} {shape} on {self.data}, batch "
            f"{self.batch_size}, k={self.discriminator_steps}{extras}"
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
        Workload(
            "kerasio_dcgan28",
            "fashion_mnist",
            (28, 28, 1),
            64,
            architecture="kerasio_mnist",
        ),
        Workload(
            "kerasio_conditional28",
            "fashion_mnist",
            (28, 28, 1),
            64,
            architecture="kerasio_mnist",
            num_classes=10,
        ),
        Workload(
            "kerasio_wgan_gp28_k5",
            "fashion_mnist",
            (28, 28, 1),
            64,
            discriminator_steps=5,
            architecture="kerasio_wgan_gp",
            gradient_penalty=10.0,
        ),
        Workload(
            "kerasio_dcgan64_random",
            "random",
            (64, 64, 3),
            32,
            architecture="kerasio_celeba",
        ),
        Workload(
            "resnet28_fmnist",
            "fashion_mnist",
            (28, 28, 1),
            64,
            architecture="resnet",
        ),
        Workload(
            "resnet32_random", "random", (32, 32, 3), 64, architecture="resnet"
        ),
    )
}


def quick_workload(workload, batch_size=4):
    """A workload shrunk for a smoke run: at most `batch_size` samples per
    batch, random images in place of Fashion-MNIST (no data preparation).
    Same players, loss and k."""
    data = "random" if workload.data == "fashion_mnist" else workload.data
    return dataclasses.replace(
        workload,
        data=data,
        batch_size=min(workload.batch_size, batch_size),
    )


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
                "Expected xla, spe<N>, bf16, fp16, concat or onepass."
            )
        if trainer == "plain" and option in _OURS_ONLY:
            raise ValueError(
                f"Invalid variant {variant!r}: `{option}` is an option of "
                "`ours` only."
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


def variant_applies(workload, variant):
    """Whether `variant` is a step of its own on `workload`: `onepass`
    changes nothing at k = 1."""
    _, options = parse_variant(variant)
    return "onepass" not in options or workload.discriminator_steps > 1


def images_per_step(workload, variant):
    """Real samples one training step of `variant` consumes."""
    trainer, _ = parse_variant(variant)
    if trainer == "ours":
        return workload.discriminator_steps * workload.batch_size
    return workload.plain_discriminator_steps * workload.batch_size


def make_dataset(workload, seed=0):
    """The endless batched dataset of real samples of a workload
    (`(samples, labels)` batches for a conditional one)."""
    labelled = workload.num_classes is not None
    if workload.data == "fashion_mnist":
        return data.load(
            "fashion_mnist",
            batch_size=workload.batch_size,
            seed=seed,
            repeat=True,
            with_labels=labelled,
        )
    if workload.data == "random":
        # A fixed pool, batched without end: the step sees new batches
        # while the pipeline costs almost nothing.
        rng = np.random.default_rng(seed)
        size = 16 * workload.batch_size
        pool = rng.uniform(-1.0, 1.0, (size, *workload.sample_shape))
        pool = pool.astype(np.float32)
        if labelled:
            labels = rng.integers(0, workload.num_classes, size)
            pool = (pool, labels.astype(np.int32))
        dataset = tf.data.Dataset.from_tensor_slices(pool)
        dataset = dataset.repeat().batch(workload.batch_size, True)
        return dataset.prefetch(tf.data.AUTOTUNE)
    return data.mixture_dataset(workload.data, workload.batch_size, seed=seed)


def trainer_dataset(workload, variant, dataset):
    """The dataset a variant's model trains on: `dataset`, or for the
    plain WGAN-GP step its k consecutive batches per element."""
    trainer, _ = parse_variant(variant)
    if trainer == "plain" and workload.gradient_penalty:
        return dataset.batch(workload.discriminator_steps, drop_remainder=True)
    return dataset


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
    # Here, not at the top: `import benchmarks` stays clear of the training
    # application, which only building under a policy needs.
    from keras_gan.training import build

    keras.utils.set_random_seed(seed)
    with build.dtype_policy(dtype_policy):
        return _players(workload)


def _players(workload):
    latent, shape, width = (
        workload.latent_dim,
        workload.sample_shape,
        workload.width,
    )
    architecture = workload.architecture
    if architecture == "mlp":
        units = (width,) * 3
        return (
            mlp.mlp_generator(latent, shape[0], units),
            mlp.mlp_discriminator(shape[0], units),
        )
    if architecture == "resnet":
        return (
            resnet.resnet_generator(latent, shape, width),
            resnet.resnet_discriminator(shape, width),
        )
    if architecture == "kerasio_mnist":
        return kerasio.mnist_dcgan_players(latent, workload.num_classes)
    if architecture == "kerasio_celeba":
        return kerasio.celeba_dcgan_players(latent)
    if architecture == "kerasio_wgan_gp":
        return kerasio.wgan_gp_players(latent)
    return (
        dcgan.dcgan_generator(latent, shape, width),
        dcgan.dcgan_discriminator(shape, width),
    )


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
        if workload.gradient_penalty:
            model = baseline.PlainWGANGP(
                generator,
                discriminator,
                workload.latent_dim,
                discriminator_steps=workload.discriminator_steps,
                gp_weight=workload.gradient_penalty,
                seed=seed,
            )
        else:
            model = baseline.PlainGAN(
                generator,
                discriminator,
                workload.latent_dim,
                seed=seed,
                num_classes=workload.num_classes,
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
        num_classes=workload.num_classes,
        single_generator_pass="onepass" in options,
    )
    loss, penalties = "non_saturating", None
    if workload.gradient_penalty:
        loss = "wasserstein"
        penalties = [losses.GradientPenalty(workload.gradient_penalty)]
    model.compile(
        g_optimizer=_adam(),
        d_optimizer=_adam(),
        loss=loss,
        penalties=penalties,
        **compile_kwargs,
    )
    return model


class ConcatGAN(gan_module.GAN):
    """Prototype: `GAN` with one discriminator call per update.

    `GAN._discriminator_loss` calls the discriminator twice, on the real
    and on the generated batch. This runs it once on their concatenation
    and splits the output, as the plain keras.io step does. For a
    discriminator whose examples do not interact (no batch
    normalisation, as `GAN` requires) the outputs, losses and gradients
    are the same; only the kernels see one batch of 2B instead of two of
    B. Penalties that call the discriminator are supported; output
    penalties and auxiliary-classifier losses are not.
    """

    def _discriminator_loss(self, real, generated, labels, training):
        if training:
            real, generated = self._augmented(real), self._augmented(generated)
        real = ops.cast(real, generated.dtype)
        both = None if labels is None else ops.concatenate([labels, labels])
        outputs = ops.cast(
            self._discriminator_at(both)(
                ops.concatenate([real, generated], axis=0), training=training
            ),
            "float32",
        )
        real_out, fake_out = ops.split(outputs, 2, axis=0)
        d_loss = self.adversarial_loss.discriminator_loss(real_out, fake_out)
        discriminator = self._discriminator_at(labels)
        penalty_values = [
            p(discriminator, real, generated, self.seed_generator)
            for p in self.penalties
        ]
        total = d_loss + sum(penalty_values)
        if self.discriminator.losses:
            total += ops.sum(self.discriminator.losses)
        return total, penalty_values, real_out, fake_out
