"""The package's import graph, read statically: no cycles anywhere, and imports only point down.

Every `import` and `from ... import` counts, at any depth (inside functions, under
`TYPE_CHECKING`): a cycle that only type checkers follow still ties two modules together.
Importing `a.b.c` also runs `a/__init__` and `a/b/__init__`, so those packages are edges too
(except the importer's own ancestors, which are already running).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "simulator"

# Who may import whom, inside simulator/ (the first matching prefix of the importer decides).
ENGINE_ORDER = ["simulator.engine.content", "simulator.engine.play", "simulator.engine.check",
                "simulator.engine.authoring"]
ALLOWED = {
    **{layer: ENGINE_ORDER[: i + 1] + ["simulator.engine"] for i, layer in enumerate(ENGINE_ORDER)},
    "simulator.engine": ["simulator.engine"],
    "simulator.settings": ["simulator.settings", "simulator.engine.content"],
    "simulator.store": ["simulator.store", "simulator.engine"],
    "simulator.reports": ["simulator.reports", "simulator.store", "simulator.engine"],
    "simulator.ui": ["simulator.ui", "simulator.reports", "simulator.store", "simulator.engine", "simulator.settings"],
    "simulator.train": ["simulator.train", "simulator.engine"],
    "simulator.serve": ["simulator.serve", "simulator.reports", "simulator.store", "simulator.engine",
                        "simulator.settings"],
    "simulator.commands": ["simulator.commands", "simulator.serve", "simulator.ui", "simulator.reports",
                           "simulator.store", "simulator.train", "simulator.engine", "simulator.settings"],
    "simulator.cli": ["simulator.commands", "simulator.settings"],
    "simulator.bundled": [],
    "simulator.__main__": ["simulator.cli"],
    "simulator": [],
}
# Third-party packages that belong to one layer only.
OWNED = {"textual": "simulator.ui", "rich": "simulator.ui", "aiohttp": "simulator.serve",
         "textual_serve": "simulator.serve", "sqlalchemy": "simulator.store", "alembic": "simulator.store",
         "psycopg": "simulator.store"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def imported(name: str) -> set[str]:
    """Every module name `name` imports (absolute, inside or outside simulator/)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"), str(MODULES[name]))
    base = name.split(".") if is_package(name) else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from package import module` imports the module.
            found.update(f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES)
    return found


def edges(name: str) -> set[str]:
    """The modules of simulator/ that importing `name` runs: each import's module and its packages."""
    own_ancestors = {".".join(name.split(".")[:i]) for i in range(1, len(name.split(".")))}
    result: set[str] = set()
    for target in imported(name):
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix in MODULES and prefix not in own_ancestors and prefix != name:
                result.add(prefix)
    return result


GRAPH = {name: edges(name) for name in MODULES}


def layer_of(name: str) -> str:
    return max((key for key in ALLOWED if name == key or name.startswith(key + ".")), key=len)


def test_the_graph_reads_every_module():
    assert "simulator.engine.content.model" in GRAPH["simulator.engine.play.session"]
    assert len(GRAPH) > 60


def test_no_import_cycles():
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert cycles == [], "\n".join(" -> ".join(cycle) for cycle in cycles)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down_the_layers(name):
    allowed = ALLOWED[layer_of(name)]
    # An allowed module's packages run first (their __init__ files), so they are allowed too.
    packages = {".".join(a.split(".")[:i]) for a in allowed for i in range(1, a.count(".") + 1)}
    wrong = sorted(target for target in GRAPH[name]
                   if not any(target == a or target.startswith(a + ".") for a in allowed) and target not in packages)
    assert wrong == [], f"{name} ({layer_of(name)}) may not import {wrong}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_ui_libraries_stay_in_the_ui(name):
    for target in imported(name):
        owner = OWNED.get(target.split(".")[0])
        assert owner is None or name.startswith(owner), f"{name} imports {target}, which belongs to {owner}"


def test_nothing_imports_the_command_line_entry():
    assert [name for name, targets in GRAPH.items() if "simulator.cli" in targets] == ["simulator.__main__"]
