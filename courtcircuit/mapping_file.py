"""Writing a partner's mapping file (docs/FORMATS.md) from what a person chose in the import
wizard: the same TOML the CLI reads, so `python -m etl build` gives the same result.

Only what the build reads is written, checked first with the build's own rules: a file this
module writes is a file the build accepts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from courtcircuit.column_mapping import FIELDS
from courtcircuit.value_mapping import VALUE_FIELDS, ValueMappingError, parse_value_mapping

# Top-level options of a mapping file, in the order they are written.
OPTIONS = ("sheet", "crs", "kind")
# The coordinate systems a producers-table reads (etl/adapters/producers_table.py).
CRS = ("EPSG:4326", "EPSG:2154")


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except DEL which TOML wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: str | list[str]) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_string(v) for v in value) + "]"
    return _string(value)


def mapping_toml(data: Mapping[str, Any], comment: str | None = None) -> str:
    """The text of a mapping file holding `data`, shaped like the file read as TOML:
    {"sheet"?, "crs"?, "kind"?, "columns": {field: header}, "values": {field: {raw: code(s)}},
    "flags": {header: "field:code"}}. Raises ValueMappingError in French when the build would
    refuse it."""
    columns = data.get("columns") or {}
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ValueMappingError(f"champs inconnus {unknown} (champs possibles : {', '.join(FIELDS)})")
    if "name" not in columns:
        raise ValueMappingError("la colonne du nom (name) doit être indiquée")
    if not all(isinstance(h, str) and h.strip() for h in columns.values()):
        raise ValueMappingError("chaque en-tête de [columns] doit être un texte non vide")
    if data.get("crs") not in (None, *CRS):
        raise ValueMappingError(
            f"système de coordonnées {data['crs']} non pris en charge ({' ou '.join(CRS)})"
        )
    parse_value_mapping(data)  # the build's checks of [values.*] and [flags]
    lines = [f"# {line}" for line in (comment or "").splitlines()]
    for option in OPTIONS:
        if data.get(option) is not None:
            lines.append(f"{option} = {_string(str(data[option]))}")
    lines += ["", "[columns]"]
    lines += [f"{name} = {_string(columns[name])}" for name in FIELDS if name in columns]
    for name in VALUE_FIELDS:
        table = (data.get("values") or {}).get(name)
        if table:
            lines += ["", f"[values.{name}]"]
            lines += [f"{_string(raw)} = {_value(code)}" for raw, code in table.items()]
    if data.get("flags"):
        lines += ["", "[flags]"]
        lines += [f"{_string(header)} = {_string(target)}" for header, target in data["flags"].items()]
    return "\n".join(lines).lstrip("\n") + "\n"
