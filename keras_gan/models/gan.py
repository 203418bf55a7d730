"""The `GAN` model: adversarial training with `model.fit`."""

import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gan import augment as augment_module
from keras_gan import backend, distribute
from keras_gan import losses as losses_module
from keras_gan.arguments import check_positive_int
from keras_gan.augment.base import AugmentedDiscriminator
from keras_gan.layers import advance_power_iterations, conditioning
from keras_gan.models import (
    fit_inputs,
    keras_callbacks,
    player_checks,
    real_batches,
)

__all__ = [
    "GAN",
    "PENALTY_INPUTS",
    "sample_generator_of",
]

PENALTY_INPUTS = ("augmented", "raw")


def _default_optimizer():
    # Radford et al. (2016): Adam, learning rate 2e-4, beta_1 = 0.5.
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(backend.GANTrainer, keras.Model):
    """A generative adversarial network trained with `fit`.

    Each training step follows the algorithm of Goodfellow et al. (2014):
    `discriminator_steps` (k) discriminator updates, each on its own real
    batch and fresh noise with the generator fixed, then one generator update
    on fresh noise with the discriminator fixed. Each update differentiates
    only its own player's trainable variables.

    Real data: `fit` takes an ordinary batched `tf.data.Dataset` (elements
    may be tensors, `(images, labels)` tuples or TFDS dicts with an `"image"`
    key) or an array of samples with `batch_size`. One step consumes k
    consecutive batches, so an epoch over N batches has N // k steps and
    `steps_per_epoch` counts generator updates.

    Logged every step: `d_loss` (with penalties), `g_loss`, `d_real` and
    `d_fake` (the mean discriminator output on real and generated batches:
    a probability for the logistic losses, the raw critic value otherwise),
    and one key per penalty. The discriminator values are averaged over the
    step's k updates.

    Distributed training (`tf.distribute`: `MirroredStrategy`,
    `MultiWorkerMirroredStrategy`, `TPUStrategy`): create the GAN and
    compile it under `strategy.scope()`, and batch the data with the global
    batch size, divisible by the number of replicas. Each replica's losses
    are means over its shard, divided by the replica count since the
    optimizers sum the replicas' gradients; logged values are averaged over
    replicas; noise is drawn for the global batch and sliced per replica.
    One step is thus the same computation on any number of replicas (see
    `keras_gan.distribute`).

    Class-conditional GANs (`num_classes=C`): the generator maps
    `[z, labels]` to samples and the discriminator maps
    `[samples, labels]` to one output per example, labels int32 `[batch]`
    in `[0, C)` (`keras_gan.models.build_pair(..., num_classes=C)` makes
    such players). `fit` takes `(samples, labels)` datasets, TFDS dicts
    with `"image"` and `"label"`, or arrays as `fit(x=samples, y=labels)`.
    The algorithm is unchanged: each discriminator update trains on a real
    batch with its own labels, and the generated half of that update is
    generated at the same labels, so both halves share one label
    distribution (and the penalties, which see the discriminator at those
    labels, interpolate between a real and a generated sample of one
    class). The generator update generates at the labels of the step's
    last real batch, so the generator sees the data's class frequencies.
    Labels are checked before they reach the players: arrays up front,
    datasets batch by batch as they are read, and `generate` and `call`
    on their input.

    Discriminators should not use batch normalisation: the generator update
    runs the discriminator with `training=True`, which would update its
    moving statistics, and the gradient penalties assume examples do not
    interact.

    Args:
        generator: A model mapping noise `[batch, latent_dim]` to samples.
        discriminator: A model mapping samples to one raw output (logit or
            critic value) per example, `[batch, 1]`.
        latent_dim: Size of the noise vector, drawn from N(0, I). Defaults
            to `None`: read from the generator's input shape.
        discriminator_steps: Discriminator updates per generator update (k).
            Defaults to `1`.
        seed: Seed of the model's `keras.random.SeedGenerator`, the source
            of all noise. Defaults to `None` (unseeded).
        ema_decay: Keep an exponential moving average of the generator's
            weights with this decay per generator step (e.g. `0.999`), in
            `generator_ema`: `fit` updates it after every step (with a
            `keras_gan.callbacks.GeneratorEMA`), saving and loading keep
            it, and `call`, `generate` and `keras_gan.export` sample from
            it. Training itself is unchanged. Defaults to `None`: no
            average.
        num_classes: Train a class-conditional GAN on labelled data with
            this many classes (see "Class-conditional GANs" above).
            Defaults to `None`: unconditional.
        augment: Differentiable augmentation of the discriminator's inputs
            (`keras_gan.augment.DiffAugment`, `AdaptiveAugment`, or their
            names `"diffaugment"`, `"ada"`): applied to the real and the
            generated batch of every discriminator update and to the
            generated batch of the generator update, never in evaluation
            or sampling. Logs `augment_p` (and `ada_r_t` for ADA).
            Defaults to `None`.
        penalty_inputs: What the input penalties (R1, gradient penalty)
            see when `augment` is set: `"augmented"`, the discriminator
            through the update's augmentation of its real batch (the same
            draws as the real pass), differentiated with respect to the
            raw batches: R1 is `||grad_x D(T(x))||^2`, as the DiffAugment
            and StyleGAN2-ADA code computes it; the gradient penalty
            interpolates the raw batches and looks through the same `T`.
            `"raw"`: the discriminator itself on the un-augmented
            batches, `||grad_x D(x)||^2`. Output penalties (LeCam) always
            see the outputs of the update's (augmented) passes. Defaults
            to `"augmented"`.
        single_generator_pass: With k > 1, generate the fake batches of a
            step's k discriminator updates in one generator call on
            `k * batch` noise, split in k, instead of one call per update.
            The generator is fixed during those updates, so for a generator
            whose examples do not interact this is the same computation in
            larger kernels. A generator with batch normalisation (training
            mode) normalises the k batches together, over `k * batch`
            examples, and moves its moving averages once per step instead
            of k times: close, but not the same math. The noise is drawn in
            one piece, so one seed gives other (equally distributed) values
            than the k-call path. Defaults to `False`.
        **kwargs: Passed to `keras.Model` (`name`, `dtype`...).

    Example:

    ```python
    gan = keras_gan.GAN(
        keras_gan.models.mlp_generator(latent_dim=64),
        keras_gan.models.mlp_discriminator(input_dim=2),
        discriminator_steps=2,
        seed=0,
    )
    gan.compile(loss="non_saturating")
    gan.fit(keras_gan.data.mixture_dataset("ring", 256), steps_per_epoch=500)
    samples = gan.generate(1000)
    ```
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        discriminator_steps=1,
        seed=None,
        ema_decay=None,
        num_classes=None,
        augment=None,
        penalty_inputs="augmented",
        single_generator_pass=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        player_checks.check_player_types(generator, discriminator)
        num_classes = check_positive_int(
            "num_classes", num_classes, allow_none=True
        )
        player_checks.check_conditioning(generator, discriminator, num_classes)
        if latent_dim is None:
            latent_dim = player_checks.latent_dim_of(generator)
        check_positive_int("latent_dim", latent_dim)
        check_positive_int("discriminator_steps", discriminator_steps)
        if ema_decay is not None and not (
            isinstance(ema_decay, (int, float))
            and not isinstance(ema_decay, bool)
            and 0.0 < ema_decay < 1.0
        ):
            raise ValueError(
                "Invalid value for argument `ema_decay`. Expected None or "
                f"a number in (0, 1). Received: ema_decay={ema_decay!r}"
            )
        if penalty_inputs not in PENALTY_INPUTS:
            raise ValueError(
                "Invalid value for argument `penalty_inputs`. Expected one "
                f"of {list(PENALTY_INPUTS)}. Received: "
                f"penalty_inputs={penalty_inputs!r}"
            )
        if not isinstance(single_generator_pass, bool):
            raise ValueError(
                "Invalid value for argument `single_generator_pass`. Expected "
                f"a bool. Received: single_generator_pass="
                f"{single_generator_pass!r}"
            )
        player_checks.check_compatible(generator, discriminator)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.discriminator_steps = int(discriminator_steps)
        self.seed = seed
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        self.num_classes = num_classes
        self.single_generator_pass = single_generator_pass
        self.generator_ema = None
        if ema_decay is not None:
            # Saved and restored with the model under this attribute name.
            self.generator_ema = keras.models.clone_model(generator)
            self.generator_ema.trainable = False
            if generator.built:
                self.generator_ema.set_weights(generator.get_weights())
        self.seed_generator = keras.random.SeedGenerator(
            seed, name="seed_generator"
        )
        # Lower is better: Keras's `mode="auto"` reads the direction.
        down = keras_callbacks.DIRECTION_DOWN
        self.d_loss_tracker = keras_callbacks.tracker("d_loss", down)
        self.g_loss_tracker = keras_callbacks.tracker("g_loss", down)
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.penalty_trackers = []
        self.augment = augment_module.get(augment)
        self.penalty_inputs = penalty_inputs
        # Means over the epoch like every logged key, so the metrics log's
        # rows (means since the previous row) hold the value of each step.
        self.augment_trackers = [
            keras.metrics.Mean(name=name)
            for name in getattr(self.augment, "log_names", ())
        ]
        self.adversarial_loss = None
        self.penalties = []
        if generator.built and discriminator.built:
            self.built = True

    # -- Configuration --

    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        loss="non_saturating",
        penalties=None,
        **kwargs,
    ):
        """Configures the model for training.

        Args:
            g_optimizer: Generator optimizer: an instance, name or config.
                Defaults to `None`: Adam(2e-4, beta_1=0.5).
            d_optimizer: Discriminator optimizer, likewise. Must be a
                different instance from `g_optimizer`.
            loss: The adversarial loss: an `AdversarialLoss` or one of
                `keras_gan.losses.loss_names()`. Defaults to
                `"non_saturating"`.
            penalties: Discriminator penalties (`GradientPenalty`,
                `R1Penalty`, their names, or your own `DiscriminatorPenalty`)
                added to the discriminator's loss. Defaults to `None`.
            **kwargs: Passed to `keras.Model.compile`: `run_eagerly`,
                `steps_per_execution`, `jit_compile`.
        """
        for argument in ("optimizer", "loss_weights", "metrics"):
            if argument in kwargs:
                raise ValueError(
                    f"`GAN.compile` does not take `{argument}`: use "
                    "`g_optimizer`, `d_optimizer`, `loss` and `penalties`. "
                    f"Received: {argument}={kwargs[argument]!r}"
                )
        g_optimizer = keras.optimizers.get(g_optimizer or _default_optimizer())
        d_optimizer = keras.optimizers.get(d_optimizer or _default_optimizer())
        if g_optimizer is d_optimizer:
            raise ValueError(
                "Expected two optimizer instances, one per player: an "
                "optimizer keeps per-variable state and counts its own "
                "steps. Received the same instance for `g_optimizer` and "
                "`d_optimizer`."
            )
        policy = self.generator.dtype_policy.name
        if policy == "mixed_float16":
            g_optimizer, d_optimizer = (
                opt
                if isinstance(opt, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(opt)
                for opt in (g_optimizer, d_optimizer)
            )
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        self.adversarial_loss = losses_module.get(loss)
        if getattr(self.adversarial_loss, "uses_labels", False) and (
            not self.conditional
        ):
            raise ValueError(
                f"The loss {self.adversarial_loss!r} uses class labels: "
                "expected a conditional GAN (built with `num_classes`). "
                "Received: num_classes=None"
            )
        if penalties is None:
            penalties = []
        elif not isinstance(penalties, (list, tuple)):
            penalties = [penalties]
        self.penalties = [losses_module.get_penalty(p) for p in penalties]
        names = [p.name for p in self.penalties]
        if len(set(names)) != len(names):
            raise ValueError(
                "Expected at most one penalty of each kind. Received: "
                f"penalties={self.penalties}"
            )
        # Assigned without Keras's attribute tracking: a model that is
        # already built has its state locked, and these trackers hold no
        # state worth saving (the `metrics` property lists them).
        object.__setattr__(
            self,
            "penalty_trackers",
            [
                keras_callbacks.tracker(n, keras_callbacks.DIRECTION_DOWN)
                for n in names
            ],
        )
        for penalty in self.penalties:
            penalty.build(self)  # state, e.g. LeCam's moving averages
        super().compile(optimizer=None, **kwargs)
        if self.built:
            # Optimizer state exists from the start, so a model saved
            # before any training reloads its optimizers cleanly.
            self._build_optimizers()

    def get_compile_config(self):
        if not self.compiled:
            return {}
        serialize = keras.saving.serialize_keras_object
        return {
            "g_optimizer": serialize(self.g_optimizer),
            "d_optimizer": serialize(self.d_optimizer),
            "loss": serialize(self.adversarial_loss),
            "penalties": [serialize(p) for p in self.penalties],
            "steps_per_execution": self.steps_per_execution,
            "jit_compile": self.jit_compile,
            "run_eagerly": self.run_eagerly,
        }

    def compile_from_config(self, config):
        deserialize = keras.saving.deserialize_keras_object
        self.compile(
            g_optimizer=deserialize(config["g_optimizer"]),
            d_optimizer=deserialize(config["d_optimizer"]),
            loss=deserialize(config["loss"]),
            penalties=[deserialize(p) for p in config["penalties"]],
            steps_per_execution=config.get("steps_per_execution", 1),
            jit_compile=config.get("jit_compile", "auto"),
            run_eagerly=config.get("run_eagerly", False),
        )
        # Build the optimizer state now, so the saved state loads into it.
        self._build_optimizers()

    # The noise state is saved with the weights, so a reloaded model goes on
    # drawing the noise the original would have drawn.
    _SEED_STATE_KEY = "seed_generator_state"

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self._SEED_STATE_KEY] = ops.convert_to_numpy(
            self.seed_generator.state
        )
        for key, variable in self._penalty_state():
            store[key] = ops.convert_to_numpy(variable)

    def load_own_variables(self, store):
        if self._SEED_STATE_KEY in store:
            self.seed_generator.state.assign(store[self._SEED_STATE_KEY])
        for key, variable in self._penalty_state():
            if key in store:
                variable.assign(store[key])
        for index, variable in enumerate(
            self._trainable_variables + self._non_trainable_variables
        ):
            variable.assign(store[f"{index}"])

    def _penalty_state(self):
        # Penalties' own state (LeCam's averages), keyed by penalty name.
        return [
            (f"{penalty.name}/{index}", variable)
            for penalty in self.penalties
            for index, variable in enumerate(penalty.variables)
        ]

    def get_config(self):
        serialize = keras.saving.serialize_keras_object
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": serialize(self.generator),
            "discriminator": serialize(self.discriminator),
            "latent_dim": self.latent_dim,
            "discriminator_steps": self.discriminator_steps,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            "num_classes": self.num_classes,
            "augment": (
                None if self.augment is None else serialize(self.augment)
            ),
            "penalty_inputs": self.penalty_inputs,
            "single_generator_pass": self.single_generator_pass,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("generator", "discriminator", "augment"):
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(
                    config[key], custom_objects=custom_objects
                )
        return cls(**config)

    # -- Inference --

    def call(self, inputs, training=False):
        """Maps noise `z` `[batch, latent_dim]` (a conditional GAN: `[z,
        labels]`, int labels `[batch]`) to generated samples, with the
        averaged generator when there is one (`sample_generator`)."""
        if self.num_classes is None:
            return self.sample_generator(inputs, training=training)
        z, labels = self._split_conditional_inputs(inputs)
        return self._generate(
            self.sample_generator, z, self._guarded(labels), training
        )

    @property
    def conditional(self):
        """Whether the GAN is class-conditional (`num_classes` is set)."""
        return self.num_classes is not None

    @property
    def sample_generator(self):
        """The generator to sample from: `generator_ema` when the GAN keeps
        an average (`ema_decay`), else `generator`."""
        if self.generator_ema is not None:
            return self.generator_ema
        return self.generator

    def build(self, input_shape=None):
        # One forward pass creates the variables of every kind of player:
        # `Model.build(shape)` marks a subclassed model (layers made in
        # `__init__`, only `call`) built without creating any.
        noise = ops.zeros((1, self.latent_dim))
        if self.conditional:
            noise = [noise, ops.zeros((1,), dtype="int32")]
        if _needs_build(self.generator):
            self.generator(noise, training=False)
        if self.generator_ema is not None and _needs_build(self.generator_ema):
            self.generator_ema(noise, training=False)
            self.generator_ema.set_weights(self.generator.get_weights())
        if _needs_build(self.discriminator):
            samples = self.generator(noise, training=False)
            self.discriminator(
                [samples, noise[1]] if self.conditional else samples,
                training=False,
            )
        self.built = True

    def generate(self, num_samples, seed=None, batch_size=256, labels=None):
        """Draws `num_samples` samples from `sample_generator` (inference
        mode): the averaged generator when there is one.

        Args:
            num_samples: How many samples to draw.
            seed: Seed of the noise. Defaults to `None`: the next noise of
                the model's seed generator.
            batch_size: Samples generated per forward pass. Defaults to
                `256`.
            labels: Conditional GANs only: the class of each sample, an int
                or integers `[num_samples]` in `[0, num_classes)`. Defaults
                to `None`: the classes in turn, `i % num_classes` for
                sample `i`.

        Returns:
            A NumPy array of `num_samples` samples, in the generator's
            output units.
        """
        check_positive_int("num_samples", num_samples)
        labels = self._labels_to_generate(num_samples, labels)
        seed = self.seed_generator if seed is None else seed
        z = keras.random.normal((num_samples, self.latent_dim), seed=seed)
        inputs = z if labels is None else [z, labels]
        return ops.convert_to_numpy(
            self.predict(inputs, batch_size=batch_size, verbose=0)
        )

    def _labels_to_generate(self, num_samples, labels):
        if not self.conditional:
            if labels is not None:
                raise ValueError(
                    "An unconditional GAN (num_classes=None) takes no "
                    "`labels`. Received labels."
                )
            return None
        if labels is None:
            return np.arange(num_samples, dtype=np.int32) % self.num_classes
        labels = np.asarray(ops.convert_to_numpy(labels))
        if labels.ndim == 0:
            labels = np.full((num_samples,), labels)
        if labels.shape != (num_samples,):
            raise ValueError(
                "Expected `labels` of shape (num_samples,) = "
                f"({num_samples},). Received labels of shape {labels.shape}."
            )
        real_batches.check_label_values(labels, self.num_classes)
        return labels.astype(np.int32)

    @property
    def generator_steps(self):
        """Generator updates made so far (the step count that survives
        saving and resuming)."""
        if not self.compiled:
            return 0
        return int(self.g_optimizer.iterations.numpy())

    # -- Training --

    @property
    def metrics(self):
        return [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.d_real_tracker,
            self.d_fake_tracker,
            *self.penalty_trackers,
            *self.augment_trackers,
        ]

    def fit(self, x=None, y=None, batch_size=None, **kwargs):
        """Trains the GAN on real data; see `keras.Model.fit`.

        Args:
            x: Real data: a batched `tf.data.Dataset`, or an array of samples
                batched with `batch_size`. Each step consumes
                `discriminator_steps` consecutive batches.
            y: Must be `None`: a GAN has no targets.
            batch_size: Batch size for array inputs only. Defaults to
                `None` (32 for arrays).
            **kwargs: Passed to `keras.Model.fit` (`epochs`,
                `steps_per_epoch`, `callbacks`, `validation_data`...).
                `validation_split` holds out the last fraction of an array
                `x` (before shuffling, as Keras does) as `validation_data`.
                `steps_per_epoch` must be a multiple of the compiled
                `steps_per_execution`: Keras would otherwise run whole
                executions past it.

        Returns:
            A `keras.callbacks.History`. When the last logged `d_loss` or
            `g_loss` is NaN or infinite, `fit` also warns (a
            `RuntimeWarning`): training diverged.
        """
        if not self.compiled:
            raise RuntimeError(
                "You must call `compile()` before calling `fit()` on a GAN."
            )
        fit_inputs.check_steps_per_epoch(
            kwargs.get("steps_per_epoch"), self.steps_per_execution
        )
        validation_split = kwargs.pop("validation_split", None)
        dataset, validation_data = fit_inputs.fit_data(
            self,
            x,
            y,
            batch_size,
            shuffle=kwargs.get("shuffle", True),
            validation_split=validation_split,
            validation_data=kwargs.get("validation_data"),
        )
        if validation_data is not None:
            kwargs["validation_data"] = validation_data
        kwargs["shuffle"] = False  # tf.data datasets shuffle themselves
        kwargs["callbacks"] = fit_inputs.fit_callbacks(
            self, kwargs.get("callbacks"), kwargs.get("verbose", "auto")
        )
        # Variables made here must be mirrored like the model's.
        with self.distribute_strategy.scope():
            if not self.built:
                self.build()
            self._build_optimizers()
        with warnings.catch_warnings():
            if kwargs.get("steps_per_epoch") is None:
                # Without steps_per_epoch an epoch ends where the data ends;
                # Keras still warns about it when the length is unknown.
                warnings.filterwarnings(
                    "ignore", message="Your input ran out of data"
                )
            history = super().fit(dataset, **kwargs)
        fit_inputs.warn_if_diverged(history)
        return history

    def _train_step(self, data):
        # [batch, k, ...]: batch-major, see real_batches; a conditional
        # GAN's element is (samples [batch, k, ...], labels [batch, k]).
        real, labels = data if self.conditional else (data, None)
        # Every op of the step depends on the data. Otherwise, when a
        # dataset of unknown length runs out, graph execution would still
        # run the ops that do not read it (noise, optimizer step counters).
        with tf.control_dependencies(tf.nest.flatten(data)):
            if labels is not None:
                labels = self._guarded(labels)
            batch_size = ops.shape(real)[0]
            generated = [None] * self.discriminator_steps
            if self.single_generator_pass and self.discriminator_steps > 1:
                generated = self._generate_for_updates(batch_size, labels)
            for step in range(self.discriminator_steps):
                self._discriminator_update(
                    real[:, step], _at_step(labels, step), generated[step]
                )
            # The generator update's labels: the last real batch's.
            self._generator_update(
                batch_size, _at_step(labels, self.discriminator_steps - 1)
            )
            if self.augment is not None:
                for tracker, value in zip(
                    self.augment_trackers, self.augment.log_values()
                ):
                    tracker.update_state(value)
        return distribute.step_logs(self.metrics, self.distribute_strategy)

    def _test_step(self, data):
        labels = None
        if self.conditional:
            real, labels = real_batches.labelled_part(data)
            labels = self._guarded(labels)
        else:
            real = real_batches.real_part(data)
        real = ops.cast(real, "float32")
        generated = self._generate(
            self.generator, self._noise(ops.shape(real)[0]), labels, False
        )
        d_loss, penalty_values, real_out, fake_out = self._discriminator_loss(
            real, generated, labels, training=False
        )
        (g_loss,) = distribute.mean_over_replicas(
            [self._generator_objective(fake_out, labels)]
        )
        self.g_loss_tracker.update_state(g_loss)
        self._track_discriminator(d_loss, penalty_values, real_out, fake_out)
        return distribute.step_logs(self.metrics, self.distribute_strategy)

    def _noise(self, batch_size):
        # Under a strategy, this replica's rows of the global batch's noise:
        # distinct per replica, and the same noise as on one device.
        return distribute.replica_random(
            keras.random.normal,
            (batch_size, self.latent_dim),
            seed=self.seed_generator,
        )

    def _generator_objective(self, fake_out, labels):
        if getattr(self.adversarial_loss, "uses_labels", False):
            return self.adversarial_loss.generator_loss(fake_out, labels)
        return self.adversarial_loss.generator_loss(fake_out)

    def _generate(self, generator, z, labels, training):
        inputs = z if labels is None else [z, labels]
        return generator(inputs, training=training)

    def _discriminator_at(self, labels):
        """The discriminator as a function of samples alone: itself, or,
        for a conditional GAN, itself at `labels` (what penalties get)."""
        if labels is None:
            return self.discriminator
        return conditioning.AtLabels(self.discriminator, labels)

    def _guarded(self, labels):
        # Integer labels in [0, num_classes): asserted where assertions
        # run, and clipped so that no out-of-range index ever reaches an
        # embedding lookup (on GPUs tf.gather returns zeros for it, and
        # XLA drops assertions). The data's labels are checked before the
        # step (real_batches), so the clip never changes a valid label.
        if not keras.backend.standardize_dtype(labels.dtype).startswith(
            ("int", "uint")
        ):
            raise TypeError(
                "Expected integer class labels. Received labels of dtype "
                f"{labels.dtype}."
            )
        if keras.backend.backend() == "tensorflow":
            labels = real_batches.checked_labels(labels, self.num_classes)
        else:
            # `tf.debugging` asserts cannot run in a JAX or PyTorch step.
            labels = ops.cast(labels, "int32")
        return ops.clip(labels, 0, self.num_classes - 1)

    def _split_conditional_inputs(self, inputs):
        if not (isinstance(inputs, (list, tuple)) and len(inputs) == 2):
            raise ValueError(
                "A conditional GAN (num_classes="
                f"{self.num_classes}) is called on `[z, labels]`. Received "
                f"inputs of type {type(inputs).__name__}."
            )
        return inputs

    def _augmented(self, images):
        if self.augment is None:
            return images
        return self.augment.augment(images, self.seed_generator)

    def _adversarial(self, outputs):
        # The adversarial column of an auxiliary-classifier discriminator's
        # outputs; the outputs themselves otherwise.
        select = getattr(self.adversarial_loss, "adversarial_outputs", None)
        return outputs if select is None else select(outputs)

    def _discriminator_loss(self, real, generated, labels, training):
        raw, transform = (real, generated), None
        if training and self.augment is not None:
            # One draw for the real batch, kept for the penalties.
            transform = self.augment.draw(real, self.seed_generator)
            real, generated = transform(real), self._augmented(generated)
        discriminator = self._discriminator_at(labels)
        real_out = ops.cast(discriminator(real, training=training), "float32")
        if training and self.augment is not None:
            self.augment.observe(self._adversarial(real_out))
        fake_out = ops.cast(
            discriminator(generated, training=training), "float32"
        )
        loss = self.adversarial_loss
        if getattr(loss, "uses_labels", False):
            # An auxiliary classifier: the penalties see the adversarial
            # output alone.
            d_loss = loss.discriminator_loss(real_out, fake_out, labels)
            discriminator = conditioning.AtLabels(
                self.discriminator, labels, loss.adversarial_outputs
            )
        else:
            d_loss = loss.discriminator_loss(real_out, fake_out)
        if transform is not None:  # see `penalty_inputs`
            real, generated = raw
            if self.penalty_inputs == "augmented":
                discriminator = AugmentedDiscriminator(discriminator, transform)
        penalty_values = [
            p(
                self._adversarial(real_out),
                self._adversarial(fake_out),
                training,
            )
            if isinstance(p, losses_module.OutputPenalty)
            else p(discriminator, real, generated, self.seed_generator)
            for p in self.penalties
        ]
        total = d_loss + sum(penalty_values)
        if self.discriminator.losses:
            total += ops.sum(self.discriminator.losses)
        return total, penalty_values, real_out, fake_out

    def _generate_for_updates(self, batch_size, labels):
        # `single_generator_pass`: update i's fakes are rows
        # [i * batch, (i + 1) * batch) of one call, at that update's labels.
        k = self.discriminator_steps
        if labels is not None:  # [batch, k] -> update-major [k * batch]
            labels = ops.reshape(ops.transpose(labels), (-1,))
        generated = self._generate(
            self.generator, self._noise(k * batch_size), labels, True
        )
        return ops.split(generated, k, axis=0)

    def _discriminator_update(self, real, labels=None, generated=None):
        # Spectral norm: one power-iteration step per update, before every
        # call of the update (real, fake, penalties) reads sigma.
        advance_power_iterations(self.discriminator)
        # The generator's forward pass stays outside the tape: no gradient
        # can reach the generator from this update. A conditional GAN
        # generates at the real batch's labels.
        if generated is None:
            generated = self._generate(
                self.generator, self._noise(ops.shape(real)[0]), labels, True
            )
        variables = self.discriminator.trainable_variables

        def loss():
            d_loss, penalty_values, real_out, fake_out = (
                self._discriminator_loss(real, generated, labels, True)
            )
            # Optimizers sum gradients over replicas: divide the replica's
            # mean by the replica count to get the global batch's mean.
            scaled = self.d_optimizer.scale_loss(
                distribute.scale_loss_for_replicas(d_loss)
            )
            return scaled, (d_loss, penalty_values, real_out, fake_out)

        (_, outputs), gradients = backend.value_and_grad(loss, variables)()
        backend.apply(self.d_optimizer, gradients, variables)
        self._track_discriminator(*outputs)

    def _generator_update(self, batch_size, labels=None):
        advance_power_iterations(self.generator)
        variables = self.generator.trainable_variables

        def loss():
            generated = self._generate(
                self.generator, self._noise(batch_size), labels, True
            )
            generated = self._augmented(generated)
            fake_out = ops.cast(
                self._discriminator_at(labels)(generated, training=True),
                "float32",
            )
            g_loss = self._generator_objective(fake_out, labels)
            if self.generator.losses:
                g_loss += ops.sum(self.generator.losses)
            scaled = self.g_optimizer.scale_loss(
                distribute.scale_loss_for_replicas(g_loss)
            )
            return scaled, g_loss

        # Only the generator's variables are differentiated and updated:
        # the discriminator is fixed during this update.
        (_, g_loss), gradients = backend.value_and_grad(loss, variables)()
        backend.apply(self.g_optimizer, gradients, variables)
        (g_loss,) = distribute.mean_over_replicas([g_loss])
        self.g_loss_tracker.update_state(g_loss)

    def _track_discriminator(self, d_loss, penalty_values, real_out, fake_out):
        output = self.adversarial_loss.discriminator_output
        # Each replica tracks the global batch's values (one all-reduce of
        # a few scalars), so the logs are right whichever replica's
        # results Keras reports.
        d_loss, d_real, d_fake, *penalty_values = distribute.mean_over_replicas(
            [
                d_loss,
                ops.mean(output(real_out)),
                ops.mean(output(fake_out)),
                *penalty_values,
            ]
        )
        self.d_loss_tracker.update_state(d_loss)
        self.d_real_tracker.update_state(d_real)
        self.d_fake_tracker.update_state(d_fake)
        for tracker, value in zip(self.penalty_trackers, penalty_values):
            tracker.update_state(value)

    def _build_optimizers(self):
        for optimizer, model in (
            (self.g_optimizer, self.generator),
            (self.d_optimizer, self.discriminator),
        ):
            if not optimizer.built:
                optimizer.build(model.trainable_variables)


def sample_generator_of(model):
    """The generator to sample from of a GAN-like model: its
    `sample_generator` (a `GAN`'s average when it keeps one), else its
    `generator`. For a conditional GAN, a model of the noise alone that
    generates row `i` at label `i % num_classes` (class-balanced)."""
    generator = getattr(model, "sample_generator", None)
    generator = model.generator if generator is None else generator
    num_classes = getattr(model, "num_classes", None)
    if num_classes is None:
        return generator
    # A conditional GAN: a model of the noise alone, row i at label
    # i % num_classes, made once per generator (so tf.function traces
    # stay valid across calls).
    cached = getattr(model, "_classes_in_turn", None)
    if cached is None or cached[0] is not generator:
        cached = (
            generator,
            conditioning.classes_in_turn(generator, num_classes),
        )
        object.__setattr__(model, "_classes_in_turn", cached)
    return cached[1]


def _at_step(labels, step):
    return None if labels is None else labels[:, step]


def _needs_build(model):
    return not model.built or not model.variables
