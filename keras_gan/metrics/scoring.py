"""Score a trained generator offline, always beside the real-data floor.

A figure alone says little: a Frechet distance of 3 is excellent on one
feature space and poor on another. So every score here comes with its
floor, the same metric computed between two splits of real data with the
same number of samples. A model at the floor is as close to the data as
held-out data is.

Domains and their figures:

- The toy mixtures `"ring"` and `"grid"` (2D points in data coordinates):
  `mode_metrics` (modes captured, % high-quality samples, mode KL). The
  floor scores points drawn from the mixture itself.
- 28x28x1 images (Fashion-MNIST and look-alikes), in [0, 1]: Frechet
  distance, KID, precision/recall (k=3), density/coverage (k=5) and the
  classifier score, on the features of the Fashion-MNIST classifier
  (`keras_gan.metrics.load_fashion_mnist_feature_extractor`; trained and
  cached on first use, about two minutes). The reference set is the
  dataset's test split; the floor scores as many training images as
  generated samples against it.
- Other image datasets need a `feature_extractor` (e.g. an
  `InceptionV3FeatureExtractor` where its weights are on disk).

Samples come from a `Sampler` (`keras_gan.metrics.samplers`, imported
here too): `ExportSampler` (a SavedModel exported by
`keras_gan.export`, loaded with `tf.saved_model.load`), `ModelSampler`
(a Keras generator) or `workdir_sampler` (a `bin/train` workdir: its
export, else its newest checkpoint). Noise is drawn from N(0, I) with
`np.random.default_rng(seed)`, so a seed gives the same noise in every
process.

Example:

```python
from keras_gan.metrics import scoring

sampler = scoring.ExportSampler("/tmp/run/export")
report = scoring.score(sampler, "fashion_mnist", num_samples=10000)
print(scoring.format_table(report))
```
"""

import numpy as np

from keras_gan.arguments import check_positive_int
from keras_gan.data import mixtures
from keras_gan.metrics.samplers import (
    ExportSampler,
    ModelSampler,
    Sampler,
    dataset_of,
    standard_normal_noise,
    workdir_sampler,
)

# Figures a table shows, in order, with whether higher is better.
MIXTURE_FIGURES = (
    ("modes_captured", True),
    ("high_quality_percent", True),
    ("mode_kl_divergence", False),
)
FEATURE_FIGURES = (
    ("frechet_distance", False),
    ("kid_mean", False),
    ("precision", True),
    ("recall", True),
    ("density", True),
    ("coverage", True),
    ("classifier_score", True),
)
# Whether each logged figure is better higher (True) or lower (False), for
# callbacks that monitor them; counts and spreads (`num_modes`, `kid_std`,
# `classifier_score_std`) have no direction.
FIGURE_HIGHER_IS_BETTER = {
    **dict(MIXTURE_FIGURES),
    "high_quality_fraction": True,
    **dict(FEATURE_FIGURES),
}
# The fresh-discriminator test's figures (`keras_gan.metrics.two_sample`):
# `None` for "nearer 1/2 is better".
FRESH_DISCRIMINATOR_FIGURES = (
    ("fresh_d_accuracy", None),
    ("fresh_d_real", None),
    ("fresh_d_fake", None),
)
DEFAULT_NUM_SAMPLES = {"points": 2500, "images": 10000}
_FASHION_SHAPE = (28, 28, 1)


# -- Scorers: figures of one domain --


class MixtureScorer:
    """Mode metrics on a toy 2D mixture (`"ring"` or `"grid"`).

    Args:
        name: The mixture.
    """

    kind = "points"
    figures = MIXTURE_FIGURES

    def __init__(self, name):
        self.means, self.std = mixtures.mixture_means(name)
        self.name = name
        self.description = (
            f"{name}: {len(self.means)} modes, std {self.std}; high quality "
            "within 3 std of the nearest mean"
        )

    def score(self, samples):
        """`keras_gan.metrics.mode_metrics` of points `[n, 2]`."""
        from keras_gan.metrics import mode_metrics

        return mode_metrics(samples, self.means, self.std)

    def floor(self, num_samples, seed=0):
        """The figures of `num_samples` points drawn from the mixture."""
        return self.score(
            mixtures.sample_mixture(self.name, num_samples, seed=seed)
        )


class FeatureScorer:
    """Feature-based figures against a fixed set of real images.

    The reference images' features are computed once, on construction.

    Args:
        reference_images: Real images NHWC in [0, 1] (the test split).
        feature_extractor: Maps images in [0, 1] to features; one with
            `features_and_logits` (a `ClassifierFeatureExtractor`) adds the
            classifier score. Its `value_range` must be `(0, 1)`.
        floor_images: Other real images, or a callable returning them
            (loaded on first use), from which the floor draws. Defaults to
            `None`: no floor.
        name: The dataset, for reports. Defaults to `"images"`.
        kid_subset_size: Rows per KID subset. Defaults to `1000`.
        kid_num_subsets: KID subsets. Defaults to `100`.
        seed: Seed of the KID subsets. Defaults to `0`.
    """

    kind = "images"
    figures = FEATURE_FIGURES

    def __init__(
        self,
        reference_images,
        feature_extractor,
        floor_images=None,
        name="images",
        kid_subset_size=1000,
        kid_num_subsets=100,
        seed=0,
    ):
        value_range = getattr(feature_extractor, "value_range", (0, 1))
        if tuple(value_range) != (0, 1):
            raise ValueError(
                "Invalid value for argument `feature_extractor`. Expected "
                "an extractor taking images in [0, 1] (value_range=(0, 1)). "
                f"Received: value_range={value_range}"
            )
        self.feature_extractor = feature_extractor
        self.name = name
        self.kid_subset_size = kid_subset_size
        self.kid_num_subsets = kid_num_subsets
        self.seed = seed
        self._floor_images = floor_images
        reference_images = np.asarray(reference_images, np.float32)
        self.sample_shape = tuple(reference_images.shape[1:])
        self.num_reference = len(reference_images)
        self.reference_features = feature_extractor.features(reference_images)
        # The fresh-discriminator test compares samples with these.
        self.reference_images = reference_images
        accuracy = getattr(feature_extractor, "test_accuracy", None)
        extractor = type(feature_extractor).__name__
        if accuracy is not None:
            extractor += f" (test accuracy {accuracy:.4f})"
        self.description = (
            f"{name}: features of {extractor}; reference "
            f"{self.num_reference} real images"
        )

    def score(self, samples):
        """The figures of images `[n, h, w, c]` in [0, 1]."""
        from keras_gan.metrics import evaluate_features

        samples = np.asarray(samples, np.float32)
        if tuple(samples.shape[1:]) != self.sample_shape:
            raise ValueError(
                f"Expected images of shape {self.sample_shape} (the "
                "reference's). Received samples of shape "
                f"{tuple(samples.shape[1:])}"
            )
        logits = None
        if getattr(self.feature_extractor, "has_logits", False):
            features, logits = self.feature_extractor.features_and_logits(
                samples
            )
        else:
            features = self.feature_extractor.features(samples)
        return evaluate_features(
            self.reference_features,
            features,
            generated_logits=logits,
            kid_num_subsets=self.kid_num_subsets,
            kid_subset_size=self.kid_subset_size,
            seed=self.seed,
        )

    def floor(self, num_samples, seed=0):
        """The figures of `num_samples` real floor images drawn at random
        (without replacement) against the reference."""
        return self.score(self.floor_samples(num_samples, seed))

    def floor_samples(self, num_samples, seed=0):
        """The `num_samples` real floor images the floor scores."""
        if self._floor_images is None:
            raise ValueError(
                "This scorer has no floor images: pass `floor_images`."
            )
        if callable(self._floor_images):
            self._floor_images = np.asarray(self._floor_images(), np.float32)
        images = self._floor_images
        if num_samples > len(images):
            raise ValueError(
                f"Invalid value for argument `num_samples`. Expected at most "
                f"{len(images)} (the real floor images). Received: "
                f"num_samples={num_samples}"
            )
        rng = np.random.default_rng(seed)
        chosen = np.sort(rng.choice(len(images), num_samples, replace=False))
        return images[chosen]


def load_real_images(name, split, data_dir=None, limit=None):
    """A dataset's split as one NHWC float32 array in [0, 1].

    Args:
        name: A dataset name for `keras_gan.data.load`.
        split: The split (TFDS slicing allowed).
        data_dir: TFDS data directory. Defaults to `None`.
        limit: Keep only the first `limit` images. Defaults to `None`.

    Returns:
        A float32 NumPy array.
    """
    from keras_gan import data

    dataset = data.load(
        name,
        split=split,
        batch_size=1000,
        shuffle=False,
        data_dir=data_dir,
        cache=False,
        drop_remainder=False,
    )
    if limit is not None:
        dataset = dataset.unbatch().take(limit).batch(1000)
    batches = [np.asarray(batch) for batch in dataset.as_numpy_iterator()]
    return data.to_unit_range(np.concatenate(batches))


def make_scorer(
    dataset,
    feature_extractor=None,
    reference_split=None,
    floor_split=None,
    num_reference=None,
    data_dir=None,
    cache_dir=None,
):
    """The scorer of a dataset by name.

    Args:
        dataset: `"ring"`, `"grid"` or an image dataset name for
            `keras_gan.data.load` (e.g. `"fashion_mnist"`).
        feature_extractor: For images: an extractor of images in [0, 1].
            Defaults to `None`: the Fashion-MNIST classifier for 28x28x1
            images; other shapes need one.
        reference_split: The real images generated samples are compared
            with. Defaults to `None`: `"test"`, or `"train[:50%]"` for a
            dataset with a training split only (digits, folders).
        floor_split: The real images the floor draws from. Defaults to
            `None`: `"train"`, or `"train[50%:]"` when the reference is
            the first half.
        num_reference: Use only the first this many reference images.
            Defaults to `None`: all.
        data_dir: TFDS data directory. Defaults to `None`.
        cache_dir: Cache of the Fashion-MNIST classifier. Defaults to
            `None`: `$KERAS_GAN_CACHE`, else `~/.cache/keras_gan`.

    Returns:
        A `MixtureScorer` or a `FeatureScorer`.
    """
    if dataset in mixtures.MIXTURE_NAMES:
        return MixtureScorer(dataset)
    from keras_gan import data

    if reference_split is None:
        try:
            data.info(dataset, split="test", data_dir=data_dir)
            reference_split, default_floor = "test", "train"
        except ValueError:
            reference_split, default_floor = "train[:50%]", "train[50%:]"
        floor_split = floor_split or default_floor
    floor_split = floor_split or "train"
    spec = data.info(dataset, split=reference_split, data_dir=data_dir)
    if feature_extractor is None:
        if tuple(spec.element_shape) != _FASHION_SHAPE:
            raise ValueError(
                "Invalid value for argument `feature_extractor`. Expected an "
                "extractor for images of shape "
                f"{tuple(spec.element_shape)}: the default, the "
                f"Fashion-MNIST classifier, takes {_FASHION_SHAPE}. "
                "Received: feature_extractor=None"
            )
        from keras_gan.metrics import load_fashion_mnist_feature_extractor

        feature_extractor = load_fashion_mnist_feature_extractor(
            cache_dir, value_range=(0.0, 1.0)
        )
    reference = load_real_images(
        dataset, reference_split, data_dir, limit=num_reference
    )
    scorer = FeatureScorer(
        reference,
        feature_extractor,
        floor_images=lambda: load_real_images(dataset, floor_split, data_dir),
        name=dataset,
    )
    scorer.description += (
        f" (split {reference_split!r}); floor drawn from {floor_split!r}"
    )
    return scorer


# -- Reports --


def fresh_discriminator_figures(
    scorer, samples, seed=0, floor=True, steps=1000
):
    """The fresh-discriminator test of samples, beside its real floor.

    `keras_gan.metrics.fresh_discriminator_test` of the samples against
    real ones (the scorer's reference images, or points drawn from the
    mixture), and the same test between two real sets (the floor images,
    or other points of the mixture, against the same real ones): the
    floor's accuracy is 1/2 up to its standard error.

    Args:
        scorer: A `MixtureScorer` or `FeatureScorer`.
        samples: Samples in data units.
        seed: Seed of the tests and the real draws. Defaults to `0`.
        floor: Whether to run the floor's test. Defaults to `True`.
        steps: Training steps of each fresh discriminator. Defaults to
            `1000`.

    Returns:
        `(model, floor)`: dicts of `fresh_d_accuracy`, `fresh_d_real`,
        `fresh_d_fake`, `fresh_d_p_value`; `floor` is `None` when not run.
    """
    from keras_gan.metrics.two_sample import fresh_discriminator_test

    samples = np.asarray(samples, np.float32)
    num = len(samples)
    if isinstance(scorer, MixtureScorer):
        real = mixtures.sample_mixture(scorer.name, num, seed=seed + 1)
        other = (
            mixtures.sample_mixture(scorer.name, num, seed=seed + 2)
            if floor
            else None
        )
    else:
        real = scorer.reference_images
        other = (
            scorer.floor_samples(min(num, len(real)), seed) if floor else None
        )

    def test(generated):
        result = fresh_discriminator_test(
            real, generated, steps=steps, seed=seed
        )
        return result.figures()

    return test(samples), None if other is None else test(other)


def score(
    sampler,
    scorer,
    num_samples=None,
    seed=0,
    floor=True,
    fresh_discriminator=False,
    fresh_d_steps=1000,
):
    """Scores a generator's samples beside the real floor.

    Args:
        sampler: A `Sampler`, or an array of samples in data units.
        scorer: A scorer (`make_scorer`) or a dataset name.
        num_samples: Samples to draw. Defaults to `None`: 2,500 points or
            10,000 images.
        seed: Seed of the noise (and of the floor's draw). Defaults to
            `0`.
        floor: Whether to compute the real floor. Defaults to `True`.
        fresh_discriminator: Whether to add the fresh-discriminator
            test's figures (`fresh_discriminator_figures`) to the model's
            and the floor's. Defaults to `False`.
        fresh_d_steps: Training steps of each fresh discriminator.
            Defaults to `1000`.

    Returns:
        A JSON-ready dict: `dataset`, `num_samples`, `seed`, `source`,
        `scorer` (what the figures are computed on), `figures` (list of
        `[name, higher_is_better]`), `model` and `floor` (dicts of
        figures; `floor` is `None` when not computed) and `metadata`.
    """
    if isinstance(scorer, str):
        scorer = make_scorer(scorer)
    if num_samples is None:
        num_samples = DEFAULT_NUM_SAMPLES[scorer.kind]
    num_samples = check_positive_int("num_samples", num_samples)
    if isinstance(sampler, Sampler):
        samples = sampler.sample(num_samples, seed=seed)
        source, metadata = sampler.description, dict(sampler.metadata)
    else:
        samples = np.asarray(sampler, np.float32)[:num_samples]
        num_samples = len(samples)
        source, metadata = "array of samples", {}
    report = {
        "dataset": scorer.name,
        "num_samples": num_samples,
        "seed": seed,
        "source": source,
        "scorer": scorer.description,
        "figures": [[name, higher] for name, higher in scorer.figures],
        "model": _floats(scorer.score(samples)),
        "floor": _floats(scorer.floor(num_samples, seed)) if floor else None,
        "metadata": metadata,
    }
    if fresh_discriminator:
        model, real = fresh_discriminator_figures(
            scorer, samples, seed=seed, floor=floor, steps=fresh_d_steps
        )
        report["figures"] += [list(f) for f in FRESH_DISCRIMINATOR_FIGURES]
        report["model"].update(_floats(model))
        if real is not None:
            report["floor"].update(_floats(real))
    return report


def _floats(figures):
    return {
        key: value if isinstance(value, int) else float(value)
        for key, value in figures.items()
    }


def format_table(report, columns=None):
    """A plain-text table of one or more reports' figures beside the floor.

    Args:
        report: A dict from `score`.
        columns: More `(title, figures_dict)` columns, e.g. other models
            scored the same way. Defaults to `None`.

    Returns:
        A string: one row per figure, columns model, (more), real floor
        and which direction is better.
    """
    columns = [("model", report["model"]), *(columns or [])]
    if report.get("floor") is not None:
        columns.append(("real floor", report["floor"]))
    names = [n for n, _ in report["figures"] if n in report["model"]]
    width = max(len(n) for n in names + ["figure"])
    cell = max(12, *(len(title) for title, _ in columns))
    lines = [
        f"{'figure':<{width}}  "
        + "  ".join(f"{title:>{cell}}" for title, _ in columns)
        + "  better",
    ]
    higher = dict(map(tuple, report["figures"]))
    for name in names:
        values = "  ".join(
            f"{_format_value(figures.get(name)):>{cell}}"
            for _, figures in columns
        )
        better = {True: "higher", False: "lower"}.get(
            higher[name], "nearer 0.5"
        )
        lines.append(f"{name:<{width}}  {values}  {better}")
    return "\n".join(lines)


def _format_value(value):
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    if value != 0 and abs(value) < 1e-2:
        return f"{value:.3e}"
    return f"{value:.4f}"


__all__ = [
    "DEFAULT_NUM_SAMPLES",
    "ExportSampler",
    "FRESH_DISCRIMINATOR_FIGURES",
    "FeatureScorer",
    "MixtureScorer",
    "ModelSampler",
    "Sampler",
    "dataset_of",
    "format_table",
    "fresh_discriminator_figures",
    "load_real_images",
    "make_scorer",
    "score",
    "standard_normal_noise",
    "workdir_sampler",
]
