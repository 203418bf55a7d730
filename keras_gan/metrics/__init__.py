"""Offline GAN quality metrics.

Feature-based metrics (Frechet distance, KID, improved precision/recall,
density/coverage, classifier score) take activations as NumPy arrays; the
feature extractors (a classifier trained on the domain, or InceptionV3 where
its weights are on disk) turn images into them. Mode metrics score 2D
Gaussian-mixture samples. The per-class figures of a class-conditional
generator (label accuracy, intra-class Frechet distance) take features,
logits and labels. The fresh-discriminator test
(`fresh_discriminator_test`) trains a new classifier on real versus
generated samples and reports its held-out accuracy. Nothing here loads
or trains a model at import; SciPy is imported on first use.
"""

from keras_gan.metrics.classifier import (
    build_classifier,
    default_cache_dir,
    fashion_mnist_classifier_paths,
    load_fashion_mnist_feature_extractor,
    load_or_train_fashion_mnist_classifier,
    train_classifier,
)
from keras_gan.metrics.classifier_score import (
    classifier_score_from_logits,
    classifier_score_from_probabilities,
)
from keras_gan.metrics.conditional import (
    class_conditional_figures_from_activations,
    intra_class_frechet_distance_from_activations,
    label_accuracy_from_logits,
    real_class_conditional_floor_from_activations,
    score_class_conditional,
)
from keras_gan.metrics.evaluation import evaluate_features, evaluate_images
from keras_gan.metrics.features import ClassifierFeatureExtractor
from keras_gan.metrics.frechet import (
    frechet_distance_from_activations,
    frechet_distance_from_statistics,
)
from keras_gan.metrics.inception import (
    InceptionV3FeatureExtractor,
    InceptionWeightsNotFoundError,
    inception_v3_weights_path,
    preprocess_for_inception_v3,
)
from keras_gan.metrics.kernel import (
    kernel_distance_from_activations,
    polynomial_kernel,
    polynomial_mmd2_unbiased,
)
from keras_gan.metrics.manifold import (
    density_coverage_from_activations,
    manifold_metrics_from_activations,
    nearest_neighbour_distances,
    precision_recall_from_activations,
)
from keras_gan.metrics.modes import mode_metrics, nearest_modes
from keras_gan.metrics.moments import RunningMoments
from keras_gan.metrics.two_sample import (
    FreshDiscriminatorResult,
    default_discriminator,
    fresh_discriminator_test,
)

__all__ = [
    "ClassifierFeatureExtractor",
    "FreshDiscriminatorResult",
    "InceptionV3FeatureExtractor",
    "InceptionWeightsNotFoundError",
    "RunningMoments",
    "build_classifier",
    "class_conditional_figures_from_activations",
    "classifier_score_from_logits",
    "classifier_score_from_probabilities",
    "default_cache_dir",
    "default_discriminator",
    "density_coverage_from_activations",
    "evaluate_features",
    "evaluate_images",
    "fashion_mnist_classifier_paths",
    "frechet_distance_from_activations",
    "frechet_distance_from_statistics",
    "fresh_discriminator_test",
    "inception_v3_weights_path",
    "intra_class_frechet_distance_from_activations",
    "kernel_distance_from_activations",
    "label_accuracy_from_logits",
    "load_fashion_mnist_feature_extractor",
    "load_or_train_fashion_mnist_classifier",
    "manifold_metrics_from_activations",
    "mode_metrics",
    "nearest_modes",
    "nearest_neighbour_distances",
    "polynomial_kernel",
    "polynomial_mmd2_unbiased",
    "precision_recall_from_activations",
    "preprocess_for_inception_v3",
    "real_class_conditional_floor_from_activations",
    "score_class_conditional",
    "train_classifier",
]
