"""One run per workdir: `WorkdirLock`, held by real processes.

The bin/train level (a second run exits 5 naming the first) is in
test_preemption.py; SIGKILLed runs rerun through the lock in
test_random_kills.py.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from keras_gan.training import lock

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def test_a_held_workdir_refuses_a_second_holder_naming_the_first(tmp_path):
    with (
        lock.WorkdirLock(tmp_path / "run"),
        pytest.raises(lock.WorkdirLockedError) as info,
    ):
        lock.WorkdirLock(tmp_path / "run").acquire()
    message = str(info.value)
    assert f"pid {os.getpid()} on host " in message
    assert os.fspath(tmp_path / "run") in message
    assert info.value.holder["pid"] == os.getpid()


def test_a_released_lock_can_be_taken_again_and_leaves_nothing(tmp_path):
    held = lock.WorkdirLock(tmp_path).acquire()
    holder = json.loads((tmp_path / lock.LOCK_NAME).read_text())
    assert holder["pid"] == os.getpid()
    held.release()
    assert os.listdir(tmp_path) == []
    with lock.WorkdirLock(tmp_path):
        pass


def test_a_workdir_the_lock_made_is_removed_if_nothing_was_written(tmp_path):
    with lock.WorkdirLock(tmp_path / "empty"):
        assert (tmp_path / "empty").is_dir()
    assert not (tmp_path / "empty").exists()
    with lock.WorkdirLock(tmp_path / "used"):
        (tmp_path / "used" / "config.json").write_text("{}")
    assert os.listdir(tmp_path / "used") == ["config.json"]


def test_the_lock_of_a_killed_process_never_blocks(tmp_path):
    # A real holder, SIGKILLed while holding: no cleanup ran in it.
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {_ROOT!r})
        from keras_gan.training import lock
        lock.WorkdirLock({os.fspath(tmp_path)!r}).acquire()
        print("held", flush=True)
        time.sleep(600)
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(lock.WorkdirLockedError, match=str(holder.pid)):
            lock.WorkdirLock(tmp_path).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    assert holder.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10  # the kernel drops it at exit
    while True:
        try:
            lock.WorkdirLock(tmp_path).acquire().release()
            break
        except lock.WorkdirLockedError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
