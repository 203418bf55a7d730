"""Errors raised by the data pipelines."""

__all__ = [
    "DatasetUnavailableError",
]


class DatasetUnavailableError(ValueError):
    """A dataset cannot be had here: not prepared, not found, or invalid.

    The message always says how to get it (what to install, which files
    to put where, or how to prepare it on a networked machine).
    """
