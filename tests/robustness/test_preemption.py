"""Preemption and concurrent runs, with real bin/train processes.

- SIGTERM or SIGINT while training: the step in flight finishes, a
  checkpoint of it is written, one line says so, bin/train exits 4; the
  rerun resumes from exactly that step.
- Two workers of `--strategy=multi_worker`, the signal sent to one only:
  both stop after the same step, and the chief's checkpoint holds it.
- A second bin/train on a workdir a live run trains: exit 5 at once,
  naming the other process; nothing of the live run disturbed.
"""

import json
import os
import signal
import socket
import time

import pytest

from keras_gan import checkpoints

pytestmark = pytest.mark.slow

# A hang guard, not a timing assertion: a run that has not started or
# stopped by then is broken.
_GUARD_S = 240


def _ring_args(workdir, steps=100_000, **extra):
    args = {
        "dataset": "ring",
        "hidden_units": 8,
        "latent_dim": 3,
        "batch_size": 16,
        "steps": steps,
        "steps_per_epoch": 500,
        "log_every_n_steps": 1,
        "verbose": 0,
        "workdir": workdir,
        **extra,
    }
    return [f"--{name}={value}" for name, value in args.items()]


def _logged_steps(workdir):
    path = workdir / "metrics.csv"
    if not path.exists():
        return []
    lines = path.read_text().splitlines()[1:]
    return [int(line.split(",")[0]) for line in lines if line]


def _wait_for_training(process, workdir, log, min_steps=20):
    deadline = time.monotonic() + _GUARD_S
    while len(_logged_steps(workdir)) < min_steps:
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "never started training"
        time.sleep(0.1)


def _checkpoint_steps(workdir):
    manager = checkpoints.CheckpointManager(workdir / "checkpoints")
    return [step for step, _ in manager.checkpoints()]


def _preempted_lines(text):
    return [line for line in text.splitlines() if "Preempted by" in line]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_checkpoints_the_step_in_flight_and_the_rerun_resumes_it(
    start_script_with, run_script, tmp_path, signum
):
    workdir = tmp_path / "run"
    log = tmp_path / "train.log"
    process = start_script_with("train", *_ring_args(workdir), log=log)
    try:
        _wait_for_training(process, workdir, log)
        seen = max(_logged_steps(workdir))
        process.send_signal(signum)
        process.wait(timeout=_GUARD_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text()
    assert process.returncode == 4, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    (line,) = _preempted_lines(output)
    name = signal.Signals(signum).name
    step = int(line.split(" at step ")[1].split(":")[0])
    assert f"Preempted by {name} at step {step}" in line
    assert "rerun the same command" in line
    # No step lost: the checkpoint holds every step that was logged.
    assert step >= seen
    assert _checkpoint_steps(workdir)[-1] == step
    assert max(_logged_steps(workdir)) == step
    state = checkpoints.read_state(
        workdir / "checkpoints" / checkpoints.checkpoint_name(step)
    )
    assert state["step"] == step and state.get("stop_reason") is None

    rerun = run_script("train", *_ring_args(workdir, steps=step + 10))
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"resumed from step {step}" in rerun.stdout
    assert "Trained 10 steps" in rerun.stdout
    assert _checkpoint_steps(workdir)[-1] == step + 10


def test_a_second_run_on_a_live_workdir_exits_at_once_naming_the_first(
    start_script_with, run_script, tmp_path
):
    workdir = tmp_path / "run"
    log = tmp_path / "train.log"
    first = start_script_with("train", *_ring_args(workdir), log=log)
    try:
        _wait_for_training(first, workdir, log)
        config_before = (workdir / "config.json").read_bytes()
        second = run_script("train", *_ring_args(workdir))
        assert first.poll() is None  # undisturbed
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=_GUARD_S)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert second.returncode == 5, second.stderr[-3000:]
    errors = [line for line in second.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "Traceback" not in second.stderr
    assert f"in use by another run: pid {first.pid} on host " in errors[0]
    assert (workdir / "config.json").read_bytes() == config_before
    # The first one went on and stopped as usual.
    assert first.returncode == 4, log.read_text()[-3000:]


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def test_multi_worker_signal_to_one_worker_stops_both_at_one_step(
    start_script_with, tmp_path
):
    workdir = tmp_path / "run"
    cluster = {"worker": [f"127.0.0.1:{port}" for port in _free_ports(2)]}
    workers, logs = [], []
    try:
        for index in range(2):
            config = {
                "cluster": cluster,
                "task": {"type": "worker", "index": index},
            }
            logs.append(tmp_path / f"worker_{index}.log")
            workers.append(
                start_script_with(
                    "train",
                    *_ring_args(workdir, strategy="multi_worker"),
                    log=logs[-1],
                    env={
                        "TF_CONFIG": json.dumps(config),
                        "CUDA_VISIBLE_DEVICES": "",
                    },
                )
            )
        _wait_for_training(workers[0], workdir, logs[0])
        # The worker that does not write is preempted, the chief is not.
        workers[1].send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=_GUARD_S)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    outputs = [log.read_text() for log in logs]
    for worker, output in zip(workers, outputs):
        assert worker.returncode == 4, output[-3000:]
    (chief_line,) = _preempted_lines(outputs[0])
    (other_line,) = _preempted_lines(outputs[1])
    step = int(chief_line.split(" at step ")[1].split(":")[0])
    assert f"at step {step}:" in other_line
    assert "SIGTERM" in other_line
    assert _checkpoint_steps(workdir)[-1] == step
    assert max(_logged_steps(workdir)) == step
    assert os.path.isdir(workdir / "checkpoints")
