"""Checkpoints of a training run: atomic, rotating and self-describing.

A checkpoint is a `model.save` archive named `ckpt-<step>.keras` (the
generator step count, zero-padded to 8 digits), holding the whole model
with its optimizer and noise state, plus one extra archive entry,
`keras_gan_train_state.json`, with the run's bookkeeping (step, epoch,
training seconds, why training stopped).

Writing is atomic: the archive is written to a hidden temporary file in the
same directory (`.tmp-ckpt-*.keras`), completed, flushed to disk and only
then renamed to its final name with `os.replace`. A process killed while
writing leaves at most a temporary file, which never matches the
checkpoint name pattern and is removed by the next `save` into the
directory (one process writes a directory; any may read it). A write that
fails (disk full) removes its temporary file and raises
`keras_gan.files.WriteError`, naming the checkpoint and the
newest one kept. Only the newest `keep` checkpoints are kept.

A model with a NaN or infinite weight is never saved (`NonFiniteWeightsError`):
after a divergence the newest checkpoint stays the last good one.
"""

import errno
import json
import os
import re
import tempfile
import warnings
import zipfile

import keras
import numpy as np

from keras_gan import files

__all__ = [
    "CheckpointError",
    "CheckpointManager",
    "NonFiniteWeightsError",
    "STATE_ENTRY",
    "check_finite",
    "checkpoint_name",
    "non_finite_weights",
    "read_state",
]

STATE_ENTRY = "keras_gan_train_state.json"
_NAME_RE = re.compile(r"^ckpt-(\d+)\.keras$")
_TEMP_PREFIX = ".tmp-ckpt-"
# Keras's own scratch file for the weights, beside the archive, when memory
# is short (`keras.src.saving.saving_lib`); a killed save leaves it too.
_KERAS_SCRATCH_RE = re.compile(r"^tmp[a-z0-9_]{8}$")
# Why a write fails on a full disk (or over a file size or quota limit).
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class CheckpointError(RuntimeError):
    """Checkpoints exist but none of them loads."""


class NonFiniteWeightsError(ValueError):
    """A model to be saved has NaN or infinite weights (training diverged)."""


def non_finite_weights(model):
    """Returns the paths of `model`'s floating-point weights (trainable or
    not) that hold a NaN or an infinity; empty when all are finite."""
    bad = []
    for weight in model.weights:
        value = np.asarray(keras.ops.convert_to_numpy(weight.value))
        if np.issubdtype(value.dtype, np.floating) and not np.all(
            np.isfinite(value)
        ):
            bad.append(weight.path)
    return bad


def check_finite(model, what):
    """Raises `NonFiniteWeightsError` when `model` has a non-finite weight;
    `what` names the refused write in the message."""
    bad = non_finite_weights(model)
    if bad:
        shown = ", ".join(bad[:3]) + (", ..." if len(bad) > 3 else "")
        raise NonFiniteWeightsError(
            f"Refusing to write {what}: {len(bad)} weights hold NaN or "
            f"infinite values ({shown}). Training diverged."
        )


def checkpoint_name(step):
    """The file name of the checkpoint at generator step `step`."""
    return f"ckpt-{int(step):08d}.keras"


def read_state(path):
    """Returns the bookkeeping dict stored in checkpoint `path` (empty for
    an archive without one)."""
    with zipfile.ZipFile(path) as archive:
        if STATE_ENTRY not in archive.namelist():
            return {}
        return json.loads(archive.read(STATE_ENTRY))


class CheckpointManager:
    """Saves, lists, prunes and restores the checkpoints in a directory.

    Args:
        directory: Where the checkpoints live; created on first save.
        keep: How many of the newest checkpoints to keep. Defaults to `3`.
    """

    def __init__(self, directory, keep=3):
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
            raise ValueError(
                "Invalid value for argument `keep`. Expected a positive "
                f"integer. Received: keep={keep!r}"
            )
        self.directory = os.fspath(directory)
        self.keep = keep

    def checkpoints(self):
        """Returns `[(step, path), ...]` of complete checkpoints, oldest
        first."""
        if not os.path.isdir(self.directory):
            return []
        found = []
        for name in os.listdir(self.directory):
            match = _NAME_RE.match(name)
            if match:
                path = os.path.join(self.directory, name)
                found.append((int(match.group(1)), path))
        return sorted(found)

    def latest(self):
        """Returns the path of the newest checkpoint, or `None`."""
        found = self.checkpoints()
        return found[-1][1] if found else None

    def save(self, model, state=None):
        """Writes a checkpoint of `model` atomically and prunes old ones.

        Args:
            model: A `keras_gan.GAN` (anything with `save` and
                `generator_steps`).
            state: A JSON-ready dict stored with it. Its `"step"` is set to
                `model.generator_steps`. Defaults to `None`.

        Returns:
            The checkpoint's path.

        Raises:
            NonFiniteWeightsError: when a weight of `model` is NaN or
                infinite; nothing is written.
            keras_gan.files.WriteError: (an `OSError`) when the
                write fails (disk full...); the temporary file is removed
                and the checkpoints already there are untouched.
        """
        step = model.generator_steps
        # A diverged model must not replace the last good checkpoint (nor,
        # by rotation, push it out).
        check_finite(model, f"the checkpoint of step {step}")
        state = {**(state or {}), "step": step}
        path = os.path.join(self.directory, checkpoint_name(step))
        tmp = None
        try:
            os.makedirs(self.directory, exist_ok=True)
            self._remove_partial_writes()
            fd, tmp = tempfile.mkstemp(
                dir=self.directory, prefix=_TEMP_PREFIX, suffix=".keras"
            )
            os.close(fd)
            model.save(tmp)
            files.pause_for_test("checkpoint", tmp)
            with zipfile.ZipFile(tmp, "a") as archive:
                archive.writestr(STATE_ENTRY, json.dumps(state, indent=2))
            _fsync_file(tmp)
            # mkstemp's 0600 would leak through the rename.
            os.chmod(tmp, files.default_mode())
            os.replace(tmp, path)
        except BaseException as error:
            if tmp is not None and os.path.exists(tmp):
                os.remove(tmp)
            if isinstance(error, OSError):
                raise self._write_error(path, error) from error
            raise
        _fsync_directory(self.directory)
        for _, old in self.checkpoints()[: -self.keep]:
            os.remove(old)
        return path

    def restore(self):
        """Loads the newest checkpoint that loads.

        A checkpoint that fails to load (damaged on disk after it was
        written) is skipped with a warning, and the next older one tried.
        A full disk is not damage: loading unpacks the archive into the
        temporary directory, and when that write fails for want of space
        no checkpoint is skipped.

        Returns:
            `(model, state, path)`, or `None` when there is no checkpoint.

        Raises:
            CheckpointError: when checkpoints exist but none loads.
            keras_gan.files.WriteError: when loading fails for
                want of space to unpack the checkpoint.
        """
        failures = []
        for _, path in reversed(self.checkpoints()):
            try:
                model = keras.models.load_model(path)
                state = read_state(path)
            except Exception as error:
                if isinstance(error, OSError) and error.errno in _NO_SPACE:
                    raise files.WriteError(
                        f"Could not load checkpoint {path}: {error}, while "
                        "unpacking it (Keras unpacks a checkpoint into the "
                        "temporary directory, "
                        f"{tempfile.gettempdir()}, to load it). The "
                        "checkpoint was not found damaged: free some space "
                        "(or set TMPDIR to a directory with space) and rerun.",
                        path,
                    ) from error
                # Anything else is damage: try an older one.
                warnings.warn(
                    f"Skipping checkpoint {path}, which does not load: "
                    f"{type(error).__name__}: {error}",
                    stacklevel=2,
                )
                failures.append(f"{path}: {type(error).__name__}: {error}")
                continue
            return model, state, path
        if failures:
            raise CheckpointError(
                f"No checkpoint in {self.directory} loads:\n  "
                + "\n  ".join(failures)
            )
        return None

    def _remove_partial_writes(self):
        for name in os.listdir(self.directory):
            if name.startswith(_TEMP_PREFIX) or _KERAS_SCRATCH_RE.match(name):
                os.remove(os.path.join(self.directory, name))

    def _write_error(self, path, error):
        found = self.checkpoints()
        if found:
            kept = (
                "the checkpoints already there are intact, the newest "
                f"being {found[-1][1]} (step {found[-1][0]}), which a rerun "
                "resumes from"
            )
        else:
            kept = "no checkpoint had been written before"
        return files.WriteError(
            f"Could not write checkpoint {path}: {error}. Nothing partial "
            f"was kept (its temporary file was removed); {kept}. Free some "
            "space (or fix the cause) and rerun.",
            path,
        )


def _fsync_file(path):
    with open(path, "rb") as file:
        os.fsync(file.fileno())


def _fsync_directory(directory):
    # Makes the rename itself durable; not every platform allows it.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
