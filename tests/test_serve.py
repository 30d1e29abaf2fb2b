"""The launcher (ui/serve.py): the interface is loaded before the first visitor, and a module
that cannot be loaded is reported without stopping the others (the browser tests start every
app server through it)."""

from __future__ import annotations

import sys

import ui.serve as serve


def test_every_interface_module_is_listed_and_loaded() -> None:
    names = serve.interface_modules()
    assert {"ui.chrome", "ui.mapview", "ui.search_form", "ui.pages"} <= set(names)
    assert "ui.serve" not in names  # the launcher does not load itself again
    assert serve.warm() == []
    assert all(name in sys.modules for name in names)


def test_a_module_that_fails_is_reported_and_the_others_still_load(monkeypatch) -> None:
    monkeypatch.setattr(serve, "interface_modules", lambda: ["ui.absent_module", "ui.text"])
    problems = serve.warm()
    assert len(problems) == 1
    assert problems[0].startswith("ui.absent_module : ModuleNotFoundError")
    assert "ui.text" in sys.modules
