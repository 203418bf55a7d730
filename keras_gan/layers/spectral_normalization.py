"""Spectral normalisation as the SNGAN paper computes it."""

import keras
from keras import ops

__all__ = [
    "SpectralNormalization",
    "advance_power_iterations",
    "spectral_normalization_layers",
]

_CONV_TRANSPOSE = (
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
)
_CONV = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)
_SUPPORTED = (
    keras.layers.Dense,
    keras.layers.Embedding,
    *_CONV,
    *_CONV_TRANSPOSE,
)


def _normalize(vector, epsilon):
    return vector / (ops.sqrt(ops.sum(ops.square(vector))) + epsilon)


@keras.saving.register_keras_serializable(package="keras_gan")
class SpectralNormalization(keras.layers.Wrapper):
    """Divides a layer's kernel by its largest singular value (SNGAN).

    Miyato et al. (2018): the wrapped layer computes with
    `W_sn = W / sigma(W)`, where `sigma(W)` is estimated by power iteration
    on the kernel seen as a matrix `M` `[fan_in, units]` (a convolution's
    kernel with its output-channel axis last, flattened; an `Embedding`'s
    table as it is). With the stored unit vector `u` `[units]`:

    ```
    v = M u / ||M u||      sigma = v^T M u = ||M u||
    ```

    The forward pass is differentiable through sigma with `u` held
    constant (the paper's reparametrised gradient, its eq. 12): for an
    upstream gradient `G` of `W_sn`,
    `dL/dM = (G - <G, W_sn> v u^T) / sigma`.

    `u` is a non-trainable weight that advances by one power-iteration step
    (`u <- M^T v / ||M^T v||`) only when `power_iteration()` is called,
    never in a forward pass, in training or inference. `keras_gan.GAN`
    calls it on every spectrally normalised layer of the discriminator once
    at the start of each discriminator update (and of the generator's at
    the start of each generator update), so the update's real and fake
    passes, its penalties and the next generator update all see one
    sigma. In your own training loop call
    `keras_gan.layers.advance_power_iterations(model)` once per update.
    `u` is computed from the (replica-identical) kernel, and assigned with
    `only_first_replica` aggregation, so every replica holds the same `u`
    under `tf.distribute`; it is saved and restored with the model.

    How this differs from `keras.layers.SpectralNormalization`: Keras's
    layer normalises only in calls with `training=True` (inference uses the
    raw kernel as last written), writes `W / sigma` back into the kernel
    variable so the gradient does not flow through sigma (the
    reparametrised gradient is not taken), and advances `u` in every
    training call (twice or more per discriminator update of a GAN).

    Args:
        layer: A `Dense`, `Conv1D/2D/3D`, `Conv1D/2D/3DTranspose` or
            `Embedding` layer. Bias, activation and the layer's other
            settings are kept.
        epsilon: Added to norms before dividing. Defaults to `1e-12`.
        seed: Seed of the initial `u` (standard normal, normalised).
            Defaults to `None`.
        **kwargs: Passed to `keras.layers.Wrapper` (`name`...).

    Example:

    ```python
    discriminator = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras_gan.layers.SpectralNormalization(
            keras.layers.Conv2D(64, 4, strides=2, padding="same")),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Flatten(),
        keras_gan.layers.SpectralNormalization(keras.layers.Dense(1)),
    ])
    ```
    """

    def __init__(self, layer, epsilon=1e-12, seed=None, **kwargs):
        if not isinstance(layer, _SUPPORTED):
            raise ValueError(
                "Invalid value for argument `layer`. Expected a Dense, "
                "convolution, transposed convolution or Embedding layer. "
                f"Received: layer of type {type(layer).__name__}"
            )
        if not epsilon > 0:
            raise ValueError(
                "Invalid value for argument `epsilon`. Expected a positive "
                f"float. Received: epsilon={epsilon!r}"
            )
        super().__init__(layer, **kwargs)
        self.epsilon = float(epsilon)
        self.seed = seed
        self.supports_masking = getattr(layer, "supports_masking", False)

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
        units = self._kernel_matrix().shape[-1]
        self.u = self.add_weight(
            shape=(units,),
            initializer=keras.initializers.RandomNormal(seed=self.seed),
            trainable=False,
            aggregation="only_first_replica",
            name="u",
        )
        self.u.assign(_normalize(self.u, self.epsilon))
        self.built = True

    def _kernel(self):
        if isinstance(self.layer, keras.layers.Embedding):
            return self.layer.embeddings
        return self.layer.kernel

    def _kernel_matrix(self, kernel=None):
        kernel = self._kernel() if kernel is None else kernel
        kernel = ops.cast(kernel, "float32")
        if isinstance(self.layer, _CONV_TRANSPOSE):
            # Keras stores (*spatial, filters, input channels): the output
            # channels are the second to last axis.
            kernel = ops.moveaxis(kernel, -2, -1)
        return ops.reshape(kernel, (-1, kernel.shape[-1]))

    def power_iteration(self):
        """Advances `u` by one power-iteration step on the current kernel.

        Returns:
            The new estimate of sigma, a float32 scalar tensor.
        """
        matrix = ops.stop_gradient(self._kernel_matrix())
        v = _normalize(ops.matmul(matrix, self.u), self.epsilon)
        u = _normalize(ops.matmul(ops.transpose(matrix), v), self.epsilon)
        self.u.assign(u)
        return ops.sqrt(ops.sum(ops.square(ops.matmul(matrix, u))))

    def sigma(self):
        """The current estimate of the largest singular value,
        `||M u||`, differentiable in the kernel (`u` held constant)."""
        # Normalised again: an averaged copy of the layer (a generator's
        # EMA) holds a mean of unit vectors.
        u = _normalize(ops.convert_to_tensor(self.u), self.epsilon)
        u = ops.stop_gradient(u)
        product = ops.matmul(self._kernel_matrix(), u)
        return ops.sqrt(ops.sum(ops.square(product)) + self.epsilon**2)

    def normalized_kernel(self):
        """`W / sigma(W)` in the kernel's shape, float32."""
        return ops.cast(self._kernel(), "float32") / self.sigma()

    def call(self, inputs, training=None):
        kernel = ops.cast(self.normalized_kernel(), self.compute_dtype)
        layer = self.layer
        if isinstance(layer, keras.layers.Embedding):
            if inputs.dtype not in ("int32", "int64"):
                inputs = ops.cast(inputs, "int32")
            return ops.take(kernel, inputs, axis=0)
        if isinstance(layer, keras.layers.Dense):
            outputs = ops.matmul(inputs, kernel)
            if layer.bias is not None:
                outputs = ops.add(outputs, ops.cast(layer.bias, outputs.dtype))
        else:
            if isinstance(layer, _CONV_TRANSPOSE):
                outputs = ops.conv_transpose(
                    inputs,
                    kernel,
                    strides=list(layer.strides),
                    padding=layer.padding,
                    output_padding=layer.output_padding,
                    dilation_rate=layer.dilation_rate,
                    data_format=layer.data_format,
                )
            else:
                outputs = layer.convolution_op(inputs, kernel)
            if layer.use_bias:
                rank = len(layer.kernel_size)
                if layer.data_format == "channels_last":
                    shape = (1,) * (rank + 1) + (layer.filters,)
                else:
                    shape = (1, layer.filters) + (1,) * rank
                bias = ops.reshape(ops.cast(layer.bias, outputs.dtype), shape)
                outputs = ops.add(outputs, bias)
        if layer.activation is not None:
            outputs = layer.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        if isinstance(self.layer, keras.layers.Embedding):
            return self.layer.compute_mask(inputs, mask)
        return mask

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon, "seed": self.seed})
        return config


def spectral_normalization_layers(model):
    """The `SpectralNormalization` layers inside `model` (nested models
    included), in order, each once."""
    found, seen = [], set()

    def visit(layer):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        if isinstance(layer, SpectralNormalization):
            found.append(layer)
        for child in getattr(layer, "layers", None) or ():
            visit(child)
        inner = getattr(layer, "layer", None)
        if isinstance(inner, keras.layers.Layer):
            visit(inner)

    visit(model)
    return found


def advance_power_iterations(model):
    """Advances `u` of every `SpectralNormalization` layer in `model` by one
    power-iteration step. Call it once per training update of `model`.

    Args:
        model: A layer or model.

    Returns:
        The list of the layers' new sigma estimates (empty when the model
        has no such layer).
    """
    return [
        layer.power_iteration()
        for layer in spectral_normalization_layers(model)
        if layer.built
    ]
