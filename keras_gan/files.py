"""Atomic file writes: readers see the old file or the new one, never a
partial one.

A write that fails (disk full, no permission) raises `WriteError`, naming
the file, after removing its temporary file. What is renamed into place
gets the permissions of a file (or directory) created directly, under the
process's umask (`tempfile` makes its files 0600 and directories 0700,
which would otherwise leak through the rename). A process killed while
writing leaves at most a hidden temporary file, which the next write of
the same file removes.

`pause_for_test` is a fault-injection hook for the tests: it lets them kill
a process inside a write. It does nothing unless the environment variable
`KERAS_GAN_TEST_PAUSE_IN_WRITE` is set.
"""

import collections
import json
import os
import re
import tempfile
import time

__all__ = [
    "PAUSE_ENV",
    "WriteError",
    "atomic_write",
    "current_umask",
    "default_mode",
    "pause_for_test",
    "read_json",
    "remove_write_leftovers",
    "write_json",
]


class WriteError(OSError):
    """A file of a run could not be written (disk full, no permission,
    read-only file system), or cannot be, as found before training.

    Raised after cleaning up: nothing partial is left under the
    destination's name, which holds what it held before the write.

    Attributes:
        path: The file or directory that could not be written.
    """

    def __init__(self, message, path=None):
        super().__init__(message)
        self.path = path


def atomic_write(path, write, suffix=".tmp"):
    """Writes `path` through a temporary file in the same directory.

    `write(tmp_path)` writes the content; the temporary file then replaces
    `path` with `os.replace`, which is atomic within one file system.
    Temporary files of `path` left by a writer that was killed are removed
    first (one process writes a given path at a time).

    Args:
        path: The destination file; its directory is created if needed.
        write: A function taking the temporary path and writing to it.
        suffix: Suffix of the temporary file, for writers that check it
            (Keras wants `.keras`). Defaults to `".tmp"`.

    Raises:
        WriteError: when the write fails with an `OSError`; the temporary
            file is removed and `path` is as it was.
    """
    directory = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    tmp = None
    try:
        os.makedirs(directory, exist_ok=True)
        _remove_leftovers(directory, name, suffix)
        fd, tmp = tempfile.mkstemp(
            dir=directory, prefix=f".{name}.", suffix=suffix
        )
        os.close(fd)
        write(tmp)
        os.chmod(tmp, default_mode())
        os.replace(tmp, path)
    except BaseException as error:
        if tmp is not None and os.path.exists(tmp):
            os.remove(tmp)
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise WriteError(
                f"Could not write {path}: {error}. Nothing partial was "
                "kept: the file is as it was before.",
                path,
            ) from error
        raise


def current_umask():
    """Returns the process's umask, without changing it where the system
    tells (Linux's `/proc/self/status`); elsewhere it is set and restored
    at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def default_mode(directory=False):
    """The mode `open` (0o666) or `os.mkdir` (0o777) would give a new file
    or directory under the process's umask.

    Args:
        directory: Whether the mode is a directory's. Defaults to `False`.

    Returns:
        The permission bits, e.g. `0o644` for a file under umask 022.
    """
    return (0o777 if directory else 0o666) & ~current_umask()


# The names `atomic_write` gives its temporaries: `.<name>.<8 chars><suffix>`.
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.[A-Za-z0-9]+")


def remove_write_leftovers(directory):
    """Removes the temporary files that `atomic_write`s killed mid-write
    left anywhere under `directory` (a workdir, when its one run starts):
    a rerun may never write those paths again to sweep them itself.

    Args:
        directory: The folder to clean; a missing one is left alone.

    Returns:
        The removed paths.
    """
    removed = []
    for parent, _, names in os.walk(directory):
        for name in names:
            if _TEMPORARY.fullmatch(name):
                path = os.path.join(parent, name)
                os.remove(path)
                removed.append(path)
    return removed


def _remove_leftovers(directory, name, suffix):
    # The names `tempfile.mkstemp` gives this file's temporaries.
    pattern = re.compile(
        rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}{re.escape(suffix)}"
    )
    for entry in os.listdir(directory):
        if pattern.fullmatch(entry):
            os.remove(os.path.join(directory, entry))


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


# -- Test hook --

PAUSE_ENV = "KERAS_GAN_TEST_PAUSE_IN_WRITE"
_pauses_reached = collections.Counter()


def pause_for_test(point, partial):
    """A fault-injection hook for tests: waits inside a write to be killed.

    Inert unless the environment variable `KERAS_GAN_TEST_PAUSE_IN_WRITE`
    is `POINT:N:MARKER`. Then the `N`-th time this process reaches
    `point`, it writes the path `partial` (what is half written, not yet
    renamed into place) to the file `MARKER` and sleeps until killed.
    The points: `"checkpoint"` (the temporary archive holds the model but
    not yet the training state), `"export"` (the temporary SavedModel has
    no metadata yet) and `"export_rename"` (between the two renames that
    replace an export: the old one moved aside, the new one not yet in
    place).

    Args:
        point: The name of this place in the code.
        partial: The path of the partly written file or directory.
    """
    setting = os.environ.get(PAUSE_ENV)
    if not setting:
        return
    wanted, count, marker = setting.split(":", 2)
    if wanted != point:
        return
    _pauses_reached[point] += 1
    if _pauses_reached[point] != int(count):
        return
    atomic_write(marker, lambda tmp: _write_text(tmp, partial))
    while True:
        time.sleep(60)


def _write_text(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
