"""Bad rows planted in the France-at-scale sources, for benchmarks: a known share of each kind of
error the build must reject or repair, written to the manifest (`bad_rows`) like the demo's.

Rows are drawn after the duplicate twins (the first rows of the Chambre and OSM tables), so a
planted error never hides a known duplicate. One row carries one error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.demo.model import Manifest, Table

SHARE = 0.002  # of each table's rows, per kind of error (at least one row each)

# (source table index, reason, effect, what the row gets). Effect "record": the row must be
# rejected; "field": one value dropped or corrected, the listing kept.
PLANTED = (
    ("chambre", "missing_name", "record", {"name": ""}),
    ("chambre", "html_name", "record", {"name": "<script>alert(1)</script>Ferme"}),
    ("chambre", "coordinates_swapped", "field", {"_swap": ("lat", "lon")}),
    ("chambre", "siret", "field", {"siret": "12345678901234"}),
    ("chambre", "unknown_vocabulary", "field", {"products": "Escargots, Légumes"}),
    (
        "pnr",
        "unknown_commune",
        "record",
        {"city": "Trifouilly-les-Oies", "postcode": "", "x": None, "y": None},
    ),
    ("pnr", "phone", "field", {"phone": "12 34"}),
    ("amap", "unknown_link", "field", {"producteurs": "Ferme Introuvable de Nulle-Part"}),
    ("marches", "opening_hours", "field", {"jours": "quand il fait beau"}),
    ("osm", "opening_hours", "field", {"opening_hours": "quand les poules pondent"}),
)


def plant_errors(tables: dict[str, Table], manifest: Manifest, rng: np.random.Generator, twins: int) -> None:
    """Spoil SHARE of the rows of each table, once per kind of error, and list them in the manifest."""
    taken: dict[str, set[int]] = {name: set(range(twins)) for name in ("chambre", "osm")}
    for table_key, reason, effect, change in PLANTED:
        table = tables[table_key]
        size = len(table)
        used = taken.setdefault(table_key, set())
        free = np.setdiff1d(np.arange(size), np.fromiter(used, dtype=np.int64, count=len(used)))
        if "_swap" in change and table.frame is not None:  # only rows that have both coordinates
            free = free[table.frame[list(change["_swap"])].notna().all(axis=1).to_numpy()[free]]  # type: ignore[call-overload]
        picked = np.sort(rng.choice(free, max(1, int(size * SHARE)), replace=False)).tolist()
        used.update(picked)
        for i in picked:
            if table.frame is not None:
                ref = str(table.frame.at[i, "ref"])
                _spoil_cells(table.frame, i, change)
            else:
                element = table.rows[i]
                ref = f"{element['type']}/{element['id']}"
                element["tags"] = dict(element["tags"]) | change  # type: ignore[call-overload, operator]
            manifest.bad_rows.append(
                {"source": table.name, "ref": ref, "reason": reason, "effect": effect, "planted": True}
            )


def _spoil_cells(frame: pd.DataFrame, i: int, change: dict[str, object]) -> None:
    for column, value in change.items():
        if column == "_swap":
            a, b = value  # type: ignore[misc]
            frame.at[i, a], frame.at[i, b] = frame.at[i, b], frame.at[i, a]
        else:
            frame.at[i, column] = np.nan if value is None else value
