"""Mixed precision: float16 gets loss scaling, bfloat16 does not."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.models import dcgan_discriminator, dcgan_generator


@pytest.fixture
def policy():
    previous = keras.config.dtype_policy()
    yield keras.config.set_dtype_policy
    keras.config.set_dtype_policy(previous)


@pytest.mark.parametrize(
    ("name", "scaled"), [("mixed_float16", True), ("mixed_bfloat16", False)]
)
def test_mixed_precision_trains_with_the_right_loss_scaling(
    policy, name, scaled
):
    policy(name)
    gan = keras_gan.GAN(
        dcgan_generator(8, (8, 8, 1), base_filters=4),
        dcgan_discriminator((8, 8, 1), base_filters=4),
        seed=0,
    )
    gan.compile()
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer) is (
            scaled
        )
    data = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1))
    history = gan.fit(data.astype(np.float32), batch_size=8, verbose=0)
    assert gan.generator.compute_dtype == name.split("_")[1]
    for key in ("d_loss", "g_loss", "d_real", "d_fake"):
        assert np.isfinite(history.history[key][0])
    for weight in gan.generator.weights:
        assert weight.dtype == "float32"  # master weights stay float32
