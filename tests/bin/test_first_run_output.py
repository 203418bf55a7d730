"""What a newcomer sees: the main job's output on its first run, with a
fresh TFDS data dir, holds our lines, the progress and the summary, and
none of TensorFlow's or TFDS's start-up chatter."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from keras_gan import plots
from tests.bin.conftest import BIN, ROOT

CHATTER = [
    "oneDNN custom operations",
    "cpu_feature_guard",
    "rebuild TensorFlow",
    "absl::InitializeLog",
    "Variant folder",
    "dataset_info.json",
    "Downloading and preparing",
    "downloaded and prepared",
    "Dl Completed",
    "Dl Size",
    "Extraction completed",
    "Generating splits",
    "Shuffling",
    "MiB/s",
    "remapper failed",
]
# A C++ log line: "I0000 00:00:1796120104.936835    9070 port.cc:153] ...".
CPP_LOG_LINE = re.compile(r"^[IWE]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+\] ", re.M)


@pytest.mark.slow
def test_the_first_main_job_shows_only_what_matters(tmp_path):
    if not os.path.isdir("/usr/share/datasets/fashion-mnist"):
        pytest.fail("apt-get install -y dataset-fashion-mnist (bin/setup)")
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "TF_CPP_MIN_LOG_LEVEL"  # as a newcomer's shell has it
    }
    env["PYTHONPATH"] = os.fspath(ROOT)
    data_dir = tmp_path / "tfds"  # fresh: Fashion-MNIST is prepared
    workdir = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable,
            os.fspath(BIN / "train"),
            f"--flagfile={ROOT / 'configs' / 'fashion_mnist_dcgan.flags'}",
            f"--workdir={workdir}",
            f"--data_dir={data_dir}",
            "--base_filters=4",
            "--latent_dim=8",
            "--batch_size=32",
            "--steps=4",
            "--steps_per_epoch=2",
            "--max_train_minutes=10",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    for chatter in CHATTER:
        assert chatter not in output, chatter
    assert not CPP_LOG_LINE.search(output), CPP_LOG_LINE.search(output)
    assert "\r" not in output  # no redrawn bars off a terminal

    # Our lines: what the preparation does, once, and how long it took.
    assert (
        "Preparing Fashion-MNIST from the Debian package files "
        "(dataset-fashion-mnist) in /usr/share/datasets/fashion-mnist, "
        f"once, into {data_dir}/fashion_mnist/" in done.stdout
    )
    assert re.search(
        r"Prepared Fashion-MNIST in \d+ s; later runs read", output
    )
    # The progress (a line per epoch off a terminal) and the summary.
    assert "Epoch 2/2" in done.stdout and "ms/step" in done.stdout
    assert "d_real:" in done.stdout and "g_loss:" in done.stdout
    assert "Trained 4 steps" in done.stdout
    assert "Stopped: reached the budget of 4 steps." in done.stdout
    assert str(workdir / "export") in done.stdout
    assert done.stderr == ""  # nothing went wrong, so nothing to warn of

    # The sample grid: 8 x 8 samples of 28 x 28, large enough to look at.
    grid = np.asarray(
        Image.open(workdir / "samples" / "samples_epoch_0002.png")
    )
    assert grid.shape[1] == 2 * (8 * 29 - 1) >= plots.MIN_WIDTH
