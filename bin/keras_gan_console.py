"""What the bin/ scripts show: their own lines, the Keras progress bar,
warnings and errors, without TensorFlow's start-up chatter; and the
Keras backend they run on (`choose_backend`).

Every script calls `quiet_tensorflow_import()` before anything imports
TensorFlow, and `show_logs()` once its flags are parsed:

- TensorFlow's C++ logs below ERROR are hidden by default
  (`TF_CPP_MIN_LOG_LEVEL=3`: FATAL messages still print, and a C++ error
  that stops a run reaches Python as an exception with its message). The
  lines TensorFlow 2.21 prints while it is imported (oneDNN's
  "custom operations are on", absl's "All log messages before
  absl::InitializeLog()"), which ignore that variable, are taken out of
  what `import tensorflow` writes to stderr; everything else it writes is
  passed on.
- absl's Python logs (TensorFlow's and TFDS's) show from WARNING up.
- The package's own log records (`logging.getLogger("keras_gan")`, e.g.
  the one-time Fashion-MNIST preparation) print as plain lines: INFO on
  stdout, WARNING and up on stderr.

Asking for more wins: `--verbosity=N` on the command line (absl's flag)
leaves TensorFlow's C++ logs as TensorFlow sets them and absl's Python
logs at that level (`--verbosity=1`, debug, also brings back TFDS's own
progress bars while Fashion-MNIST is prepared); `TF_CPP_MIN_LOG_LEVEL`
set in the environment is obeyed, the start-up lines included (0 shows
them all).

Keras fixes its backend when it is first imported, from
`KERAS_BACKEND`: `choose_backend()`, called before anything imports
Keras, reads `--backend` from the command line and from the
`--flagfile`s it names (expanded as absl expands them, so the last
setting wins, as it does when the flags are parsed), else takes
`KERAS_BACKEND`, else `"tensorflow"`, and sets `KERAS_BACKEND` to it;
the `--backend` flag's default is then that backend, so `config.json`
records the backend the run used.

This module sits beside the scripts rather than in the package because
it must run before TensorFlow is imported, and `import keras_gan` imports
Keras and TensorFlow; it is also the command line's policy, which the
library leaves to its callers.
"""

import importlib.util
import logging
import os
import re
import sys
import tempfile

LOG_LEVEL_ENV = "TF_CPP_MIN_LOG_LEVEL"
QUIET_LOG_LEVEL = 3  # C++ FATAL only

# A C++ log line, from TensorFlow's own logger or absl's:
# "I0000 00:00:1796120104.936835    9070 port.cc:153] oneDNN custom...".
_CPP_LOG_LINE = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+\] ")
_CPP_SEVERITIES = "IWEF"  # the values of TF_CPP_MIN_LOG_LEVEL, in order
_ABSL_PREINIT_LINE = (
    "WARNING: All log messages before absl::InitializeLog() is called are "
    "written to STDERR"
)


def verbosity_requested(argv=None):
    """Whether the command line sets absl's `--verbosity` (or `-v`).

    Args:
        argv: The command line. Defaults to `None`: `sys.argv`.

    Returns:
        `True` when an argument is `--verbosity`, `-v` or one of them
        with `=value`.
    """
    argv = sys.argv if argv is None else argv
    return any(re.fullmatch(r"--?(verbosity|v)(=.*)?", arg) for arg in argv[1:])


def cpp_log_level(argv=None, environ=None):
    """The least C++ log severity to show: 0 info ... 3 fatal only.

    The user's `TF_CPP_MIN_LOG_LEVEL` when set (a value that is not a
    number counts as 0, as TensorFlow reads it), else 0 with
    `--verbosity`, else `QUIET_LOG_LEVEL`.

    Args:
        argv: The command line. Defaults to `None`: `sys.argv`.
        environ: The environment. Defaults to `None`: `os.environ`.

    Returns:
        An int in 0..3.
    """
    environ = os.environ if environ is None else environ
    if LOG_LEVEL_ENV in environ:
        try:
            return min(max(int(environ[LOG_LEVEL_ENV]), 0), 3)
        except ValueError:
            return 0
    return 0 if verbosity_requested(argv) else QUIET_LOG_LEVEL


def without_startup_chatter(text, level):
    """Drops from `text` the C++ log lines below severity `level`, and
    absl's note that early logs go to stderr when `level` hides any.

    Args:
        text: What was written to stderr.
        level: The least severity kept (0 keeps everything).

    Returns:
        `text` without those lines.
    """
    if level <= 0:
        return text
    kept = []
    for line in text.splitlines(keepends=True):
        if line.rstrip("\r\n") == _ABSL_PREINIT_LINE:
            continue
        match = _CPP_LOG_LINE.match(line)
        if match and _CPP_SEVERITIES.index(match.group(1)) < level:
            continue
        kept.append(line)
    return "".join(kept)


def quiet_tensorflow_import(argv=None):
    """Imports TensorFlow without its start-up chatter (module docstring).

    Sets `TF_CPP_MIN_LOG_LEVEL` when the user did not (and did not pass
    `--verbosity`), then imports TensorFlow with the process's stderr
    (file descriptor 2, which C++ writes to) sent to a temporary file,
    and writes what came there back to stderr without the lines below
    the chosen level. Does nothing once TensorFlow is imported: what the
    process chose then stands.

    Args:
        argv: The command line. Defaults to `None`: `sys.argv`.
    """
    if "tensorflow" in sys.modules:
        return
    level = cpp_log_level(argv)
    if LOG_LEVEL_ENV not in os.environ and level > 0:
        os.environ[LOG_LEVEL_ENV] = str(level)
    if level <= 0:
        import tensorflow  # noqa: F401

        return
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr to redirect
        import tensorflow  # noqa: F401

        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", errors="replace")
            sys.stderr.write(without_startup_chatter(text, level))
            sys.stderr.flush()


BACKEND_ENV = "KERAS_BACKEND"
DEFAULT_BACKEND = "tensorflow"
# Each backend keras_gan trains on (`TrainConfig.backend`'s choices), and
# the package it needs: keras_gan's extra of the same name installs it.
BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


class BackendError(ValueError):
    """A backend that is unknown or whose package is not installed."""


def backend_flag(argv=None):
    """The `--backend` the command line sets, or `None`.

    `--flagfile`s are expanded where they stand, nested ones too (absl's
    own expansion); of several settings the last wins; nothing after
    `--` counts. A flagfile that cannot be read is left to the flag
    parser to report: this returns what the rest of the line sets.

    Args:
        argv: The command line. Defaults to `None`: `sys.argv`.

    Returns:
        The value of the last `--backend=NAME` (or `--backend NAME`,
        `-backend=NAME`), or `None`.
    """
    from absl import flags

    argv = sys.argv if argv is None else argv
    args = list(argv[1:])
    try:
        args = flags.FlagValues().read_flags_from_files(args, force_gnu=True)
    except (flags.Error, OSError):
        args = [a for a in args if not re.match(r"--?flagfile(=|$)", a)]
    value = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        match = re.fullmatch(r"--?backend(?:=(.*))?", arg)
        if match is None:
            continue
        if match.group(1) is not None:
            value = match.group(1)
        elif index + 1 < len(args):
            value = args[index + 1]
    return value


def choose_backend(argv=None, environ=None):
    """Chooses the Keras backend and sets `KERAS_BACKEND` to it.

    Call it before anything imports Keras (module docstring).

    Args:
        argv: The command line. Defaults to `None`: `sys.argv`.
        environ: The environment. Defaults to `None`: `os.environ`.

    Returns:
        The backend's name, a key of `BACKEND_PACKAGES`.

    Raises:
        BackendError: for a backend that is not one of
            `BACKEND_PACKAGES`, or whose package is not installed.
    """
    environ = os.environ if environ is None else environ
    choices = list(BACKEND_PACKAGES)
    name = backend_flag(argv)
    if name is not None:
        source = f"--backend={name}"
    elif environ.get(BACKEND_ENV):
        name = environ[BACKEND_ENV]
        source = f"{BACKEND_ENV}={name}"
    else:
        name, source = DEFAULT_BACKEND, None
    if name not in BACKEND_PACKAGES:
        raise BackendError(
            f"Invalid value for `backend`. Expected one of {choices}. "
            f"Received: {source}"
        )
    package = BACKEND_PACKAGES[name]
    if importlib.util.find_spec(package) is None:
        raise BackendError(
            f"The {name} backend needs the {package} package, which is not "
            f"installed: pip install {package} (in a keras_gan checkout: "
            f"pip install -e '.[{name}]'), or choose another --backend "
            f"among {choices}."
        )
    environ[BACKEND_ENV] = name
    return name


class _Below(logging.Filter):
    def __init__(self, level):
        super().__init__()
        self.level = level

    def filter(self, record):
        return record.levelno < self.level


def show_logs():
    """Shows absl's logs from WARNING up unless `--verbosity` was given,
    and the package's own log records as plain lines.

    Call it once the flags are parsed (in `main`).
    """
    from absl import flags
    from absl import logging as absl_logging

    if not flags.FLAGS["verbosity"].present:
        absl_logging.set_verbosity(absl_logging.WARNING)
    logger = logging.getLogger("keras_gan")
    ours = [h for h in logger.handlers if hasattr(h, "_keras_gan_console")]
    if not ours:
        info = logging.StreamHandler(sys.stdout)
        info.addFilter(_Below(logging.WARNING))
        info.setFormatter(logging.Formatter("%(message)s"))
        warning = logging.StreamHandler(sys.stderr)
        warning.setLevel(logging.WARNING)
        warning.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        for handler in (info, warning):
            handler._keras_gan_console = True
            logger.addHandler(handler)
    # Our records print here, not again through absl's handler.
    logger.propagate = False
    debug = absl_logging.get_verbosity() >= absl_logging.DEBUG
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
