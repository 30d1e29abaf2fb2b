"""What every generator hands the writers: one `Table` per source file, and the `Manifest` the
build's tests check against (see `etl.demo`); with the two coordinate helpers both territories use."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cache

import pandas as pd
from pyproj import Transformer

from courtcircuit.geo import haversine_km

Ref = tuple[str, str]
# The demo sources' licences: open ones, and one partner's file that may be shown in the app but
# not redistributed, so the open-data files show a source left out (docs/OPEN-DATA.md).
OPEN = "Licence Ouverte Etalab 2.0"
CLOSED = "Convention d'échange (fictive) : affichage dans l'annuaire, rediffusion interdite"
Coords = tuple[float, float]


@dataclass
class Table:
    """One source file: its sources.toml entry and its rows (field → cell), or a whole DataFrame."""

    name: str
    format: str
    path: str
    precedence: int
    date: str
    label: str
    demo: bool = True
    mapping: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field → header
    encoding: str = "utf-8"
    rows: list[dict[str, object]] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    kinds: Counter[str] = field(default_factory=Counter)
    # What reusers may do with the source's listings (open data leaves the closed ones out).
    licence: str | None = None

    def __len__(self) -> int:
        return len(self.rows) if self.frame is None else len(self.frame)


@dataclass
class Manifest:
    territory: str
    seed: int
    scale: int
    sources: dict[str, dict[str, object]] = field(default_factory=dict)
    duplicate_groups: list[list[Ref]] = field(default_factory=list)
    apart: list[dict[str, object]] = field(default_factory=list)
    bad_rows: list[dict[str, object]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)
    links: list[dict[str, object]] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {name: int(info["rows"]) for name, info in self.sources.items()}  # type: ignore[call-overload]

    @property
    def duplicates(self) -> list[tuple[Ref, Ref]]:
        """Every pair inside each group: what the build must merge."""
        return [(a, b) for g in self.duplicate_groups for i, a in enumerate(g) for b in g[i + 1 :]]

    def to_json(self) -> str:
        data = asdict(self) | {"totals": self.totals, "duplicates": self.duplicates}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


@cache
def lambert93() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def metres(a: Coords, b: Coords) -> float:
    return haversine_km(*a, *b) * 1000
