"""Printing a callback's message the way Keras's own callbacks do."""

import sys

import keras
from absl import logging

__all__ = [
    "print_msg",
]


def print_msg(message):
    """Writes `message` to standard output when Keras's interactive logging
    is on (the default), else to `absl.logging` (as
    `keras.config.disable_interactive_logging()` asks)."""
    if keras.config.is_interactive_logging_enabled():
        sys.stdout.write(message + "\n")
        sys.stdout.flush()
    else:
        logging.info(message)
