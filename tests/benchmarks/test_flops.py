"""The FLOP counter against hand-computed counts of one layer's step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from benchmarks import PlainGAN, flops
from keras_gan.models import GAN

BATCH = 8


def _sgd_step(layer, inputs_shape, watch_inputs=False):
    """A training step of one layer: loss = sum(layer(x)), SGD update."""
    layer.build(inputs_shape)
    optimizer = keras.optimizers.SGD(0.1)
    optimizer.build(layer.trainable_variables)

    def step(x):
        with tf.GradientTape() as tape:
            if watch_inputs:
                tape.watch(x)
            loss = tf.reduce_sum(layer(x))
        variables = layer.trainable_variables
        sources = [*variables, x] if watch_inputs else variables
        gradients = tape.gradient(loss, sources)
        optimizer.apply_gradients(zip(gradients[: len(variables)], variables))
        if watch_inputs:  # the input gradient is used: it is live
            return loss, gradients[-1]
        return loss

    return step


def test_dense_step_counts_forward_and_weight_gradient_products():
    units_in, units_out = 5, 3
    layer = keras.layers.Dense(units_out)
    step = _sgd_step(layer, (BATCH, units_in))
    count = flops.count_function_flops(
        step, tf.TensorSpec((BATCH, units_in), tf.float32)
    )
    product = 2 * BATCH * units_in * units_out
    # Forward x @ W, and x^T @ dy for the kernel's gradient; no input
    # gradient, since x is not differentiated.
    assert count.by_op_type["MatMul"] == 2 * product
    assert count.matmul == 2 * product
    assert count.by_op_type["BiasAdd"] == BATCH * units_out
    assert count.total > count.matmul
    assert count.uncounted == []


def test_conv_step_counts_each_gradient_that_is_used():
    size, channels_in, channels_out, kernel = 6, 2, 4, 3
    spec = tf.TensorSpec((BATCH, size, size, channels_in), tf.float32)
    # 'valid' padding, stride 1: (6 - 3 + 1)^2 outputs per map.
    outputs = BATCH * 4 * 4 * channels_out
    conv = 2 * outputs * kernel * kernel * channels_in

    layer = keras.layers.Conv2D(channels_out, kernel, use_bias=False)
    count = flops.count_function_flops(_sgd_step(layer, spec.shape), spec)
    # Forward and filter gradient; the input gradient, which the gradient
    # function builds anyway, is dead and does not count.
    assert count.by_op_type["Conv2D"] == conv
    assert count.by_op_type["Conv2DBackpropFilter"] == conv
    assert "Conv2DBackpropInput" not in count.by_op_type
    assert count.matmul == 2 * conv

    layer = keras.layers.Conv2D(channels_out, kernel, use_bias=False)
    step = _sgd_step(layer, spec.shape, watch_inputs=True)
    count = flops.count_function_flops(step, spec)
    assert count.by_op_type["Conv2DBackpropInput"] == conv
    assert count.matmul == 3 * conv


def test_unknown_shapes_are_reported_not_counted():
    count = flops.count_function_flops(
        lambda a, b: tf.matmul(a, b),
        tf.TensorSpec((None, 4), tf.float32),
        tf.TensorSpec((4, 3), tf.float32),
    )
    assert count.total == 0
    assert [u[0] for u in count.uncounted] == ["MatMul"]


def _linear_players(latent, features):
    z = keras.Input((latent,))
    generator = keras.Model(z, keras.layers.Dense(features)(z))
    x = keras.Input((features,))
    discriminator = keras.Model(x, keras.layers.Dense(1)(x))
    return generator, discriminator


def _points(features):
    points = np.random.default_rng(0).normal(size=(4 * BATCH, features))
    dataset = tf.data.Dataset.from_tensor_slices(points.astype("float32"))
    return dataset.batch(BATCH, drop_remainder=True).repeat()


@pytest.mark.parametrize("k", [1, 3])
def test_recorded_gan_step_counts_k_discriminator_updates(k):
    latent, features = 3, 2
    model = GAN(*_linear_players(latent, features), discriminator_steps=k)
    model.compile()
    recorder = flops.TrainStepRecorder(model)
    model.fit(_points(features), steps_per_epoch=1, verbose=0)
    count = recorder.count()
    g = 2 * BATCH * latent * features  # one pass of G's product
    d = 2 * BATCH * features  # one pass of D's product
    # Each D update: G forward; D forward and weight gradient on the real
    # and on the generated batch (no input gradients). The G update: G
    # forward, D forward, D input gradient, G weight gradient.
    assert count.by_op_type["MatMul"] == k * (g + 4 * d) + 2 * g + 2 * d
    assert count.uncounted == []


def test_plain_step_counts_the_same_products_as_one_gan_step():
    latent, features = 3, 2
    model = PlainGAN(*_linear_players(latent, features), latent, seed=0)
    model.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    recorder = flops.TrainStepRecorder(model)
    model.fit(_points(features), steps_per_epoch=1, verbose=0)
    g, d = 2 * BATCH * latent * features, 2 * BATCH * features
    # D forward and weight gradient on the 2B concatenated batch.
    assert recorder.count().by_op_type["MatMul"] == 3 * g + 6 * d


def test_count_needs_a_traced_step():
    model = GAN(*_linear_players(3, 2))
    recorder = flops.TrainStepRecorder(model)
    with pytest.raises(RuntimeError, match="call `fit`"):
        recorder.count()
