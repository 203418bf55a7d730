"""The conditioning layers: per-class parameters, looked up per example."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_gan.layers import (
    ClassProjection,
    ConditionalBatchNormalization,
    OneHotLabels,
)


def test_conditional_layers_normalise_per_class():
    layer = ConditionalBatchNormalization(2)
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    labels = np.array([0, 1])
    layer([x, labels])
    layer.gamma.assign([[2.0, 2.0], [1.0, 3.0]])
    layer.beta.assign([[0.0, 1.0], [-1.0, 0.0]])
    out = ops.convert_to_numpy(layer([x, labels], training=True))
    normal = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    expected = normal * np.array([[2.0, 2.0], [1.0, 3.0]]) + np.array(
        [[0.0, 1.0], [-1.0, 0.0]]
    )
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    projection = ClassProjection(2)
    h = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    projection([h, labels])
    projection.embeddings.assign([[1.0, 1.0], [0.5, 2.0]])
    np.testing.assert_allclose(
        ops.convert_to_numpy(projection([h, labels])), [[3.0], [-0.5]]
    )


def test_one_hot_labels_tile_over_an_image():
    codes = ops.convert_to_numpy(
        OneHotLabels(3, spatial_shape=(2, 2))(np.array([2, 0]))
    )
    assert codes.shape == (2, 2, 2, 3)
    np.testing.assert_array_equal(
        codes[0], np.broadcast_to([0, 0, 1], (2, 2, 3))
    )
    np.testing.assert_array_equal(
        codes[1], np.broadcast_to([1, 0, 0], (2, 2, 3))
    )


@pytest.mark.parametrize(
    "layer",
    [
        ConditionalBatchNormalization(3, momentum=0.9, epsilon=1e-4),
        ClassProjection(3),
        OneHotLabels(3, spatial_shape=(4, 4)),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_layers_round_trip_through_saving(tmp_path, layer):
    shape = (4, 4, 2) if isinstance(layer, OneHotLabels) else (5,)
    x = keras.Input(shape)
    labels = keras.Input((), dtype="int32")
    if isinstance(layer, OneHotLabels):
        out = keras.layers.Concatenate()([x, layer(labels)])
    else:
        out = layer([x, labels])
    model = keras.Model([x, labels], out)
    for variable in model.weights:
        variable.assign(np.random.default_rng(0).normal(size=variable.shape))
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    inputs = [np.ones((3, *shape), np.float32), np.array([0, 1, 2])]
    np.testing.assert_allclose(
        loaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0)
    )
    (restored,) = [x for x in loaded.layers if type(x) is type(layer)]
    assert restored.get_config() == layer.get_config()
