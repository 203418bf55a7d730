"""Discriminator regularisers that compose with any adversarial loss."""

import keras
from keras import ops

from keras_gan import backend, distribute

__all__ = [
    "DiscriminatorPenalty",
    "GradientPenalty",
    "LeCamPenalty",
    "OutputPenalty",
    "R1Penalty",
]

# Inside the square root, so the gradient of the norm stays finite when the
# discriminator's input gradient is exactly zero (TF-GAN does the same).
_NORM_EPSILON = 1e-10


def _squared_input_gradient_norm(discriminator, inputs):
    """Per-example `||grad_x sum D(x)||^2`, for inputs of any rank."""

    def total(inputs):
        outputs = discriminator(inputs, training=True)
        # Summing over the batch gives each example its own gradient, since
        # examples do not interact (no batch normalisation in the critic).
        return ops.sum(ops.cast(outputs, "float32"))

    gradients = ops.cast(backend.input_gradient(total, inputs), "float32")
    axes = list(range(1, len(gradients.shape)))
    return ops.sum(ops.square(gradients), axis=axes)


class DiscriminatorPenalty:
    """Base class of penalties added to the discriminator's loss.

    `GAN.train_step` calls a penalty inside the discriminator's gradient
    tape, once per discriminator update, with that update's real and
    generated batches.

    Args:
        weight: Multiplier of the penalty in the discriminator's loss.
    """

    name = "penalty"

    def build(self, model):
        """Creates the penalty's state, if it keeps any. `GAN.compile`
        calls it (under the model's strategy scope) with the GAN; the
        default keeps none.

        Args:
            model: The `GAN` being compiled.
        """

    @property
    def variables(self):
        """The penalty's state variables, saved and restored with the
        model (see `GAN.save_own_variables`). Defaults to none."""
        return []

    def __init__(self, weight):
        if not weight > 0:
            raise ValueError(
                "Invalid value for argument `weight`. Expected a positive "
                f"float. Received: weight={weight}"
            )
        self.weight = float(weight)

    def __call__(self, discriminator, real, generated, seed_generator):
        """Returns the weighted penalty, a scalar tensor.

        Args:
            discriminator: The discriminator model.
            real: A real batch.
            generated: A generated batch of the same shape.
            seed_generator: A `keras.random.SeedGenerator` for any
                randomness the penalty needs. Under a `tf.distribute`
                strategy it gives every replica the same values: draw
                per-example values with
                `keras_gan.distribute.replica_random`.
        """
        raise NotImplementedError

    def get_config(self):
        return {"weight": self.weight}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(
            f"{k}={v!r}" for k, v in self.get_config().items()
        )
        return f"{type(self).__name__}({arguments})"

    def __eq__(self, other):
        return type(self) is type(other) and (
            self.get_config() == other.get_config()
        )

    def __hash__(self):
        return hash((type(self), self.weight))


class OutputPenalty(DiscriminatorPenalty):
    """Base class of penalties computed from the discriminator's outputs.

    `GAN` calls these with the raw outputs of the update's real and
    generated passes (inside the discriminator's gradient tape) instead of
    the discriminator itself, so they cost no extra forward pass.
    """

    def __call__(self, real_outputs, generated_outputs, training):
        """Returns the weighted penalty, a scalar tensor.

        Args:
            real_outputs: Raw discriminator outputs on the real batch,
                float32 `[batch, 1]`.
            generated_outputs: Raw outputs on the generated batch.
            training: Whether this is a training update (state may advance)
                or an evaluation (state stays).
        """
        raise NotImplementedError


@keras.saving.register_keras_serializable(package="keras_gan")
class GradientPenalty(DiscriminatorPenalty):
    """The WGAN-GP gradient penalty (Gulrajani et al. 2017).

    `weight * E[(||grad D(x_hat)||_2 - 1)^2]` at
    `x_hat = real + eps * (generated - real)` with `eps ~ U[0, 1]` drawn per
    example. The norm is `sqrt(sum(g^2) + 1e-10)`: finite gradients even
    where `g = 0`.

    Args:
        weight: Penalty coefficient lambda. Defaults to `10.0`.
    """

    name = "gradient_penalty"

    def __init__(self, weight=10.0):
        super().__init__(weight)

    def __call__(self, discriminator, real, generated, seed_generator):
        real = ops.cast(real, "float32")
        generated = ops.cast(generated, "float32")
        shape = [ops.shape(real)[0]] + [1] * (len(real.shape) - 1)
        # Per replica under a strategy: this replica's rows of the global
        # batch's draw (a seed generator alone repeats them on every one).
        eps = distribute.replica_random(
            keras.random.uniform, shape, seed=seed_generator
        )
        interpolated = real + eps * (generated - real)
        squared = _squared_input_gradient_norm(discriminator, interpolated)
        norm = ops.sqrt(squared + _NORM_EPSILON)
        return self.weight * ops.mean(ops.square(norm - 1.0))


@keras.saving.register_keras_serializable(package="keras_gan")
class R1Penalty(DiscriminatorPenalty):
    """The R1 penalty (Mescheder et al. 2018) on real data.

    `weight / 2 * E[||grad D(x)||_2^2]` over real `x`.

    Lazy regularisation (Karras et al. 2020, StyleGAN2): with
    `interval=N > 1` the penalty is computed only on every N-th
    discriminator update (those where the discriminator optimizer's
    update count is a multiple of N), with weight `N * weight`, so its
    average effect is unchanged at 1/N of the cost. The schedule follows
    the optimizer's count, which checkpoints keep, so a resumed run goes
    on with the same updates penalised. The logged value is `N` times the
    penalty on those updates and 0 on the others.

    Args:
        weight: Penalty coefficient gamma. Defaults to `10.0`.
        interval: Penalise every `interval` discriminator updates. Defaults
            to `1` (every update).

    Example:

    ```python
    gan.compile(loss="non_saturating",
                penalties=[keras_gan.losses.R1Penalty(10.0, interval=16)])
    ```
    """

    name = "r1_penalty"

    def __init__(self, weight=10.0, interval=1):
        super().__init__(weight)
        if (
            isinstance(interval, bool)
            or not isinstance(interval, int)
            or interval < 1
        ):
            raise ValueError(
                "Invalid value for argument `interval`. Expected a positive "
                f"integer. Received: interval={interval!r}"
            )
        self.interval = interval
        self._updates = None

    def build(self, model):
        # The discriminator optimizer's count of updates made so far.
        self._updates = model.d_optimizer.iterations

    def get_config(self):
        return {"weight": self.weight, "interval": self.interval}

    def __hash__(self):
        return hash((type(self), self.weight, self.interval))

    def __call__(self, discriminator, real, generated, seed_generator):
        def penalty():
            squared = _squared_input_gradient_norm(
                discriminator, ops.cast(real, "float32")
            )
            return 0.5 * self.interval * self.weight * ops.mean(squared)

        if self.interval == 1:
            return penalty()
        if self._updates is None:
            raise RuntimeError(
                "A lazy R1Penalty (interval > 1) counts the discriminator "
                "optimizer's updates: compile the GAN with it first."
            )
        due = ops.equal(ops.mod(self._updates, self.interval), 0)
        return ops.cond(due, penalty, lambda: ops.zeros((), "float32"))


@keras.saving.register_keras_serializable(package="keras_gan")
class LeCamPenalty(OutputPenalty):
    """LeCam regularisation (Tseng et al. 2021, "Regularizing Generative
    Adversarial Networks under Limited Data").

    `weight * (E[(D(x) - alpha_F)^2] + E[(D(G(z)) - alpha_R)^2])`, where
    `alpha_R` and `alpha_F` are exponential moving averages (decay
    `decay`) of the mean raw discriminator output on real and generated
    batches. Each training update first moves the averages with its own
    batch means (the first update sets them), then computes the penalty
    with the averages held constant. Evaluation reads the averages without
    moving them. The averages are saved with the model, so a resumed run
    goes on with them; under `tf.distribute` they are moved with the
    global batch's means, identically on every replica.

    Args:
        weight: Penalty coefficient lambda. Defaults to `0.3` (the paper's
            value for BigGAN on CIFAR-10).
        decay: Decay of the moving averages per update. Defaults to `0.99`.
        one_sided: Penalise only `D(x) > alpha_F` and `D(G(z)) < alpha_R`
            (`relu(.)^2`), as the authors' code does. Defaults to `False`:
            the paper's two-sided form.

    Example:

    ```python
    gan.compile(loss="hinge", penalties=[keras_gan.losses.LeCamPenalty(0.3)])
    ```
    """

    name = "lecam_penalty"

    def __init__(self, weight=0.3, decay=0.99, one_sided=False):
        super().__init__(weight)
        if not 0.0 <= decay < 1.0:
            raise ValueError(
                "Invalid value for argument `decay`. Expected a float in "
                f"[0, 1). Received: decay={decay!r}"
            )
        self.decay = float(decay)
        self.one_sided = bool(one_sided)
        self._variables = []

    def build(self, model):
        if self._variables:
            return

        def variable(name):
            return keras.Variable(
                0.0,
                dtype="float32",
                trainable=False,
                aggregation="only_first_replica",
                name=name,
            )

        self.ema_real = variable("lecam_ema_real")
        self.ema_fake = variable("lecam_ema_fake")
        self.ema_updates = variable("lecam_ema_updates")
        self._variables = [self.ema_real, self.ema_fake, self.ema_updates]

    @property
    def variables(self):
        return list(self._variables)

    def get_config(self):
        return {
            "weight": self.weight,
            "decay": self.decay,
            "one_sided": self.one_sided,
        }

    def __hash__(self):
        return hash((type(self), self.weight, self.decay, self.one_sided))

    def __call__(self, real_outputs, generated_outputs, training):
        if not self._variables:
            raise RuntimeError(
                "LeCamPenalty keeps moving averages: compile the GAN with "
                "it (or call `build`) first."
            )
        real_outputs = ops.cast(real_outputs, "float32")
        generated_outputs = ops.cast(generated_outputs, "float32")
        if training:
            real_mean, fake_mean = distribute.mean_over_replicas(
                [
                    ops.stop_gradient(ops.mean(real_outputs)),
                    ops.stop_gradient(ops.mean(generated_outputs)),
                ]
            )
            # The first update sets the averages: no bias towards 0.
            decay = ops.where(self.ema_updates > 0, self.decay, 0.0)
            self.ema_real.assign(
                decay * self.ema_real + (1.0 - decay) * real_mean
            )
            self.ema_fake.assign(
                decay * self.ema_fake + (1.0 - decay) * fake_mean
            )
            self.ema_updates.assign(self.ema_updates + 1.0)
        real_gap = real_outputs - ops.convert_to_tensor(self.ema_fake)
        fake_gap = ops.convert_to_tensor(self.ema_real) - generated_outputs
        if self.one_sided:
            real_gap, fake_gap = ops.relu(real_gap), ops.relu(fake_gap)
        return self.weight * (
            ops.mean(ops.square(real_gap)) + ops.mean(ops.square(fake_gap))
        )
