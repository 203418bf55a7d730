"""The fresh-discriminator test: can a new classifier tell the samples apart?

For a fixed generator the optimal discriminator is
`D*(x) = p_data(x) / (p_data(x) + p_g(x))` (Goodfellow et al. 2014), which
is 1/2 everywhere exactly when `p_g = p_data`. The discriminator of a
training run is not that optimum: it chases the generator and is never
trained to convergence, so its outputs near 1/2 say little. This module
estimates D* the way a classifier two-sample test does (Lopez-Paz & Oquab,
"Revisiting Classifier Two-Sample Tests", ICLR 2017): with the generator
frozen, a new discriminator is trained from scratch on part of the real and
generated samples and scored on the rest. Its held-out accuracy is 1/2 when
the two cannot be told apart, and its mean outputs on held-out real and
generated samples are the estimate of D* on each.

Why the held-out accuracy has a known spread: with `n` held-out samples of
each kind, a classifier trained on other samples, and real and generated
drawn from one distribution, the classifier calls a held-out sample "real"
with some probability `p` whatever its label, so its accuracy has mean
exactly 1/2 and variance `p (1 - p) / (2 n) <= 1 / (8 n)`: a standard error
of at most `0.5 / sqrt(2 n)` (`standard_error` below). Accuracy beyond a
few standard errors above 1/2 is a real difference (`p_value`).

On images, what a small network trained on pixels picks up first is
whatever is easiest to see, pixel-level texture included, not what makes
the samples look like the data. Measured on the Fashion-MNIST preset
(BUILD_NOTES.md), its accuracy falls and then rises again while the
Frechet distance keeps improving, and moves by 0.05 with its seed alone.
Trained on the features of a classifier of the data instead (`features`;
Lopez-Paz & Oquab evaluate GANs this way, on a pretrained network's
features), by default as a logistic regression, it falls with the Frechet
distance and moves by about 0.003 with its seed. `repeats` averages
independent tests for a steadier figure.
"""

import dataclasses
import math
import time

import keras
import numpy as np

from keras_gan.arguments import check_positive_int

# Keys of the figures in logs and reports (see `figures`).
FIGURE_PREFIX = "fresh_d_"


@dataclasses.dataclass(frozen=True)
class FreshDiscriminatorResult:
    """The outcome of `fresh_discriminator_test`.

    Attributes:
        accuracy: Held-out accuracy, real against generated (1/2 when the
            two cannot be told apart, 1 when always told apart).
        real_output: Mean output (a probability) on the held-out real
            samples: the estimate of D* on real data.
        generated_output: Mean output on the held-out generated samples.
        standard_error: The largest standard error of `accuracy` when both
            sets come from one distribution, `0.5 / sqrt(num_test)`.
        p_value: One-sided p-value of `accuracy` against 1/2 (binomial
            tail with `num_test` trials of probability 1/2).
        num_train: Training samples of each kind.
        num_test: Held-out samples in all (half real, half generated).
        steps: Optimizer steps taken.
        seconds: Wall time of training and scoring.
        time_limited: Whether `max_seconds` ended training before its
            budget of steps.
    """

    accuracy: float
    real_output: float
    generated_output: float
    standard_error: float
    p_value: float
    num_train: int
    num_test: int
    steps: int
    seconds: float
    time_limited: bool

    def figures(self, prefix=FIGURE_PREFIX):
        """The figures for logs and reports: `{prefix}accuracy`,
        `{prefix}real`, `{prefix}fake` and `{prefix}p_value` (floats)."""
        return {
            f"{prefix}accuracy": self.accuracy,
            f"{prefix}real": self.real_output,
            f"{prefix}fake": self.generated_output,
            f"{prefix}p_value": self.p_value,
        }


def default_discriminator(sample_shape, seed=0, for_features=False):
    """The fresh discriminator used unless another is given.

    - Images (`sample_shape` of rank 3, `(height, width, channels)`): two
      3x3 convolutions of stride 2 (32 and 64 filters, LeakyReLU(0.2)),
      then a dense logit; small enough to train in seconds on a CPU.
    - Vectors (rank 1, e.g. 2D points): the (standardised) inputs beside
      256 random Fourier features `sin(x W + b)` (fixed, `W` Gaussian of
      standard deviation `10 / sqrt(size)`, `b` uniform in [0, 2 pi)),
      then an MLP of two LeakyReLU(0.2) layers of 128 units and a dense
      logit. The Fourier features (Tancik et al. 2020) are what let it
      resolve structure far finer than the data's extent, such as the
      toy mixtures' modes (standard deviation 1% of the ring's radius):
      a plain MLP of the same budget scores chance there.
    - Feature vectors (`for_features=True`, what `fresh_discriminator_test`
      uses on `features`): a logistic regression, one dense logit on the
      standardised features, started at zero. On the Fashion-MNIST
      classifier's 128 features of the preset's samples it is the steadiest
      and most sensitive of those tried (BUILD_NOTES.md): its accuracy moves
      by 0.003 with the test's seed, against 0.01-0.03 for an MLP of two
      128-unit layers, and it still separates checkpoints whose FD differs
      by 13% late in a run, where the MLP's 1,000-step accuracy does not.

    No dropout or normalisation, so a seed fixes the whole training run.

    Args:
        sample_shape: Shape of one sample.
        seed: Seed of the weight initialisers. Defaults to `0`.
        for_features: For vectors, whether they are a classifier's
            features (a logistic regression) rather than samples. Defaults
            to `False`.

    Returns:
        An uncompiled functional `keras.Model` giving one logit per
        sample.
    """
    sample_shape = tuple(int(d) for d in sample_shape)
    seeds = iter(range(seed * 16, seed * 16 + 16))

    def init():
        return keras.initializers.GlorotUniform(seed=next(seeds))

    layers = keras.layers
    inputs = keras.Input(sample_shape, name="samples")
    if len(sample_shape) == 3:
        x = inputs
        for filters in (32, 64):
            x = layers.Conv2D(
                filters,
                3,
                strides=2,
                padding="same",
                kernel_initializer=init(),
            )(x)
            x = layers.LeakyReLU(0.2)(x)
        x = layers.Flatten()(x)
    elif len(sample_shape) == 1 and for_features:
        logits = layers.Dense(1, kernel_initializer="zeros", dtype="float32")(
            inputs
        )
        return keras.Model(inputs, logits, name="fresh_discriminator")
    elif len(sample_shape) == 1:
        frequencies = layers.Dense(
            256,
            trainable=False,
            kernel_initializer=keras.initializers.RandomNormal(
                stddev=10.0 / math.sqrt(sample_shape[0]), seed=next(seeds)
            ),
            bias_initializer=keras.initializers.RandomUniform(
                0.0, 2.0 * math.pi, seed=next(seeds)
            ),
            name="fourier_features",
        )(inputs)
        x = layers.Concatenate()([inputs, keras.ops.sin(frequencies)])
        for _ in range(2):
            x = layers.Dense(128, kernel_initializer=init())(x)
            x = layers.LeakyReLU(0.2)(x)
    else:
        raise ValueError(
            "Invalid value for argument `sample_shape`. Expected the shape "
            "of an image (height, width, channels) or of a vector (size,); "
            "pass your own `discriminator` for other shapes. Received: "
            f"sample_shape={sample_shape}"
        )
    logits = layers.Dense(1, kernel_initializer=init(), dtype="float32")(x)
    return keras.Model(inputs, logits, name="fresh_discriminator")


def fresh_discriminator_test(
    real,
    generated,
    discriminator=None,
    features=None,
    repeats=1,
    test_fraction=0.5,
    steps=1000,
    epochs=None,
    batch_size=128,
    learning_rate=1e-3,
    max_seconds=120.0,
    seed=0,
):
    """Trains a new discriminator on real vs generated samples and scores
    it on held-out ones.

    A classifier two-sample test (Lopez-Paz & Oquab 2017). Both sets are
    shuffled with `seed`, cut to the same size `n` (the smaller set's) so
    that 1/2 is the accuracy of chance, and split: `test_fraction` of each
    is held out, the rest trains the discriminator from scratch (Adam,
    binary cross-entropy on logits, label 1 for real) for `steps` steps
    of `batch_size` samples of each kind, or until `max_seconds` have
    passed. Inputs are standardised by the mean and standard deviation of
    the training samples (one per feature for vectors, one in all for
    images), so any data units work. The held-out accuracy thresholds the
    output at 1/2.

    With `features`, both sets are first mapped to feature vectors and the
    test runs on those (by default a logistic regression,
    `default_discriminator(..., for_features=True)`). With `repeats` above
    1, that many tests run with seeds `seed, seed + 1, ...` (each its own
    split, batch order and weights) and the figures are their means;
    `p_value` is then that of the mean accuracy taken as one test's (the
    mean of tests is no more spread than one test, so this errs towards
    larger p-values).

    Args:
        real: Real samples, a NumPy array `[n, ...]` in data units
            (images NHWC, e.g. in [0, 1]; points in data coordinates).
        generated: Generated samples of the same shape, in the same units
            (e.g. from any GAN, or `keras_gan.GAN.generate`).
        discriminator: What to train. Defaults to `None`:
            `default_discriminator` of the samples' shape, seeded by
            `seed`. A `keras.Model` giving one logit per sample (cloned
            with `keras.models.clone_model`, so it starts from fresh
            weights and the model passed is never trained), or a callable
            `builder(sample_shape) -> keras.Model`. Their runs are
            reproducible when their initialisers are seeded.
        features: A callable mapping samples (a NumPy batch in the units
            of `real`) to feature vectors `[n, d]`, such as
            `keras_gan.metrics.load_fashion_mnist_feature_extractor()` for
            images in [0, 1]; the test then compares features. Defaults
            to `None`: the samples themselves.
        repeats: Independent tests averaged. Defaults to `1`.
        test_fraction: Fraction of each set held out for scoring, in
            (0, 1). Defaults to `0.5`.
        steps: Optimizer steps. Defaults to `1000`.
        epochs: If set, train this many passes over the training samples
            instead of `steps`. Defaults to `None`.
        batch_size: Samples of each kind per step. Defaults to `128`.
        learning_rate: Adam learning rate (beta_1 = 0.5). Defaults to
            `1e-3`.
        max_seconds: Stop training after this much wall time even if steps
            are left (`time_limited` says so); `None` for no bound.
            Defaults to `120.0`.
        seed: Seed of the shuffling, the split, the batch order and the
            default discriminator's weights. Defaults to `0`.

    Returns:
        A `FreshDiscriminatorResult`: `accuracy`, `real_output`,
        `generated_output` (the estimate of D* on each), `standard_error`
        and `p_value` (of one test), and the budget used (`steps` and
        `seconds` summed over the repeats, `time_limited` if any was).

    Example:

    ```python
    result = keras_gan.metrics.fresh_discriminator_test(
        real_points, gan.generate(2500), seed=0
    )
    result.accuracy  # 0.5: indistinguishable; 1.0: always told apart
    ```
    """
    real = _samples("real", real)
    generated = _samples("generated", generated)
    if real.shape[1:] != generated.shape[1:]:
        raise ValueError(
            "Invalid values for arguments `real` and `generated`. Expected "
            "samples of the same shape. Received: real of shape "
            f"{real.shape[1:]} and generated of shape {generated.shape[1:]}"
        )
    if not (isinstance(test_fraction, (int, float)) and 0 < test_fraction < 1):
        raise ValueError(
            "Invalid value for argument `test_fraction`. Expected a number "
            f"in (0, 1). Received: test_fraction={test_fraction!r}"
        )
    steps = check_positive_int("steps", steps)
    epochs = check_positive_int("epochs", epochs, allow_none=True)
    batch_size = check_positive_int("batch_size", batch_size)
    if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
        raise ValueError(
            "Invalid value for argument `learning_rate`. Expected a "
            f"positive number. Received: learning_rate={learning_rate!r}"
        )
    if max_seconds is not None and not (
        isinstance(max_seconds, (int, float)) and max_seconds > 0
    ):
        raise ValueError(
            "Invalid value for argument `max_seconds`. Expected a positive "
            f"number or None. Received: max_seconds={max_seconds!r}"
        )
    seed = check_positive_int("seed", seed, allow_zero=True)
    repeats = check_positive_int("repeats", repeats)
    start = time.monotonic()
    if features is not None:
        real, generated = _featurised(features, real, generated)
    size = min(len(real), len(generated))
    num_test = int(round(size * test_fraction))
    num_train = size - num_test
    if num_test < 1 or num_train < 1:
        raise ValueError(
            "Invalid values for arguments `real` and `generated`. Expected "
            "enough samples for a training and a held-out part "
            f"(test_fraction={test_fraction}). Received: {len(real)} real "
            f"and {len(generated)} generated samples"
        )
    runs = [
        _one_test(
            real,
            generated,
            discriminator,
            size,
            num_train,
            num_test,
            steps,
            epochs,
            batch_size,
            learning_rate,
            max_seconds,
            seed + repeat,
            for_features=features is not None,
        )  # fmt: skip
        for repeat in range(repeats)
    ]
    accuracy = float(np.mean([run["accuracy"] for run in runs]))
    trials = 2 * num_test
    return FreshDiscriminatorResult(
        accuracy=accuracy,
        real_output=float(np.mean([run["real"] for run in runs])),
        generated_output=float(np.mean([run["generated"] for run in runs])),
        standard_error=0.5 / math.sqrt(trials),
        p_value=_binomial_tail(int(round(accuracy * trials)), trials),
        num_train=num_train,
        num_test=trials,
        steps=sum(run["steps"] for run in runs),
        seconds=time.monotonic() - start,
        time_limited=any(run["time_limited"] for run in runs),
    )


def _one_test(
    real, generated, discriminator, size, num_train, num_test, steps,
    epochs, batch_size, learning_rate, max_seconds, seed, for_features,
):  # fmt: skip
    start = time.monotonic()
    rng = np.random.default_rng(seed)
    real = real[rng.permutation(len(real))[:size]]
    generated = generated[rng.permutation(len(generated))[:size]]
    train_x = np.concatenate([real[:num_train], generated[:num_train]])
    test_x = np.concatenate([real[num_train:], generated[num_train:]])
    train_y = np.repeat(np.float32([1.0, 0.0]), num_train)[:, None]
    train_x, test_x = _standardised(train_x, test_x)

    model = _fresh_model(discriminator, train_x.shape[1:], seed, for_features)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    # Each step takes `batch_size` samples of each kind, so every batch is
    # balanced; an epoch is a pass over the training samples of each kind.
    per_epoch = max(1, math.ceil(num_train / batch_size))
    total = steps if epochs is None else epochs * per_epoch
    order_real = order_generated = None
    taken, time_limited = 0, False
    for step in range(total):
        position = (step % per_epoch) * batch_size
        if position == 0:
            order_real = rng.permutation(num_train)
            order_generated = num_train + rng.permutation(num_train)
        rows = np.concatenate(
            [
                order_real[position : position + batch_size],
                order_generated[position : position + batch_size],
            ]
        )
        model.train_on_batch(train_x[rows], train_y[rows])
        taken += 1
        if max_seconds is not None and time.monotonic() - start > max_seconds:
            time_limited = taken < total
            break
    logits = np.asarray(
        model.predict(test_x, batch_size=1000, verbose=0), np.float64
    ).reshape(-1)
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    real_probabilities = probabilities[:num_test]
    generated_probabilities = probabilities[num_test:]
    correct = int(np.sum(real_probabilities > 0.5)) + int(
        np.sum(generated_probabilities <= 0.5)
    )
    return {
        "accuracy": correct / (2 * num_test),
        "real": float(real_probabilities.mean()),
        "generated": float(generated_probabilities.mean()),
        "steps": taken,
        "time_limited": time_limited,
    }


def _featurised(features, real, generated):
    if not callable(features):
        raise TypeError(
            "Invalid value for argument `features`. Expected a callable "
            "mapping samples to feature vectors [n, d]. Received: features "
            f"of type {type(features).__name__}"
        )
    mapped = []
    for name, samples in (("real", real), ("generated", generated)):
        values = _samples(f"features({name})", features(samples))
        if values.ndim != 2 or len(values) != len(samples):
            raise ValueError(
                "Invalid value for argument `features`. Expected it to map "
                f"{len(samples)} samples to feature vectors of shape "
                f"[{len(samples)}, d]. Received: {name} mapped to shape "
                f"{values.shape}"
            )
        mapped.append(values)
    return mapped


def _samples(name, values):
    try:
        array = np.asarray(values, dtype=np.float32)
    except (TypeError, ValueError):
        raise TypeError(
            f"Invalid value for argument `{name}`. Expected a NumPy array "
            f"of samples. Received: {name} of type {type(values).__name__}"
        ) from None
    if array.ndim < 2:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected samples of "
            f"shape [num_samples, ...] (points [n, d], images [n, h, w, c]). "
            f"Received: {name} of shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected finite values. "
            f"Received: {int(np.sum(~np.isfinite(array)))} NaN or infinite "
            "values"
        )
    return array


def _standardised(train_x, test_x):
    # Statistics of the training part only, so held-out samples play no
    # part in training.
    if train_x.ndim == 2:
        mean, std = train_x.mean(axis=0), train_x.std(axis=0)
    else:
        mean, std = train_x.mean(), train_x.std()
    std = np.where(std > 0, std, 1.0).astype(np.float32)
    return (train_x - mean) / std, (test_x - mean) / std


def _fresh_model(discriminator, sample_shape, seed, for_features=False):
    if discriminator is None:
        return default_discriminator(
            sample_shape, seed=seed, for_features=for_features
        )
    if isinstance(discriminator, keras.Model):
        model = keras.models.clone_model(discriminator)
    elif callable(discriminator):
        model = discriminator(tuple(sample_shape))
        if not isinstance(model, keras.Model):
            raise TypeError(
                "Invalid value for argument `discriminator`. Expected a "
                "builder returning a keras.Model. Received: a builder "
                f"returning {type(model).__name__}"
            )
    else:
        raise TypeError(
            "Invalid value for argument `discriminator`. Expected None, a "
            "keras.Model or a builder `builder(sample_shape) -> Model`. "
            f"Received: discriminator of type {type(discriminator).__name__}"
        )
    if tuple(model.output_shape[1:]) != (1,):
        raise ValueError(
            "Invalid value for argument `discriminator`. Expected a model "
            "giving one logit per sample (output shape [batch, 1]). "
            f"Received: output shape {model.output_shape}"
        )
    return model


def _binomial_tail(correct, trials):
    """P(X >= correct) for X ~ Binomial(trials, 1/2)."""
    # Imported on use: SciPy is heavy (keras_gan.metrics loads it on first use).
    from scipy import stats

    return float(stats.binom.sf(correct - 1, trials, 0.5))


__all__ = [
    "FIGURE_PREFIX",
    "FreshDiscriminatorResult",
    "default_discriminator",
    "fresh_discriminator_test",
]
