"""Measure sample quality during training and log it with the losses."""

import time

import numpy as np
from keras import callbacks

from keras_gan.arguments import check_positive_int
from keras_gan.callbacks import messages

__all__ = [
    "Evaluation",
]


class Evaluation(callbacks.Callback):
    """Scores generated samples every few epochs and logs the figures.

    Every `every_n_epochs` epochs it generates `num_samples` samples from
    one fixed noise batch (the same at every evaluation, so the figures
    move only with the generator), scores them with a scorer of
    `keras_gan.metrics.scoring` and writes the figures into the epoch's logs:

    - ring, grid (2D points): `modes_captured`, `num_modes`,
      `high_quality_fraction`, `high_quality_percent`,
      `mode_kl_divergence` (`keras_gan.metrics.mode_metrics`);
    - 28x28x1 images: `frechet_distance`, `kid_mean`, `kid_std`,
      `precision`, `recall`, `density`, `coverage`, `classifier_score`,
      `classifier_score_std`, on the Fashion-MNIST classifier's features,
      against the dataset's test split;
    - a class-conditional GAN (`num_classes`) on a labelled image dataset
      adds `label_accuracy` (Fashion-MNIST's classifier's accuracy at the
      requested labels) and `intra_class_fd` (the mean over classes of
      the FD to that class's test images), the per-class figures of
      docs/contracts.md, "Class-conditional quality"
      (`keras_gan.metrics.conditional`). Its samples are drawn at the
      classes in turn (sample `i` at label `i % num_classes`), so 10,000
      samples are 1,000 per class, as `bin/evaluate` draws them.

    The real features are computed once, when the scorer is built (at the
    first `on_train_begin`), and kept for every later evaluation and
    `fit`.

    Because the figures are in the logs, other callbacks can monitor
    them: `keras.callbacks.EarlyStopping("frechet_distance", mode="min")`,
    `keras.callbacks.ModelCheckpoint(path, monitor="frechet_distance",
    mode="min", save_best_only=True)`,
    `keras_gan.callbacks.EquilibriumStopping(monitor="frechet_distance")`.
    Keras calls callbacks in list order, so **this callback must come
    before them in the `callbacks` list**. The figures declare whether
    they should rise or fall (`directions`), so with a `keras_gan.GAN`
    Keras's `mode="auto"` works: distances and KL are minimised
    (`intra_class_fd` too), the others (`recall`, `coverage`,
    `high_quality_percent`, `label_accuracy`...) maximised. On
    epochs without an evaluation the keys are absent (not stale), so
    `EarlyStopping` and `ModelCheckpoint` skip those epochs and their
    patience counts evaluations.

    Args:
        scorer: A dataset name (`"ring"`, `"grid"`, `"fashion_mnist"` or
            another 28x28x1 image dataset), built with
            `keras_gan.metrics.scoring.make_scorer` on first use, or a scorer
            (e.g. a `keras_gan.metrics.scoring.FeatureScorer` with your own
            feature extractor).
        every_n_epochs: Evaluate at the end of every this many epochs.
            Defaults to `1`.
        num_samples: Samples per evaluation. Defaults to `None`: 2,500
            points (the mixtures' protocol) or 10,000 images.
        seed: Seed of the fixed noise. Defaults to `0`.
        generator: What to sample from. Defaults to `None`: the model's
            `sample_generator` (a `keras_gan.GAN`'s averaged generator
            when it keeps one), else its `generator`. A Keras model, or
            an object whose `generator` attribute is one when evaluating,
            such as a `keras_gan.callbacks.GeneratorEMA` (list it before
            this callback). For a conditional GAN, a model of `[z,
            labels]`.
        value_range: The `(low, high)` range of the generator's images,
            mapped to [0, 1] before scoring. Defaults to `(-1.0, 1.0)`.
        prefix: Put before every logged key, e.g. `"ema_"`. Defaults to
            `""`.
        verbose: Whether to print the figures at each evaluation.
            Defaults to `0`.

    Attributes:
        history: One dict per evaluation: `epoch`, `step`, `seconds` and
            the figures.
        directions: Each logged figure that has a direction, with its
            prefix, to `"up"` (higher is better) or `"down"`.

    Example:

    ```python
    gan.fit(
        keras_gan.data.load("ring", batch_size=256),
        epochs=20,
        steps_per_epoch=500,
        callbacks=[
            keras_gan.callbacks.Evaluation("ring", every_n_epochs=2),
            keras.callbacks.EarlyStopping(
                "high_quality_percent", mode="max", patience=3
            ),
        ],
    )
    ```
    """

    def __init__(
        self,
        scorer,
        every_n_epochs=1,
        num_samples=None,
        seed=0,
        generator=None,
        value_range=(-1.0, 1.0),
        prefix="",
        verbose=0,
    ):
        super().__init__()
        check_positive_int("every_n_epochs", every_n_epochs, allow_none=True)
        check_positive_int("num_samples", num_samples, allow_none=True)
        if not isinstance(scorer, str) and not hasattr(scorer, "score"):
            raise TypeError(
                "Invalid value for argument `scorer`. Expected a dataset "
                "name or a scorer from `keras_gan.metrics.scoring`. Received: "
                f"scorer of type {type(scorer).__name__}"
            )
        self.scorer = scorer
        self.every_n_epochs = every_n_epochs
        self.num_samples = num_samples
        self.seed = seed
        self.generator = generator
        self.value_range = tuple(value_range)
        self.prefix = prefix
        self.verbose = verbose
        self.history = []
        self._noise = None

    @property
    def directions(self):
        # Imported on use: `import keras_gan` does not load keras_gan.metrics.
        from keras_gan.metrics import scoring

        return {
            self.prefix + name: "up" if higher else "down"
            for name, higher in scoring.FIGURE_HIGHER_IS_BETTER.items()
        }

    def on_train_begin(self, logs=None):
        # Imported on use: `import keras_gan` does not load keras_gan.metrics.
        from keras_gan.metrics import scoring

        if isinstance(self.scorer, str):
            self.scorer = scoring.make_scorer(self.scorer)
        if self.num_samples is None:
            self.num_samples = scoring.DEFAULT_NUM_SAMPLES[self.scorer.kind]
        latent_dim = self._sampler().latent_dim
        if self._noise is None or self._noise.shape[1] != latent_dim:
            self._noise = scoring.standard_normal_noise(
                self.num_samples, latent_dim, self.seed
            )
        self.history = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        start = time.monotonic()
        figures = self.evaluate()
        seconds = time.monotonic() - start
        if logs is not None:
            for key, value in figures.items():
                logs[self.prefix + key] = value
        step = getattr(self.model, "generator_steps", None)
        self.history.append(
            {"epoch": epoch + 1, "step": step, "seconds": seconds, **figures}
        )
        if self.verbose:
            shown = ", ".join(
                f"{self.prefix}{key}={value:.4g}"
                for key, value in figures.items()
            )
            messages.print_msg(
                f"Evaluation at epoch {epoch + 1}: {shown} ({seconds:.1f} s)"
            )

    def evaluate(self):
        """Scores the current generator on the fixed noise.

        Returns:
            The dict of figures (Python numbers).
        """
        sampler = self._sampler()
        labels = sampler.labels_to_sample(len(self._noise))
        samples = np.concatenate(
            [
                sampler.generate(
                    self._noise[i : i + 500],
                    None if labels is None else labels[i : i + 500],
                )
                for i in range(0, len(self._noise), 500)
            ]
        )
        if labels is not None and getattr(self.scorer, "scores_labels", False):
            figures = self.scorer.score(samples, labels=labels)
        else:
            figures = self.scorer.score(samples)
        return {
            key: value if isinstance(value, int) else float(value)
            for key, value in figures.items()
        }

    def _sampler(self):
        # Imported on use: `import keras_gan` does not load keras_gan.metrics.
        from keras_gan.metrics import scoring

        return scoring.ModelSampler(
            self._generator(),
            value_range=self.value_range,
            num_classes=getattr(self.model, "num_classes", None),
        )

    def _generator(self):
        generator = self.generator
        if generator is None:
            generator = getattr(self.model, "sample_generator", None)
            return self.model.generator if generator is None else generator
        inner = getattr(generator, "generator", None)
        if inner is not None:  # e.g. a GeneratorEMA's averaged copy
            return inner
        if hasattr(generator, "input_shape"):
            return generator
        raise ValueError(
            "Invalid value for argument `generator`. Expected a Keras "
            "model or an object with a `generator` model (list a "
            "GeneratorEMA before this callback). Received: generator of "
            f"type {type(generator).__name__} without one"
        )
