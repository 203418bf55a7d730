"""All the feature-based metrics at once, as a flat dict."""

from keras_gan.metrics.classifier_score import classifier_score_from_logits
from keras_gan.metrics.frechet import frechet_distance_from_activations
from keras_gan.metrics.kernel import kernel_distance_from_activations
from keras_gan.metrics.manifold import manifold_metrics_from_activations

__all__ = [
    "evaluate_features",
    "evaluate_images",
]


def evaluate_features(
    real_features,
    generated_features,
    generated_logits=None,
    kid_num_subsets=100,
    kid_subset_size=1000,
    precision_recall_k=3,
    density_coverage_k=5,
    classifier_score_splits=10,
    batch_size=None,
    seed=0,
):
    """Frechet distance, KID, precision/recall, density/coverage together.

    Always report the floor beside a model's scores: the same call with two
    disjoint splits of real data as `real_features` and
    `generated_features`.

    Args:
        real_features: array of shape `[N, d]`, features of real images.
        generated_features: array of shape `[M, d]`, features of generated
            images from the same extractor.
        generated_logits: optional class logits of the generated images,
            shape `[M, num_classes]`, for the classifier score. Defaults to
            `None`.
        kid_num_subsets: see `kernel_distance_from_activations`. Defaults
            to `100`.
        kid_subset_size: see `kernel_distance_from_activations`. Defaults
            to `1000`.
        precision_recall_k: see `manifold_metrics_from_activations`.
            Defaults to `3`.
        density_coverage_k: see `manifold_metrics_from_activations`.
            Defaults to `5`.
        classifier_score_splits: see `classifier_score_from_logits`.
            Defaults to `10`.
        batch_size: block size of the pairwise distances. Defaults to
            `2048`.
        seed: seed of the KID subsets. Defaults to `0`.

    Returns:
        Dict of Python floats with keys `frechet_distance`, `kid_mean`,
        `kid_std`, `precision`, `recall`, `density`, `coverage`, and, when
        `generated_logits` is given, `classifier_score` and
        `classifier_score_std`.
    """
    metrics = {
        "frechet_distance": frechet_distance_from_activations(
            real_features, generated_features
        )
    }
    metrics["kid_mean"], metrics["kid_std"] = kernel_distance_from_activations(
        real_features,
        generated_features,
        num_subsets=kid_num_subsets,
        subset_size=kid_subset_size,
        seed=seed,
    )
    metrics.update(
        manifold_metrics_from_activations(
            real_features,
            generated_features,
            precision_recall_k=precision_recall_k,
            density_coverage_k=density_coverage_k,
            batch_size=batch_size,
        )
    )
    if generated_logits is not None:
        score, score_std = classifier_score_from_logits(
            generated_logits, num_splits=classifier_score_splits
        )
        metrics["classifier_score"] = score
        metrics["classifier_score_std"] = score_std
    return metrics


def evaluate_images(real_images, generated_images, feature_extractor, **kwargs):
    """`evaluate_features` on the features of two sets of images.

    Args:
        real_images: NHWC images in the extractor's `value_range`.
        generated_images: NHWC images in the same range.
        feature_extractor: a `ClassifierFeatureExtractor` (adds the
            classifier score) or an `InceptionV3FeatureExtractor`.
        **kwargs: passed to `evaluate_features`.

    Returns:
        The dict of `evaluate_features`.
    """
    real_features = feature_extractor.features(real_images)
    generated_logits = None
    if getattr(feature_extractor, "has_logits", False):
        generated_features, generated_logits = (
            feature_extractor.features_and_logits(generated_images)
        )
    else:
        generated_features = feature_extractor.features(generated_images)
    return evaluate_features(
        real_features,
        generated_features,
        generated_logits=generated_logits,
        **kwargs,
    )
