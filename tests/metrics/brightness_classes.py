"""Three classes of images told apart by their brightness: a classifier
of them and a conditional sampler of them, whose per-class figures are
known in advance."""

import numpy as np

from keras_gan.metrics import scoring

LEVELS = np.array([0.2, 0.5, 0.8])
NAMES = ["dark", "mid", "light"]


def images_at(labels, noise):
    """Images `[n, 8, 8, 1]` of class `labels`: the class's level plus a
    twentieth of `noise` `[n, 64]`."""
    return (LEVELS[labels][:, None] + 0.05 * noise).reshape(-1, 8, 8, 1)


def real_images(per_class, seed):
    labels = np.arange(3 * per_class) % 3
    noise = np.random.default_rng(seed).standard_normal((len(labels), 64))
    return images_at(labels, noise), labels


class BrightnessClassifier:
    """Features: mean, spread and first pixel of an image; logits: minus
    the distance of its mean to each class's level (the nearest wins)."""

    value_range = (0.0, 1.0)
    has_logits = True
    num_classes = 3

    def features_and_logits(self, images):
        flat = np.asarray(images, np.float64).reshape(len(images), -1)
        features = np.stack([flat.mean(1), flat.std(1), flat[:, 0]], axis=1)
        return features, -np.abs(features[:, :1] - LEVELS[None])

    def features(self, images):
        return self.features_and_logits(images)[0]


class LevelSampler(scoring.Sampler):
    """Draws class `c` at the level of class `(c + shift) % 3`: `shift=0`
    is faithful, `shift=1` always draws the wrong class."""

    latent_dim = 64
    num_classes = 3
    class_names = NAMES

    def __init__(self, shift=0):
        self.shift = shift

    def generate(self, z, labels=None):
        labels = self.labels_to_sample(len(z), labels)
        return images_at((labels + self.shift) % 3, z)


def scorer():
    """A scorer with 300 labelled reference images and 600 floor images."""
    reference, labels = real_images(100, seed=1)
    return scoring.FeatureScorer(
        reference,
        BrightnessClassifier(),
        floor_images=real_images(200, seed=2)[0],
        reference_labels=labels,
        kid_subset_size=50,
        kid_num_subsets=5,
    )
