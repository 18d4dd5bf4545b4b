"""Imports point one way: views, api, admin -> forms, tasks -> services -> selectors -> permissions -> models.

The modules of consult/ and surveys/ are read with `ast` (nothing is imported): each import
of a project module is checked against the layers below, and the import graph must have no
cycle, even through an import hidden inside a function.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["consult", "surveys"]
SURVEYS = ROOT / "surveys"

# The layer of a module, by the first part of its path inside its app; higher may import lower.
LAYERS = {
    "models": 0, "papers": 0, "audit_context": 0, "replica": 0, "request_memo": 0, "cache_guard": 0, "signals": 0, "i18n": 0,
    "text": 0,
    "permissions": 1,
    "selectors": 2,
    "services": 3,
    "forms": 4, "tasks": 4, "receivers": 4,
    "views": 5, "api": 5, "templatetags": 5, "admin": 5, "urls": 5, "management": 5, "middleware": 5, "apps": 5, "backends": 5,
}


def project_modules() -> dict[str, Path]:
    """Return every module of the apps by dotted name ("consult.services.workflow"), migrations left out."""
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Return the project modules the module imports, anywhere in it, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = absolute(package, node.module, node.level)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import tasks` names a module
    return {module for module in found if module in known and module != name}


def absolute(package: str, module: str | None, level: int) -> str:
    if level == 0:
        return module
    parts = package.split(".")[: len(package.split(".")) - level + 1]
    return ".".join(parts + ([module] if module else []))


def layer_of(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def test_every_module_has_a_layer():
    unplaced = sorted(name for name in project_modules() if "." in name and layer_of(name) is None)
    assert unplaced == [], "Give these modules a layer in LAYERS"


def test_no_module_imports_a_higher_layer():
    offenders = [
        f"{name} (layer {layer_of(name)}) imports {imported} (layer {layer_of(imported)})"
        for name, imported_modules in import_graph().items()
        for imported in imported_modules
        if layer_of(name) is not None and layer_of(imported) is not None and layer_of(imported) > layer_of(name)
    ]
    assert offenders == []


def test_imports_have_no_cycle():
    graph = import_graph()
    assert import_cycles(graph) == []


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import each other, directly or round a loop (Tarjan's algorithm)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.get(module, ()):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_the_checks_catch_an_upward_import_and_a_cycle():
    # Guard against the checks above passing because they see nothing.
    graph = import_graph()
    assert "consult.permissions" in graph["consult.services.workflow"]
    assert import_cycles({"a.x": {"a.y"}, "a.y": {"a.x"}, "a.z": {"a.x"}}) == [["a.x", "a.y"]]
    assert len(graph) >= 50


def test_surveys_never_imports_consult():
    offenders = [
        f"{name} imports {imported}"
        for name, imported_modules in import_graph().items()
        if name.startswith("surveys")
        for imported in imported_modules
        if imported.startswith("consult")
    ]
    assert offenders == []


def test_the_walk_sees_surveys_modules():
    assert len(list(SURVEYS.rglob("*.py"))) >= 3
