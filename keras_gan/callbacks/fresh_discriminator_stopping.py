"""Stop training when a fresh discriminator can no longer tell real from
generated samples."""

import time

import numpy as np
from keras import callbacks

from keras_gan.arguments import check_positive_int
from keras_gan.models.gan import sample_generator_of

__all__ = [
    "FreshDiscriminatorRule",
    "FreshDiscriminatorStopping",
    "STOP_NEAR_HALF",
    "STOP_PLATEAU",
]

STOP_NEAR_HALF = "near_half"  # held-out accuracy within tolerance of 1/2
STOP_PLATEAU = "plateau"  # held-out accuracy stopped falling


class FreshDiscriminatorRule:
    """The decision of `FreshDiscriminatorStopping`, one accuracy at a
    time (also used to replay a logged run, as `benchmarks.stopping`
    does).

    Args:
        tolerance: Stop when `|accuracy - 1/2| <= tolerance`; `None`: never
            for this reason.
        patience: Stop after this many evaluations in a row without the
            accuracy falling by more than `min_delta` below its lowest
            value so far; `None`: never for this reason.
        min_delta: See `patience`.

    Attributes:
        best: The lowest accuracy seen.
        best_index: Its evaluation (counted from 0).
        wait: Evaluations since the accuracy last fell by `min_delta`.
    """

    def __init__(self, tolerance=0.05, patience=None, min_delta=0.0):
        self.tolerance = tolerance
        self.patience = patience
        self.min_delta = abs(min_delta)
        self.reset()

    def reset(self):
        self.best = None
        self.best_index = None
        self.wait = 0
        self._reference = None
        self._count = 0

    def update(self, accuracy):
        """Takes the next held-out accuracy.

        Returns:
            `STOP_NEAR_HALF`, `STOP_PLATEAU` or `None` (go on).
        """
        accuracy = float(accuracy)
        index, self._count = self._count, self._count + 1
        if self.best is None or accuracy < self.best:
            self.best, self.best_index = accuracy, index
        if self._reference is None or accuracy < (
            self._reference - self.min_delta
        ):
            self._reference = accuracy
            self.wait = 0
        else:
            self.wait += 1
        if self.tolerance is not None and abs(accuracy - 0.5) <= (
            self.tolerance
        ):
            return STOP_NEAR_HALF
        if self.patience is not None and self.wait >= self.patience:
            return STOP_PLATEAU
        return None


class FreshDiscriminatorStopping(callbacks.Callback):
    """Stops training when a discriminator trained from scratch on real
    versus generated samples scores near chance on held-out ones.

    The optimal discriminator `D* = p_data / (p_data + p_g)` is 1/2 when
    the generator matches the data, but the training discriminator is not
    D*: it chases the generator and is never trained to convergence, so
    its outputs near 1/2 (`EquilibriumStopping`) can come long before
    the samples are good. This rule asks a fresh one instead: every
    `every_n_epochs` epochs it draws `num_samples` samples from one fixed
    noise batch and runs `keras_gan.metrics.fresh_discriminator_test`
    against `real` (the same seed each time, so the figures move only with
    the generator). It stops training when the held-out accuracy is
    within `tolerance` of 1/2, or when it has stopped falling for
    `patience` evaluations (more than `min_delta` below its lowest value).
    With neither (`tolerance=None, patience=None`) it only logs.

    On images, give it `features` (a classifier's features, e.g.
    `keras_gan.metrics.load_fashion_mnist_feature_extractor()`; what
    `bin/train` does by default where the dataset has one): the test on
    pixels picks up pixel texture, so its accuracy moves with its seed
    alone and can rise again while the Frechet distance still improves;
    on features (a logistic regression by default) it falls with the
    Frechet distance. `benchmarks.stopping` measures how close each
    setting stops to a run's best (BUILD_NOTES.md).

    Its figures go into the epoch's logs, so `MetricsLog` (metrics.csv),
    `keras.callbacks.TensorBoard` and the history get them (list this
    callback before those): `fresh_d_accuracy`, `fresh_d_real` and
    `fresh_d_fake` (mean outputs on held-out real and generated samples,
    the estimate of D* on each) and `fresh_d_p_value` (of the accuracy
    against 1/2). On epochs without an evaluation the keys are absent.

    State is reset in `on_train_begin`, so an instance can be reused
    across `fit` calls; `get_config` gives its settings (all but the
    arrays, models and `features`), and `from_config(config, real,
    features=...)` rebuilds it.

    Args:
        real: Real samples in data units, a NumPy array `[n, ...]`
            (images NHWC in [0, 1], points in data coordinates), ideally
            held out from training (e.g. the test split).
        every_n_epochs: Evaluate at the end of every this many epochs.
            Defaults to `1`.
        tolerance: Stop when `|accuracy - 1/2| <= tolerance`; `None`:
            never for this reason. Keep it above a few standard errors of
            the accuracy (`0.5 / sqrt(held-out count)`; 0.007 for 2,500
            samples of each kind held out of 5,000). Defaults to `0.05`.
        patience: Stop after this many evaluations without the accuracy
            falling by more than `min_delta`; `None`: never for this
            reason. Defaults to `None`.
        min_delta: See `patience`. Defaults to `0.0`.
        start_from_epoch: Epochs to train before the first evaluation.
            Defaults to `0`.
        num_samples: Generated samples per evaluation. Defaults to
            `None`: as many as `real`.
        steps: Training steps of each fresh discriminator. Defaults to
            `1000`.
        max_seconds: Wall-time bound of each test. Defaults to `120.0`.
        discriminator: The fresh discriminator, as for
            `fresh_discriminator_test`. Defaults to `None`: the default
            small conv net (images) or MLP (vectors, features).
        features: Map the samples to feature vectors first, as for
            `fresh_discriminator_test` (a callable; for images it gets
            them in [0, 1]). Defaults to `None`: the samples themselves.
        repeats: Independent tests averaged per evaluation. Defaults to
            `1`.
        restore_best_weights: Whether to restore, on stopping, the weights
            of the evaluation with the lowest accuracy. Defaults to
            `False`.
        seed: Seed of the noise and of each test. Defaults to `0`.
        generator: What to sample from. Defaults to `None`: the model's
            `sample_generator` (a `keras_gan.GAN`'s average when it keeps
            one), else its `generator`.
        value_range: The `(low, high)` range of the generator's images,
            mapped to [0, 1]. Defaults to `(-1.0, 1.0)`.
        prefix: Put before every logged key. Defaults to `""`.
        verbose: Whether to print the figures and the stop. Defaults to
            `0`.

    Attributes:
        history: One dict per evaluation: `epoch`, `step`, `seconds` and
            the figures.
        stopped_epoch: The epoch (from 0) it stopped at, or `None`.
        stopped_step: The generator step it stopped at, or `None`.
        stop_reason: `"near_half"`, `"plateau"` or `None`.

    Example:

    ```python
    real = keras_gan.data.mixtures.sample_mixture("ring", 2500, seed=1)
    gan.fit(
        keras_gan.data.load("ring", batch_size=256),
        epochs=30,
        steps_per_epoch=1000,
        callbacks=[
            keras_gan.callbacks.FreshDiscriminatorStopping(
                real, tolerance=0.05, patience=3, restore_best_weights=True
            )
        ],
    )
    ```
    """

    def __init__(
        self,
        real,
        every_n_epochs=1,
        tolerance=0.05,
        patience=None,
        min_delta=0.0,
        start_from_epoch=0,
        num_samples=None,
        steps=1000,
        max_seconds=120.0,
        discriminator=None,
        features=None,
        repeats=1,
        restore_best_weights=False,
        seed=0,
        generator=None,
        value_range=(-1.0, 1.0),
        prefix="",
        verbose=0,
    ):
        super().__init__()
        real = np.asarray(real, np.float32)
        if real.ndim < 2 or len(real) < 2:
            raise ValueError(
                "Invalid value for argument `real`. Expected an array of at "
                "least 2 samples, shape [n, ...]. Received: real of shape "
                f"{real.shape}"
            )
        if tolerance is not None and not (
            isinstance(tolerance, (int, float)) and 0 < tolerance < 0.5
        ):
            raise ValueError(
                "Invalid value for argument `tolerance`. Expected a number "
                f"in (0, 0.5) or None. Received: tolerance={tolerance!r}"
            )
        self.every_n_epochs = check_positive_int(
            "every_n_epochs", every_n_epochs
        )
        self.patience = check_positive_int(
            "patience", patience, allow_none=True
        )
        self.start_from_epoch = check_positive_int(
            "start_from_epoch", start_from_epoch, allow_zero=True
        )
        self.num_samples = check_positive_int(
            "num_samples", num_samples, allow_none=True
        )
        self.steps = check_positive_int("steps", steps)
        self.repeats = check_positive_int("repeats", repeats)
        if features is not None and not callable(features):
            raise TypeError(
                "Invalid value for argument `features`. Expected a callable "
                "mapping samples to feature vectors, or None. Received: "
                f"features of type {type(features).__name__}"
            )
        self.features = features
        self.seed = check_positive_int("seed", seed, allow_zero=True)
        self.real = real
        self.tolerance = tolerance
        self.min_delta = abs(float(min_delta))
        self.max_seconds = max_seconds
        self.discriminator = discriminator
        self.restore_best_weights = bool(restore_best_weights)
        self.generator = generator
        self.value_range = tuple(value_range)
        self.prefix = prefix
        self.verbose = verbose
        self._rule = FreshDiscriminatorRule(tolerance, self.patience, min_delta)
        self._noise = None
        self.history = []
        self.stopped_epoch = None
        self.stopped_step = None
        self.stop_reason = None
        self.best_weights = None

    def get_config(self):
        return {
            "every_n_epochs": self.every_n_epochs,
            "tolerance": self.tolerance,
            "patience": self.patience,
            "min_delta": self.min_delta,
            "start_from_epoch": self.start_from_epoch,
            "num_samples": self.num_samples,
            "steps": self.steps,
            "repeats": self.repeats,
            "max_seconds": self.max_seconds,
            "restore_best_weights": self.restore_best_weights,
            "seed": self.seed,
            "value_range": list(self.value_range),
            "prefix": self.prefix,
            "verbose": self.verbose,
        }

    @classmethod
    def from_config(cls, config, real, **objects):
        """Rebuilds the callback of `get_config` for the samples `real`
        (`objects`: its `discriminator`, `features` or `generator`)."""
        return cls(real, **config, **objects)

    def on_train_begin(self, logs=None):
        # Imported on use: `import keras_gan` does not load keras_gan.metrics.
        from keras_gan.metrics import scoring

        generator = self._generator()
        latent_dim = int(generator.input_shape[-1])
        num_samples = self.num_samples or len(self.real)
        if self._noise is None or self._noise.shape != (
            num_samples,
            latent_dim,
        ):
            self._noise = scoring.standard_normal_noise(
                num_samples, latent_dim, self.seed
            )
        self._rule.reset()
        self.history = []
        self.stopped_epoch = None
        self.stopped_step = None
        self.stop_reason = None
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        if epoch < self.start_from_epoch or (epoch + 1) % self.every_n_epochs:
            return
        start = time.monotonic()
        result = self.evaluate()
        figures = result.figures()
        seconds = time.monotonic() - start
        if logs is not None:
            for key, value in figures.items():
                logs[self.prefix + key] = value
        step = getattr(self.model, "generator_steps", None)
        self.history.append(
            {"epoch": epoch + 1, "step": step, "seconds": seconds, **figures}
        )
        reason = self._rule.update(result.accuracy)
        if self.restore_best_weights and self._rule.best_index == (
            len(self.history) - 1
        ):
            self.best_weights = self.model.get_weights()
        if self.verbose:
            shown = ", ".join(f"{k}={v:.4g}" for k, v in figures.items())
            print(
                f"FreshDiscriminatorStopping at epoch {epoch + 1}: {shown} "
                f"({seconds:.1f} s)"
            )
        if reason is None:
            return
        self.model.stop_training = True
        self.stopped_epoch = epoch
        self.stopped_step = step
        self.stop_reason = reason
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
        if self.verbose:
            why = (
                f"within {self.tolerance} of 1/2"
                if reason == STOP_NEAR_HALF
                else f"not below {self._rule.best:.4f} for "
                f"{self.patience} evaluations"
            )
            print(
                f"FreshDiscriminatorStopping: held-out accuracy "
                f"{result.accuracy:.4f} {why}; stopping at step {step}."
            )

    def evaluate(self):
        """Runs the test on the current generator's samples.

        Returns:
            A `keras_gan.metrics.FreshDiscriminatorResult`.
        """
        # Imported on use: `import keras_gan` does not load keras_gan.metrics.
        from keras_gan.metrics.two_sample import fresh_discriminator_test

        return fresh_discriminator_test(
            self.real,
            self.generate(),
            discriminator=self.discriminator,
            features=self.features,
            repeats=self.repeats,
            steps=self.steps,
            max_seconds=self.max_seconds,
            seed=self.seed,
        )

    def generate(self):
        """The generated samples each evaluation tests: the current
        generator's, from the fixed noise drawn in `on_train_begin`, in
        [0, 1] for images."""
        # Imported on use: `import keras_gan` does not load keras_gan.metrics.
        from keras_gan.metrics import scoring

        sampler = scoring.ModelSampler(
            self._generator(), value_range=self.value_range
        )
        return np.concatenate(
            [
                sampler.generate(self._noise[i : i + 500])
                for i in range(0, len(self._noise), 500)
            ]
        )

    def _generator(self):
        generator = self.generator
        if generator is None:
            return sample_generator_of(self.model)
        inner = getattr(generator, "generator", None)
        return generator if inner is None else inner
