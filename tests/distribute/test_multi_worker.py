"""Two worker processes train one GAN; its checkpoint resumes on one device.

The workers (multi_worker_scenario.py) talk over 127.0.0.1 only, on ports
picked free by the test, under a time limit. With one CPU replica each they
are 2 replicas in sync, and since a step is the same computation on any
replica count, they must also agree with a single-device run, and the
chief's checkpoint must go on training on one device exactly as the
workers did.
"""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from tests.float32 import reordering_tolerance

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))
_SCRIPT = os.path.join(_HERE, "multi_worker_scenario.py")
_TIMEOUT_S = 300

pytestmark = pytest.mark.slow
# Longest sum: a dense kernel's gradient over the global batch of 8 (or a
# fan-in of 8). Chain: the generator's 2 dense layers and the
# discriminator's 2, back through all 4, and R1's input gradient through
# the discriminator twice more (12). Updates: 4 generator steps of k = 2
# discriminator updates and one generator update.
_TOL = reordering_tolerance(terms=8, reductions=12, updates=12)


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _env(**extra):
    return dict(os.environ, PYTHONPATH=_ROOT, CUDA_VISIBLE_DEVICES="", **extra)


def _run_workers(out_dir):
    ports = _free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    processes, logs = [], []
    try:
        for index in range(2):
            config = {
                "cluster": cluster,
                "task": {"type": "worker", "index": index},
            }
            # Output goes to files: a full pipe would block a worker, and
            # with it the collective ops of the other.
            logs.append(out_dir / f"worker_{index}.log")
            with open(logs[-1], "w") as log:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, _SCRIPT, "worker", str(out_dir)],
                        env=_env(TF_CONFIG=json.dumps(config)),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        for process, log in zip(processes, logs):
            returncode = process.wait(timeout=_TIMEOUT_S)
            assert returncode == 0, log.read_text()[-4000:]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def _load(path):
    with np.load(path) as data:
        weights = [data[f"arr_{i}"] for i in range(8)]
        extra = {k: data[k] for k in data.files if not k.startswith("arr_")}
    return weights, extra


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("multi_worker")
    _run_workers(out_dir)
    completed = subprocess.run(
        [sys.executable, _SCRIPT, "single", str(out_dir)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return out_dir


def test_workers_end_with_identical_weights_equal_to_one_device(out_dir):
    (w0, info0), (w1, info1) = (
        _load(out_dir / f"worker_{i}.npz") for i in range(2)
    )
    single, single_info = _load(out_dir / "single.npz")
    assert int(info0["replicas"]) == int(info1["replicas"]) == 2
    assert int(info0["generator_steps"]) == 4
    for x, y, z in zip(w0, w1, single):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_allclose(x, z, rtol=_TOL, atol=_TOL)
    # The logged loss is the global batch's, the same on every worker.
    assert float(info0["d_loss"]) == pytest.approx(float(info1["d_loss"]))
    assert float(info0["d_loss"]) == pytest.approx(
        float(single_info["d_loss"]), rel=_TOL, abs=_TOL
    )


def test_only_the_chief_writes_the_checkpoint(out_dir):
    assert bool(_load(out_dir / "worker_0.npz")[1]["is_chief"])
    assert not bool(_load(out_dir / "worker_1.npz")[1]["is_chief"])
    assert sorted(p.name for p in out_dir.glob("*.keras")) == ["gan.keras"]


def test_checkpoint_resumes_on_one_device_as_the_workers_went_on(out_dir):
    resumed, info = _load(out_dir / "resumed.npz")
    workers, _ = _load(out_dir / "worker_0.npz")
    assert int(info["steps_at_load"]) == 3
    assert int(info["generator_steps"]) == 4
    for x, y in zip(resumed, workers):
        np.testing.assert_allclose(x, y, rtol=_TOL, atol=_TOL)
