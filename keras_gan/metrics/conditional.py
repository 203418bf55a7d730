"""Per-class quality of a class-conditional generator.

The protocol (docs/contracts.md, "Class-conditional quality"): generate a
number of samples per class (1,000), score them with the domain classifier,
and report

- the label accuracy: the share of samples the classifier assigns to the
  class they were generated for (its floor: the classifier's accuracy on
  real test images);
- the intra-class Frechet distance: the mean over classes of the FD
  between that class's generated samples and that class's real images, on
  the classifier's features.

The functions take what they say (logits, activations, labels), so any
classifier and feature extractor serve.
"""

import numpy as np

from keras_gan.metrics.frechet import frechet_distance_from_activations

__all__ = [
    "class_conditional_figures_from_activations",
    "intra_class_frechet_distance_from_activations",
    "label_accuracy_from_logits",
    "real_class_conditional_floor_from_activations",
    "score_class_conditional",
]


def label_accuracy_from_logits(logits, requested_labels):
    """The share of samples whose highest logit is the requested class.

    Args:
        logits: Classifier logits (or probabilities) `[n, num_classes]`.
        requested_labels: The class each sample was generated for, `[n]`.

    Returns:
        A float in [0, 1].
    """
    logits = np.asarray(logits)
    requested_labels = np.asarray(requested_labels)
    if logits.ndim != 2 or len(logits) != len(requested_labels):
        raise ValueError(
            "Expected logits [n, num_classes] and n labels. Received logits "
            f"of shape {logits.shape} and {len(requested_labels)} labels."
        )
    return float(np.mean(logits.argmax(axis=1) == requested_labels))


def intra_class_frechet_distance_from_activations(
    activations, labels, real_activations, real_labels
):
    """The mean over classes of the FD between one class's activations and
    that class's real activations.

    Args:
        activations: Features of the generated samples, `[n, d]`.
        labels: The class each was generated for, `[n]`.
        real_activations: Features of real samples, `[m, d]`.
        real_labels: Their classes, `[m]`.

    Returns:
        A tuple `(mean, per_class)`: the mean FD, and a dict class -> FD
        for every class in `labels`.
    """
    activations = np.asarray(activations, np.float64)
    real_activations = np.asarray(real_activations, np.float64)
    labels, real_labels = np.asarray(labels), np.asarray(real_labels)
    per_class = {}
    for label in np.unique(labels):
        real = real_activations[real_labels == label]
        if len(real) < 2:
            raise ValueError(
                f"Expected at least 2 real samples of class {label} to "
                f"compare with. Received {len(real)}."
            )
        per_class[int(label)] = float(
            frechet_distance_from_activations(
                activations[labels == label], real
            )
        )
    return float(np.mean(list(per_class.values()))), per_class


def class_conditional_figures_from_activations(
    activations, labels, real_activations, real_labels, logits=None
):
    """The per-class figures of samples generated at known labels.

    Args:
        activations: Features of the generated samples, `[n, d]`.
        labels: The class each was generated for, `[n]`.
        real_activations: Features of real samples, `[m, d]`.
        real_labels: Their classes, `[m]`.
        logits: The classifier's logits of the generated samples,
            `[n, num_classes]`, for the label accuracy. Defaults to
            `None`: no label accuracy.

    Returns:
        A dict: `intra_class_fd` (and `label_accuracy` with `logits`),
        and `per_class`: for each of these figures, a dict class -> its
        value on that class's samples.
    """
    labels = np.asarray(labels)
    intra, per_class_fd = intra_class_frechet_distance_from_activations(
        activations, labels, real_activations, real_labels
    )
    figures, per_class = {}, {}
    if logits is not None:
        figures["label_accuracy"], per_class["label_accuracy"] = (
            _label_accuracies(logits, labels)
        )
    figures["intra_class_fd"] = intra
    per_class["intra_class_fd"] = per_class_fd
    return {**figures, "per_class": per_class}


def _label_accuracies(logits, labels):
    """The label accuracy overall and per class."""
    logits, labels = np.asarray(logits), np.asarray(labels)
    per_class = {
        int(label): label_accuracy_from_logits(
            logits[labels == label], labels[labels == label]
        )
        for label in np.unique(labels)
    }
    return label_accuracy_from_logits(logits, labels), per_class


def real_class_conditional_floor_from_activations(
    real_activations, real_labels, real_logits=None
):
    """The real floor of the per-class figures.

    The classifier's accuracy on the real images (the label accuracy of
    real data), and the intra-class FD between the two halves of each
    class's real images (the first half of a class, in order, against the
    second): what held-out real data scores. Each half has half the
    images of the class, so this floor is somewhat above the value of as
    many real images as generated ones (the FD's bias grows as samples
    shrink).

    Args:
        real_activations: Features of real samples, `[m, d]`.
        real_labels: Their classes, `[m]`.
        real_logits: The classifier's logits of them, for the label
            accuracy. Defaults to `None`: no label accuracy.

    Returns:
        A dict like `class_conditional_figures_from_activations`'s.
    """
    real_activations = np.asarray(real_activations)
    real_labels = np.asarray(real_labels)
    halves = np.zeros(len(real_labels), bool)
    for label in np.unique(real_labels):
        (rows,) = np.nonzero(real_labels == label)
        halves[rows[: len(rows) // 2]] = True
    figures = class_conditional_figures_from_activations(
        real_activations[halves],
        real_labels[halves],
        real_activations[~halves],
        real_labels[~halves],
    )
    if real_logits is not None:
        figures["label_accuracy"], figures["per_class"]["label_accuracy"] = (
            _label_accuracies(real_logits, real_labels)
        )
    return figures


def score_class_conditional(
    generate,
    extractor,
    real_images,
    real_labels,
    num_classes,
    per_class=1000,
):
    """Scores a conditional generator by the protocol of docs/contracts.md
    ("Class-conditional quality"), beside the real floor.

    Args:
        generate: `generate(num, labels)` -> `num` samples at the int
            `labels` `[num]`, in the extractor's value range (e.g.
            `lambda n, y: gan.generate(n, labels=y, seed=0)`).
        extractor: Has `features_and_logits(images)` -> `(features,
            logits)`, e.g. `keras_gan.metrics.classifier.
            load_fashion_mnist_feature_extractor()`.
        real_images: Real test images.
        real_labels: Their classes.
        num_classes: Number of classes.
        per_class: Samples generated per class. Defaults to `1000`.

    Returns:
        A dict: `label_accuracy`, `intra_class_fd` and `fd` of the
        generator; `real_label_accuracy` (the classifier's accuracy on the
        real images) and `real_intra_class_fd` (between the two halves of
        each class's real images): the floor.
    """
    labels = np.repeat(np.arange(num_classes, dtype=np.int32), per_class)
    features, logits = extractor.features_and_logits(
        generate(len(labels), labels)
    )
    real_labels = np.asarray(real_labels)
    real_features, real_logits = extractor.features_and_logits(real_images)
    model = class_conditional_figures_from_activations(
        features, labels, real_features, real_labels, logits=logits
    )
    floor = real_class_conditional_floor_from_activations(
        real_features, real_labels, real_logits
    )
    return {
        "label_accuracy": model["label_accuracy"],
        "intra_class_fd": model["intra_class_fd"],
        "fd": float(frechet_distance_from_activations(features, real_features)),
        "real_label_accuracy": floor["label_accuracy"],
        "real_intra_class_fd": floor["intra_class_fd"],
    }
