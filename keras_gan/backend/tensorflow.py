"""TensorFlow gradient plumbing: `tf.GradientTape`.

The reference backend: the step runs as Keras's TensorFlow trainer traces
it (`train_step(data)` in a `tf.function`), and gradients come from a tape
around the player's loss, as they always have.
"""

import tensorflow as tf

__all__ = [
    "GANTrainer",
    "apply",
    "input_gradient",
    "is_traced",
    "value_and_grad",
]


class GANTrainer:
    """Keras's TensorFlow trainer runs the GAN's stateful step as it is."""

    def train_step(self, data):
        return self._train_step(data)

    def test_step(self, data):
        return self._test_step(data)


def value_and_grad(fn, variables):
    """Returns a function running `fn` under a tape.

    Args:
        fn: A function returning `(loss, aux)`, `loss` a scalar.
        variables: The variables to differentiate `loss` with respect to.

    Returns:
        A function of `fn`'s arguments returning `((loss, aux),
        gradients)`, one gradient per variable.
    """

    def wrapped(*args, **kwargs):
        with tf.GradientTape() as tape:
            loss, aux = fn(*args, **kwargs)
        return (loss, aux), tape.gradient(loss, variables)

    return wrapped


def apply(optimizer, gradients, variables):
    """Updates `variables` with `optimizer` from their `gradients`.

    Args:
        optimizer: A `keras.optimizers.Optimizer`.
        gradients: One gradient per variable.
        variables: The variables to update.
    """
    optimizer.apply_gradients(zip(gradients, variables))


def input_gradient(fn, inputs):
    """The gradient of `fn(inputs)` with respect to `inputs`.

    Taken under its own tape, inside the update's: the outer tape then
    differentiates the gradient itself (a double backward pass).

    Args:
        fn: A function of `inputs` returning a scalar.
        inputs: A tensor.

    Returns:
        The gradient, shaped like `inputs`.
    """
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        total = fn(inputs)
    return tape.gradient(total, inputs)


def is_traced(x):
    """Whether `x` is a symbolic tensor of a graph being traced, whose
    values cannot be read."""
    return not tf.executing_eagerly() or not hasattr(x, "numpy")
