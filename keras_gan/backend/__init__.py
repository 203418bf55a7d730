"""Gradient plumbing of the GAN's training step, per Keras backend.

The step's math (`keras_gan.GAN`'s updates, losses and penalties) is written
once in `keras.ops`. What differs per backend is how a gradient is taken and
applied, and, on JAX, how the step's state goes in and out; this package
holds only that, one module per backend, as Keras splits its trainers
(`keras/src/backend/*/trainer.py`):

- `value_and_grad(fn, variables)`: a function running `fn` (which returns
  `(loss, aux)`) and returning `((loss, aux), gradients)`, the gradients of
  `loss` with respect to `variables` alone.
- `apply(optimizer, gradients, variables)`: one optimizer update.
- `input_gradient(fn, inputs)`: the gradient of the scalar `fn(inputs)`
  with respect to `inputs`, itself differentiable (the input penalties).
- `is_traced(x)`: whether `x`'s values cannot be read (a graph or `jit`
  being traced).
- `GANTrainer`: a mixin of the `GAN` model that adapts Keras's trainer to
  the GAN's stateful step (`train_step(data)` everywhere; JAX's
  `train_step(state, data)` contract on JAX).

The backend is Keras's (`KERAS_BACKEND`), read when this package is first
imported.
"""

import keras

_BACKEND = keras.backend.backend()

if _BACKEND == "tensorflow":
    from keras_gan.backend.tensorflow import (
        GANTrainer,
        apply,
        input_gradient,
        is_traced,
        value_and_grad,
    )
elif _BACKEND == "jax":
    from keras_gan.backend.jax import (
        GANTrainer,
        apply,
        input_gradient,
        is_traced,
        value_and_grad,
    )
elif _BACKEND == "torch":
    from keras_gan.backend.torch import (
        GANTrainer,
        apply,
        input_gradient,
        is_traced,
        value_and_grad,
    )
else:
    raise ValueError(
        "keras_gan trains on the tensorflow, jax and torch backends. "
        f"Expected one of them. Received: backend={_BACKEND!r}"
    )

__all__ = [
    "GANTrainer",
    "apply",
    "input_gradient",
    "is_traced",
    "value_and_grad",
]
