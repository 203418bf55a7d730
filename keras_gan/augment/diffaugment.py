"""DiffAugment (Zhao et al. 2020), as the reference implementation does it."""

import functools

import keras
from keras import ops

from keras_gan import distribute
from keras_gan.augment import transforms
from keras_gan.augment.base import Augmentation, chain

__all__ = [
    "DiffAugment",
    "POLICIES",
]

POLICIES = ("color", "translation", "cutout")


@keras.saving.register_keras_serializable(package="keras_gan")
class DiffAugment(Augmentation):
    """Differentiable augmentation for data-efficient GAN training.

    Zhao et al. (2020), "Differentiable Augmentation for Data-Efficient GAN
    Training", with the magnitudes of the authors' `DiffAugment_tf.py`
    (images in `[-1, 1]`), each drawn per example:

    - `color`: brightness `+ U[-0.5, 0.5]`, then saturation (the distance
      from the channel mean) `x U[0, 2]` (the identity on one channel),
      then contrast (the distance from the image mean) `x U[0.5, 1.5]`;
    - `translation`: an integer shift of up to 1/8 of each side (rounded),
      in each direction, the vacated pixels zero;
    - `cutout`: a rectangle of half of each side (rounded) set to zero, at
      a uniformly drawn centre.

    Every image of every batch is augmented (logged as `augment_p` = 1).
    The same policies apply to real and generated batches, each with its
    own draws.

    Args:
        policy: Comma-separated policies, applied in this order, from
            `"color"`, `"translation"`, `"cutout"`. Defaults to
            `"color,translation,cutout"`.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:

    ```python
    gan = keras_gan.GAN(generator, discriminator, seed=0,
                        augment=keras_gan.augment.DiffAugment("translation,cutout"))
    ```
    """

    def __init__(self, policy="color,translation,cutout", **kwargs):
        super().__init__(**kwargs)
        names = [p.strip() for p in policy.split(",") if p.strip()]
        if not names or any(p not in POLICIES for p in names):
            raise ValueError(
                "Invalid value for argument `policy`. Expected a "
                f"comma-separated list of {list(POLICIES)}. Received: "
                f"policy={policy!r}"
            )
        self.policy = ",".join(names)
        self.policies = tuple(names)

    def draw(self, images, seed_generator):
        batch = ops.shape(images)[0]
        height, width = images.shape[1], images.shape[2]

        def uniform(low, high):
            return distribute.replica_random(
                functools.partial(
                    keras.random.uniform, minval=low, maxval=high
                ),
                (batch,),
                seed=seed_generator,
            )

        def integers(low, high):  # [low, high)
            return distribute.replica_random(
                functools.partial(
                    keras.random.randint, minval=low, maxval=high, dtype="int32"
                ),
                (batch,),
                seed=seed_generator,
            )

        steps = []
        for policy in self.policies:
            if policy == "color":
                steps += [
                    (transforms.brightness, (uniform(-0.5, 0.5),)),
                    (transforms.saturation, (uniform(0.0, 2.0),)),
                    (transforms.contrast, (uniform(0.5, 1.5),)),
                ]
            elif policy == "translation":
                rows, columns = (
                    int(height * 0.125 + 0.5),
                    int(width * 0.125 + 0.5),
                )
                shifts = (
                    integers(-rows, rows + 1),
                    integers(-columns, columns + 1),
                )
                steps.append((transforms.translation, shifts))
            else:
                size = (int(height * 0.5 + 0.5), int(width * 0.5 + 0.5))
                # The reference's range of centres: the whole image, one
                # more row (column) for an even cutout size.
                centres = (
                    integers(0, height + (1 - size[0] % 2)),
                    integers(0, width + (1 - size[1] % 2)),
                )
                steps.append((transforms.cutout, (*centres, size)))
        return chain(steps)

    def get_config(self):
        config = super().get_config()
        config["policy"] = self.policy
        return config
