"""Atomic file writes: readers see the old file or the new one, never a
partial one."""

import json
import os
import tempfile


def atomic_write(path, write, suffix=".tmp"):
    """Writes `path` through a temporary file in the same directory.

    `write(tmp_path)` writes the content; the temporary file then replaces
    `path` with `os.replace`, which is atomic within one file system.

    Args:
        path: The destination file; its directory is created if needed.
        write: A function taking the temporary path and writing to it.
        suffix: Suffix of the temporary file, for writers that check it
            (Keras wants `.keras`). Defaults to `".tmp"`.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    name = os.path.basename(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_json(path, data):
    """Writes `data` as indented JSON to `path`, atomically."""

    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2, sort_keys=True)
            file.write("\n")

    atomic_write(path, write)


def read_json(path):
    """Reads a JSON file."""
    with open(path, encoding="utf-8") as file:
        return json.load(file)
