"""The package's layering: no two modules import each other, and the composer never reaches up."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "agents" / "nmo"


def _imports() -> dict[str, set[str]]:
    """Each nmo module and the nmo modules it names in an import (TYPE_CHECKING and lazy ones too)."""
    modules = {
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): path
        for path in PACKAGE.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        named: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                named |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.Import):
                named |= {alias.name for alias in node.names}
        graph[name] = {other for other in named if other in modules and other != name}
    return graph


def test_no_two_modules_import_each_other() -> None:
    graph = _imports()
    assert graph["nmo.knowledge.ingest"], "the import scan found nothing"
    mutual = sorted({tuple(sorted((a, b))) for a, deps in graph.items() for b in deps if a in graph[b]})
    assert mutual == []


def test_the_composer_imports_nothing_that_uses_it() -> None:
    above = ("nmo.planner", "nmo.writer", "nmo.evals", "nmo.graph", "nmo.service")
    upward = {
        (module, dep)
        for module, deps in _imports().items()
        if module.startswith("nmo.composer")
        for dep in deps
        if dep.startswith(above)
    }
    assert upward == set()
