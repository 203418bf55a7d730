"""The package's layers: no import cycles, and the library never imports the
training application.

Imports are read from the source (every `import`, function-local ones
included, since a cycle through a deferred import is still a cycle), so
the test sees the whole graph, not only what one run happens to load.
"""

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("keras_gan", "benchmarks")
APPLICATION = "keras_gan.training"


def _modules():
    """Dotted name -> path of every module of the two packages."""
    names = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            names[".".join(parts)] = path
    return names


def _imports(name, path, modules):
    """The modules of `modules` that `name` imports: `from p import m`
    names the module `p.m` when there is one, else the package `p`."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = name.split(".")[: None if is_package else -1]
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([source] if source else [])])
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if full in modules:
                    found.add(full)
                elif source in modules:
                    found.add(source)
    found.discard(name)
    return found


def _cycles(graph):
    """The strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


@pytest.fixture(scope="module")
def graph():
    modules = _modules()
    return {
        name: _imports(name, path, modules) for name, path in modules.items()
    }


def _unit(name):
    """A module's subpackage (`keras_gan.metrics`), or the module itself
    for a top-level module (`keras_gan.export`, `benchmarks.quality`)."""
    return ".".join(name.split(".")[:2])


def test_finds_a_planted_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]
    ]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_through_others(graph):
    assert _cycles(graph) == []


def test_no_subpackage_cycles(graph):
    units = {}
    for name, imported in graph.items():
        if name in PACKAGES:
            continue
        units.setdefault(_unit(name), set()).update(
            _unit(other)
            for other in imported
            if other not in PACKAGES and _unit(other) != _unit(name)
        )
    assert _cycles(units) == []


def test_the_library_never_imports_the_training_application(graph):
    offenders = {
        name: sorted(m for m in imported if m.startswith(APPLICATION))
        for name, imported in graph.items()
        if name.startswith("keras_gan")
        and not name.startswith(APPLICATION)
        and name != "keras_gan"
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_loading_every_library_module_loads_no_application_module():
    library = [
        name
        for name in _modules()
        if name.startswith("keras_gan") and not name.startswith(APPLICATION)
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {library!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules\n"
        f"             if m.startswith({APPLICATION!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip() == "[]"
