"""A conditional GAN trained with the compiled step of the backend that
`KERAS_BACKEND` names, then called with labels in and out of range.

Run as a script by test_conditional_labels.py; prints one JSON object.
"""

import json
import sys

import numpy as np

import keras_gan

CLASSES = 3


def main():
    generator, discriminator = keras_gan.models.build_pair(
        "mlp", (2,), 3, CLASSES, "concat", hidden_units=(8,)
    )
    gan = keras_gan.GAN(generator, discriminator, num_classes=CLASSES, seed=0)
    gan.compile(jit_compile=True)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2)).astype("float32")
    y = rng.integers(0, CLASSES, 32).astype("int32")
    history = gan.fit(
        x, y, batch_size=8, epochs=1, steps_per_epoch=2, verbose=0
    )
    result = {
        "steps": gan.generator_steps,
        "logs": {key: values[-1] for key, values in history.history.items()},
        "samples": gan.generate(6, labels=np.arange(6) % CLASSES).shape,
    }
    z = np.zeros((2, 3), "float32")
    try:
        gan([z, np.array([0, CLASSES], "int32")])
    except ValueError as error:
        result["out_of_range"] = str(error)
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
