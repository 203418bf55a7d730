"""bin/keras_gan_console.py: TensorFlow's start-up chatter is taken out,
everything else is passed on, and asking for the chatter brings it back."""

import os
import subprocess
import sys
import textwrap

import pytest

from tests.bin.conftest import BIN

PREINIT = (
    "WARNING: All log messages before absl::InitializeLog() is called are "
    "written to STDERR"
)
INFO = (
    "I0000 00:00:1796120104.936835    9070 port.cc:153] oneDNN custom "
    "operations are on."
)
WARNING = "W1201 10:15:08.931288 140674783515328 dso_loader.cc:64] no libcuda"
ERROR = "E0000 00:00:1796120129.848965    9070 meta_optimizer.cc:967] failed"
FATAL = "F0000 00:00:1796120129.848965    9070 check.cc:1] Check failed"
OTHER = "UserWarning: a real warning written during the import"

# What TensorFlow 2.21 writes to file descriptor 2 while it is imported,
# and two lines that are not its chatter.
FAKE_TENSORFLOW = textwrap.dedent(
    f"""
    import os, sys
    for line in {[PREINIT, INFO, WARNING, ERROR, OTHER]!r}:
        os.write(2, (line + "\\n").encode())
    print("printed by Python to sys.stderr", file=sys.stderr)
    if os.environ.get("FAKE_TF_FAILS"):
        raise ImportError("libtensorflow.so: cannot open shared object")
    """
)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["bin/train"], False),
        (["bin/train", "--workdir=x", "--steps=5"], False),
        (["bin/train", "--verbosity=0"], True),
        (["bin/train", "--verbosity", "1"], True),
        (["bin/train", "-v=-1"], True),
        (["bin/train", "-v", "0"], True),
        (["bin/train", "--verbose=2"], False),
        (["--verbosity=0"], False),  # the program name is not a flag
    ],
)
def test_verbosity_requested(console, argv, expected):
    assert console.verbosity_requested(argv) is expected


@pytest.mark.parametrize(
    "argv, environ, level",
    [
        (["bin/train"], {}, 3),
        (["bin/train", "--verbosity=0"], {}, 0),
        (["bin/train"], {"TF_CPP_MIN_LOG_LEVEL": "1"}, 1),
        # The user's environment wins over --verbosity.
        (["bin/train", "--verbosity=0"], {"TF_CPP_MIN_LOG_LEVEL": "2"}, 2),
        (["bin/train"], {"TF_CPP_MIN_LOG_LEVEL": "9"}, 3),
        (["bin/train"], {"TF_CPP_MIN_LOG_LEVEL": "quiet"}, 0),
    ],
)
def test_cpp_log_level(console, argv, environ, level):
    assert console.cpp_log_level(argv, environ) == level


def test_without_startup_chatter_keeps_what_the_level_shows(console):
    text = "\n".join([PREINIT, INFO, WARNING, ERROR, FATAL, OTHER, ""])
    assert console.without_startup_chatter(text, 0) == text
    assert console.without_startup_chatter(text, 1).splitlines() == [
        WARNING,
        ERROR,
        FATAL,
        OTHER,
    ]
    assert console.without_startup_chatter(text, 3).splitlines() == [
        FATAL,
        OTHER,
    ]


def _import_fake_tensorflow(tmp_path, args=(), **environ):
    (tmp_path / "tensorflow").mkdir(exist_ok=True)
    (tmp_path / "tensorflow" / "__init__.py").write_text(FAKE_TENSORFLOW)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TF_CPP_MIN_LOG_LEVEL", "PYTHONPATH")
    }
    env.update(PYTHONPATH=f"{tmp_path}{os.pathsep}{BIN}", **environ)
    code = (
        "import os, sys, keras_gan_console; "
        "keras_gan_console.quiet_tensorflow_import(); "
        "print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_quiet_import_drops_the_chatter_and_passes_on_the_rest(tmp_path):
    done = _import_fake_tensorflow(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        OTHER,
        "printed by Python to sys.stderr",
    ]
    assert done.stdout.strip() == "3"  # inherited by TensorFlow's C++ code


def test_the_users_log_level_is_obeyed(tmp_path):
    done = _import_fake_tensorflow(tmp_path, TF_CPP_MIN_LOG_LEVEL="1")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        WARNING,
        ERROR,
        OTHER,
        "printed by Python to sys.stderr",
    ]
    assert done.stdout.strip() == "1"


def test_verbosity_brings_all_of_it_back(tmp_path):
    done = _import_fake_tensorflow(tmp_path, args=["--verbosity=0"])
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        PREINIT,
        INFO,
        WARNING,
        ERROR,
        OTHER,
        "printed by Python to sys.stderr",
    ]
    assert done.stdout.strip() == "None"  # TensorFlow's own default


def test_a_failed_import_still_shows_what_it_wrote(tmp_path):
    done = _import_fake_tensorflow(tmp_path, FAKE_TF_FAILS="1")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[:2] == [OTHER, "printed by Python to sys.stderr"]
    assert "ImportError: libtensorflow.so" in lines[-1]
    assert INFO not in done.stderr


def test_show_logs_prints_our_records_plainly(tmp_path):
    code = textwrap.dedent(
        """
        import logging, sys
        from absl import app, flags
        import keras_gan_console

        def main(argv):
            keras_gan_console.show_logs()
            keras_gan_console.show_logs()  # twice: still one line each
            log = logging.getLogger("keras_gan.data.fashion_mnist")
            log.info("Preparing Fashion-MNIST")
            log.debug("a debug detail")
            log.warning("a data problem")
            logging.getLogger("absl").info("TFDS chatter")

        app.run(main)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.fspath(BIN))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Preparing Fashion-MNIST\n"
    assert done.stderr == "WARNING: a data problem\n"
    debug = subprocess.run(
        [sys.executable, "-c", code, "--verbosity=1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert debug.stdout == "Preparing Fashion-MNIST\na debug detail\n"
    assert "TFDS chatter" in debug.stderr
