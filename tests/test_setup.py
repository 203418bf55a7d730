"""Set-up on a stock machine: declared dependencies, the message without
TensorFlow, and the entry points running with the project's `.venv`."""

import ast
import importlib.metadata
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Our own top-level modules, bin/'s shared start-up, and test helpers
# imported by their file name.
LOCAL = {
    "keras_gan",
    "benchmarks",
    "keras_gan_console",
    "tests",
    "conftest",
    "_images",
}
# A module whose distribution has another name on some machines.
ALTERNATIVES = {"tensorflow": {"tensorflow", "tensorflow-cpu"}}


def _python_files():
    files = [
        *ROOT.glob("keras_gan/**/*.py"),
        *ROOT.glob("benchmarks/**/*.py"),
        *ROOT.glob("tests/**/*.py"),
    ]
    for path in (ROOT / "bin").iterdir():
        with open(path, "rb") as f:
            if f.readline().startswith(b"#!/usr/bin/env python"):
                files.append(path)
    return files


def _imported_top_level_modules():
    modules = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), os.fspath(path))):
            if isinstance(node, ast.Import):
                modules.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules - LOCAL - set(sys.stdlib_module_names)


def _normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared_distributions():
    text = (ROOT / "setup.py").read_text()
    requirements = re.findall(
        r'"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?[<>=!~]', text
    )
    return {_normalise(r) for r in requirements}


def test_setup_py_declares_every_imported_package():
    providers = importlib.metadata.packages_distributions()
    declared = _declared_distributions()
    missing = {}
    for module in sorted(_imported_top_level_modules()):
        distributions = {_normalise(d) for d in providers.get(module, [])}
        distributions |= ALTERNATIVES.get(module, set())
        if not distributions & declared:
            missing[module] = sorted(distributions) or ["(not installed)"]
    assert missing == {}


def test_import_without_tensorflow_names_the_package_to_install():
    code = (
        "import sys; sys.modules['tensorflow'] = None\n"
        "try:\n"
        "    import keras_gan\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.fspath(ROOT)},
    ).stdout
    assert out.startswith("ImportError keras_gan needs TensorFlow")
    assert "tensorflow-cpu" in out and "tensorflow[and-cuda]" in out


def _checkout_with_venv(tmp_path):
    """A copy of bin/ beside a `.venv/bin/python` that reports how it was
    called instead of running anything."""
    shutil.copytree(ROOT / "bin", tmp_path / "bin")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "venv python: $*"\n')
    python.chmod(0o755)
    return tmp_path


def test_python_entry_points_run_with_the_project_venv(tmp_path):
    checkout = _checkout_with_venv(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "KERAS_GAN_REEXEC"}
    for name in ("train", "evaluate", "generate", "export", "benchmark"):
        script = checkout / "bin" / name
        out = subprocess.run(
            [sys.executable, os.fspath(script), "--flag=1"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        assert out.strip() == f"venv python: {script} --flag=1"


def test_bin_test_runs_with_the_project_venv(tmp_path):
    checkout = _checkout_with_venv(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    out = subprocess.run(
        ["bash", os.fspath(checkout / "bin" / "test"), "-k", "x"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert out.splitlines() == [
        "venv python: -m ruff check .",
        "venv python: -m ruff format --check .",
        "venv python: -m pytest -q -m not slow -k x",
        # The slow suite ran beside the fast one; its report comes after.
        "== slow suite (pytest -m slow) ==",
        "venv python: -m pytest -q -p no:cacheprovider -m slow -k x",
    ]
