"""Adaptive discriminator augmentation (ADA, Karras et al. 2020)."""

import functools

import keras
import tensorflow as tf
from keras import ops

from keras_gan import distribute
from keras_gan.augment import transforms
from keras_gan.augment.base import Augmentation, chain

__all__ = [
    "AUGMENTATIONS",
    "AdaptiveAugment",
]

AUGMENTATIONS = (
    "flip",
    "rotate90",
    "translation",
    "brightness",
    "contrast",
    "saturation",
    "cutout",
)
_DEFAULT = "flip,rotate90,translation,brightness,contrast,saturation"


@keras.saving.register_keras_serializable(package="keras_gan")
class AdaptiveAugment(Augmentation):
    """Augmentation whose strength follows the discriminator's overfitting.

    Karras et al. (2020), "Training Generative Adversarial Networks with
    Limited Data". Each listed augmentation is applied to each image
    independently with probability `p` (values as in the authors' code):

    - `flip`: a left-right mirror with probability 1/2;
    - `rotate90`: 0, 90, 180 or 270 degrees, uniformly (square images);
    - `translation`: an integer shift of up to 1/8 of each side in each
      direction, zero-padded (the authors pad by reflection);
    - `brightness`: `+ N(0, 0.2^2)`; `contrast`: `x 2^N(0, 0.5^2)` about
      the image mean; `saturation`: `x 2^N(0, 1)` about the channel mean;
    - `cutout`: a zeroed rectangle of half of each side.

    `p` adapts: every `interval` discriminator updates, the overfitting
    signal `r_t = E[sign(D(real))]` over those updates (raw outputs on the
    augmented real batches, averaged over replicas) is compared with
    `target`, and `p` moves by `sign(r_t - target) * images / speed_images`
    (the real images of those updates), clipped to `[0, 1]`: from 0 to 1
    in `speed_images` real images at the most. `p` (logged as
    `augment_p`) and the last `r_t` (`ada_r_t`) are weights of the layer,
    so checkpoints keep them and a resumed run goes on with them.

    Args:
        augmentations: Comma-separated names from `AUGMENTATIONS`. Defaults
            to `"flip,rotate90,translation,brightness,contrast,saturation"`
            (the paper's pixel blitting and colour groups).
        target: Target of `r_t`. Defaults to `0.6`.
        interval: Discriminator updates between adjustments. Defaults to
            `4`.
        speed_images: Real images for `p` to go from 0 to 1. Defaults to
            `500_000`.
        initial_p: Starting probability. Defaults to `0.0`.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:

    ```python
    gan = keras_gan.GAN(generator, discriminator, seed=0,
                        augment=keras_gan.augment.AdaptiveAugment(target=0.6))
    ```
    """

    log_names = ("augment_p", "ada_r_t")

    def __init__(
        self,
        augmentations=_DEFAULT,
        target=0.6,
        interval=4,
        speed_images=500_000,
        initial_p=0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        names = [a.strip() for a in augmentations.split(",") if a.strip()]
        if not names or any(a not in AUGMENTATIONS for a in names):
            raise ValueError(
                "Invalid value for argument `augmentations`. Expected a "
                f"comma-separated list of {list(AUGMENTATIONS)}. Received: "
                f"augmentations={augmentations!r}"
            )
        for argument, value, valid, expected in (
            ("target", target, -1.0 <= target <= 1.0, "a float in [-1, 1]"),
            (
                "interval",
                interval,
                isinstance(interval, int) and interval >= 1,
                "a positive integer",
            ),
            (
                "speed_images",
                speed_images,
                speed_images > 0,
                "a positive number",
            ),
            (
                "initial_p",
                initial_p,
                0.0 <= initial_p <= 1.0,
                "a float in [0, 1]",
            ),
        ):
            if not valid or isinstance(value, bool):
                raise ValueError(
                    f"Invalid value for argument `{argument}`. Expected "
                    f"{expected}. Received: {argument}={value!r}"
                )
        self.augmentations = ",".join(names)
        self.names = tuple(names)
        self.target = float(target)
        self.interval = int(interval)
        self.speed_images = float(speed_images)
        self.initial_p = float(initial_p)

        def state(name, value):
            return self.add_weight(
                shape=(),
                initializer=keras.initializers.Constant(value),
                trainable=False,
                aggregation="only_first_replica",
                name=name,
            )

        self.p = state("p", self.initial_p)
        self.r_t = state("r_t", 0.0)
        self.sign_sum = state("sign_sum", 0.0)
        self.updates = state("updates", 0.0)

    def draw(self, images, seed_generator):
        batch = ops.shape(images)[0]
        height, width = images.shape[1], images.shape[2]
        p = ops.cast(ops.convert_to_tensor(self.p), "float32")

        def draw(sampler, **kwargs):
            return distribute.replica_random(
                functools.partial(sampler, **kwargs),
                (batch,),
                seed=seed_generator,
            )

        def chosen():
            return draw(keras.random.uniform) < p

        def integers(low, high):  # [low, high)
            return draw(
                keras.random.randint, minval=low, maxval=high, dtype="int32"
            )

        zeros = ops.zeros((batch,), "int32")
        steps = []
        for name in self.names:
            if name == "flip":
                halves = draw(keras.random.uniform) < 0.5
                flips = ops.logical_and(chosen(), halves)
                steps.append((transforms.flip_columns, (flips,)))
            elif name == "rotate90":
                if height != width:
                    raise ValueError(
                        "The `rotate90` augmentation needs square images. "
                        f"Received images of {height}x{width}."
                    )
                turns = ops.where(chosen(), integers(0, 4), zeros)
                steps.append((transforms.rotate90, (turns,)))
            elif name == "translation":
                rows, columns = (
                    int(height * 0.125 + 0.5),
                    int(width * 0.125 + 0.5),
                )
                select = chosen()
                shifts = (
                    ops.where(select, integers(-rows, rows + 1), zeros),
                    ops.where(select, integers(-columns, columns + 1), zeros),
                )
                steps.append((transforms.translation, shifts))
            elif name == "brightness":
                shift = draw(keras.random.normal, stddev=0.2)
                shift = ops.where(chosen(), shift, 0.0)
                steps.append((transforms.brightness, (shift,)))
            elif name in ("contrast", "saturation"):
                stddev = 0.5 if name == "contrast" else 1.0
                factor = ops.power(
                    2.0, draw(keras.random.normal, stddev=stddev)
                )
                factor = ops.where(chosen(), factor, 1.0)
                steps.append((getattr(transforms, name), (factor,)))
            else:  # cutout
                size = (int(height * 0.5 + 0.5), int(width * 0.5 + 0.5))
                select = chosen()
                centres = (integers(0, height), integers(0, width))
                steps.append((_cutout_where, (select, *centres, size)))
        return chain(steps)

    def observe(self, real_outputs):
        real_outputs = ops.cast(ops.stop_gradient(real_outputs), "float32")
        context = tf.distribute.get_replica_context()
        replicas = 1 if context is None else context.num_replicas_in_sync
        (signs,) = distribute.mean_over_replicas(
            [ops.mean(ops.sign(real_outputs))]
        )
        batch = ops.cast(ops.shape(real_outputs)[0] * replicas, "float32")
        sign_sum = self.sign_sum + signs
        updates = self.updates + 1.0
        due = updates >= self.interval
        r_t = sign_sum / updates
        step = ops.sign(r_t - self.target) * batch * updates / self.speed_images
        # Values, not variables: `where` takes tensors on every backend.
        p, previous_r_t = (ops.convert_to_tensor(v) for v in (self.p, self.r_t))
        self.p.assign(ops.where(due, ops.clip(p + step, 0.0, 1.0), p))
        self.r_t.assign(ops.where(due, r_t, previous_r_t))
        self.sign_sum.assign(ops.where(due, 0.0, sign_sum))
        self.updates.assign(ops.where(due, 0.0, updates))

    def log_values(self):
        return [
            ops.convert_to_tensor(self.p),
            ops.convert_to_tensor(self.r_t),
        ]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "augmentations": self.augmentations,
                "target": self.target,
                "interval": self.interval,
                "speed_images": self.speed_images,
                "initial_p": self.initial_p,
            }
        )
        return config


def _cutout_where(images, select, center_rows, center_columns, size):
    cut = transforms.cutout(images, center_rows, center_columns, size)
    return ops.where(ops.reshape(select, (-1, 1, 1, 1)), cut, images)
