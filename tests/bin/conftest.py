"""Fixtures for the tests of what the bin/ scripts show."""

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = ROOT / "bin"


@pytest.fixture(scope="session")
def console():
    """bin/keras_gan_console.py, imported as a module."""
    path = BIN / "keras_gan_console.py"
    spec = importlib.util.spec_from_file_location("keras_gan_console", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
