"""Imports point down only: each layer is imported in a fresh interpreter and what it
pulled in is checked (``sys.modules``), so a stray import anywhere in the chain shows;
and every import statement in the package is read (``ast``), so SQLAlchemy and sqlite3
stay in ``planner/db``, Qt in ``planner/ui``, with each exception listed and explained.
"""

from __future__ import annotations

import ast
import graphlib
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import planner
import planner.core

PACKAGE_DIR = Path(planner.__file__).resolve().parent


def _modules_of(package: str) -> list[str]:
    path = PACKAGE_DIR.joinpath(*package.split(".")[1:])
    return sorted(
        f"{package}.{info.name}" for info in pkgutil.iter_modules([str(path)]) if not info.ispkg
    )


def loaded_after(*modules: str) -> set[str]:
    """Names of every module loaded after importing ``modules`` in a fresh interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


def _roots(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


def test_core_modules_are_discovered() -> None:
    core = _modules_of("planner.core")
    assert {"planner.core.foods", "planner.core.nutrients", "planner.core.units"} <= set(core)
    assert core == sorted(
        f"planner.core.{m.name}" for m in pkgutil.iter_modules(planner.core.__path__)
        if not m.ispkg
    )


def test_core_imports_no_database_gui_or_network() -> None:
    core = _modules_of("planner.core")
    loaded = loaded_after("planner.core", *core)
    assert set(core) <= loaded
    assert _roots(loaded) & {"sqlalchemy", "alembic", "PySide6", "shiboken6", "requests"} == set()
    # The core needs nothing else of the project either.
    project = {name for name in loaded if name.startswith("planner.")}
    assert {name.split(".")[1] for name in project} == {"core"}


@pytest.mark.parametrize("package", ["planner.sources", "planner.db", "planner.services"])
def test_lower_layers_import_no_qt(package: str) -> None:
    loaded = loaded_after(*_modules_of(package))
    assert _roots(loaded) & {"PySide6", "shiboken6"} == set()


def test_services_and_cli_import_no_qt() -> None:
    loaded = loaded_after("planner.services.foods", "planner.cli")
    assert {"planner.cli", "planner.services.foods", "sqlalchemy"} <= loaded
    assert _roots(loaded) & {"PySide6", "shiboken6"} == set()
    assert not any(name.startswith("planner.ui") for name in loaded)


def test_app_does_nothing_at_import_time() -> None:
    loaded = loaded_after("planner.app")
    assert "planner.app" in loaded
    assert _roots(loaded) & {"PySide6", "shiboken6", "sqlalchemy", "alembic"} == set()
    assert not {"planner.cli", "planner.ui", "planner.services", "planner.db"} & loaded


def test_the_command_imports_only_what_it_runs() -> None:
    loaded = loaded_after("planner.__main__")
    assert _roots(loaded) & {"PySide6", "shiboken6", "sqlalchemy"} == set()
    assert "planner.cli" not in loaded


def test_the_check_sees_qt_where_it_belongs() -> None:
    # The window does import Qt: proof that the checks above would see it.
    loaded = loaded_after("planner.ui.shell.main_window")
    assert {"PySide6", "sqlalchemy"} <= _roots(loaded)


# -- every import, read from the source (ast) ------------------------------------------------
#
# The checks above see what a layer loads; these see every import statement, also the ones
# inside functions that no import of a module runs.

#: Top-level packages (and project packages) and the one place that may import them.
OWNERS: dict[str, str] = {
    "sqlite3": "planner/db",
    "sqlalchemy": "planner/db",
    "alembic": "planner/db",
    "PySide6": "planner/ui",
    "shiboken6": "planner/ui",
    "planner.ui": "planner/ui",
}

#: Where an import outside its owner is allowed: (file, module) -> (how, why). ``how`` is
#: ``lazy`` (inside a function only), ``typing`` (under ``if TYPE_CHECKING:`` only) or
#: ``module`` (anywhere). Each entry must still be needed: an unused one fails the test.
ALLOWED: dict[tuple[str, str], tuple[str, str]] = {
    # The composition root starts the window only when no command-line arguments ask
    # for the CLI or the self-test; importing planner.app loads no Qt.
    ("planner/__main__.py", "planner.ui.shell.application"): ("lazy", "starts the window"),
    # The self-test proves the window starts: it builds a QApplication and the launcher.
    ("planner/selftest.py", "PySide6.QtCore"): ("lazy", "the self-test shows the window"),
    ("planner/selftest.py", "PySide6.QtWidgets"): ("lazy", "the self-test shows the window"),
    ("planner/selftest.py", "planner.ui.shell.launcher"): ("lazy", "the self-test shows it"),
    # PDF needs Qt's text layout; only `--format pdf` loads it.
    ("planner/cli/documents.py", "planner.ui.common.printing"): ("lazy", "PDF laid out by Qt"),
    # Sessions and engines are handed out by planner.db; these name their types in
    # signatures and fields, never at run time.
    ("planner/services/database.py", "sqlalchemy"): ("typing", "Engine, Connection in fields"),
    ("planner/services/database.py", "sqlalchemy.orm"): ("typing", "Session in signatures"),
    ("planner/services/recipes.py", "sqlalchemy.orm"): ("typing", "Session in signatures"),
    ("planner/services/shopping.py", "sqlalchemy.orm"): ("typing", "Session in signatures"),
}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.AST) -> list[str]:
    """The modules an import statement (or ``import_module("...")``) names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level or node.module is None:
            return []  # relative: inside its own package
        if node.module == "planner":  # `from planner import ui`
            return [f"planner.{alias.name}" for alias in node.names]
        return [node.module]
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        first = node.args[0]
        if name in {"import_module", "__import__"} and isinstance(first, ast.Constant):
            return [str(first.value)]
    return []


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """(module, how, line) of every import in ``path``; how is module, lazy or typing."""
    found: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, how: str) -> None:
        for module in _imported(node):
            found.append((module, how, getattr(node, "lineno", 0)))
        for child in ast.iter_child_nodes(node):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, "lazy")
            elif isinstance(node, ast.If) and _is_type_checking(node.test) and how == "module":
                visit(child, "typing" if child in node.body else how)
            else:
                visit(child, how)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), "module")
    return found


def _owner(module: str) -> str | None:
    for name, owner in OWNERS.items():
        if module == name or module.startswith(name + "."):
            return owner
    return None


def _every_import() -> list[tuple[str, str, str, int]]:
    root = PACKAGE_DIR.parent
    return [
        (path.relative_to(root).as_posix(), module, how, line)
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        for module, how, line in _imports(path)
    ]


def test_sql_sqlite_and_qt_are_imported_only_by_their_layers() -> None:
    wrong: list[str] = []
    used: set[tuple[str, str]] = set()
    for file, module, how, line in _every_import():
        owner = _owner(module)
        if owner is None or file.startswith(owner + "/"):
            continue
        allowed = ALLOWED.get((file, module))
        if allowed is not None and allowed[0] in {how, "module"}:
            used.add((file, module))
            continue
        wrong.append(f"{file}:{line} imports {module} ({how}); only {owner} may")
    assert wrong == []
    # An exception nobody needs any more goes from the list.
    assert set(ALLOWED) - used == set()


def test_the_import_walk_sees_lazy_typing_and_owned_imports() -> None:
    found = {(file, module, how) for file, module, how, _line in _every_import()}
    assert ("planner/db/maintenance.py", "sqlite3", "module") in found
    assert ("planner/ui/shell/main_window.py", "PySide6.QtWidgets", "module") in found
    assert ("planner/selftest.py", "PySide6.QtWidgets", "lazy") in found
    assert ("planner/services/recipes.py", "sqlalchemy.orm", "typing") in found


#: The start of a statement in a string: SQL belongs in planner/db.
_SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|PRAGMA|BEGIN|COMMIT|ROLLBACK|CREATE|DROP|ALTER|WITH)\s"
)


def test_no_sql_text_outside_the_database_layer() -> None:
    root = PACKAGE_DIR.parent
    found = [
        f"{path.relative_to(root).as_posix()}:{node.lineno} {node.value[:40]!r}"
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        if not path.is_relative_to(PACKAGE_DIR / "db")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.match(node.value)
    ]
    assert found == []


# -- the upper layers see only services and core ---------------------------------------------


@pytest.mark.parametrize("layer", ["planner/reports", "planner/ui"])
def test_reports_and_ui_never_import_the_database_or_sources(layer: str) -> None:
    """Widgets and reports get their data through services (and core types), never by
    reaching into ``planner.db`` or ``planner.sources``, not even lazily."""
    wrong = [
        f"{file}:{line} imports {module}"
        for file, module, _how, line in _every_import()
        if file.startswith(layer + "/")
        and (module.split(".")[:2] in (["planner", "db"], ["planner", "sources"]))
    ]
    assert wrong == []


# -- no import cycles --------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_module(name: str, known: set[str]) -> str | None:
    """The project module ``name`` refers to (``from a.b import c``: ``a.b.c`` if a module)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    """Module -> project modules it imports when it runs (``TYPE_CHECKING`` ones left out:
    they never run). Lazy imports count: a cycle through a function is still a cycle."""
    paths = sorted(PACKAGE_DIR.rglob("*.py"))
    known = {_module_name(path) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        source = _module_name(path)
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for module, how, _line in _imports(path):
            if how == "typing" or not module.startswith("planner"):
                continue
            names = [module]
            # `from planner.ui.plan import day_view` imports the submodule.
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == module:
                    names += [f"{module}.{alias.name}" for alias in node.names]
            for name in names:
                target = _project_module(name, known)
                if target is not None and target != source:
                    targets.add(target)
        graph[source] = targets
    return graph


def first_cycle(graph: dict[str, set[str]]) -> list[str]:
    """A cycle of imports (``[a, b, a]``: a imports b, b imports a), or ``[]``."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(reversed(error.args[1]))
    return []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    cycle = first_cycle(graph)
    assert len(cycle) == 4 and cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    assert all(after in graph[before] for before, after in zip(cycle, cycle[1:], strict=False))
    assert first_cycle({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_submodules_and_lazy_imports() -> None:
    graph = import_graph()
    assert "planner.ui.plan.day_view" in graph["planner.ui.shell.main_window"]
    assert "planner.ui.shell.application" in graph["planner.__main__"]  # lazy


def test_no_import_cycles_in_the_package() -> None:
    assert first_cycle(import_graph()) == []
