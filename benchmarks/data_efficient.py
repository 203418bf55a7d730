"""Data-efficient training on Fashion-MNIST: the protocol's pieces.

DESIGN.md's protocol (after DiffAugment, Zhao et al. 2020, and ADA,
Karras et al. 2020): train on a seeded, class-balanced subset of the
Fashion-MNIST training split (600 images: 60 per class; 6,000: 600 per
class; numpy `default_rng(0)`, the first N per class of a permutation),
score 10,000 samples against the full test split. This module holds the
subset, the recipes compared (the rows of the issue's table) and the
training of one recipe for a wall-time budget; the scoring is
`keras_gan.metrics.scoring.score` on a `ModelSampler` of the trained
generator.

Rows: the Fashion-MNIST DCGAN preset's recipe without augmentation, with
DiffAugment and with ADA; the ResNet + spectral norm + hinge recipe
(SNGAN's Adam(2e-4, beta_1=0, beta_2=0.9)) without and with DiffAugment.
"""

import dataclasses

import keras
import numpy as np

import keras_gan
from keras_gan.callbacks.time_budget import TimeBudget


def balanced_subset(labels, per_class, seed=0):
    """Indices of the protocol's class-balanced subset.

    The first `per_class` indices of each class in the permutation
    `numpy.random.default_rng(seed).permutation(len(labels))`, in the
    permutation's order.

    Args:
        labels: Integer class labels of the whole training split.
        per_class: Images per class (60 for 600 images of 10 classes).
        seed: Seed of the permutation. Defaults to `0`.

    Returns:
        An int64 array of `per_class * classes` indices into `labels`.
    """
    labels = np.asarray(labels)
    classes, counts = np.unique(labels, return_counts=True)
    if per_class < 1 or counts.min() < per_class:
        raise ValueError(
            "Invalid value for argument `per_class`. Expected a positive "
            f"integer at most the smallest class ({counts.min()} images). "
            f"Received: per_class={per_class!r}"
        )
    order = np.random.default_rng(seed).permutation(len(labels))
    taken = np.zeros(len(labels), bool)
    for label in classes:
        taken[order[labels[order] == label][:per_class]] = True
    return order[taken[order]]


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One row: architecture, loss, optimizer and augmentation.

    Attributes:
        architecture: `"dcgan"` or `"resnet"`.
        loss: An adversarial loss name.
        augment: `None`, `"diffaugment"` or `"ada"`.
        learning_rate: Adam learning rate of both players.
        beta_1: Adam beta_1.
        beta_2: Adam beta_2.
        base_filters: Network width.
        latent_dim: Noise size.
        batch_size: Real images per discriminator update.
        ema_decay: Generator weight average, or `None`.
    """

    architecture: str
    loss: str
    augment: str | None
    learning_rate: float
    beta_1: float
    beta_2: float
    base_filters: int = 32
    latent_dim: int = 64
    batch_size: int = 64
    ema_decay: float | None = 0.999


# The DCGAN rows use the preset's settings (configs/fashion_mnist_dcgan.flags).
_DCGAN = dict(
    architecture="dcgan", loss="non_saturating", learning_rate=5e-4,
    beta_1=0.5, beta_2=0.999,
)  # fmt: skip
_SNGAN = dict(
    architecture="resnet", loss="hinge", learning_rate=2e-4, beta_1=0.0,
    beta_2=0.9,
)  # fmt: skip
RECIPES = {
    "dcgan": Recipe(augment=None, **_DCGAN),
    "dcgan+diffaugment": Recipe(augment="diffaugment", **_DCGAN),
    "dcgan+ada": Recipe(augment="ada", **_DCGAN),
    "resnet_sn_hinge": Recipe(augment=None, **_SNGAN),
    "resnet_sn_hinge+diffaugment": Recipe(augment="diffaugment", **_SNGAN),
}


def build_gan(recipe, image_shape=(28, 28, 1), seed=0):
    """The compiled `GAN` of a recipe."""
    keras.utils.set_random_seed(seed)
    generator, discriminator = keras_gan.models.build_pair(
        recipe.architecture,
        image_shape,
        recipe.latent_dim,
        base_filters=recipe.base_filters,
    )
    gan = keras_gan.GAN(
        generator,
        discriminator,
        seed=seed,
        ema_decay=recipe.ema_decay,
        augment=recipe.augment,
    )

    def adam():
        return keras.optimizers.Adam(
            recipe.learning_rate, beta_1=recipe.beta_1, beta_2=recipe.beta_2
        )

    gan.compile(g_optimizer=adam(), d_optimizer=adam(), loss=recipe.loss)
    return gan


def train_recipe(recipe, images, seconds, seed=0, max_steps=None):
    """Trains a recipe on `images` (`[N, 28, 28, 1]` in [-1, 1]) for a
    wall-time budget (and at most `max_steps` steps).

    Returns:
        `(gan, history)`.
    """
    gan = build_gan(recipe, images.shape[1:], seed)
    steps = len(images) // recipe.batch_size
    epochs = 10**6 if max_steps is None else -(-max_steps // steps)
    history = gan.fit(
        images,
        batch_size=recipe.batch_size,
        epochs=epochs,
        callbacks=[TimeBudget(seconds)],
        verbose=0,
    )
    return gan, history
