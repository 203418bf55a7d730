"""Features and logits of a trained classifier, computed in batches."""

import keras
import numpy as np

from keras_gan.metrics.images import to_model_range, with_channels

__all__ = ["FEATURE_LAYER_NAME", "ClassifierFeatureExtractor"]

# The penultimate layer of `build_classifier`'s model.
FEATURE_LAYER_NAME = "features"


class ClassifierFeatureExtractor:
    """Penultimate-layer features and logits of a domain classifier.

    Wraps a classifier such as the one from `build_classifier` (float32
    NHWC input in [-1, 1], logits output) so that images go through it in
    batches. Features feed `frechet_distance_from_activations`,
    `kernel_distance_from_activations` and the manifold metrics; logits feed
    `classifier_score_from_logits`.

    Example:

    >>> model, accuracy = load_or_train_fashion_mnist_classifier()
    >>> extractor = ClassifierFeatureExtractor(model)
    >>> features, logits = extractor.features_and_logits(images)

    Args:
        classifier: a functional `keras.Model` that maps images to logits.
        feature_layer: name of the layer whose output is the feature
            vector. Defaults to `"features"`.
        value_range: `(low, high)` of the pixel values that will be passed
            in, mapped linearly to the classifier's [-1, 1]. Use `(0, 1)`
            for exported generator samples, `(0, 255)` for uint8 images.
            Defaults to `(-1.0, 1.0)`, the range of keras_gan's pipelines.
        batch_size: images per forward pass. Defaults to `500`.
    """

    has_logits = True

    def __init__(
        self,
        classifier,
        feature_layer=FEATURE_LAYER_NAME,
        value_range=(-1.0, 1.0),
        batch_size=500,
    ):
        try:
            feature_output = classifier.get_layer(feature_layer).output
        except ValueError as error:
            names = [layer.name for layer in classifier.layers]
            raise ValueError(
                "Invalid value for argument `feature_layer`. Expected one of "
                f"{names}. Received: feature_layer={feature_layer}"
            ) from error
        self.classifier = classifier
        self.value_range = tuple(value_range)
        self.batch_size = int(batch_size)
        self._model = keras.Model(
            classifier.inputs, [feature_output, classifier.outputs[0]]
        )
        self._channels = classifier.input_shape[-1]

    @property
    def num_features(self):
        """Size of a feature vector."""
        return self._model.outputs[0].shape[-1]

    @property
    def num_classes(self):
        """Number of logits per image."""
        return self._model.outputs[1].shape[-1]

    def features_and_logits(self, images):
        """Features and logits of images.

        Args:
            images: array of shape `[N, H, W, C]` (or `[N, H, W]` for one
                channel) with values in `value_range`.

        Returns:
            A tuple of float32 arrays `(features, logits)` of shapes
            `[N, num_features]` and `[N, num_classes]`.
        """
        images = with_channels(np.asarray(images), self._channels)
        features, logits = [], []
        for start in range(0, len(images), self.batch_size):
            batch = to_model_range(
                images[start : start + self.batch_size], self.value_range
            )
            batch_features, batch_logits = self._model.predict_on_batch(batch)
            features.append(np.asarray(batch_features))
            logits.append(np.asarray(batch_logits))
        if not features:
            return (
                np.zeros((0, self.num_features), np.float32),
                np.zeros((0, self.num_classes), np.float32),
            )
        return np.concatenate(features), np.concatenate(logits)

    def features(self, images):
        """Penultimate-layer features, float32 of shape `[N, num_features]`."""
        return self.features_and_logits(images)[0]

    def logits(self, images):
        """Class logits, float32 of shape `[N, num_classes]`."""
        return self.features_and_logits(images)[1]

    def __call__(self, images):
        return self.features(images)
