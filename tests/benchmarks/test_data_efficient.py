"""The data-efficient protocol's subset and recipes."""

import numpy as np
import pytest

from benchmarks import data_efficient


def test_subset_is_class_balanced_and_follows_the_protocol():
    labels = np.random.default_rng(5).integers(0, 10, 2000)
    indices = data_efficient.balanced_subset(labels, 20)
    assert len(indices) == 200 and len(set(indices)) == 200
    np.testing.assert_array_equal(np.bincount(labels[indices]), [20] * 10)
    # The first 20 of each class in default_rng(0)'s permutation.
    order = np.random.default_rng(0).permutation(2000)
    for label in range(10):
        expected = [i for i in order if labels[i] == label][:20]
        assert sorted(indices[labels[indices] == label]) == sorted(expected)
    np.testing.assert_array_equal(
        indices, data_efficient.balanced_subset(labels, 20)
    )
    assert not np.array_equal(
        indices, data_efficient.balanced_subset(labels, 20, seed=1)
    )


def test_subset_rejects_more_than_a_class_holds():
    with pytest.raises(ValueError, match="`per_class`"):
        data_efficient.balanced_subset([0, 0, 1], 2)


def test_subset_of_the_fashion_mnist_training_split():
    from keras_gan.metrics._fashion_mnist_idx import load_fashion_mnist_idx

    _, labels = load_fashion_mnist_idx("train")
    indices = data_efficient.balanced_subset(labels, 60)
    assert len(indices) == 600
    np.testing.assert_array_equal(np.bincount(labels[indices]), [60] * 10)


@pytest.mark.parametrize("name", sorted(data_efficient.RECIPES))
def test_each_recipe_trains(name):
    recipe = data_efficient.RECIPES[name]
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1))
    gan, history = data_efficient.train_recipe(
        recipe, images.astype("float32"), seconds=60, max_steps=1
    )
    assert gan.generator_steps == 1
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert ("augment_p" in history.history) == (recipe.augment is not None)
