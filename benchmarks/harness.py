"""What the studies share: a deadline on training, scheduled snapshots,
side-by-side worker processes and the writing of results.

Every study (`quality`, `conditional_quality`, `time_to_quality`,
`data_efficient`, `stopping`) trains its rows as processes of their own,
started together with the same TensorFlow threads so that all see the same
machine load (`run_all`), each a `bin/train` preset (`preset_command`) or a
study's own worker (`worker_command`). A worker fits for a wall-time budget
(`Deadline`, on the clock of `keras_gan.callbacks.TimeBudget`), saving its
generator on a schedule when asked (`ScheduledSnapshots`). A study writes
`results.json` and `results.md` (`write_results`); the protocols are those
of docs/contracts.md, "Evaluation protocols".
"""

import dataclasses
import json
import os
import subprocess
import sys
import time

import tensorflow as tf

from keras_gan import checkpoints, files
from keras_gan.callbacks import TimeBudget
from keras_gan.training.workdir import WorkdirLayout

__all__ = [
    "ROOT",
    "SNAPSHOTS",
    "Deadline",
    "ScheduledSnapshots",
    "fit_for",
    "format_comparison",
    "format_value",
    "limit_threads",
    "preset_command",
    "preset_path",
    "preset_training",
    "print_results",
    "read_snapshots",
    "read_training",
    "run_all",
    "study_header",
    "timestamp",
    "train_command",
    "worker_command",
    "worker_env",
    "write_results",
    "write_training_summary",
]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The listing of a folder's scheduled snapshots, one JSON line each.
SNAPSHOTS = "snapshots.jsonl"


def preset_path(name):
    """The flagfile of a preset: `configs/<name>.flags` of the
    repository."""
    return os.path.join(ROOT, "configs", f"{name}.flags")


def timestamp():
    """The local time, as the studies' results record it."""
    return time.strftime("%Y-%m-%d %H:%M:%S %Z")


# -- Training for a wall-time budget --


class Deadline(TimeBudget):
    """A `TimeBudget` that also stops after `max_steps` steps, counts the
    steps it saw and appends a progress record to `log_path` at every
    epoch end.

    It works with any model `fit` trains (the plain baselines too). Each
    record holds `steps`, `seconds` (of training) and the epoch's logs.

    Args:
        seconds: The budget, in seconds of training.
        log_path: The progress file (JSON lines).
        max_steps: Stop after this many steps even if time is left.
            Defaults to `None`: time alone.
    """

    def __init__(self, seconds, log_path, max_steps=None):
        super().__init__(seconds)
        self.log_path = log_path
        self.max_steps = max_steps
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        # Not `TimeBudget`'s: it reads `generator_steps`, which the plain
        # baselines do not have.
        self.steps += 1
        if self.remaining_seconds == 0 or self.steps == self.max_steps:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        record = {
            "steps": self.steps,
            "seconds": round(self.elapsed_seconds, 1),
        }
        record.update({k: float(v) for k, v in (logs or {}).items()})
        with open(self.log_path, "a") as file:
            file.write(json.dumps(record) + "\n")


class ScheduledSnapshots(Deadline):
    """A `Deadline` that also saves the generator's weights at the first
    step end past each mark (seconds of training) and at the end, listed
    in `directory/snapshots.jsonl` (`read_snapshots`).

    The time a save takes is left out of the training time.

    Args:
        seconds: The budget, in seconds of training.
        log_path: The progress file (JSON lines).
        marks: Seconds of training at which to save.
        directory: Where the weights and their listing go.
        max_steps: Stop after this many steps too. Defaults to `None`.
        generator: The model's attribute saved. Defaults to
            `"generator"`; `"sample_generator"` saves a `GAN`'s weight
            average.
    """

    def __init__(
        self,
        seconds,
        log_path,
        marks,
        directory,
        max_steps=None,
        generator="generator",
    ):
        super().__init__(seconds, log_path, max_steps=max_steps)
        self.marks = sorted(marks)
        self.directory = directory
        self.generator = generator
        self._paused = 0.0

    @property
    def elapsed_seconds(self):
        return super().elapsed_seconds - self._paused

    def on_train_end(self, logs=None):
        # The budget keeps the time net of the saves; the next `fit`
        # starts a new pause count.
        super().on_train_end(logs)
        self._paused = 0.0

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        elapsed = self.elapsed_seconds
        pending = [m for m in self.marks if m <= elapsed]
        if not pending and not self.model.stop_training:
            return
        name = f"generator-{self.steps:08d}.weights.h5"
        getattr(self.model, self.generator).save_weights(
            os.path.join(self.directory, name)
        )
        record = {
            "mark_seconds": pending[-1] if pending else self.max_seconds,
            "seconds": round(elapsed, 2),
            "steps": self.steps,
            "path": name,
        }
        with open(os.path.join(self.directory, SNAPSHOTS), "a") as file:
            file.write(json.dumps(record) + "\n")
        self.marks = [m for m in self.marks if m > elapsed]
        self._paused += self.elapsed_seconds - elapsed


def read_snapshots(directory):
    """The snapshots `ScheduledSnapshots` listed in `directory`, in the
    order saved: dicts of `mark_seconds`, `seconds`, `steps` and `path`
    (relative to `directory`). Empty when there is no listing."""
    listing = os.path.join(directory, SNAPSHOTS)
    if not os.path.exists(listing):
        return []
    with open(listing) as file:
        return [json.loads(line) for line in file if line.strip()]


def fit_for(model, dataset, seconds, output_dir, setup, deadline=None):
    """Fits `model` on the endless `dataset` for `seconds` of training
    (or `setup.max_steps` steps), recording progress in
    `output_dir/progress.jsonl` every `setup.steps_per_epoch` steps.

    Args:
        model: A compiled model.
        dataset: Endless training data.
        seconds: The budget, in seconds of training.
        output_dir: Where the progress file goes.
        setup: A setup dataclass with `steps_per_epoch` and `max_steps`.
        deadline: The `Deadline` (or subclass) that stops it. Defaults to
            `None`: a plain one.

    Returns:
        The `Deadline`: its `steps` and `elapsed_seconds`.
    """
    os.makedirs(output_dir, exist_ok=True)
    deadline = deadline or Deadline(
        seconds,
        os.path.join(output_dir, "progress.jsonl"),
        max_steps=setup.max_steps,
    )
    model.fit(
        dataset,
        epochs=10**6,
        steps_per_epoch=setup.steps_per_epoch,
        callbacks=[deadline],
        verbose=0,
    )
    return deadline


def write_training_summary(output_dir, trainer, deadline, setup):
    """Writes and returns `output_dir/train.json`: the trainer, its steps,
    seconds of training, images seen and setup (a dataclass with
    `batch_size`)."""
    summary = {
        "trainer": trainer,
        "steps": deadline.steps,
        "seconds": round(deadline.elapsed_seconds, 1),
        "images_seen": deadline.steps * setup.batch_size,
        "setup": dataclasses.asdict(setup),
    }
    with open(os.path.join(output_dir, "train.json"), "w") as file:
        json.dump(summary, file, indent=2)
    return summary


def read_training(folder):
    """A trainer's `train.json` (steps, seconds, images seen)."""
    with open(os.path.join(folder, "train.json")) as file:
        return json.load(file)


def preset_training(workdir, preset, trainer="ours"):
    """The GAN of a preset run's newest checkpoint, and the run's training
    summary (steps, training seconds, images seen), also written to
    `workdir/train.json`.

    Args:
        workdir: The run's workdir.
        preset: The flagfile it ran, recorded in the summary.
        trainer: Its name in the summary. Defaults to `"ours"`.

    Returns:
        `(gan, summary)`.
    """
    layout = WorkdirLayout(workdir)
    gan, state, _ = checkpoints.CheckpointManager(layout.checkpoints).restore()
    batch_size = files.read_json(layout.config)["batch_size"]
    summary = {
        "trainer": trainer,
        "steps": gan.generator_steps,
        "seconds": round(state.get("train_seconds", 0.0), 1),
        "images_seen": gan.generator_steps * batch_size,
        "preset": preset,
    }
    with open(os.path.join(layout.workdir, "train.json"), "w") as file:
        json.dump(summary, file, indent=2)
    return gan, summary


# -- Worker processes --


def train_command(flagfile, workdir, seed, extra_flags=()):
    """`bin/train` of a flagfile, quiet, with `extra_flags` last."""
    return [
        sys.executable,
        os.path.join(ROOT, "bin", "train"),
        f"--flagfile={flagfile}",
        f"--workdir={workdir}",
        f"--seed={seed}",
        "--verbose=0",
        *extra_flags,
    ]


def preset_command(preset, minutes, workdir, seed, extra_flags=()):
    """`bin/train` of a preset as a user runs it, with its step budget
    lifted so that the time budget (`minutes`) alone stops it."""
    return train_command(
        preset,
        workdir,
        seed,
        [f"--max_train_minutes={minutes}", "--steps=100000000", *extra_flags],
    )


def worker_command(module, worker, minutes, output_dir, seed, setup):
    """The command that runs `python -m <module> --worker=<worker>`: a
    study's own trainer in a process of its own, its `setup` (a
    dataclass) passed as JSON."""
    return [
        sys.executable,
        "-m",
        module,
        f"--worker={worker}",
        f"--minutes={minutes}",
        f"--output={output_dir}",
        f"--seed={seed}",
        f"--setup={json.dumps(dataclasses.asdict(setup))}",
    ]


def worker_env(threads):
    """The environment of a worker: `threads` TensorFlow threads, quiet
    logs, and this repository importable."""
    env = dict(os.environ)
    env["TF_NUM_INTRAOP_THREADS"] = str(threads)
    env["TF_NUM_INTEROP_THREADS"] = str(threads)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (ROOT, env.get("PYTHONPATH")) if p
    )
    return env


def run_all(commands, logs, parallel, threads):
    """Runs the commands, `parallel` at a time, each with `threads`
    TensorFlow threads and its output in its log.

    Raises:
        RuntimeError: when one fails (the others are killed), naming its
            log.
    """
    pending = list(zip(commands, logs))
    running = []
    while pending or running:
        while pending and len(running) < parallel:
            command, log_path = pending.pop(0)
            log = open(log_path, "w")  # noqa: SIM115 (closed below)
            process = subprocess.Popen(
                command,
                env=worker_env(threads),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            running.append((process, log, log_path))
        time.sleep(1)
        for entry in list(running):
            process, log, log_path = entry
            if process.poll() is None:
                continue
            log.close()
            running.remove(entry)
            if process.returncode != 0:
                for other, other_log, _ in running:
                    other.kill()
                    other_log.close()
                raise RuntimeError(
                    f"A training run failed (exit {process.returncode}); "
                    f"see {log_path}"
                )


def limit_threads(threads):
    """Gives this process's TensorFlow `threads` threads (a worker's
    first call, before any op runs)."""
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


# -- Results --


def study_header(started, minutes, threads, extra_flags, **settings):
    """The start of a side-by-side study's results: when, how long, how
    many threads, what flags and `settings`, and an empty `models`."""
    return {
        "started": started,
        "minutes": minutes,
        "threads": threads,
        **settings,
        "extra_flags": list(extra_flags),
        "models": {},
    }


def format_value(value):
    """A figure in a table: `-` for none, integers as they are, small
    values in scientific notation, others to four decimals."""
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    if value != 0 and abs(value) < 1e-2:
        return f"{value:.2e}"
    return f"{value:.4f}"


def format_comparison(results):
    """Markdown tables of a side-by-side study: each figure of each model
    beside the real floor, then each trainer's steps, seconds and images
    seen."""
    names = list(results["models"])
    header = "| figure | " + " | ".join(names) + " | real floor | better |"
    lines = [header, "|" + "---|" * (len(names) + 3)]
    for figure, higher in results["figures"]:
        cells = [
            format_value(results["models"][n]["figures"].get(figure))
            for n in names
        ]
        lines.append(
            f"| {figure} | "
            + " | ".join(cells)
            + f" | {format_value(results['floor'].get(figure))} | "
            + ("higher" if higher else "lower")
            + " |"
        )
    lines += [
        "",
        "| trainer | steps | seconds | images seen |",
        "|---|---|---|---|",
    ]
    for name in names:
        t = results["models"][name]["training"]
        lines.append(
            f"| {name} | {t['steps']} | {t['seconds']} | {t['images_seen']} |"
        )
    return "\n".join(lines)


def write_results(output_dir, results, table):
    """Writes `output_dir/results.json` and the Markdown `table` as
    `output_dir/results.md`."""
    with open(os.path.join(output_dir, "results.json"), "w") as file:
        json.dump(results, file, indent=2)
    with open(os.path.join(output_dir, "results.md"), "w") as file:
        file.write(table + "\n")


def print_results(table, output_dir):
    """Prints a study's table and where its results went (commands
    only)."""
    print(table)
    path = os.path.join(os.path.abspath(output_dir), "results.json")
    print(f"Wrote {path}")
