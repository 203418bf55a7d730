"""bin/keras_gan_console.py's `choose_backend`: the backend bin/train runs
on, read from the command line and its flagfiles before Keras is
imported, else from KERAS_BACKEND, else TensorFlow."""

import importlib.util

import pytest

from keras_gan.training.config import BACKENDS


def test_the_console_knows_the_configs_backends(console):
    assert tuple(console.BACKEND_PACKAGES) == BACKENDS


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], None),
        (["--workdir=x", "--steps=5"], None),
        (["--backend=jax"], "jax"),
        (["--backend", "torch"], "torch"),
        (["-backend=jax"], "jax"),
        (["--backend=jax", "--backend=torch"], "torch"),
        (["--backend=jax", "--", "--backend=torch"], "jax"),
        (["--backends=jax"], None),
    ],
)
def test_backend_flag_on_the_command_line(console, args, expected):
    assert console.backend_flag(["bin/train", *args]) == expected


def test_backend_flag_in_flagfiles_last_setting_wins(console, tmp_path):
    inner = tmp_path / "inner.flags"
    inner.write_text("# a comment\n--backend=torch\n")
    outer = tmp_path / "outer.flags"
    outer.write_text(f"--steps=5\n--flagfile={inner}\n")
    jax_file = tmp_path / "jax.flags"
    jax_file.write_text("--backend=jax\n")

    def flag(*args):
        return console.backend_flag(["bin/train", *args])

    assert flag(f"--flagfile={outer}") == "torch"  # nested
    assert flag("--flagfile", str(jax_file)) == "jax"
    # Flags after a flagfile override it, and a later flagfile wins.
    assert flag(f"--flagfile={outer}", "--backend=jax") == "jax"
    assert flag("--backend=jax", f"--flagfile={outer}") == "torch"
    assert flag(f"--flagfile={jax_file}", f"--flagfile={outer}") == "torch"
    # An unreadable flagfile is the flag parser's to report.
    missing = tmp_path / "missing.flags"
    assert flag(f"--flagfile={missing}", "--backend=jax") == "jax"
    assert flag(f"--flagfile={missing}") is None


@pytest.mark.parametrize(
    "args, environ, expected",
    [
        ([], {}, "tensorflow"),
        ([], {"KERAS_BACKEND": "jax"}, "jax"),
        ([], {"KERAS_BACKEND": ""}, "tensorflow"),
        (["--backend=torch"], {"KERAS_BACKEND": "jax"}, "torch"),
        (["--backend=tensorflow"], {"KERAS_BACKEND": "torch"}, "tensorflow"),
    ],
)
def test_choose_backend_sets_keras_backend(console, args, environ, expected):
    environ = dict(environ)
    assert console.choose_backend(["bin/train", *args], environ) == expected
    assert environ["KERAS_BACKEND"] == expected


@pytest.mark.parametrize(
    "args, environ, received",
    [
        (["--backend=numpy"], {}, "Received: --backend=numpy"),
        ([], {"KERAS_BACKEND": "mlx"}, "Received: KERAS_BACKEND=mlx"),
    ],
)
def test_an_unknown_backend_is_refused(console, args, environ, received):
    original, environ = environ, dict(environ)
    with pytest.raises(console.BackendError) as info:
        console.choose_backend(["bin/train", *args], environ)
    assert str(info.value) == (
        "Invalid value for `backend`. Expected one of ['tensorflow', "
        f"'jax', 'torch']. {received}"
    )
    assert environ == original


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_a_backend_whose_package_is_missing_is_one_line(
    console, monkeypatch, backend
):
    find_spec = importlib.util.find_spec

    def without_backend(name, *args, **kwargs):
        if name == backend:
            return None
        return find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", without_backend)
    environ = {}
    with pytest.raises(console.BackendError) as info:
        console.choose_backend(["bin/train", f"--backend={backend}"], environ)
    message = str(info.value)
    assert "\n" not in message
    assert f"needs the {backend} package, which is not installed" in message
    assert f"pip install {backend} " in message
    assert f"pip install -e '.[{backend}]'" in message
    assert environ == {}
