"""One run per workdir: an advisory lock that dies with its process.

`WorkdirLock` holds `fcntl.flock` on `WORKDIR/.lock` while a run trains.
A second run on the same workdir fails at once with `WorkdirLockedError`,
which names the process holding it (pid, host, start time, as that
process wrote them into the file). The kernel drops the lock when its
holder exits in any way, SIGKILL included, so a lock left by a dead run
never blocks the rerun: there is no stale lock to clean up. The file
is removed on release (a killed run leaves it, unlocked, for the next
run to take and remove), and so is the workdir when the lock made it and
nothing else was written into it: a run that fails before writing leaves
nothing. A run that takes the lock checks that the file it locked is
still the one under the name, so removing it races with no one.

`flock` is advisory: it stops other keras_gan runs, not other programs.
On NFS, Linux carries `flock` over as a POSIX lock (kernels 2.6.12 and
later), so runs on different hosts exclude each other too.
"""

import contextlib
import datetime
import fcntl
import json
import os
import socket

from keras_gan import files

__all__ = ["LOCK_NAME", "WorkdirLock", "WorkdirLockedError"]

LOCK_NAME = ".lock"


class WorkdirLockedError(RuntimeError):
    """Another live process is training in the same workdir.

    Attributes:
        workdir: The workdir.
        holder: What the holder wrote into the lock file: a dict with
            `pid`, `host` and `started` (empty when it could not be read).
    """

    def __init__(self, message, workdir, holder):
        super().__init__(message)
        self.workdir = workdir
        self.holder = holder


class WorkdirLock:
    """An exclusive lock on a workdir, for as long as a run trains in it.

    ```python
    with WorkdirLock(workdir):
        ...  # train; no other run can hold `workdir` meanwhile
    ```

    Args:
        workdir: The run's directory; created if needed.
    """

    def __init__(self, workdir):
        self.workdir = os.path.abspath(os.fspath(workdir))
        self.path = os.path.join(self.workdir, LOCK_NAME)
        self._fd = None
        self._created = False

    def acquire(self):
        """Takes the lock, or raises `WorkdirLockedError` at once.

        Raises:
            WorkdirLockedError: when another process holds it, naming that
                process.
            keras_gan.files.WriteError: when the lock file cannot be made.
        """
        if self._fd is not None:
            raise RuntimeError(f"The lock on {self.workdir} is held already.")
        self._created = not os.path.isdir(self.workdir)
        while True:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read_holder(fd)
                os.close(fd)
                raise WorkdirLockedError(
                    f"Workdir {self.workdir} is in use by another run: "
                    f"{_describe(holder)}. One run trains a workdir at a "
                    "time: wait for it to finish (or stop it), or choose "
                    "another `workdir`.",
                    self.workdir,
                    holder,
                ) from None
            if _same_file(fd, self.path):
                break
            # Its holder removed it between our open and our flock.
            os.close(fd)
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.datetime.now(datetime.timezone.utc)
            .replace(microsecond=0)
            .isoformat(),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)
        self._fd = fd
        return self

    def release(self):
        """Releases the lock (the kernel does it anyway at exit) and
        removes its file, and the workdir if the lock made it and it is
        otherwise empty."""
        if self._fd is None:
            return
        # Removed while still locked: a run that opened it meanwhile sees
        # that it is gone once it holds it, and tries again.
        with contextlib.suppress(OSError):
            os.remove(self.path)
        os.close(self._fd)  # closing drops the flock
        self._fd = None
        if self._created:
            with contextlib.suppress(OSError):
                os.rmdir(self.workdir)  # only if empty

    def _open(self):
        try:
            os.makedirs(self.workdir, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise files.WriteError(
                f"Could not create the workdir lock {self.path}: {error}",
                self.path,
            ) from error

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()


def _same_file(fd, path):
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    there = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _read_holder(fd):
    try:
        return json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return {}


def _describe(holder):
    if not holder:
        return "a process that has not yet written its name"
    return (
        f"pid {holder.get('pid')} on host {holder.get('host')}, started "
        f"{holder.get('started')}"
    )
