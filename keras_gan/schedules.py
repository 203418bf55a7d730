"""Learning-rate schedules for GAN training."""

import keras
from keras import ops
from keras.optimizers.schedules import LearningRateSchedule

__all__ = [
    "ConstantThenLinearDecay",
]


@keras.saving.register_keras_serializable(package="keras_gan")
class ConstantThenLinearDecay(LearningRateSchedule):
    """`learning_rate` for most of a run, then a linear decay to its end.

    The rate is `learning_rate` until step `(1 - decay_fraction) *
    total_steps`, then falls linearly to `learning_rate * end_factor` at
    `total_steps`, and stays there. The constant phase lets the generator
    move its mass onto the data; the decay then shrinks the optimizer
    noise that spreads samples off it (on the 2D grid, the share of
    samples within 3 standard deviations of a mode rises from about 55% to
    over 95%: see BUILD_NOTES.md).

    Args:
        learning_rate: The constant rate.
        total_steps: Steps of the whole run, counted by the optimizer (a
            discriminator optimizer counts k steps per generator step).
        decay_fraction: Final fraction of `total_steps` spent decaying, in
            (0, 1].
        end_factor: Final rate over `learning_rate`, in [0, 1]. Defaults
            to `0.01`.

    Example:

    ```python
    schedule = keras_gan.schedules.ConstantThenLinearDecay(
        1e-3, total_steps=30000, decay_fraction=0.5
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(schedule, beta_1=0.5), ...
    )
    ```
    """

    def __init__(
        self, learning_rate, total_steps, decay_fraction, end_factor=0.01
    ):
        problems = []
        if not float(learning_rate) > 0:
            problems.append(f"learning_rate > 0 (got {learning_rate!r})")
        if isinstance(total_steps, bool) or not int(total_steps) >= 1:
            problems.append(f"total_steps >= 1 (got {total_steps!r})")
        if not 0 < float(decay_fraction) <= 1:
            problems.append(
                f"decay_fraction in (0, 1] (got {decay_fraction!r})"
            )
        if not 0 <= float(end_factor) <= 1:
            problems.append(f"end_factor in [0, 1] (got {end_factor!r})")
        if problems:
            raise ValueError(
                "Invalid arguments of ConstantThenLinearDecay. Expected "
                + "; ".join(problems)
            )
        self.learning_rate = float(learning_rate)
        self.total_steps = int(total_steps)
        self.decay_fraction = float(decay_fraction)
        self.end_factor = float(end_factor)

    def __call__(self, step):
        decay_steps = max(1.0, self.total_steps * self.decay_fraction)
        start = self.total_steps - decay_steps
        progress = ops.clip(
            (ops.cast(step, "float32") - start) / decay_steps, 0.0, 1.0
        )
        return self.learning_rate * (1.0 - (1.0 - self.end_factor) * progress)

    def get_config(self):
        return {
            "learning_rate": self.learning_rate,
            "total_steps": self.total_steps,
            "decay_fraction": self.decay_fraction,
            "end_factor": self.end_factor,
        }
