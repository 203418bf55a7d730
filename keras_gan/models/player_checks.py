"""Checks of a GAN's players: types, inputs and shapes that must agree."""

import keras

__all__ = [
    "check_compatible",
    "check_conditioning",
    "check_player_types",
    "check_sample_shape",
    "input_count",
    "latent_dim_of",
    "sample_shape_of",
    "shapes_match",
]


def check_player_types(generator, discriminator):
    """Raises a `TypeError` unless both players are Keras models (layers)."""
    for name, model in (
        ("generator", generator),
        ("discriminator", discriminator),
    ):
        if not isinstance(model, keras.layers.Layer):
            raise TypeError(
                f"Expected `{name}` to be a keras.Model. Received: "
                f"{name} of type {type(model).__name__}"
            )


def check_sample_shape(discriminator, sample_shape):
    """Raises a `ValueError` when real samples of `sample_shape` do not fit
    the discriminator's input."""
    expected = sample_shape_of(discriminator)
    if expected is not None and not shapes_match(expected, sample_shape):
        raise ValueError(
            f"Expected real samples of shape {expected} (the "
            "discriminator's input). Received batches of samples of "
            f"shape {tuple(sample_shape)}."
        )


def input_count(model):
    """How many inputs a functional or sequential model takes; `None` for
    a subclassed model, whose inputs are known only to its `call`."""
    try:
        return len(model.inputs)
    except (AttributeError, ValueError, TypeError):
        return None


def check_conditioning(generator, discriminator, num_classes):
    """Raises a `ValueError` when a player's input count does not fit
    the GAN: one input unconditional, two (`[x, labels]`) conditional."""
    expected = 1 if num_classes is None else 2
    for name, model, conditional_inputs in (
        ("generator", generator, "[z, labels]"),
        ("discriminator", discriminator, "[samples, labels]"),
    ):
        count = input_count(model)
        if count is None or count == expected:
            continue
        if num_classes is None:
            raise ValueError(
                f"The {name} takes {count} inputs, as a conditional player "
                f"does ({conditional_inputs}), but the GAN is "
                "unconditional. Expected a GAN built with `num_classes` "
                "for conditional players. Received: num_classes=None"
            )
        raise ValueError(
            f"A conditional GAN (num_classes={num_classes}) expects a "
            f"{name} taking {conditional_inputs}. Received a {name} with "
            f"{count} input(s)."
        )


def sample_shape_of(model):
    """The shape of one sample a player takes (its first input's, past
    the batch axis); `None` when the model does not say."""
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        return None
    if isinstance(shape, list):  # a conditional player: [samples, labels]
        shape = shape[0]
    return tuple(shape[1:])


def latent_dim_of(generator):
    """The noise size a generator takes, read from its input shape."""
    shape = sample_shape_of(generator)
    if shape is None or len(shape) != 1 or shape[0] is None:
        raise ValueError(
            "Could not read `latent_dim` from the generator's input shape "
            f"{shape}: pass `latent_dim` explicitly."
        )
    return shape[0]


def shapes_match(expected, received):
    """Whether two sample shapes agree, `None` matching any size."""
    return len(expected) == len(received) and all(
        e is None or r is None or e == r for e, r in zip(expected, received)
    )


def check_compatible(generator, discriminator):
    """Raises a `ValueError` when the generator's samples do not fit
    the discriminator's input."""
    try:
        produced = tuple(generator.output_shape[1:])
    except (AttributeError, ValueError):
        return
    expected = sample_shape_of(discriminator)
    if expected is not None and not shapes_match(expected, produced):
        raise ValueError(
            "The generator's output shape must match the discriminator's "
            f"input shape. Expected samples of shape {expected}. Received "
            f"a generator producing shape {produced}."
        )
