"""Time to quality: the minutes each trainer needs until its samples are
good, side by side.

The Fashion-MNIST preset, run as a user runs it (`bin/train
--flagfile=configs/fashion_mnist_dcgan.flags`, its step budget lifted and
every checkpoint kept), and the plain keras.io-style DCGAN
(`benchmarks.quality.FashionSetup`: the preset's architecture and initial
weights, DCGAN's Adam(2e-4, beta_1=0.5)) train for the same wall time,
started together with one TensorFlow thread each, so both see the same
machine. Nobody is scored while training:

- the plain DCGAN saves its generator's weights at the first step past
  each mark of a fixed schedule of training time (`SCHEDULE_MINUTES`);
  the time the save takes is not counted;
- the preset keeps its checkpoints (one per epoch; each records its
  training seconds), and a mark's snapshot is its first checkpoint at or
  past the mark. What is scored is what the preset exports: its weight
  average.

Afterwards every snapshot is scored by the Frechet distance on the
Fashion-MNIST classifier's features, `num_samples` generated images (the
noise of `benchmarks.quality`) against the 10,000 test images. Reported:
each trainer's FD at each mark (with the snapshot's own time and step),
the minutes each first reaches each FD of a ladder (`LADDER`, and the plain
DCGAN's final FD), the ratio plain / preset, and a plot. Times are the
snapshots' own training seconds, not the marks'.

    python -m benchmarks.time_to_quality --minutes=30 \\
        --output=runs/time_to_quality

More preset runs, for tuning, beside the two: `--arms=preset,plain,bf16
--arm_flags=bf16=--mixed_precision=bfloat16` (flags separated by spaces).

Outputs: `results.json`, `results.md`, `time_to_quality.png`, and each
run's folder. Library functions here print nothing; the command prints
the tables.
"""

import dataclasses
import json
import math
import os

import keras
from absl import app, flags

from benchmarks import harness, quality
from keras_gan import checkpoints, data, models
from keras_gan.files import atomic_write
from keras_gan.metrics import (
    frechet_distance_from_activations,
    samplers,
    scoring,
)
from keras_gan.training.workdir import WorkdirLayout

__all__ = [
    "LADDER",
    "PLAIN",
    "PLAIN_SETUP",
    "PRESET",
    "SCHEDULE_MINUTES",
    "Arm",
    "arm_command",
    "at_marks",
    "format_results",
    "frechet_distance",
    "ladder",
    "load_generator",
    "main",
    "marks_within",
    "minutes_to_reach",
    "parse_arms",
    "plot",
    "run_study",
    "score_arm",
    "snapshots",
    "train_plain",
]

# Marks of training time, in minutes, at which each trainer is scored.
SCHEDULE_MINUTES = (0.5, 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10) + (
    12,
    14,
    16,
    18,
    20,
    22.5,
    25,
    27.5,
    30,
)
# FD values whose first reach is timed (lower is better).
LADDER = (30.0, 20.0, 15.0, 12.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0)
PLAIN = "plain"
PRESET = "preset"
# The plain DCGAN of the quality study.
PLAIN_SETUP = quality.FashionSetup()


@dataclasses.dataclass(frozen=True)
class Arm:
    """One trainer of the study.

    Attributes:
        name: Its name in the tables.
        flags: More `bin/train` flags of a preset run; ignored for the
            plain DCGAN.
    """

    name: str
    flags: tuple = ()

    @property
    def plain(self):
        return self.name == PLAIN


def parse_arms(names, arm_flags=()):
    """`Arm`s from names and `NAME=FLAGS` strings.

    `"plain"` is the plain DCGAN, `"preset"` the preset as it is; any other
    name is the preset with the flags given for it in `arm_flags`.

    Raises:
        ValueError: for a name given twice, a name other than `"plain"` or
            `"preset"` without flags, flags for a name not in `names`, or a
            `NAME=FLAGS` without `=`.
    """
    flags = {}
    for entry in arm_flags:
        name, sep, value = entry.partition("=")
        if not sep or not name or name.startswith("-"):
            raise ValueError(
                "Expected arm flags as NAME=FLAGS (bin/train flags "
                f"separated by spaces). Received: {entry!r}"
            )
        flags[name] = tuple(value.split())
    names = list(names)
    if len(set(names)) != len(names):
        raise ValueError(f"Expected each arm once. Received: {names}")
    unknown = sorted(set(flags) - set(names))
    if unknown:
        raise ValueError(
            f"Expected flags only for arms in {names}. Received flags for "
            f"{unknown}"
        )
    if PLAIN in flags:
        raise ValueError(
            "The plain DCGAN takes no bin/train flags (change it with "
            "--setup). Received flags for it: "
            f"{' '.join(flags[PLAIN])!r}"
        )
    arms = []
    for name in names:
        if name not in (PLAIN, PRESET) and name not in flags:
            raise ValueError(
                f"Expected --arm_flags={name}=FLAGS for arm {name!r} (only "
                f"{PLAIN!r} and {PRESET!r} need none)."
            )
        arms.append(Arm(name, flags.get(name, ())))
    return arms


def marks_within(minutes, schedule=SCHEDULE_MINUTES):
    """The schedule's marks (seconds) up to `minutes`, ending at
    `minutes` itself."""
    marks = [m * 60.0 for m in schedule if m < minutes]
    return marks + [minutes * 60.0]


# -- The plain DCGAN, with snapshots on the schedule --


def train_plain(seconds, output_dir, marks, setup=PLAIN_SETUP, seed=0):
    """Trains the plain DCGAN for `seconds`, saving its generator at the
    marks (and at the end) into `output_dir`, with `snapshots.jsonl`
    listing them and `train.json` the run.

    Returns:
        The dict written to `train.json`.
    """
    os.makedirs(output_dir, exist_ok=True)
    open(os.path.join(output_dir, harness.SNAPSHOTS), "w").close()
    model = quality.build_plain_trainer(setup, seed)
    dataset = data.load(
        "fashion_mnist", batch_size=setup.batch_size, seed=seed, repeat=True
    )
    clock = harness.ScheduledSnapshots(
        seconds,
        os.path.join(output_dir, "progress.jsonl"),
        marks,
        output_dir,
        max_steps=setup.max_steps,
    )
    harness.fit_for(model, dataset, seconds, output_dir, setup, clock)
    return harness.write_training_summary(output_dir, PLAIN, clock, setup)


# -- Snapshots and their scores --


def snapshots(arm, folder):
    """The arm's snapshots in time order: dicts with `seconds`, `steps`
    and `path` (a plain generator's weights or a preset's checkpoint)."""
    if arm.plain:
        found = harness.read_snapshots(folder)
        for entry in found:
            entry["path"] = os.path.join(folder, entry["path"])
        return found
    manager = checkpoints.CheckpointManager(WorkdirLayout(folder).checkpoints)
    found = []
    for step, path in manager.checkpoints():
        state = checkpoints.read_state(path)
        found.append(
            {"seconds": state["train_seconds"], "steps": step, "path": path}
        )
    return sorted(found, key=lambda entry: entry["seconds"])


def at_marks(found, marks):
    """For each mark (seconds), the first snapshot at or past it, else
    the last one when the run ended within a second of the mark (a time
    budget stops at the first step past it); `None` when there is none.
    A snapshot is used once."""
    chosen, used = [], set()
    for mark in marks:
        later = [s for s in found if s["seconds"] >= mark]
        if later:
            pick = later[0]
        elif found and found[-1]["seconds"] >= mark - 1.0:
            pick = found[-1]
        else:
            pick = None
        if pick is not None and id(pick) in used:
            pick = None
        if pick is not None:
            used.add(id(pick))
        chosen.append((mark, pick))
    return chosen


def load_generator(arm, snapshot, setup=PLAIN_SETUP):
    """The generator of a snapshot: the plain DCGAN's raw generator, or a
    preset checkpoint's `sample_generator` (its weight average when it
    has one: what the preset exports)."""
    if arm.plain:
        generator, _ = models.build_pair(
            "dcgan",
            (28, 28, 1),
            setup.latent_dim,
            base_filters=setup.base_filters,
        )
        generator.load_weights(snapshot["path"])
        return generator
    return keras.models.load_model(snapshot["path"]).sample_generator


def frechet_distance(generator, scorer, num_samples, seed=0):
    """The FD of `num_samples` of `generator`'s images against the
    scorer's reference, with the noise `keras_gan.metrics.scoring.score`
    draws for the same seed."""
    images = samplers.ModelSampler(generator).sample(num_samples, seed=seed)
    features = scorer.feature_extractor.features(images)
    return float(
        frechet_distance_from_activations(scorer.reference_features, features)
    )


def score_arm(arm, folder, marks, scorer, num_samples, seed=0, setup=None):
    """The arm's FD at each mark: a list of dicts with `mark_minutes`,
    `minutes` (the snapshot's own time), `steps` and `frechet_distance`
    (marks without a snapshot are left out)."""
    setup = setup or PLAIN_SETUP
    curve = []
    for mark, snapshot in at_marks(snapshots(arm, folder), marks):
        if snapshot is None:
            continue
        generator = load_generator(arm, snapshot, setup)
        curve.append(
            {
                "mark_minutes": round(mark / 60.0, 3),
                "minutes": round(snapshot["seconds"] / 60.0, 3),
                "steps": snapshot["steps"],
                "frechet_distance": frechet_distance(
                    generator, scorer, num_samples, seed
                ),
            }
        )
    return curve


def minutes_to_reach(curve, value):
    """The time (minutes) of the curve's first FD at or below `value`,
    else `None`."""
    for point in curve:
        if point["frechet_distance"] <= value:
            return point["minutes"]
    return None


def ladder(curves, values=LADDER):
    """Minutes each arm needs to reach each value, the plain DCGAN's final
    FD included, and the ratios plain / arm.

    Returns:
        A list of dicts, best (lowest) value last: `frechet_distance`,
        `plain_final` (whether it is the plain DCGAN's final FD),
        `minutes` (arm -> minutes or `None`) and `speedup` (arm -> plain's
        minutes / the arm's, or `None` where either never reached it).
    """
    values = {float(v): False for v in values}
    if PLAIN in curves and curves[PLAIN]:
        values[round(curves[PLAIN][-1]["frechet_distance"], 4)] = True
    rows = []
    for value in sorted(values, reverse=True):
        minutes = {
            name: minutes_to_reach(c, value) for name, c in curves.items()
        }
        plain = minutes.get(PLAIN)
        speedup = {
            name: (
                round(plain / m, 3)
                if plain is not None and m is not None and m > 0
                else None
            )
            for name, m in minutes.items()
            if name != PLAIN
        }
        rows.append(
            {
                "frechet_distance": value,
                "plain_final": values[value],
                "minutes": minutes,
                "speedup": speedup,
            }
        )
    return rows


# -- The study --


def run_study(
    minutes,
    output_dir,
    arms=None,
    num_samples=10000,
    seed=0,
    threads=1,
    train=True,
    setup=PLAIN_SETUP,
    preset=quality.FASHION_PRESET,
    schedule=SCHEDULE_MINUTES,
    scorer=None,
):
    """Trains the arms side by side, scores their snapshots, writes the
    results.

    Args:
        minutes: Training minutes of each arm.
        output_dir: Where everything goes: a folder per arm,
            `results.json`, `results.md`, `time_to_quality.png`.
        arms: `Arm`s. Defaults to `None`: the preset and the plain DCGAN.
        num_samples: Images generated per score. Defaults to `10000`.
        seed: Seed of the runs and of the scored noise. Defaults to `0`.
        threads: TensorFlow threads of each arm. Defaults to `1`.
        train: Whether to train; `False` scores existing runs. Defaults
            to `True`.
        setup: The plain DCGAN's `FashionSetup`. Defaults to
            `PLAIN_SETUP`.
        preset: The preset's flagfile. Defaults to the Fashion-MNIST one.
        schedule: Marks in minutes. Defaults to `SCHEDULE_MINUTES`.
        scorer: Defaults to `None`: the Fashion-MNIST classifier's
            (`keras_gan.metrics.scoring.make_scorer("fashion_mnist")`).

    Returns:
        The results dict (also in `results.json`).
    """
    arms = arms or [Arm(PRESET), Arm(PLAIN)]
    output_dir = os.path.abspath(output_dir)
    os.makedirs(output_dir, exist_ok=True)
    marks = marks_within(minutes, schedule)
    started = harness.timestamp()
    folders = {arm.name: os.path.join(output_dir, arm.name) for arm in arms}
    if train:
        commands = [
            arm_command(
                a,
                minutes,
                folders[a.name],
                seed,
                setup=setup,
                schedule=schedule,
                threads=threads,
                preset=preset,
            )
            for a in arms
        ]
        harness.run_all(
            commands,
            [folders[a.name] + ".log" for a in arms],
            parallel=len(arms),
            threads=threads,
        )
    if scorer is None:
        scorer = scoring.make_scorer("fashion_mnist")
    curves = {
        arm.name: score_arm(
            arm, folders[arm.name], marks, scorer, num_samples, seed, setup
        )
        for arm in arms
    }
    results = {
        "started": started,
        "finished": harness.timestamp(),
        "minutes": minutes,
        "threads": threads,
        "num_samples": num_samples,
        "seed": seed,
        "preset": preset,
        "plain_setup": dataclasses.asdict(setup),
        "arms": {a.name: {"flags": list(a.flags)} for a in arms},
        "curves": curves,
        "ladder": ladder(curves),
    }
    for arm in arms:
        results["arms"][arm.name]["training"] = _training(
            arm, folders[arm.name]
        )
    harness.write_results(output_dir, results, format_results(results))
    plot(results, os.path.join(output_dir, "time_to_quality.png"))
    return results


def arm_command(
    arm,
    minutes,
    folder,
    seed,
    setup=PLAIN_SETUP,
    schedule=SCHEDULE_MINUTES,
    threads=1,
    preset=quality.FASHION_PRESET,
):
    """The command that trains an arm for `minutes` into `folder`.

    The plain DCGAN runs as this module's worker (`--worker=plain`),
    snapshotting on `schedule`; a preset arm runs `bin/train` of `preset`
    with the arm's flags last and every checkpoint kept.

    Args:
        arm: An `Arm`.
        minutes: Training minutes.
        folder: The arm's folder (a preset arm's workdir).
        seed: Seed of the run.
        setup: The plain DCGAN's `FashionSetup`. Defaults to
            `PLAIN_SETUP`.
        schedule: Marks in minutes. Defaults to `SCHEDULE_MINUTES`.
        threads: TensorFlow threads. Defaults to `1`.
        preset: The preset's flagfile. Defaults to the Fashion-MNIST one.

    Returns:
        The command, a list of strings.
    """
    if arm.plain:
        return harness.worker_command(
            "benchmarks.time_to_quality", PLAIN, minutes, folder, seed, setup
        ) + [
            f"--schedule={','.join(map(str, schedule))}",
            f"--threads={threads}",
        ]
    # Every checkpoint is kept: one per epoch, the preset's own cadence.
    keep = f"--keep_checkpoints={max(10, math.ceil(minutes * 12))}"
    return harness.preset_command(
        preset, minutes, folder, seed, [keep, *arm.flags]
    )


def _training(arm, folder):
    """Steps and training seconds of an arm's run."""
    if arm.plain:
        summary = harness.read_training(folder)
        return {"steps": summary["steps"], "seconds": summary["seconds"]}
    last = snapshots(arm, folder)[-1]
    return {"steps": last["steps"], "seconds": round(last["seconds"], 1)}


def format_results(results):
    """Markdown tables: the ladder (minutes to each FD, speed-up against
    the plain DCGAN), then each arm's FD at each mark."""
    names = list(results["arms"])
    others = [n for n in names if n != PLAIN]
    with_plain = PLAIN in names
    lines = [
        "| FD at most | "
        + " | ".join(f"{n} (min)" for n in names)
        + "".join(f" | speed-up {n}" for n in others if with_plain)
        + " |",
        "|" + "---|" * (1 + len(names) + (len(others) if with_plain else 0)),
    ]
    for row in results["ladder"]:
        value = f"{row['frechet_distance']:.2f}"
        if row["plain_final"]:
            value += " (plain's final)"
        cells = [_cell(row["minutes"][n], "{:.1f}") for n in names]
        if with_plain:
            cells += [_cell(row["speedup"][n], "{:.2f}x") for n in others]
        lines.append(f"| {value} | " + " | ".join(cells) + " |")
    lines += ["", "| mark (min) | " + " | ".join(names) + " |"]
    lines.append("|" + "---|" * (1 + len(names)))
    by_mark = {}
    for name in names:
        for point in results["curves"][name]:
            by_mark.setdefault(point["mark_minutes"], {})[name] = point
    for mark in sorted(by_mark):
        cells = []
        for name in names:
            point = by_mark[mark].get(name)
            cells.append(
                "-"
                if point is None
                else f"{point['frechet_distance']:.2f} "
                f"({point['minutes']:.1f} min, step {point['steps']})"
            )
        lines.append(f"| {mark:g} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| arm | steps | training seconds | flags |",
        "|---|---|---|---|",
    ]
    for name in names:
        arm = results["arms"][name]
        flags = " ".join(arm["flags"]) or "-"
        steps, seconds = arm["training"]["steps"], arm["training"]["seconds"]
        lines.append(f"| {name} | {steps} | {seconds} | {flags} |")
    return "\n".join(lines)


def _cell(value, pattern):
    return "-" if value is None else pattern.format(value)


def plot(results, path):
    """Writes a PNG of each arm's FD against training minutes (log
    scale), the plain DCGAN's final FD drawn across, and where each arm
    first reaches it marked."""
    # Here, not at the top: the backend is chosen before pyplot loads, and
    # only the plot needs matplotlib.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib import ticker

    figure, axis = plt.subplots(figsize=(7, 4.5))
    target = next((r for r in results["ladder"] if r["plain_final"]), None)
    for name, curve in results["curves"].items():
        (line,) = axis.plot(
            [p["minutes"] for p in curve],
            [p["frechet_distance"] for p in curve],
            ".-",
            label=name,
        )
        reached = target and target["minutes"].get(name)
        if reached is not None:
            axis.axvline(reached, color=line.get_color(), ls=":", lw=1)
    if target:
        axis.axhline(
            target["frechet_distance"],
            color="0.5",
            ls="--",
            lw=1,
            label=f"plain's final FD ({target['frechet_distance']:.2f})",
        )
    axis.set_yscale("log")
    plain_numbers = ticker.FuncFormatter(lambda value, _: f"{value:g}")
    axis.yaxis.set_major_formatter(plain_numbers)
    axis.yaxis.set_minor_formatter(plain_numbers)
    axis.set_xlabel("training minutes (one CPU thread each, side by side)")
    axis.set_ylabel("Frechet distance (lower is better)")
    axis.legend(fontsize="small")
    axis.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    atomic_write(path, lambda tmp: figure.savefig(tmp, format="png", dpi=90))
    plt.close(figure)


# -- Command line --


def _define_flags():
    flags.DEFINE_float("minutes", 30.0, "Training minutes of each arm.")
    flags.DEFINE_string("output", "runs/time_to_quality", "Output folder.")
    flags.DEFINE_list(
        "arms",
        [PRESET, PLAIN],
        "Arms side by side: 'plain' (the plain DCGAN), 'preset' (the preset "
        "as it is) and names given --arm_flags.",
    )
    flags.DEFINE_multi_string(
        "arm_flags",
        [],
        "NAME=FLAGS: an arm that is the preset with these bin/train flags "
        "(separated by spaces).",
    )
    flags.DEFINE_string(
        "preset", quality.FASHION_PRESET, "The preset's flagfile."
    )
    flags.DEFINE_list(
        "schedule",
        [f"{m:g}" for m in SCHEDULE_MINUTES],
        "Marks of training minutes at which each arm is scored.",
    )
    flags.DEFINE_integer("seed", 0, "Seed of the runs and of the noise.")
    flags.DEFINE_integer("num_samples", 10000, "Images generated per score.")
    flags.DEFINE_integer("threads", 1, "TensorFlow threads per arm.")
    flags.DEFINE_bool("train", True, "Train (else score existing runs).")
    flags.DEFINE_string(
        "setup",
        "{}",
        "JSON of FashionSetup fields of the plain DCGAN to override.",
    )
    flags.DEFINE_enum(
        "worker", None, [PLAIN], "Internal: train the plain DCGAN."
    )
    return flags.FLAGS


def main(argv):
    """The command line: the study, or the plain DCGAN's worker
    (`--worker=plain`)."""
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    flags = _FLAGS
    setup = quality.FashionSetup(**json.loads(flags.setup))
    try:
        schedule = tuple(float(m) for m in flags.schedule)
        arms = parse_arms(flags.arms, flags.arm_flags)
    except ValueError as error:
        raise app.UsageError(str(error)) from error
    if flags.worker:
        harness.limit_threads(flags.threads)
        summary = train_plain(
            flags.minutes * 60,
            flags.output,
            marks_within(flags.minutes, schedule),
            setup=setup,
            seed=flags.seed,
        )
        print(json.dumps(summary))
        return
    results = run_study(
        flags.minutes,
        flags.output,
        arms=arms,
        num_samples=flags.num_samples,
        seed=flags.seed,
        threads=flags.threads,
        train=flags.train,
        setup=setup,
        preset=flags.preset,
        schedule=schedule,
    )
    harness.print_results(format_results(results), flags.output)


if __name__ == "__main__":
    _FLAGS = _define_flags()
    app.run(main)
