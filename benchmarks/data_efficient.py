"""Data-efficient training on Fashion-MNIST: the protocol and its driver.

The protocol of docs/contracts.md, "Evaluation protocols" (after
DiffAugment, Zhao et al. 2020, and ADA, Karras et al. 2020): train on a
seeded, class-balanced subset of the Fashion-MNIST training split (600
images: 60 per class; 6,000: 600 per class; numpy `default_rng(0)`, the
first N per class of a permutation of the original IDX order), score
10,000 samples against the full test split. This module holds the subset,
the recipes compared (the rows of the study's table), the training of one
recipe for a wall-time budget, and the study that runs them:

    python -m benchmarks.data_efficient --sizes=600 --minutes=60 \\
        --snapshot_minutes=15 --output=runs/data_efficient_600

For each size, the recipes train side by side for the same wall time (one
process and one TensorFlow thread each, started together, so all see the
same machine load); each worker saves its generator (the weight average
when the recipe keeps one) as `rows/<size>_<recipe>/generator.keras` with
a `train.json`. Then every generator is scored by
`keras_gan.metrics.scoring.score` on a `ModelSampler` (the Fashion-MNIST
classifier's features against the 10,000 test images, beside the real
floor). The run is resumable per row: a row with its `train.json` is not
retrained (rerun the command after a crash), and one with its
`score.json` for the same samples and seed is not rescored. A row resumed
alone trains beside fewer others than its size's first rows did: for the
published figures, train each size's rows in one go. The output folder
gets `results.json`, `results.md` (the table) and a sample grid per row,
`samples_<size>_<recipe>.png`; the command prints the table.

Rows: the Fashion-MNIST DCGAN preset's recipe without augmentation, with
DiffAugment and with ADA; the ResNet + spectral norm + hinge recipe
(SNGAN's Adam(2e-4, beta_1=0, beta_2=0.9)) without and with DiffAugment.
"""

import dataclasses
import json
import math
import os
import sys
import time

import keras
import numpy as np
from absl import app, flags

import keras_gan
from benchmarks import harness, time_to_quality
from keras_gan import files, plots
from keras_gan.callbacks import TimeBudget
from keras_gan.metrics import scoring
from keras_gan.metrics.fashion_mnist_idx import load_fashion_mnist_idx
from keras_gan.training import build, precision

__all__ = [
    "FIGURES",
    "NUM_CLASSES",
    "RECIPES",
    "SIZES",
    "SNAPSHOT_DIR",
    "Recipe",
    "add_fd_changes",
    "balanced_subset",
    "baseline_of",
    "build_gan",
    "format_results",
    "main",
    "row_dir",
    "run_study",
    "snapshot_curve",
    "snapshot_marks",
    "train_recipe",
    "train_row",
    "training_images",
]


def balanced_subset(labels, per_class, seed=0):
    """Indices of the protocol's class-balanced subset.

    The first `per_class` indices of each class in the permutation
    `numpy.random.default_rng(seed).permutation(len(labels))`, in the
    permutation's order.

    Args:
        labels: Integer class labels of the whole training split.
        per_class: Images per class (60 for 600 images of 10 classes).
        seed: Seed of the permutation. Defaults to `0`.

    Returns:
        An int64 array of `per_class * classes` indices into `labels`.
    """
    labels = np.asarray(labels)
    classes, counts = np.unique(labels, return_counts=True)
    if per_class < 1 or counts.min() < per_class:
        raise ValueError(
            "Invalid value for argument `per_class`. Expected a positive "
            f"integer at most the smallest class ({counts.min()} images). "
            f"Received: per_class={per_class!r}"
        )
    order = np.random.default_rng(seed).permutation(len(labels))
    taken = np.zeros(len(labels), bool)
    for label in classes:
        taken[order[labels[order] == label][:per_class]] = True
    return order[taken[order]]


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One row: architecture, loss, optimizer and augmentation.

    Attributes:
        architecture: `"dcgan"` or `"resnet"`.
        loss: An adversarial loss name.
        augment: `None`, `"diffaugment"` or `"ada"`.
        learning_rate: Adam learning rate of the discriminator, and of the
            generator unless `g_learning_rate` is set.
        beta_1: Adam beta_1.
        beta_2: Adam beta_2.
        base_filters: Network width.
        latent_dim: Noise size.
        batch_size: Real images per discriminator update.
        ema_decay: Generator weight average, or `None`.
        g_learning_rate: Adam learning rate of the generator, or `None`
            for `learning_rate`.
        mixed_precision: `None` (float32), `"bfloat16"`, `"float16"` or
            `"auto"` (`keras_gan.training.precision.resolve`).
    """

    architecture: str
    loss: str
    augment: str | None
    learning_rate: float
    beta_1: float
    beta_2: float
    base_filters: int = 32
    latent_dim: int = 64
    batch_size: int = 64
    ema_decay: float | None = 0.999
    g_learning_rate: float | None = None
    mixed_precision: str | None = None


# The DCGAN rows use the Fashion-MNIST preset's settings
# (configs/fashion_mnist_dcgan.flags): batch 32, Adam 1e-3 for the
# generator and 5e-4 for the discriminator, bfloat16 where fast.
_DCGAN = dict(
    architecture="dcgan", loss="non_saturating", learning_rate=5e-4,
    g_learning_rate=1e-3, beta_1=0.5, beta_2=0.999, batch_size=32,
    mixed_precision="auto",
)  # fmt: skip
_SNGAN = dict(
    architecture="resnet", loss="hinge", learning_rate=2e-4, beta_1=0.0,
    beta_2=0.9,
)  # fmt: skip
RECIPES = {
    "dcgan": Recipe(augment=None, **_DCGAN),
    "dcgan+diffaugment": Recipe(augment="diffaugment", **_DCGAN),
    "dcgan+ada": Recipe(augment="ada", **_DCGAN),
    "resnet_sn_hinge": Recipe(augment=None, **_SNGAN),
    "resnet_sn_hinge+diffaugment": Recipe(augment="diffaugment", **_SNGAN),
}


def build_gan(recipe, image_shape=(28, 28, 1), seed=0):
    """The compiled `GAN` of a recipe (its players built under the
    recipe's mixed-precision policy)."""
    keras.utils.set_random_seed(seed)
    with build.dtype_policy(build.policy_name(recipe.mixed_precision)):
        generator, discriminator = keras_gan.models.build_pair(
            recipe.architecture,
            image_shape,
            recipe.latent_dim,
            base_filters=recipe.base_filters,
        )
    gan = keras_gan.GAN(
        generator,
        discriminator,
        seed=seed,
        ema_decay=recipe.ema_decay,
        augment=recipe.augment,
    )

    def adam(learning_rate):
        return keras.optimizers.Adam(
            learning_rate, beta_1=recipe.beta_1, beta_2=recipe.beta_2
        )

    gan.compile(
        g_optimizer=adam(recipe.g_learning_rate or recipe.learning_rate),
        d_optimizer=adam(recipe.learning_rate),
        loss=recipe.loss,
    )
    return gan


def train_recipe(
    recipe, images, seconds, seed=0, max_steps=None, snapshots=None, marks=()
):
    """Trains a recipe on `images` (`[N, 28, 28, 1]` in [-1, 1]) for a
    wall-time budget (and at most `max_steps` steps).

    With `snapshots` (a folder), the generator that is sampled (the weight
    average when the recipe keeps one) is saved there at the first step
    past each of `marks` (seconds of training) and at the end, listed in
    its `snapshots.jsonl` (`benchmarks.harness.ScheduledSnapshots`; the
    saves' time is left out of the budget).

    Returns:
        `(gan, history)`.
    """
    gan = build_gan(recipe, images.shape[1:], seed)
    steps = -(-len(images) // recipe.batch_size)
    epochs = 10**6 if max_steps is None else -(-max_steps // steps)
    if snapshots is None:
        clock = TimeBudget(seconds)
    else:
        os.makedirs(snapshots, exist_ok=True)
        open(os.path.join(snapshots, harness.SNAPSHOTS), "w").close()
        clock = harness.ScheduledSnapshots(
            seconds,
            os.path.join(snapshots, "progress.jsonl"),
            marks,
            snapshots,
            max_steps=max_steps,
            generator="sample_generator",
        )
    history = gan.fit(
        images,
        batch_size=recipe.batch_size,
        epochs=epochs,
        callbacks=[clock],
        verbose=0,
    )
    return gan, history


# -- The study: every recipe at every size, side by side, then scored --

SIZES = (600, 6000)
SNAPSHOT_DIR = "snapshots"
NUM_CLASSES = 10
FIGURES = ("frechet_distance", "kid_mean", "precision", "recall")


def baseline_of(name):
    """The recipe a row is compared with: the same recipe without
    augmentation (`None` for a row without augmentation, or none listed)."""
    recipe = RECIPES[name]
    if recipe.augment is None:
        return None
    plain = dataclasses.replace(recipe, augment=None)
    return next((n for n, r in RECIPES.items() if r == plain), None)


def row_dir(output_dir, size, name):
    """The folder of one row's run: `output_dir/rows/<size>_<recipe>`."""
    return os.path.join(output_dir, "rows", f"{size}_{name}")


def _row_trained(path):
    return os.path.exists(os.path.join(path, "train.json"))


def training_images(size, seed=0):
    """The protocol's subset of `size` training images, `[size, 28, 28,
    1]` in [-1, 1], and their labels (the original IDX files of
    `/usr/share/datasets/fashion-mnist`, in their order)."""
    images, labels = load_fashion_mnist_idx("train")
    if size % NUM_CLASSES:
        raise ValueError(
            "Invalid value for argument `size`. Expected a multiple of "
            f"{NUM_CLASSES} (a class-balanced subset). Received: size={size}"
        )
    indices = balanced_subset(labels, size // NUM_CLASSES, seed=seed)
    return images[indices], labels[indices]


def train_row(
    name, images, seconds, output_dir, seed=0, max_steps=None, marks=()
):
    """Trains one recipe on `images` and saves what scoring needs.

    Writes `generator.keras` (the generator to sample from: the weight
    average when the recipe keeps one), its weights at each of `marks`
    (seconds of training) and at the end into `snapshots/`, and then
    `train.json` (recipe, images, steps, seconds of building and
    training, images seen, the last epoch's logged values), whose
    presence marks the row done.

    Args:
        name: A key of `RECIPES`.
        images: The training images, `[N, 28, 28, 1]` in [-1, 1].
        seconds: Wall-time budget of the training.
        output_dir: The row's folder.
        seed: Seed of the weights, noise and data order. Defaults to `0`.
        max_steps: Stop after this many steps too. Defaults to `None`.
        marks: Seconds of training at which to snapshot the generator.
            Defaults to `()`: at the end only.

    Returns:
        The dict written to `train.json`.
    """
    recipe = RECIPES[name]
    started = time.monotonic()
    gan, history = train_recipe(
        recipe,
        images,
        seconds,
        seed,
        max_steps,
        snapshots=os.path.join(output_dir, SNAPSHOT_DIR),
        marks=marks,
    )
    seconds_spent = time.monotonic() - started
    generator = gan.sample_generator
    files.atomic_write(
        os.path.join(output_dir, "generator.keras"),
        generator.save,
        suffix=".keras",
    )
    summary = {
        "recipe": name,
        "settings": dataclasses.asdict(recipe),
        "precision": precision.resolve(recipe.mixed_precision) or "float32",
        "images": len(images),
        "seed": seed,
        "steps": gan.generator_steps,
        "seconds": round(seconds_spent, 1),
        "images_seen": gan.generator_steps * recipe.batch_size,
        "sampled_from": "weight average" if recipe.ema_decay else "generator",
        "last_logs": {k: float(v[-1]) for k, v in history.history.items()},
    }
    files.write_json(os.path.join(output_dir, "train.json"), summary)
    return summary


def _worker_command(
    name, size, minutes, output_dir, seed, threads, snapshot_minutes=None
):
    return [
        sys.executable,
        "-m",
        "benchmarks.data_efficient",
        f"--worker={name}",
        f"--sizes={size}",
        f"--minutes={minutes}",
        f"--output={output_dir}",
        f"--seed={seed}",
        f"--threads={threads}",
    ] + (
        []
        if snapshot_minutes is None
        else [f"--snapshot_minutes={snapshot_minutes}"]
    )


def snapshot_marks(minutes, every):
    """Seconds of training at which a row snapshots its generator: every
    `every` minutes strictly within `minutes` (the end is always saved);
    none for `every=None`."""
    if not every:
        return []
    count = int(math.ceil(minutes / every - 1e-9))
    return [60.0 * every * i for i in range(1, count)]


def run_study(
    output_dir,
    sizes=SIZES,
    names=None,
    minutes=30.0,
    num_samples=10000,
    seed=0,
    threads=1,
    train=True,
    scorer=None,
    snapshot_minutes=None,
):
    """Trains the rows that are not done yet, scores them all, writes the
    results.

    Args:
        output_dir: Where everything goes (see the module docstring).
        sizes: Training-set sizes. Defaults to `(600, 6000)`.
        names: Recipes (keys of `RECIPES`). Defaults to `None`: all.
        minutes: Training minutes of each row. Defaults to `30.0`.
        num_samples: Generated (and real floor) images scored. Defaults
            to `10000`.
        seed: Seed of the training runs and of the scored noise. Defaults
            to `0`.
        threads: TensorFlow threads per training process. Defaults to
            `1`.
        train: Whether to train missing rows; `False` scores what is
            there. Defaults to `True`.
        snapshot_minutes: Snapshot each row's generator every this many
            minutes of training, and score each snapshot's FD (the row's
            `curve`). Defaults to `None`: the end only.
        scorer: The scorer. Defaults to `None`:
            `scoring.make_scorer("fashion_mnist")`, made only when a row
            or the floor has no saved figures yet.

    Returns:
        The results dict (also in `results.json`).
    """
    output_dir = os.path.abspath(output_dir)
    names = list(names or RECIPES)
    for name in names:
        if name not in RECIPES:
            raise ValueError(
                "Invalid value for argument `names`. Expected recipes among "
                f"{sorted(RECIPES)}. Received: {name!r}"
            )
    started = harness.timestamp()
    trained_now = []
    for size in sizes:
        pending = [
            name
            for name in names
            if not _row_trained(row_dir(output_dir, size, name))
        ]
        if not (train and pending):
            continue
        folders = [row_dir(output_dir, size, name) for name in pending]
        for folder in folders:
            os.makedirs(folder, exist_ok=True)
        harness.run_all(
            [
                _worker_command(
                    name,
                    size,
                    minutes,
                    folder,
                    seed,
                    threads,
                    snapshot_minutes,
                )  # fmt: skip
                for name, folder in zip(pending, folders)
            ],
            [os.path.join(folder, "train.log") for folder in folders],
            parallel=len(pending),
            threads=threads,
        )
        trained_now += [f"{size}_{name}" for name in pending]
    made = [scorer]

    def get_scorer():
        if made[0] is None:
            made[0] = scoring.make_scorer("fashion_mnist")
        return made[0]

    results = {
        "started": started,
        "minutes": minutes,
        "threads": threads,
        "seed": seed,
        "num_samples": num_samples,
        "trained_now": trained_now,
        "scorer": None,
        "floor": None,
        "rows": [],
    }
    for size in sizes:
        for name in names:
            folder = row_dir(output_dir, size, name)
            if not _row_trained(folder):
                continue
            report = _score_row(folder, get_scorer, num_samples, seed)
            results["scorer"] = report["scorer"]
            picture = os.path.join(
                output_dir, f"samples_{size}_{name.replace('+', '-')}.png"
            )
            plots.save_png(
                plots.tile_images(np.asarray(report.pop("samples"))),
                picture,
                scale=2,
            )
            results["rows"].append(
                {
                    "size": size,
                    "recipe": name,
                    "baseline": baseline_of(name),
                    "figures": report["model"],
                    "curve": report.get("curve", []),
                    "training": files.read_json(
                        os.path.join(folder, "train.json")
                    ),
                    "samples_png": picture,
                }
            )
    if results["rows"]:
        results["floor"] = _floor(output_dir, get_scorer, num_samples, seed)
    add_fd_changes(results["rows"])
    results["finished"] = harness.timestamp()
    harness.write_results(output_dir, results, format_results(results))
    return results


def _score_row(folder, get_scorer, num_samples, seed):
    """The row's figures (`score.json`, computed unless it holds these
    samples' figures) and 64 samples for its picture."""
    path = os.path.join(folder, "score.json")
    generator = keras.models.load_model(os.path.join(folder, "generator.keras"))
    sampler = scoring.ModelSampler(generator)
    report = files.read_json(path) if os.path.exists(path) else None
    if report is None or (report["num_samples"], report["seed"]) != (
        num_samples,
        seed,
    ):
        report = scoring.score(
            sampler, get_scorer(), num_samples, seed=seed, floor=False
        )
        files.write_json(path, report)
    if "curve" not in report:
        report["curve"] = snapshot_curve(folder, get_scorer, num_samples, seed)
        files.write_json(path, report)
    report["samples"] = sampler.sample(64, seed=seed)
    return report


def snapshot_curve(folder, get_scorer, num_samples, seed=0):
    """The FD of each snapshot a row saved (`benchmarks.time_to_quality`'s
    `frechet_distance`: the scored noise of `scoring.score`), as dicts of
    `minutes` (of training), `steps` and `frechet_distance`; empty for a
    row without snapshots."""
    directory = os.path.join(folder, SNAPSHOT_DIR)
    found = harness.read_snapshots(directory)
    if not found:
        return []
    generator = keras.models.load_model(os.path.join(folder, "generator.keras"))
    curve = []
    for entry in found:
        generator.load_weights(os.path.join(directory, entry["path"]))
        curve.append(
            {
                "minutes": round(entry["seconds"] / 60, 2),
                "steps": entry["steps"],
                "frechet_distance": time_to_quality.frechet_distance(
                    generator, get_scorer(), num_samples, seed
                ),
            }
        )
    return curve


def _floor(output_dir, get_scorer, num_samples, seed):
    # As many real training images as samples, against the test split;
    # kept in floor.json like a row's score.
    path = os.path.join(output_dir, "floor.json")
    if os.path.exists(path):
        saved = files.read_json(path)
        if (saved["num_samples"], saved["seed"]) == (num_samples, seed):
            return saved["figures"]
    figures = {
        key: value if isinstance(value, int) else float(value)
        for key, value in get_scorer().floor(num_samples, seed).items()
    }
    files.write_json(
        path, {"num_samples": num_samples, "seed": seed, "figures": figures}
    )
    return figures


def add_fd_changes(rows):
    """Sets each row's `fd_change`: the relative change of its Frechet
    distance against its baseline's at the same size, `(FD - FD_base) /
    FD_base` (-0.3: 30% lower), or `None` without a baseline row.

    Args:
        rows: Row dicts with `size`, `recipe`, `baseline` and `figures`.

    Returns:
        `rows`, changed in place.
    """
    fd = {
        (row["size"], row["recipe"]): row["figures"]["frechet_distance"]
        for row in rows
    }
    for row in rows:
        base = fd.get((row["size"], row["baseline"]))
        row["fd_change"] = (
            None
            if base is None
            else (row["figures"]["frechet_distance"] - base) / base
        )
    return rows


def format_results(results):
    """The Markdown table of `run_study` results: a row per size and
    recipe, then the real floor."""
    lines = [
        "| images | recipe | FD | KID | precision | recall | steps | FD vs "
        "no augmentation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["rows"]:
        cells = [harness.format_value(row["figures"].get(f)) for f in FIGURES]
        change = row.get("fd_change")
        lines.append(
            f"| {row['size']} | {row['recipe']} | "
            + " | ".join(cells)
            + f" | {row['training']['steps']} | "
            + ("-" if change is None else f"{100 * change:+.1f}%")
            + " |"
        )
    floor = results.get("floor")
    if floor:
        cells = [harness.format_value(floor.get(f)) for f in FIGURES]
        lines.append(
            f"| real floor ({results['num_samples']} training images) | | "
            + " | ".join(cells)
            + " | | |"
        )
    curves = [row for row in results["rows"] if row.get("curve")]
    if curves:
        lines += [
            "",
            "FD of each row's snapshots (minutes of training: FD):",
            "",
        ]
        for row in curves:
            points = ", ".join(
                f"{point['minutes']:g}: {point['frechet_distance']:.2f}"
                for point in row["curve"]
            )
            lines.append(f"- {row['size']} {row['recipe']}: {points}")
    return "\n".join(lines)


# -- Command line --


def _define_flags():
    flags.DEFINE_list(
        "sizes", [str(s) for s in SIZES], "Training-set sizes (images)."
    )
    flags.DEFINE_list(
        "recipes", list(RECIPES), f"Rows to run, among {list(RECIPES)}."
    )
    flags.DEFINE_float("minutes", 30.0, "Training minutes of each row.")
    flags.DEFINE_string("output", "runs/data_efficient", "Output folder.")
    flags.DEFINE_integer("num_samples", 10000, "Images scored per row.")
    flags.DEFINE_integer("seed", 0, "Seed of the runs and scored noise.")
    flags.DEFINE_integer("threads", 1, "TensorFlow threads per row.")
    flags.DEFINE_bool("train", True, "Train missing rows (else score only).")
    flags.DEFINE_float(
        "snapshot_minutes",
        None,
        "Snapshot each row's generator every this many training minutes "
        "and score each snapshot's FD.",
    )
    flags.DEFINE_enum(
        "worker",
        None,
        list(RECIPES),
        "Internal: train this recipe at --sizes (one) into --output.",
    )
    return flags.FLAGS


def main(argv):
    """The command line: the study, or one row's worker (`--worker`)."""
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    flags = _FLAGS
    try:
        sizes = [int(size) for size in flags.sizes]
    except ValueError:
        raise app.UsageError(
            f"Expected integer --sizes. Received: {','.join(flags.sizes)}"
        ) from None
    if flags.worker:
        harness.limit_threads(flags.threads)
        images, _ = training_images(sizes[0])
        summary = train_row(
            flags.worker,
            images,
            flags.minutes * 60,
            flags.output,
            seed=flags.seed,
            marks=snapshot_marks(flags.minutes, flags.snapshot_minutes),
        )
        print(json.dumps(summary))
        return
    results = run_study(
        flags.output,
        sizes=sizes,
        names=flags.recipes,
        minutes=flags.minutes,
        num_samples=flags.num_samples,
        seed=flags.seed,
        threads=flags.threads,
        train=flags.train,
        snapshot_minutes=flags.snapshot_minutes,
    )
    harness.print_results(format_results(results), flags.output)


if __name__ == "__main__":
    _FLAGS = _define_flags()
    app.run(main)
