"""Where each stopping rule would stop: a study of one logged run.

A preset is trained once with `bin/train` and every stopping signal
logged at every epoch end: the quality figure (Frechet distance for
images, % high-quality samples and modes for the 2D mixtures, from
`--eval_every_n_epochs=1`), the fresh discriminator's held-out accuracy
and mean outputs (`--fresh_d_every_n_epochs=1`, no stop) and the training
discriminator's `d_real`/`d_fake` (the epoch's mean). The rules are then
replayed on the log, each as its callback decides:

- `equilibrium`: `EquilibriumStopping(tolerance, patience)`: `d_real` and
  `d_fake` within `tolerance` of 1/2 at `patience` epoch ends in a row;
  it keeps the weights it stops with.
- `fresh_discriminator`: `FreshDiscriminatorStopping(tolerance, patience,
  min_delta, restore_best_weights=True)`: held-out accuracy within
  `tolerance` of 1/2, or no lower for `patience` evaluations; it keeps
  the weights of its lowest accuracy.
- `quality_plateau` (FD plateau): `keras.callbacks.EarlyStopping` on the
  quality figure with `patience` and `restore_best_weights=True`; it
  needs the expensive figure at every evaluation.

For each: the step it stops at, the quality figure of the weights it
keeps against the run's best, the share of the run's improvement reached
(`(first - kept) / (first - best)`), and the training time it saves
(the run's training time after its stop; evaluation time excluded, see
`training_seconds`). Outputs: `results.json`, `results.md` and
`stopping.png` (the three signals against the step, each rule's stop
marked).

    python -m benchmarks.stopping --preset=configs/ring_mlp.flags \\
        --output=runs/stopping/ring
    python -m benchmarks.stopping \\
        --preset=configs/fashion_mnist_dcgan.flags \\
        --output=runs/stopping/fashion \\
        --train_flags=--steps=100000000,--max_train_minutes=30

A run trained without those evaluations, but with a checkpoint every N
epochs kept (`--keep_checkpoints` large, as the time-to-quality study's
preset run), can be studied afterwards: `--rescore=WORKDIR` scores each
kept checkpoint's weight average as the live evaluations would (the FD of
10,000 samples; the fresh-discriminator test of `bin/train`'s defaults,
on the classifier's features for Fashion-MNIST), every
`--rescore_every_n_epochs` epochs, into `rescored.jsonl` of the output
(resumable: scored checkpoints are not scored again), then replays the
rules on them. The training discriminator's `d_real`/`d_fake` come from
the run's own `metrics.csv`.

    python -m benchmarks.stopping \\
        --preset=configs/fashion_mnist_dcgan.flags \\
        --rescore=runs/time_to_quality/preset --rescore_every_n_epochs=2 \\
        --output=runs/stopping/fashion_rescored

Library functions here print nothing; the command prints the table.
"""

import dataclasses
import json
import math
import os
import subprocess
import sys

import keras
import numpy as np
from absl import app, flags

from benchmarks import harness, time_to_quality
from keras_gan import checkpoints
from keras_gan.callbacks import FreshDiscriminatorStopping
from keras_gan.callbacks.fresh_discriminator_stopping import (
    FreshDiscriminatorRule,
)
from keras_gan.callbacks.metrics_log import read_log
from keras_gan.data import mixtures
from keras_gan.files import atomic_write
from keras_gan.metrics import fresh_discriminator_test, scoring
from keras_gan.training.workdir import WorkdirLayout

__all__ = [
    "QUALITY",
    "RESCORED",
    "RULES",
    "RuleSettings",
    "analyse",
    "epoch_records",
    "format_summary",
    "main",
    "mode_spread",
    "plot",
    "replay_rules",
    "rescored_records",
    "study",
    "summarise",
    "train_logged_run",
]

# The quality figure of each kind of run: (key, "min" or "max").
QUALITY = {
    "images": ("frechet_distance", "min"),
    "points": ("high_quality_percent", "max"),
}
RULES = ("equilibrium", "fresh_discriminator", "quality_plateau")


@dataclasses.dataclass(frozen=True)
class RuleSettings:
    """The rules' settings in the study.

    Attributes:
        equilibrium_tolerance: `EquilibriumStopping`'s tolerance.
        equilibrium_patience: Its patience (epoch ends in a row).
        fresh_d_tolerance: The fresh-discriminator rule's tolerance.
        fresh_d_patience: Its patience (evaluations).
        fresh_d_min_delta: Its min_delta.
        quality_patience: The quality plateau's patience (evaluations).
        quality_min_delta: Its min_delta, relative to the best value.
    """

    equilibrium_tolerance: float = 0.05
    equilibrium_patience: int = 3
    fresh_d_tolerance: float = 0.05
    fresh_d_patience: int = 3
    fresh_d_min_delta: float = 0.005
    quality_patience: int = 3
    quality_min_delta: float = 0.01


def train_logged_run(preset, workdir, train_flags=(), timeout=None):
    """Trains `preset` with every stopping signal logged each epoch.

    Args:
        preset: A `configs/*.flags` file.
        workdir: The run's workdir (its `metrics.csv` is what is read).
        train_flags: More `bin/train` flags, after the logging ones.
            Defaults to `()`.
        timeout: Seconds before the run is killed. Defaults to `None`.

    Returns:
        The path of the run's `metrics.csv`.
    """
    os.makedirs(workdir, exist_ok=True)
    command = [
        sys.executable,
        os.path.join(harness.ROOT, "bin", "train"),
        f"--flagfile={preset}",
        f"--workdir={workdir}",
        "--verbose=0",
        "--eval_every_n_epochs=1",
        "--fresh_d_every_n_epochs=1",
        *train_flags,
    ]
    with open(os.path.join(workdir, "train.log"), "w") as log:
        subprocess.run(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=timeout,
            cwd=harness.ROOT,
        )
    return WorkdirLayout(workdir).metrics


def epoch_records(metrics_path):
    """One record per epoch of a `MetricsLog` file.

    Each holds `epoch`, `step` (at the epoch's end), `d_real` and
    `d_fake` (the mean of the epoch's rows, which are of equal length but
    for the last), every epoch-end figure (quality, `fresh_d_*`), and
    `training_seconds`: the run's training time up to the epoch's end,
    summed from the time between rows but for the gap before each
    epoch-end row, which holds the evaluations (and up to one row's
    steps, so it undercounts by that much).

    Args:
        metrics_path: The `metrics.csv` file.

    Returns:
        A list of dicts, in epoch order.
    """
    log = read_log(metrics_path)
    if not log:
        raise ValueError(
            f"Invalid value for argument `metrics_path`. Expected a "
            f"metrics log with rows. Received: {metrics_path!r}"
        )
    rows = [dict(zip(log, values)) for values in zip(*log.values())]
    records, seconds = [], 0.0
    for index, row in enumerate(rows):
        ends_epoch = index + 1 == len(rows) or (
            rows[index + 1]["epoch"] != row["epoch"]
        )
        if index and not ends_epoch:
            seconds += row["wall_time"] - rows[index - 1]["wall_time"]
        if not ends_epoch:
            continue
        epoch_rows = [r for r in rows if r["epoch"] == row["epoch"]]
        record = {
            key: value
            for key, value in row.items()
            if not (isinstance(value, float) and math.isnan(value))
        }
        record["epoch"] = int(row["epoch"])
        record["step"] = int(row["step"])
        record["d_real"] = float(np.mean([r["d_real"] for r in epoch_rows]))
        record["d_fake"] = float(np.mean([r["d_fake"] for r in epoch_rows]))
        record["training_seconds"] = seconds
        records.append(record)
    return records


def replay_rules(records, quality_key, mode, settings=RuleSettings()):
    """Where each rule stops on the records, and what it keeps.

    Args:
        records: From `epoch_records`.
        quality_key: The quality figure, e.g. `"frechet_distance"`.
        mode: `"min"` or `"max"`: whether lower or higher is better.
        settings: A `RuleSettings`. Defaults to `RuleSettings()`.

    Returns:
        A dict from rule name to `{"stop": index or None, "kept": index}`:
        the record it stops at (`None`: it never fires, and the run ends
        at its last record) and the record whose weights it keeps.
    """
    last = len(records) - 1
    results = {}

    streak, stop = 0, None
    for index, record in enumerate(records):
        near = max(abs(record["d_real"] - 0.5), abs(record["d_fake"] - 0.5))
        streak = streak + 1 if near <= settings.equilibrium_tolerance else 0
        if streak >= settings.equilibrium_patience:
            stop = index
            break
    results["equilibrium"] = {
        "stop": stop,
        "kept": last if stop is None else stop,
    }

    rule = FreshDiscriminatorRule(
        settings.fresh_d_tolerance,
        settings.fresh_d_patience,
        settings.fresh_d_min_delta,
    )
    stop, kept, seen = None, last, []
    for index, record in enumerate(records):
        if "fresh_d_accuracy" not in record:
            continue
        seen.append(index)
        if rule.update(record["fresh_d_accuracy"]) is not None:
            stop, kept = index, seen[rule.best_index]
            break
    results["fresh_discriminator"] = {"stop": stop, "kept": kept}

    sign = 1.0 if mode == "min" else -1.0
    best, best_index, wait, stop = None, None, 0, None
    for index, record in enumerate(records):
        if quality_key not in record:
            continue
        value = sign * record[quality_key]
        margin = settings.quality_min_delta * abs(value)
        if best is None or value < best - margin:
            best, best_index, wait = value, index, 0
        else:
            wait += 1
            if wait >= settings.quality_patience:
                stop = index
                break
    results["quality_plateau"] = {
        "stop": stop,
        "kept": last if stop is None else best_index,
    }
    return results


def summarise(records, quality_key, mode, settings=RuleSettings()):
    """The study's figures: each rule's stop, its kept quality against the
    run's best, and the time it saves.

    Args:
        records: From `epoch_records`.
        quality_key: The quality figure.
        mode: `"min"` or `"max"`.
        settings: A `RuleSettings`. Defaults to `RuleSettings()`.

    Returns:
        A JSON-ready dict: `quality`, `mode`, `settings`, `run` (steps,
        training seconds, first/best quality and its step) and `rules`
        (per rule: `stop_step`, `kept_step`, `quality`, `gap_to_best`
        (relative), `improvement_reached`, `seconds_saved`,
        `within_10_percent`, `past_half_improvement`).
    """
    scored = [r for r in records if quality_key in r]
    if not scored:
        raise ValueError(
            f"Invalid value for argument `quality_key`. Expected a figure "
            f"of the records. Received: quality_key={quality_key!r}"
        )
    pick = min if mode == "min" else max
    best = pick(scored, key=lambda r: r[quality_key])
    first = scored[0][quality_key]
    total = records[-1]["training_seconds"]
    rules = {}
    for name, where in replay_rules(
        records, quality_key, mode, settings
    ).items():
        stop = records[where["stop"]] if where["stop"] is not None else None
        kept = records[where["kept"]]
        value = kept.get(quality_key, float("nan"))
        gap = _relative_gap(value, best[quality_key])
        span = first - best[quality_key]
        reached = (first - value) / span if span else 1.0
        stop_seconds = (stop or records[-1])["training_seconds"]
        rules[name] = {
            "stop_step": None if stop is None else stop["step"],
            "kept_step": kept["step"],
            "quality": value,
            "gap_to_best": gap,
            "improvement_reached": reached,
            "seconds_saved": total - stop_seconds,
            "fraction_saved": (total - stop_seconds) / total if total else 0,
            "within_10_percent": bool(gap <= 0.10),
            "past_half_improvement": bool(reached >= 0.5),
        }
    return {
        "quality": quality_key,
        "mode": mode,
        "settings": dataclasses.asdict(settings),
        "run": {
            "steps": records[-1]["step"],
            "epochs": records[-1]["epoch"],
            "training_seconds": total,
            "first_quality": first,
            "best_quality": best[quality_key],
            "best_step": best["step"],
        },
        "rules": rules,
    }


def _relative_gap(value, best):
    if best:
        return abs(value - best) / abs(best)
    return 0.0 if value == best else float("inf")


def plot(records, summary, path, title=None):
    """Writes a PNG of the three signals against the step, each rule's
    stop marked: the quality figure, the fresh discriminator's held-out
    accuracy, the training discriminator's `d_real`/`d_fake`.

    Args:
        records: From `epoch_records`.
        summary: From `summarise`.
        path: The PNG file.
        title: Above the plot. Defaults to `None`.
    """
    # Here, not at the top: the backend is chosen before pyplot loads, and
    # only the plot needs matplotlib.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    key = summary["quality"]
    settings = summary["settings"]
    steps = [r["step"] for r in records]
    figure, axes = plt.subplots(3, 1, figsize=(8, 8), sharex=True)
    axes[0].plot(
        [r["step"] for r in records if key in r],
        [r[key] for r in records if key in r],
        "k.-",
    )
    axes[0].set_ylabel(key)
    fresh = [r for r in records if "fresh_d_accuracy" in r]
    axes[1].plot(
        [r["step"] for r in fresh],
        [r["fresh_d_accuracy"] for r in fresh],
        "k.-",
        label="fresh D held-out accuracy",
    )
    axes[1].axhspan(
        0.5 - settings["fresh_d_tolerance"],
        0.5 + settings["fresh_d_tolerance"],
        color="0.9",
    )
    axes[1].set_ylabel("fresh D accuracy")
    axes[2].plot(steps, [r["d_real"] for r in records], ".-", label="d_real")
    axes[2].plot(steps, [r["d_fake"] for r in records], ".-", label="d_fake")
    axes[2].axhspan(
        0.5 - settings["equilibrium_tolerance"],
        0.5 + settings["equilibrium_tolerance"],
        color="0.9",
    )
    axes[2].set_ylabel("training D output")
    axes[2].set_xlabel("generator step")
    colours = {
        "equilibrium": "tab:red",
        "fresh_discriminator": "tab:green",
        "quality_plateau": "tab:blue",
    }
    for name, rule in summary["rules"].items():
        if rule["stop_step"] is None:
            continue
        for axis in axes:
            axis.axvline(rule["stop_step"], color=colours[name], ls="--")
        axes[0].plot([], [], color=colours[name], ls="--", label=f"{name}")
    if any(rule["stop_step"] is not None for rule in summary["rules"].values()):
        axes[0].legend(fontsize="small", title="stops", title_fontsize="small")
    axes[2].legend(fontsize="small")
    if title:
        axes[0].set_title(title)
    figure.tight_layout()
    atomic_write(path, lambda tmp: figure.savefig(tmp, format="png", dpi=90))
    plt.close(figure)


def study(preset, output_dir, train_flags=(), settings=RuleSettings()):
    """Trains the logged run of `preset` and writes the study's outputs.

    Args:
        preset: A `configs/*.flags` file.
        output_dir: Gets `workdir/`, `results.json`, `results.md` and
            `stopping.png`.
        train_flags: More `bin/train` flags. Defaults to `()`.
        settings: A `RuleSettings`. Defaults to `RuleSettings()`.

    Returns:
        The summary (as in `results.json`), with `preset` and
        `train_flags`.
    """
    output_dir = os.path.abspath(output_dir)
    metrics = train_logged_run(
        preset, os.path.join(output_dir, "workdir"), train_flags
    )
    return analyse(metrics, output_dir, preset, train_flags, settings)


def analyse(
    metrics_path,
    output_dir,
    preset,
    train_flags=(),
    settings=RuleSettings(),
    records=None,
):
    """Writes the study's outputs for an existing logged run (its
    `epoch_records`, or the `records` given, e.g. `rescored_records`)."""
    if records is None:
        records = epoch_records(metrics_path)
    kind = (
        "images"
        if any("frechet_distance" in r for r in records)
        else ("points")
    )
    key, mode = QUALITY[kind]
    summary = summarise(records, key, mode, settings)
    summary["preset"] = os.path.relpath(os.path.abspath(preset), harness.ROOT)
    summary["train_flags"] = list(train_flags)
    export_dir = WorkdirLayout(os.path.dirname(metrics_path)).export_dir
    if kind == "points" and os.path.isdir(export_dir):
        summary["mode_spread"] = mode_spread(export_dir)
    summary["records"] = records
    os.makedirs(output_dir, exist_ok=True)
    harness.write_results(output_dir, summary, format_summary(summary))
    plot(
        records,
        summary,
        os.path.join(output_dir, "stopping.png"),
        title=os.path.basename(preset),
    )
    return summary


RESCORED = "rescored.jsonl"


def rescored_records(
    workdir,
    output_dir,
    every_n_epochs=1,
    num_samples=10000,
    fresh_d_repeats=1,
    seed=0,
    scorer=None,
    features="classifier",
    real=None,
    fresh_d_steps=1000,
):
    """The epoch records of a finished run, with the live evaluations'
    figures computed from its kept checkpoints.

    For each epoch end that is a multiple of `every_n_epochs` and has a
    checkpoint, its weight average (what the run samples and exports) is
    scored: `frechet_distance` of `num_samples` samples (the noise of
    `keras_gan.metrics.scoring.score`) and the `fresh_d_*` figures of
    `FreshDiscriminatorStopping` with `bin/train`'s defaults (`real`: the
    test split's first `num_samples` images; the noise of `seed`), once
    per test seed `seed, ..., seed + fresh_d_repeats - 1`, their mean
    being what `repeats` gives. Each checkpoint's figures are appended to
    `output_dir/rescored.jsonl` and read back on a rerun instead of being
    computed again (the fresh figures are recomputed, and the FD kept,
    when the test's steps or features differ from the saved ones).

    Args:
        workdir: The run's workdir (`metrics.csv`, `checkpoints/`).
        output_dir: Where `rescored.jsonl` goes.
        every_n_epochs: Score every this many epochs. Defaults to `1`.
        num_samples: Samples of the FD and of each kind in the fresh
            test. Defaults to `10000`.
        fresh_d_repeats: Test seeds per checkpoint. Defaults to `1`.
        seed: Seed of the noise and the first test. Defaults to `0`.
        scorer: The image scorer. Defaults to `None`:
            `scoring.make_scorer("fashion_mnist")`.
        features: The fresh test's `features`: `"classifier"` (the
            scorer's extractor), `None` (pixels) or a callable. Defaults
            to `"classifier"`.
        real: The fresh test's real images in [0, 1]. Defaults to `None`:
            the test split's first `num_samples`.
        fresh_d_steps: Training steps of each fresh discriminator.
            Defaults to `1000` (`bin/train`'s).

    Returns:
        The scored records of `epoch_records(workdir/metrics.csv)` (every
        rule is then replayed at these evaluations, the equilibrium
        rule's patience counting them too), each with
        `frechet_distance`, `fresh_d_accuracy` (the
        mean over the seeds), `fresh_d_real`, `fresh_d_fake`,
        `fresh_d_p_value` and `fresh_d_accuracies` (one per seed).
    """
    layout = WorkdirLayout(workdir)
    records = epoch_records(layout.metrics)
    found = dict(
        checkpoints.CheckpointManager(layout.checkpoints).checkpoints()
    )
    wanted = [
        r
        for r in records
        if r["epoch"] % every_n_epochs == 0 and r["step"] in found
    ]
    if not wanted:
        raise ValueError(
            "Invalid value for argument `workdir`. Expected checkpoints at "
            f"epoch ends every {every_n_epochs} epochs. Received: "
            f"{workdir!r} with checkpoints at steps {sorted(found)}"
        )
    os.makedirs(output_dir, exist_ok=True)
    path = os.path.join(output_dir, RESCORED)
    done = {}
    if os.path.exists(path):
        with open(path) as file:
            for line in file:
                if line.strip():
                    entry = json.loads(line)
                    done[entry["step"]] = entry
    made = [scorer, real]
    test = {"steps": fresh_d_steps, "features": _name_of(features)}
    for record in wanted:
        entry = done.get(record["step"])
        fresh = entry is not None and entry.get("fresh_d_test") == test
        if not fresh or len(entry["fresh_d_accuracies"]) < fresh_d_repeats:
            if made[0] is None:
                made[0] = scoring.make_scorer("fashion_mnist")
            if made[1] is None:
                made[1] = scoring.load_real_images(
                    "fashion_mnist", "test", limit=num_samples
                )
            extractor = (
                made[0].feature_extractor.features
                if features == "classifier"
                else features
            )
            generator = keras.models.load_model(
                found[record["step"]]
            ).sample_generator
            # The FD does not depend on the fresh test: kept from an
            # earlier pass with other test settings.
            fd = (
                entry["frechet_distance"]
                if entry is not None
                else time_to_quality.frechet_distance(
                    generator, made[0], num_samples, seed
                )
            )
            tester = FreshDiscriminatorStopping(
                made[1],
                tolerance=None,
                steps=fresh_d_steps,
                generator=generator,
                seed=seed,
            )
            tester.on_train_begin()
            generated = tester.generate()
            results = [
                fresh_discriminator_test(
                    made[1],
                    generated,
                    features=extractor,
                    steps=tester.steps,
                    max_seconds=tester.max_seconds,
                    seed=seed + repeat,
                )
                for repeat in range(fresh_d_repeats)
            ]
            entry = {
                "step": record["step"],
                "frechet_distance": fd,
                "fresh_d_test": test,
                "fresh_d_accuracies": [r.accuracy for r in results],
                "fresh_d_real": float(
                    np.mean([r.real_output for r in results])
                ),
                "fresh_d_fake": float(
                    np.mean([r.generated_output for r in results])
                ),
                "fresh_d_p_values": [r.p_value for r in results],
            }
            done[record["step"]] = entry
            _write_entries(path, [done[k] for k in sorted(done)])
        accuracies = entry["fresh_d_accuracies"][:fresh_d_repeats]
        record.update(
            frechet_distance=entry["frechet_distance"],
            fresh_d_accuracy=float(np.mean(accuracies)),
            fresh_d_accuracies=accuracies,
            fresh_d_real=entry["fresh_d_real"],
            fresh_d_fake=entry["fresh_d_fake"],
            fresh_d_p_value=entry["fresh_d_p_values"][0],
        )
    return wanted


def _name_of(features):
    if features is None or isinstance(features, str):
        return features
    return getattr(features, "__qualname__", type(features).__name__)


def _write_entries(path, entries):
    def write(tmp):
        with open(tmp, "w") as file:
            file.writelines(json.dumps(entry) + "\n" for entry in entries)

    atomic_write(path, write)


def mode_spread(export_dir, num_samples=2500):
    """How wide the final generator's modes are against the data's: the
    RMS per-coordinate distance to the nearest mean of the high-quality
    points (within 3 std), for 2,500 samples of the export (seed 0) and
    as many of the mixture (seed 3). A generator narrower than the data
    scores well on % high quality, yet a fresh discriminator tells it
    apart."""
    name = scoring.dataset_of(export_dir=export_dir)
    means, std = mixtures.mixture_means(name)
    sets = {
        "generated": scoring.ExportSampler(export_dir).sample(num_samples),
        "real": mixtures.sample_mixture(name, num_samples, seed=3),
    }
    spread = {"dataset": name, "std": float(std)}
    for key, points in sets.items():
        distances = np.linalg.norm(
            points[:, None] - np.asarray(means)[None], axis=-1
        ).min(axis=1)
        near = distances[distances < 3 * std]
        spread[key] = float(np.sqrt(np.mean(near**2) / 2))
    return spread


def format_summary(summary):
    """A Markdown table of the rules' stops."""
    run = summary["run"]
    key = summary["quality"]
    lines = [
        f"{summary.get('preset', '')}: {run['steps']} steps, "
        f"{run['training_seconds'] / 60:.1f} min of training; {key} "
        f"first {run['first_quality']:.4g}, best {run['best_quality']:.4g} "
        f"(step {run['best_step']})",
        "",
        f"| rule | stops at step | keeps step | {key} | gap to best | "
        "improvement reached | training time saved |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, rule in summary["rules"].items():
        stop = "never" if rule["stop_step"] is None else rule["stop_step"]
        lines.append(
            f"| {name} | {stop} | {rule['kept_step']} | "
            f"{rule['quality']:.4g} | {100 * rule['gap_to_best']:.1f}% | "
            f"{100 * rule['improvement_reached']:.0f}% | "
            f"{rule['seconds_saved'] / 60:.1f} min "
            f"({100 * rule['fraction_saved']:.0f}%) |"
        )
    spread = summary.get("mode_spread")
    if spread:
        lines += [
            "",
            f"Within-mode spread (RMS per coordinate, high-quality points): "
            f"generated {spread['generated']:.4f}, real "
            f"{spread['real']:.4f} (mixture std {spread['std']}).",
        ]
    return "\n".join(lines)


# -- Command line --


def _define_flags():
    flags.DEFINE_string("preset", harness.preset_path("ring_mlp"), "Preset.")
    flags.DEFINE_string("output", "runs/stopping", "Output folder.")
    flags.DEFINE_list("train_flags", [], "More bin/train flags for the run.")
    flags.DEFINE_bool(
        "train", True, "Train the run (else analyse the output's workdir)."
    )
    flags.DEFINE_string(
        "rescore",
        None,
        "Study this finished run's kept checkpoints instead of training one.",
    )
    flags.DEFINE_integer(
        "rescore_every_n_epochs", 1, "With --rescore: score every N epochs."
    )
    flags.DEFINE_integer(
        "fresh_d_repeats",
        1,
        "With --rescore: fresh-discriminator tests averaged per checkpoint.",
    )
    flags.DEFINE_integer(
        "fresh_d_steps",
        1000,
        "With --rescore: training steps of each fresh discriminator.",
    )
    flags.DEFINE_integer("fresh_d_patience", 3, "The fresh rule's patience.")
    flags.DEFINE_float(
        "fresh_d_min_delta", 0.005, "The fresh rule's min_delta."
    )
    return flags.FLAGS


def main(argv):
    """The command line: train and study a run, study a trained one, or
    rescore a finished run's checkpoints (`--rescore`)."""
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    flags = _FLAGS
    settings = RuleSettings(
        fresh_d_patience=flags.fresh_d_patience,
        fresh_d_min_delta=flags.fresh_d_min_delta,
    )
    if flags.rescore:
        records = rescored_records(
            flags.rescore,
            flags.output,
            every_n_epochs=flags.rescore_every_n_epochs,
            fresh_d_repeats=flags.fresh_d_repeats,
            fresh_d_steps=flags.fresh_d_steps,
        )
        summary = analyse(
            WorkdirLayout(flags.rescore).metrics,
            flags.output,
            flags.preset,
            settings=settings,
            records=records,
        )
    elif flags.train:
        summary = study(
            flags.preset, flags.output, flags.train_flags, settings=settings
        )
    else:
        summary = analyse(
            WorkdirLayout(os.path.join(flags.output, "workdir")).metrics,
            flags.output,
            flags.preset,
            flags.train_flags,
            settings=settings,
        )
    print(format_summary(summary))
    print(f"Wrote {os.path.join(os.path.abspath(flags.output), 'results.md')}")


if __name__ == "__main__":
    _FLAGS = _define_flags()
    app.run(main)
