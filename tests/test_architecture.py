"""The layers are a checked contract: pages → ui → courtcircuit, etl → courtcircuit, and nothing
from ui, pages or courtcircuit into etl; no module outside the tests is over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("pages", "ui", "courtcircuit", "etl")
# What each layer may import from the project (besides itself).
ALLOWED = {
    "pages": {"ui", "courtcircuit"},
    "ui": {"courtcircuit"},
    "courtcircuit": set(),
    "etl": {"courtcircuit"},
}
MAX_LINES = 400


def _project_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


def _modules(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((REPO / folder).rglob("*.py"))]


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_the_layers_beneath(layer: str) -> None:
    breaches = {
        str(path.relative_to(REPO)): sorted(_project_imports(path) - ALLOWED[layer] - {layer})
        for path in _modules(layer)
    }
    assert {k: v for k, v in breaches.items() if v} == {}


def test_app_entry_point_only_routes() -> None:
    assert _project_imports(REPO / "app.py") <= {"ui"}


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(REPO)): n
        for path in _modules(*LAYERS, "bench", "scripts")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
