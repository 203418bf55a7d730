"""The bin/ script fixtures of tests/training, shared here."""

import importlib.util
import pathlib

_spec = importlib.util.spec_from_file_location(
    "keras_gan_tests_training_conftest",
    pathlib.Path(__file__).resolve().parents[1] / "training" / "conftest.py",
)
_training = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_training)

bin_train = _training.bin_train
run_script = _training.run_script
