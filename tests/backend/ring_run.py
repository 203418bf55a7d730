"""The ring preset's GAN, trained briefly on the backend `KERAS_BACKEND`.

Run as `python -m tests.backend.ring_run STEPS` from the repository root:
prints the mode metrics (`keras_gan.metrics.mode_metrics`) of 2,500
samples of the raw generator as JSON. The preset (configs/ring_mlp.flags):
MLP 3x128 players, 32-dimensional noise, non-saturating loss with R1
(0.1), k = 1, Adam(1e-3, beta_1=0.5), batches of 256; here without the
generator average and the learning-rate decay, for a short run.
"""

import json
import sys

import keras

import keras_gan
from keras_gan.data import RING_STD, mixture_dataset, ring_means
from keras_gan.metrics import mode_metrics
from keras_gan.models import mlp_discriminator, mlp_generator


def main(steps):
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        mlp_generator(32, 2, (128, 128, 128)),
        mlp_discriminator(2, (128, 128, 128)),
        seed=0,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        penalties=[keras_gan.losses.R1Penalty(0.1)],
    )
    gan.fit(
        mixture_dataset("ring", 256, seed=0), steps_per_epoch=steps, verbose=0
    )
    metrics = mode_metrics(gan.generate(2500, seed=1), ring_means(), RING_STD)
    print(json.dumps({**metrics, "generator_steps": gan.generator_steps}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
