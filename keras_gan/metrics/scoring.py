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
- A class-conditional generator on a labelled image dataset adds
  the per-class figures of docs/contracts.md, "Class-conditional
  quality" (`keras_gan.metrics.conditional`), on
  1,000 samples per class by default, the classes in turn: the label
  accuracy (the classifier's accuracy at the requested labels; for
  Fashion-MNIST's classifier only, whose classes are the dataset's) and
  the intra-class FD (the mean over classes of the FD between a class's
  samples and that class's reference images), overall and per class
  (`report["per_class"]`, `format_per_class_table`). Their floor: the
  classifier's accuracy on the reference images, and the intra-class FD
  between the two halves of each class's reference images.

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

from keras_gan import data
from keras_gan.arguments import check_positive_int
from keras_gan.data import mixtures
from keras_gan.metrics.classifier import load_fashion_mnist_feature_extractor
from keras_gan.metrics.conditional import (
    class_conditional_figures_from_activations,
    real_class_conditional_floor_from_activations,
)
from keras_gan.metrics.evaluation import evaluate_features
from keras_gan.metrics.modes import mode_metrics
from keras_gan.metrics.samplers import (
    ExportSampler,
    ModelSampler,
    Sampler,
    dataset_of,
    standard_normal_noise,
    workdir_sampler,
)
from keras_gan.metrics.two_sample import fresh_discriminator_test

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
# A class-conditional generator's figures (`keras_gan.metrics.conditional`).
CONDITIONAL_FIGURES = (
    ("label_accuracy", True),
    ("intra_class_fd", False),
)
# Whether each logged figure is better higher (True) or lower (False), for
# callbacks that monitor them; counts and spreads (`num_modes`, `kid_std`,
# `classifier_score_std`) have no direction.
FIGURE_HIGHER_IS_BETTER = {
    **dict(MIXTURE_FIGURES),
    "high_quality_fraction": True,
    **dict(FEATURE_FIGURES),
    **dict(CONDITIONAL_FIGURES),
}
# The fresh-discriminator test's figures (`keras_gan.metrics.two_sample`):
# `None` for "nearer 1/2 is better".
FRESH_DISCRIMINATOR_FIGURES = (
    ("fresh_d_accuracy", None),
    ("fresh_d_real", None),
    ("fresh_d_fake", None),
)
DEFAULT_NUM_SAMPLES = {"points": 2500, "images": 10000}
# Samples per class (docs/contracts.md, "Class-conditional quality").
DEFAULT_SAMPLES_PER_CLASS = 1000
_FASHION_SHAPE = (28, 28, 1)


# -- Scorers: figures of one domain --


class MixtureScorer:
    """Mode metrics on a toy 2D mixture (`"ring"` or `"grid"`).

    Args:
        name: The mixture.
    """

    kind = "points"
    figures = MIXTURE_FIGURES
    scores_labels = False

    def __init__(self, name):
        self.means, self.std = mixtures.mixture_means(name)
        self.name = name
        self.description = (
            f"{name}: {len(self.means)} modes, std {self.std}; high quality "
            "within 3 std of the nearest mean"
        )

    def score(self, samples):
        """`keras_gan.metrics.mode_metrics` of points `[n, 2]`."""
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
        reference_labels: The classes of the reference images, for a
            class-conditional generator's figures (`score(samples,
            labels)`, `conditional_floor`). Defaults to `None`: none.
        label_accuracy: Whether to report the label accuracy: the
            extractor's logits must be the dataset's classes, in label
            order. Defaults to `None`: when the extractor has logits, as
            many as the reference has classes.
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
        reference_labels=None,
        label_accuracy=None,
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
        self.reference_labels = _reference_labels(
            reference_labels, self.num_reference
        )
        self.label_accuracy = self._scores_label_accuracy(label_accuracy)
        self.reference_logits = None
        if self.label_accuracy:
            self.reference_features, self.reference_logits = (
                feature_extractor.features_and_logits(reference_images)
            )
        else:
            self.reference_features = feature_extractor.features(
                reference_images
            )
        self._conditional_floor = None
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

    @property
    def scores_labels(self):
        """Whether it scores a class-conditional generator's samples at
        their labels (it knows the reference images' classes)."""
        return self.reference_labels is not None

    @property
    def num_classes(self):
        """The reference's number of classes (`None` without labels)."""
        if self.reference_labels is None:
            return None
        return int(self.reference_labels.max()) + 1

    @property
    def conditional_figures(self):
        """The per-class figures it reports, with their directions."""
        return tuple(
            (name, higher)
            for name, higher in CONDITIONAL_FIGURES
            if name != "label_accuracy" or self.label_accuracy
        )

    def _scores_label_accuracy(self, label_accuracy):
        if self.reference_labels is None:
            return False
        if label_accuracy is not None:
            return bool(label_accuracy)
        classes = getattr(self.feature_extractor, "num_classes", None)
        return bool(
            getattr(self.feature_extractor, "has_logits", False)
            and classes == int(self.reference_labels.max()) + 1
        )

    def score(self, samples, labels=None):
        """The figures of images `[n, h, w, c]` in [0, 1].

        Args:
            samples: The images.
            labels: For a class-conditional generator, the class each
                sample was generated at, `[n]`: adds the per-class figures
                (`score_conditional`). Defaults to `None`.

        Returns:
            A dict of figures.
        """
        if labels is not None:
            return self.score_conditional(samples, labels)[0]
        return self._score(samples)[0]

    def score_conditional(self, samples, labels):
        """The figures of a class-conditional generator's samples.

        Args:
            samples: Images `[n, h, w, c]` in [0, 1].
            labels: The class each was generated at, `[n]`.

        Returns:
            `(figures, per_class)`: the usual figures with
            `intra_class_fd` (and `label_accuracy`), and for each of
            these, a dict class -> its value on that class's samples.
        """
        if not self.scores_labels:
            raise ValueError(
                "This scorer knows no classes of its reference images: "
                "pass `reference_labels` to score samples at labels."
            )
        labels = np.asarray(labels)
        if labels.shape != (len(samples),):
            raise ValueError(
                f"Expected one label per sample ({len(samples)}). Received "
                f"labels of shape {labels.shape}."
            )
        figures, features, logits = self._score(samples)
        conditional = class_conditional_figures_from_activations(
            features,
            labels,
            self.reference_features,
            self.reference_labels,
            logits=logits if self.label_accuracy else None,
        )
        per_class = conditional.pop("per_class")
        return {**conditional, **figures}, per_class

    def conditional_floor(self):
        """The real floor of the per-class figures, computed once.

        Returns:
            `(figures, per_class)` as `score_conditional`'s, of real
            images: `label_accuracy` the classifier's accuracy on the
            reference images, `intra_class_fd` between the two halves of
            each class's reference images.
        """
        if self._conditional_floor is None:
            floor = real_class_conditional_floor_from_activations(
                self.reference_features,
                self.reference_labels,
                self.reference_logits,
            )
            self._conditional_floor = (floor, floor.pop("per_class"))
        return self._conditional_floor

    def _score(self, samples):
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
        figures = evaluate_features(
            self.reference_features,
            features,
            generated_logits=logits,
            kid_num_subsets=self.kid_num_subsets,
            kid_subset_size=self.kid_subset_size,
            seed=self.seed,
        )
        return figures, features, logits

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


def _reference_labels(labels, num_reference):
    if labels is None:
        return None
    labels = np.asarray(labels)
    if labels.shape != (num_reference,) or not np.issubdtype(
        labels.dtype, np.integer
    ):
        raise ValueError(
            "Invalid value for argument `reference_labels`. Expected one "
            f"integer class per reference image ({num_reference}). "
            f"Received labels of shape {labels.shape} and dtype "
            f"{labels.dtype}"
        )
    return labels


def load_real_images(name, split, data_dir=None, limit=None, with_labels=False):
    """A dataset's split as one NHWC float32 array in [0, 1].

    Args:
        name: A dataset name for `keras_gan.data.load`.
        split: The split (TFDS slicing allowed).
        data_dir: TFDS data directory. Defaults to `None`.
        limit: Keep only the first `limit` images. Defaults to `None`.
        with_labels: Also return the images' classes. Defaults to
            `False`.

    Returns:
        A float32 NumPy array; with `with_labels`, a tuple `(images,
        labels)` with int32 labels.
    """
    dataset = data.load(
        name,
        split=split,
        batch_size=1000,
        shuffle=False,
        data_dir=data_dir,
        cache=False,
        drop_remainder=False,
        with_labels=with_labels,
    )
    if limit is not None:
        dataset = dataset.unbatch().take(limit).batch(1000)
    batches = list(dataset.as_numpy_iterator())
    if not with_labels:
        return data.to_unit_range(np.concatenate(batches))
    images, labels = zip(*batches)
    return (
        data.to_unit_range(np.concatenate(images)),
        np.concatenate(labels).astype(np.int32),
    )


def make_scorer(
    dataset,
    feature_extractor=None,
    reference_split=None,
    floor_split=None,
    num_reference=None,
    data_dir=None,
    cache_dir=None,
    label_accuracy=None,
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
        label_accuracy: For a labelled dataset, whether to report a
            class-conditional generator's label accuracy (the
            extractor's logits are the dataset's classes). Defaults to
            `None`: with the default extractor, for Fashion-MNIST only;
            with yours, when it has a logit per class.

    Returns:
        A `MixtureScorer` or a `FeatureScorer` (which knows the
        reference's classes when the dataset has labels).
    """
    if dataset in mixtures.MIXTURE_NAMES:
        return MixtureScorer(dataset)
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
        feature_extractor = load_fashion_mnist_feature_extractor(
            cache_dir, value_range=(0.0, 1.0)
        )
        if label_accuracy is None:
            # Its classes are Fashion-MNIST's, not another dataset's.
            label_accuracy = dataset == "fashion_mnist"
    reference_labels = None
    if spec.num_classes:
        reference, reference_labels = load_real_images(
            dataset,
            reference_split,
            data_dir,
            limit=num_reference,
            with_labels=True,
        )
    else:
        reference = load_real_images(
            dataset, reference_split, data_dir, limit=num_reference
        )
    scorer = FeatureScorer(
        reference,
        feature_extractor,
        floor_images=lambda: load_real_images(dataset, floor_split, data_dir),
        name=dataset,
        reference_labels=reference_labels,
        label_accuracy=label_accuracy,
    )
    scorer.description += (
        f" (split {reference_split!r}); floor drawn from {floor_split!r}"
    )
    return scorer


# -- Reports --


def fresh_discriminator_figures(
    scorer, samples, seed=0, floor=True, steps=1000, on_features=True
):
    """The fresh-discriminator test of samples, beside its real floor.

    `keras_gan.metrics.fresh_discriminator_test` of the samples against
    real ones (the scorer's reference images, or points drawn from the
    mixture), and the same test between two real sets (the floor images,
    or other points of the mixture, against the same real ones): the
    floor's accuracy is 1/2 up to its standard error. Images are compared
    by the scorer's features (what tracks sample quality, see
    `fresh_discriminator_test`) unless `on_features=False`.

    Args:
        scorer: A `MixtureScorer` or `FeatureScorer`.
        samples: Samples in data units.
        seed: Seed of the tests and the real draws. Defaults to `0`.
        floor: Whether to run the floor's test. Defaults to `True`.
        steps: Training steps of each fresh discriminator. Defaults to
            `1000`.
        on_features: For a `FeatureScorer`, whether to test its
            extractor's features rather than the pixels. Defaults to
            `True`.

    Returns:
        `(model, floor)`: dicts of `fresh_d_accuracy`, `fresh_d_real`,
        `fresh_d_fake`, `fresh_d_p_value`; `floor` is `None` when not run.
    """
    samples = np.asarray(samples, np.float32)
    num = len(samples)
    features = None
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
        if on_features:
            features = scorer.feature_extractor.features

    def test(generated):
        result = fresh_discriminator_test(
            real, generated, features=features, steps=steps, seed=seed
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
    per_class=None,
    fresh_d_on_features=True,
):
    """Scores a generator's samples beside the real floor.

    A class-conditional sampler (`sampler.conditional`) scored by a
    scorer that knows the reference's classes (`scorer.scores_labels`)
    draws `per_class` samples of every class, the classes in turn, and
    adds the per-class figures (docs/contracts.md, "Class-conditional
    quality"): `label_accuracy`
    and `intra_class_fd` beside the usual ones (the overall FD...), with
    their floor, and their value for each class in `per_class`.

    Args:
        sampler: A `Sampler`, or an array of samples in data units.
        scorer: A scorer (`make_scorer`) or a dataset name.
        num_samples: Samples to draw. Defaults to `None`: 2,500 points or
            10,000 images; for a conditional sampler, `per_class` times
            the classes.
        seed: Seed of the noise (and of the floor's draw). Defaults to
            `0`.
        floor: Whether to compute the real floor. Defaults to `True`.
        fresh_discriminator: Whether to add the fresh-discriminator
            test's figures (`fresh_discriminator_figures`) to the model's
            and the floor's. Defaults to `False`.
        fresh_d_steps: Training steps of each fresh discriminator.
            Defaults to `1000`.
        per_class: A conditional sampler's samples per class. Defaults to
            `None`: `num_samples // num_classes` when `num_samples` is
            given, else 1,000.
        fresh_d_on_features: Whether the fresh discriminator compares
            images by the scorer's features (else pixels). Defaults to
            `True`.

    Returns:
        A JSON-ready dict: `dataset`, `num_samples`, `seed`, `source`,
        `scorer` (what the figures are computed on), `figures` (list of
        `[name, higher_is_better]`), `model` and `floor` (dicts of
        figures; `floor` is `None` when not computed) and `metadata`; for
        a conditional sampler also `samples_per_class` and `per_class`:
        `classes` (the class names) and `model` and `floor`, each a dict
        figure -> one value per class.
    """
    if isinstance(scorer, str):
        scorer = make_scorer(scorer)
    conditional = (
        isinstance(sampler, Sampler)
        and sampler.conditional
        and getattr(scorer, "scores_labels", False)
    )
    if conditional:
        num_samples, per_class = _conditional_sizes(
            sampler, scorer, num_samples, per_class
        )
    if num_samples is None:
        num_samples = DEFAULT_NUM_SAMPLES[scorer.kind]
    num_samples = check_positive_int("num_samples", num_samples)
    labels = None
    if isinstance(sampler, Sampler):
        samples = sampler.sample(num_samples, seed=seed)
        labels = sampler.labels_to_sample(num_samples) if conditional else None
        source, metadata = sampler.description, dict(sampler.metadata)
    else:
        samples = np.asarray(sampler, np.float32)[:num_samples]
        num_samples = len(samples)
        source, metadata = "array of samples", {}
    figures = [[name, higher] for name, higher in scorer.figures]
    per_class_report = None
    if conditional:
        model, model_per_class = scorer.score_conditional(samples, labels)
        figures = [list(f) for f in scorer.conditional_figures] + figures
    else:
        model = scorer.score(samples)
    report = {
        "dataset": scorer.name,
        "num_samples": num_samples,
        "seed": seed,
        "source": source,
        "scorer": scorer.description,
        "figures": figures,
        "model": _floats(model),
        "floor": _floats(scorer.floor(num_samples, seed)) if floor else None,
        "metadata": metadata,
    }
    if conditional:
        classes = range(sampler.num_classes)
        per_class_report = {
            "classes": list(sampler.class_names),
            "model": _per_class_lists(model_per_class, classes),
            "floor": None,
        }
        if floor:
            real, real_per_class = scorer.conditional_floor()
            report["floor"].update(_floats(real))
            per_class_report["floor"] = _per_class_lists(
                real_per_class, classes
            )
        report["samples_per_class"] = per_class
        report["per_class"] = per_class_report
    if fresh_discriminator:
        model, real = fresh_discriminator_figures(
            scorer,
            samples,
            seed=seed,
            floor=floor,
            steps=fresh_d_steps,
            on_features=fresh_d_on_features,
        )
        report["figures"] += [list(f) for f in FRESH_DISCRIMINATOR_FIGURES]
        report["model"].update(_floats(model))
        if real is not None:
            report["floor"].update(_floats(real))
    return report


def _conditional_sizes(sampler, scorer, num_samples, per_class):
    if scorer.num_classes != sampler.num_classes:
        raise ValueError(
            f"Expected a generator of the {scorer.num_classes} classes of "
            f"{scorer.name}'s reference images. Received a conditional "
            f"generator of num_classes={sampler.num_classes}."
        )
    if per_class is None:
        per_class = (
            DEFAULT_SAMPLES_PER_CLASS
            if num_samples is None
            else num_samples // sampler.num_classes
        )
    if not isinstance(per_class, int) or per_class < 1:
        raise ValueError(
            "Invalid value for argument `per_class` (or `num_samples`). "
            f"Expected at least one sample of each of the "
            f"{sampler.num_classes} classes. Received: per_class="
            f"{per_class!r}, num_samples={num_samples!r}"
        )
    return per_class * sampler.num_classes, per_class


def _per_class_lists(per_class, classes):
    return {
        name: [float(values[label]) for label in classes]
        for name, values in per_class.items()
    }


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


def format_per_class_table(report):
    """A plain-text table of a conditional report's per-class figures.

    Args:
        report: A dict from `score` of a conditional sampler.

    Returns:
        A string: one row per class (its index and name), a column per
        figure and, when computed, one per figure's real floor; `""` for
        a report without per-class figures.
    """
    per_class = report.get("per_class")
    if not per_class:
        return ""
    floor = per_class.get("floor") or {}
    columns = []
    for name, values in per_class["model"].items():
        columns.append((name, values))
        if name in floor:
            columns.append(("real floor", floor[name]))
    classes = [
        f"{label} {name}" for label, name in enumerate(per_class["classes"])
    ]
    width = max(len(c) for c in classes + ["class"])
    cells = [max(12, len(title)) for title, _ in columns]
    lines = [
        f"{'class':<{width}}  "
        + "  ".join(
            f"{title:>{cell}}" for (title, _), cell in zip(columns, cells)
        )
    ]
    for label, name in enumerate(classes):
        lines.append(
            f"{name:<{width}}  "
            + "  ".join(
                f"{_format_value(values[label]):>{cell}}"
                for (_, values), cell in zip(columns, cells)
            )
        )
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
    "CONDITIONAL_FIGURES",
    "DEFAULT_NUM_SAMPLES",
    "DEFAULT_SAMPLES_PER_CLASS",
    "ExportSampler",
    "FEATURE_FIGURES",
    "FIGURE_HIGHER_IS_BETTER",
    "FRESH_DISCRIMINATOR_FIGURES",
    "FeatureScorer",
    "MIXTURE_FIGURES",
    "MixtureScorer",
    "ModelSampler",
    "Sampler",
    "dataset_of",
    "format_per_class_table",
    "format_table",
    "fresh_discriminator_figures",
    "load_real_images",
    "make_scorer",
    "score",
    "standard_normal_noise",
    "workdir_sampler",
]
