"""Log training metrics by generator step to a CSV file."""

import csv
import os
import time

from keras import callbacks

from keras_gan import files

__all__ = [
    "MetricsLog",
    "STEP_COLUMNS",
    "read_log",
]

STEP_COLUMNS = ("step", "epoch", "wall_time")


class MetricsLog(callbacks.Callback):
    """Appends one CSV row of logged values every few generator steps.

    Each row holds `step` (generator updates so far), `epoch` (counted
    from 1), `wall_time` (Unix time) and the mean of every logged key
    (`d_loss`, `g_loss`, `d_real`, `d_fake`, penalties) over the steps
    since the previous row, not Keras's running mean over the epoch. A row
    is also written at every epoch end, so rows never straddle epochs.
    Numbers that appear only in the epoch-end logs, such as the figures
    of `keras_gan.callbacks.Evaluation` (list it before this callback),
    go into that epoch's last row; their columns are added to the file
    when they first appear, empty in the other rows.

    Resuming: when the file exists, rows are appended under its header.
    Rows with a step beyond the model's step at `on_train_begin` (logged
    after the checkpoint a run resumed from) are dropped first, so the log
    matches the training that the model really went through.

    Args:
        path: The CSV file.
        every_n_steps: Steps per row. Defaults to `10`.
    """

    def __init__(self, path, every_n_steps=10):
        super().__init__()
        if (
            isinstance(every_n_steps, bool)
            or not isinstance(every_n_steps, int)
            or every_n_steps < 1
        ):
            raise ValueError(
                "Invalid value for argument `every_n_steps`. Expected a "
                f"positive integer. Received: every_n_steps={every_n_steps!r}"
            )
        self.path = os.fspath(path)
        self.every_n_steps = every_n_steps
        self._fields = None

    def on_train_begin(self, logs=None):
        self._fields = _truncate(self.path, self.model.generator_steps)
        self._last_row_step = self.model.generator_steps

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        # (steps into the epoch, running sums of the logged values), now
        # and at the last row.
        self._latest = (0, {})
        self._row_start = (0, {})

    def on_train_batch_end(self, batch, logs=None):
        # Keras logs running means over the epoch; their running sums,
        # differenced between rows, give each row's own mean.
        steps = batch + 1
        self._latest = (
            steps,
            {key: float(value) * steps for key, value in (logs or {}).items()},
        )
        if steps == (self.params or {}).get("steps"):
            return  # The epoch's last row is written at its end.
        step = self.model.generator_steps
        if step // self.every_n_steps > self._last_row_step // (
            self.every_n_steps
        ):
            self._write_row()

    def on_epoch_end(self, epoch, logs=None):
        step_keys = self._latest[1]
        self._write_row(
            {
                key: float(value)
                for key, value in (logs or {}).items()
                if key not in step_keys and isinstance(value, (int, float))
            }
        )

    def _write_row(self, epoch_values=None):
        steps, sums = self._latest
        start, start_sums = self._row_start
        if steps <= start:
            return
        row = {
            "step": self.model.generator_steps,
            "epoch": self._epoch + 1,
            "wall_time": round(time.time(), 3),
        }
        for key, total in sums.items():
            row[key] = (total - start_sums.get(key, 0.0)) / (steps - start)
        row.update(epoch_values or {})
        self._row_start = self._latest
        self._last_row_step = row["step"]
        self._append(row)

    def _append(self, row):
        new_file = self._fields is None
        if new_file:
            self._fields = [
                *STEP_COLUMNS,
                *(k for k in row if k not in STEP_COLUMNS),
            ]
        elif any(key not in self._fields for key in row):
            self._add_columns([key for key in row if key not in self._fields])
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        with open(self.path, "a", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(
                file, self._fields, extrasaction="ignore", restval=""
            )
            if new_file:
                writer.writeheader()
            writer.writerow(row)

    def _add_columns(self, keys):
        """Rewrites the file with `keys` as new, empty columns."""
        with open(self.path, newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        self._fields = [*self._fields, *keys]

        def write(tmp):
            with open(tmp, "w", newline="", encoding="utf-8") as file:
                writer = csv.DictWriter(file, self._fields, restval="")
                writer.writeheader()
                writer.writerows(rows)

        files.atomic_write(self.path, write)


def read_log(path):
    """Reads a `MetricsLog` CSV file.

    Args:
        path: The CSV file.

    Returns:
        A dict from column name to a list of floats (empty when the file
        does not exist).
    """
    if not os.path.exists(path):
        return {}
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    if not rows:
        return {}
    return {
        key: [float(row[key]) if row[key] else float("nan") for row in rows]
        for key in rows[0]
    }


def _truncate(path, step):
    """Drops rows after `step`; returns the header, or `None` when the file
    is missing or empty."""
    if not os.path.exists(path):
        return None
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        fields = reader.fieldnames
        rows = list(reader)
    if not fields:
        return None
    kept = [row for row in rows if _row_step(row) <= step]
    if not kept:
        # Nothing of this training: start afresh, with this run's columns.
        os.remove(path)
        return None
    if len(kept) < len(rows):

        def write(tmp):
            with open(tmp, "w", newline="", encoding="utf-8") as file:
                writer = csv.DictWriter(file, fields)
                writer.writeheader()
                writer.writerows(kept)

        files.atomic_write(path, write)
    return list(fields)


def _row_step(row):
    # A row cut short by a killed process has missing values: drop it.
    try:
        if None in row.values():
            raise ValueError("short row")
        return int(float(row["step"]))
    except (TypeError, ValueError):
        return float("inf")
