"""The rule for every map: no text from the data ever reaches a template.

Why: folium builds its HTML with Jinja2, and branca's ``MacroElement.render`` wraps each
element's rendered ``script``/``header``/``html`` output in a new ``Element(...)``, which
compiles that output as a template and renders it a second time. Any text inside an
element's output is therefore evaluated as Jinja on the server: a listing named
``Ferme {{ 7*7 }}`` showed "Ferme 49", and ``{{ cycler.__init__.__globals__.os… }}`` ran
commands. Names, descriptions, place names and buyers' needs all come from people we do not
control (OpenStreetMap, partners' spreadsheets, forms).

The rule, for the maps that exist and for the next one you add:

1. Data reaches a map only through :func:`js_literal`, which writes JSON whose strings carry
   ``{`` and ``}`` as ``\\u007b`` / ``\\u007d`` (and ``<``, ``>``, ``&``, ``'`` as ``\\u`` escapes
   so a ``</script>`` in a name cannot close the script). JavaScript reads the same string;
   Jinja sees no ``{{``, ``{%`` or ``{#`` to evaluate. JSON's own structure never writes
   those pairs.
2. Only the elements of ``ui/map_elements.py`` carry data, and they take it pre-encoded.
   Never pass data text to folium's own ``Tooltip``, ``Popup``, ``Marker``, ``GeoJson``,
   ``Element`` or plugins: they embed it with ``tojson``, which leaves braces alone.
3. The map's JavaScript lives in ``static/map/``, loaded by URL: no code of ours is a template.
4. :func:`check_map` renders every element once, as branca's first pass does, and refuses the
   map if any output still holds template syntax. ``ui.mapview.show_map`` and ``map_html``
   call it before anything renders twice, so a forgotten encoding fails closed (a French
   notice, no map) instead of running code. Pages show maps only through ``show_map``
   (tests/test_map_safety.py checks that no page calls ``st_folium`` itself).
5. The elements of ``ui/map_elements.py`` are ``DataElement`` objects: their output goes into the
   page verbatim, never through the second render, so even a value that escaped rule 1 would
   be shown, not run (and a 20,000-marker map no longer compiles its data as a template).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from branca.element import Element, MacroElement

# Jinja's default delimiters: a block, a variable, a comment.
TEMPLATE_MARKERS = ("{{", "{%", "{#")

# Characters escaped inside JSON strings: the HTML-significant ones (as jinja2's
# htmlsafe_json_dumps does) and the braces that would open a Jinja delimiter.
_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "{": "\\u007b",
    "}": "\\u007d",
}


def _escaped(text: str) -> str:
    """``text`` with _ESCAPES applied: a replace per character, each a C scan of a text that
    rarely holds it (str.translate with such a table took 47 ms on 20,000 rows)."""
    for char, escape in _ESCAPES.items():
        if char in text:
            text = text.replace(char, escape)
    return text


class UnsafeMapText(ValueError):
    """A map element's output holds template syntax: rendering it would evaluate it."""


def _string(text: str) -> str:
    return _escaped(json.dumps(text, ensure_ascii=False))


@dataclass(frozen=True)
class Encoded:
    """A value already through :func:`js_literal`, kept to be written again as it is: a map layer
    shared by many runs (the commune outlines) is encoded once, not on every run."""

    js: str
    empty: bool = False  # the value was an empty layer: nothing to draw

    def __js__(self) -> str:
        # Read by name, not by class: a cache shared across runs can hold an Encoded made before
        # this module was imported again (tests/test_routing.py imports the pages afresh).
        return self.js


def encoded(value: Any, *, empty: bool = False) -> Encoded:
    return Encoded(js_literal(value), empty)


def js_literal(value: Any) -> str:
    """``value`` (str, numbers, bool, None, lists, tuples, dicts) as a JavaScript literal that is
    safe inside ``<script>`` and inert under any number of Jinja renders.

    Non-finite floats become ``null`` (JSON has no NaN). Dict keys are written as strings.
    """
    if hasattr(value, "__js__"):  # an Encoded
        return value.__js__()
    if isinstance(value, list | tuple):
        # Lists (the markers' rows, a ring's coordinates): one json.dumps, then the escapes over
        # the whole text, when no brace or <>&' can stand outside a string in it: no brace at
        # all (no dict), or rows of plain scalars. 20,000 rows: about 15 ms instead of 120 ms
        # one value at a time (python -m bench.map_render).
        try:
            dumped = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError):
            pass  # NaN or numpy values: one value at a time, below
        else:
            if ("{" not in dumped and "}" not in dumped) or _is_table(value):
                return _escaped(dumped)
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return json.dumps(value) if math.isfinite(value) else "null"
    if isinstance(value, dict):
        items = ",".join(f"{_string(str(k))}:{js_literal(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(js_literal(v) for v in value) + "]"
    if hasattr(value, "item"):  # numpy scalars from pandas columns
        return js_literal(value.item())
    raise TypeError(f"js_literal cannot encode {type(value).__name__}")


_SCALARS = (str, int, float, bool, type(None))


def _is_table(value: list | tuple) -> bool:
    """Rows (lists or tuples) of plain scalars: no dict, so no brace of JSON's own."""
    return all(type(row) in (list, tuple) for row in value) and all(
        type(cell) in _SCALARS for row in value for cell in row
    )


def has_template_syntax(text: str) -> bool:
    return any(marker in text for marker in TEMPLATE_MARKERS)


def elements(root: Element) -> Iterator[Element]:
    """``root`` and every element below it, depth first."""
    yield root
    for child in list(root._children.values()):
        yield from elements(child)


def first_pass(element: Element) -> dict[str, str]:
    """What branca's first render of ``element`` produces for each macro it defines: the text
    the second render would compile as a template."""
    if not isinstance(element, MacroElement):
        return {}
    module = element._template.module.__dict__
    return {part: str(module[part](element, {})) for part in ("header", "html", "script") if part in module}


def check_map(root: Element) -> None:
    """Raise :class:`UnsafeMapText` if any element under ``root`` would hand template syntax
    to the second render. Call before rendering the figure."""
    for element in elements(root):
        for part, text in first_pass(element).items():
            if has_template_syntax(text):
                raise UnsafeMapText(f"{type(element).__name__}.{part} holds template syntax")
