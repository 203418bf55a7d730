"""Importing keras_gan does no work beyond importing Keras."""

import subprocess
import sys

HEAVY = ["tensorflow_datasets", "scipy", "matplotlib", "PIL", "sklearn"]


def test_import_loads_nothing_heavy_beyond_keras():
    code = (
        "import sys, keras; before = set(sys.modules); import keras_gan; "
        f"print([m for m in {HEAVY!r} "
        "if m in sys.modules and m not in before])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_lazy_submodules_resolve():
    import keras_gan

    assert keras_gan.plots.tile_images is not None
    assert keras_gan.GAN is keras_gan.models.GAN
    assert keras_gan.training.train is keras_gan.training.train_lib.train
    # A submodule of a submodule loads on import, as in any package (run
    # alone, nothing else has imported it).
    from keras_gan.metrics import scoring

    assert scoring.score is not None
