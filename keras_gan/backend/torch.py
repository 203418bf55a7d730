"""PyTorch gradient plumbing: `torch.autograd.grad`.

Keras's PyTorch trainer runs `train_step(data)` eagerly, so the GAN's
stateful step runs as it is. Each update asks `torch.autograd.grad` for the
gradients of its own player's variables rather than calling `backward`:
`backward` would accumulate gradients into the `.grad` of every variable
the loss depends on, the other player's included, and nothing would ever
read or clear them.
"""

import keras
import torch

from keras_gan import distribute

__all__ = [
    "GANTrainer",
    "apply",
    "input_gradient",
    "is_traced",
    "value_and_grad",
]


class GANTrainer:
    """Keras's PyTorch trainer runs the GAN's stateful step as it is."""

    @property
    def distribute_strategy(self):
        # `tf.distribute` is TensorFlow's; PyTorch trains on one device here.
        return distribute.SINGLE_DEVICE

    def fit(self, *args, **kwargs):
        distribution = keras.distribution.distribution()
        if distribution is not None:
            raise ValueError(
                "Keras's PyTorch backend has no `keras.distribution` data "
                "parallelism: a GAN trains on one device on PyTorch. "
                "Expected no distribution (`keras.distribution."
                "set_distribution(None)`), or the JAX backend for "
                f"`DataParallel`. Received: distribution={distribution}"
            )
        return super().fit(*args, **kwargs)

    def train_step(self, data):
        return self._train_step(data)

    def test_step(self, data):
        return self._test_step(data)


def value_and_grad(fn, variables):
    """Returns a function running `fn` and differentiating its loss.

    Args:
        fn: A function returning `(loss, aux)`, `loss` a scalar.
        variables: The variables to differentiate `loss` with respect to.

    Returns:
        A function of `fn`'s arguments returning `((loss, aux),
        gradients)`, one gradient per variable (zeros for a variable the
        loss does not depend on).
    """

    def wrapped(*args, **kwargs):
        loss, aux = fn(*args, **kwargs)
        gradients = torch.autograd.grad(
            loss,
            [variable.value for variable in variables],
            allow_unused=True,
            materialize_grads=True,
        )
        return (loss, aux), list(gradients)

    return wrapped


def apply(optimizer, gradients, variables):
    """Updates `variables` with `optimizer` from their `gradients`.

    Args:
        optimizer: A `keras.optimizers.Optimizer`.
        gradients: One gradient per variable.
        variables: The variables to update.
    """
    # The update itself is not part of any graph to differentiate.
    with torch.no_grad():
        optimizer.apply(gradients, variables)


def input_gradient(fn, inputs):
    """The gradient of `fn(inputs)` with respect to `inputs`.

    Taken with `create_graph=True`, so that the update's own gradient
    differentiates through it (a double backward pass).

    Args:
        fn: A function of `inputs` returning a scalar.
        inputs: A tensor.

    Returns:
        The gradient, shaped like `inputs`.
    """
    # Keras runs evaluation steps under `no_grad`; a penalty logged there
    # still needs its input gradient.
    with torch.enable_grad():
        if not inputs.requires_grad:
            inputs = inputs.detach().requires_grad_(True)
        total = fn(inputs)
        (gradient,) = torch.autograd.grad(total, inputs, create_graph=True)
    return gradient


def is_traced(x):
    """Whether `x` has no readable values: never, since Keras's PyTorch
    trainer runs eagerly."""
    del x
    return False
