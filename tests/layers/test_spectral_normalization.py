"""`keras_gan.layers.SpectralNormalization` computes W / sigma(W) as SNGAN
does: differentiable through sigma, u advanced only when asked."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.layers import SpectralNormalization


def _wrapped(layer, input_shape, seed=0):
    wrapper = SpectralNormalization(layer, seed=seed)
    wrapper.build(input_shape)
    return wrapper


def _matrix(wrapper):
    return keras.ops.convert_to_numpy(wrapper._kernel_matrix())


LAYERS = [
    (lambda: keras.layers.Dense(7), (None, 5)),
    (lambda: keras.layers.Conv2D(6, 3), (None, 8, 8, 4)),
    (lambda: keras.layers.Conv2DTranspose(5, 3, strides=2), (None, 4, 4, 3)),
    (lambda: keras.layers.Embedding(10, 4), (None, 3)),
]


@pytest.mark.parametrize("make_layer,input_shape", LAYERS)
def test_sigma_converges_to_largest_singular_value(make_layer, input_shape):
    wrapper = _wrapped(make_layer(), input_shape)
    kernel = keras.ops.convert_to_numpy(wrapper._kernel())
    if isinstance(wrapper.layer, keras.layers.Conv2DTranspose):
        # (h, w, filters, inputs): each filter's weights as one column.
        kernel = np.moveaxis(kernel, 2, 3)
    expected = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]))[1][0]
    for _ in range(200):
        wrapper.power_iteration()
    assert float(wrapper.sigma()) == pytest.approx(expected, rel=1e-4)
    normalized = keras.ops.convert_to_numpy(wrapper.normalized_kernel())
    top = np.linalg.svd(_matrix_of(wrapper, normalized))[1][0]
    assert top == pytest.approx(1.0, rel=1e-4)


def _matrix_of(wrapper, kernel):
    return keras.ops.convert_to_numpy(wrapper._kernel_matrix(kernel))


def test_transposed_convolution_uses_output_channels_as_units():
    wrapper = _wrapped(keras.layers.Conv2DTranspose(5, 3), (None, 4, 4, 2))
    assert tuple(wrapper.u.shape) == (5,)  # filters, not input channels


@pytest.mark.parametrize("make_layer,input_shape", LAYERS)
def test_forward_is_the_layer_with_the_normalized_kernel(
    make_layer, input_shape
):
    layer = make_layer()
    wrapper = _wrapped(layer, input_shape)
    wrapper.power_iteration()
    rng = np.random.default_rng(0)
    shape = (2, *input_shape[1:])
    if isinstance(layer, keras.layers.Embedding):
        inputs = rng.integers(0, 10, shape).astype("int32")
    else:
        inputs = rng.normal(size=shape).astype("float32")
    if hasattr(layer, "bias") and layer.bias is not None:
        layer.bias.assign(rng.normal(size=layer.bias.shape))
    got = keras.ops.convert_to_numpy(wrapper(inputs))
    # The plain layer, with its kernel replaced by W / sigma.
    reference = make_layer()
    reference.build(input_shape)
    reference.set_weights(
        [keras.ops.convert_to_numpy(wrapper.normalized_kernel())]
        + [w.numpy() for w in layer.weights[1:]]
    )
    np.testing.assert_allclose(got, reference(inputs), rtol=1e-5, atol=1e-6)


def test_gradient_is_the_reparametrised_gradient():
    """dL/dW = (G - <G, W_sn> v u^T) / sigma (Miyato et al. 2018, eq. 12),
    checked by hand and by finite differences."""
    wrapper = _wrapped(keras.layers.Dense(3, use_bias=False), (None, 4))
    for _ in range(3):  # u is not converged: the formula holds for any u
        wrapper.power_iteration()
    rng = np.random.default_rng(1)
    upstream = rng.normal(size=(4, 3))
    kernel = wrapper.layer.kernel
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(upstream * wrapper.normalized_kernel())
    grad = tape.gradient(loss, kernel).numpy()

    W = kernel.numpy().astype(np.float64)
    u = wrapper.u.numpy().astype(np.float64)
    u /= np.linalg.norm(u)
    sigma = np.linalg.norm(W @ u)
    v = W @ u / sigma
    w_sn = W / sigma
    expected = (upstream - np.sum(upstream * w_sn) * np.outer(v, u)) / sigma
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-6)

    def f(matrix):
        return np.sum(upstream * matrix / np.linalg.norm(matrix @ u))

    step, numeric = 1e-6, np.zeros_like(W)
    for index in np.ndindex(W.shape):
        delta = np.zeros_like(W)
        delta[index] = step
        numeric[index] = (f(W + delta) - f(W - delta)) / (2 * step)
    np.testing.assert_allclose(grad, numeric, rtol=1e-3, atol=1e-5)
    # Keras's own layer stops the gradient at sigma: W_sn's gradient
    # would then be G / sigma, which differs.
    assert not np.allclose(grad, upstream / sigma, atol=1e-3)


def test_calls_never_advance_u():
    wrapper = _wrapped(keras.layers.Dense(3), (None, 4))
    before = wrapper.u.numpy().copy()
    x = np.ones((2, 4), "float32")
    wrapper(x, training=False)
    wrapper(x, training=True)
    tf.function(lambda t: wrapper(t, training=True))(x)
    np.testing.assert_array_equal(wrapper.u.numpy(), before)
    wrapper.power_iteration()
    assert not np.allclose(wrapper.u.numpy(), before)


def test_inference_is_normalized_and_deterministic():
    wrapper = _wrapped(keras.layers.Dense(3, use_bias=False), (None, 4))
    wrapper.layer.kernel.assign(wrapper.layer.kernel * 50.0)
    for _ in range(50):
        wrapper.power_iteration()
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    a = keras.ops.convert_to_numpy(wrapper(x, training=False))
    b = keras.ops.convert_to_numpy(wrapper(x, training=False))
    np.testing.assert_array_equal(a, b)
    # A 1-Lipschitz map: no output row longer than its input row.
    assert np.all(np.linalg.norm(a, axis=1) <= np.linalg.norm(x, axis=1) + 1e-4)


def _discriminator():
    x = keras.Input((6, 6, 1))
    h = SpectralNormalization(keras.layers.Conv2D(4, 3), seed=1)(x)
    h = keras.layers.Flatten()(h)
    return keras.Model(x, SpectralNormalization(keras.layers.Dense(1))(h))


def test_round_trips_through_save_and_load(tmp_path):
    model = _discriminator()
    for layer in keras_gan.layers.spectral_normalization_layers(model):
        layer.power_iteration()
    path = tmp_path / "d.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.random.default_rng(0).normal(size=(3, 6, 6, 1)).astype("float32")
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)
    for a, b in zip(
        keras_gan.layers.spectral_normalization_layers(loaded),
        keras_gan.layers.spectral_normalization_layers(model),
    ):
        np.testing.assert_array_equal(a.u.numpy(), b.u.numpy())
    config = SpectralNormalization(
        keras.layers.Dense(2), epsilon=1e-6
    ).get_config()
    clone = SpectralNormalization.from_config(config)
    assert clone.epsilon == 1e-6 and clone.layer.units == 2


def test_rejects_unsupported_layers():
    with pytest.raises(ValueError, match="`layer`.*LayerNormalization"):
        SpectralNormalization(keras.layers.LayerNormalization())


def test_gan_advances_u_once_per_update():
    """One power-iteration step per discriminator update, however many
    times the update calls the discriminator (real, fake, penalties, the
    generator update)."""
    discriminator = _discriminator()
    z = keras.Input((4,))
    generator = keras.Model(
        z,
        keras.layers.Reshape((6, 6, 1))(keras.layers.Dense(36)(z)),
    )
    gan = keras_gan.GAN(generator, discriminator, discriminator_steps=2, seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.SGD(0.0),
        d_optimizer=keras.optimizers.SGD(0.0),  # fixed kernels
        penalties=["r1"],
    )
    layers = keras_gan.layers.spectral_normalization_layers(discriminator)
    start = [layer.u.numpy().copy() for layer in layers]
    real = np.random.default_rng(0).normal(size=(8, 6, 6, 1)).astype("float32")
    gan.fit(real, batch_size=4, epochs=1, verbose=0)  # one step, k = 2
    for layer, u in zip(layers, start):
        expected = keras.ops.convert_to_numpy(u)
        matrix = _matrix(layer)
        for _ in range(2):
            v = matrix @ expected
            v /= np.linalg.norm(v) + 1e-12
            expected = matrix.T @ v
            expected /= np.linalg.norm(expected) + 1e-12
        np.testing.assert_allclose(layer.u.numpy(), expected, rtol=1e-5)
