"""Where a producer sells: the markets, AMAPs and shops a producer listing is linked to, as staff
keep them (no Streamlit).

Sources state links in free text and the build matches them (``etl/links.py``); staff may
correct the list. A staff list is one field of the producer, ``sells_at``, holding outlet
listing ids: it is saved as revisions like any other field, replaces the sources' links for that
producer in every build and publication (:func:`write_staff_links`), and goes to the "à
arbitrer" list when a source's links change after staff set theirs (:func:`source_links`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb

from courtcircuit.geo import Area, haversine_sql
from courtcircuit.messages import Message
from courtcircuit.vocab import KINDS

SELLS_AT = "sells_at"  # the field name in revisions, overrides and the form
# Kinds a producer may sell at (a producer selling at another farm is a "point de vente" there).
OUTLET_KINDS = ("marche", "amap", "point_de_vente", "magasin_producteurs", "drive", "distributeur")
NEARBY_KM = 60.0  # the outlets offered first in the form: a producer's markets are rarely farther
MAX_CHOICES = 300
STAFF_LINK_SOURCE = "équipe"  # the link's source, as a staff value's provenance (edits_apply)


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    kind: str
    city: str | None
    km: float | None  # from the producer, when both are placed

    def label(self) -> str:
        kind = KINDS.label(self.kind) if self.kind in KINDS else self.kind
        where = f", {self.city}" if self.city else ""
        far = f" · {self.km:.0f} km" if self.km is not None else ""
        return f"{self.name} ({kind}{where}){far}"


def linked_outlets(con: duckdb.DuckDBPyConnection, producer_id: str) -> list[str]:
    """The outlet ids the directory links this producer to now, sorted (closed ones too: staff
    see what is there)."""
    rows = con.execute(
        "SELECT DISTINCT outlet_id FROM listing_links WHERE producer_id = ? ORDER BY outlet_id", [producer_id]
    ).fetchall()
    return [r[0] for r in rows]


def outlet_choices(
    con: duckdb.DuckDBPyConnection, lat: float | None, lon: float | None, keep: Iterable[str] = ()
) -> list[Outlet]:
    """Active outlets within :data:`NEARBY_KM` of the producer, nearest first, plus the ones in
    ``keep`` (already linked: never dropped from the choices, however far or closed)."""
    keep = list(keep)
    found: dict[str, Outlet] = {}
    if lat is not None and lon is not None:
        area = Area(lat, lon, NEARBY_KM)
        south, north, west, east = area.bbox()
        km = haversine_sql("lat", "lon")
        rows = con.execute(
            f"SELECT * FROM (SELECT id, name, kind, city, {km} AS km FROM listings "  # noqa: S608
            "WHERE status = 'active' AND list_contains(?, kind) AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) "
            "WHERE km <= ? ORDER BY km, name, id LIMIT ?",
            [
                area.lat,
                area.lat,
                area.lon,
                list(OUTLET_KINDS),
                south,
                north,
                west,
                east,
                NEARBY_KM,
                MAX_CHOICES,
            ],
        ).fetchall()
        found = {r[0]: Outlet(*r) for r in rows}
    missing = [i for i in keep if i not in found]
    if missing:
        rows = con.execute(
            "SELECT id, name, kind, city, NULL FROM listings WHERE list_contains(?, id) ORDER BY name, id",
            [missing],
        ).fetchall()
        found |= {r[0]: Outlet(*r) for r in rows}
    return list(found.values())


def outlet_names(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> dict[str, str]:
    """id → "name (city)" of the listings named, for showing a stored list to people."""
    rows = con.execute(
        "SELECT id, name, city FROM listings WHERE list_contains(?, id)", [list(ids)]
    ).fetchall()
    return {i: f"{name} ({city})" if city else str(name) for i, name, city in rows}


def check_outlets(
    con: duckdb.DuckDBPyConnection, producer_id: str | None, kind: object, outlet_ids: Iterable[str]
) -> tuple[list[str], str | None]:
    """The outlet ids cleaned (unique, sorted) and a French Message if the list cannot be saved:
    only a producer sells somewhere, and each id must be an outlet of the directory."""
    ids = sorted({str(i).strip() for i in outlet_ids if str(i).strip()})
    if ids and kind != "producteur":
        return ids, Message(
            "seul un producteur a des lieux de vente : changez le type de lieu ou videz la liste"
        )
    if producer_id is not None and producer_id in ids:
        return ids, Message("un producteur ne peut pas être son propre lieu de vente")
    known = dict(
        con.execute("SELECT id, kind FROM listings WHERE list_contains(?, id)", [ids]).fetchall()
        if ids
        else []
    )
    unknown = [i for i in ids if i not in known]
    if unknown:
        return ids, Message("lieu de vente introuvable dans l'annuaire : {ids}", ids=", ".join(unknown[:5]))
    wrong = [i for i in ids if known[i] not in OUTLET_KINDS]
    if wrong:
        return ids, Message(
            "ce n'est pas un lieu de vente (marché, AMAP, magasin…) : {ids}", ids=", ".join(wrong[:5])
        )
    return ids, None


def source_links(con: duckdb.DuckDBPyConnection, producer_ids: list[str]) -> dict[str, list[str]]:
    """producer id → outlet ids the sources link it to (staff links left out), sorted."""
    if not producer_ids:
        return {}
    rows = con.execute(
        "SELECT producer_id, list(DISTINCT outlet_id ORDER BY outlet_id) FROM listing_links "
        "WHERE list_contains(?, producer_id) AND source <> ? GROUP BY producer_id",
        [producer_ids, STAFF_LINK_SOURCE],
    ).fetchall()
    return {producer: list(outlets) for producer, outlets in rows}


def write_staff_links(con: duckdb.DuckDBPyConnection, lists: Mapping[str, list[str]]) -> None:
    """Make each producer's links exactly its staff list (read-write connection). A link the
    sources also state keeps its row (and the days they give); one staff added is a row with
    source "équipe"; outlets no longer in the directory are left out until they come back."""
    if not lists:
        return
    producers = list(lists)
    wanted = [(p, o) for p, outlets in lists.items() for o in outlets]
    con.execute(
        "DELETE FROM listing_links WHERE list_contains(?, producer_id) AND NOT list_contains(?, "
        "producer_id || chr(31) || outlet_id)",
        [producers, [f"{p}\x1f{o}" for p, o in wanted]],
    )
    if not wanted:
        return
    con.execute(
        "INSERT INTO listing_links (producer_id, outlet_id, days, source, source_ref) "
        "SELECT w.p, w.o, NULL, ?, '' FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS p, "
        "unnest(CAST(? AS VARCHAR[])) AS o) w JOIN listings l ON l.id = w.o "
        "WHERE NOT EXISTS (SELECT 1 FROM listing_links k WHERE k.producer_id = w.p AND k.outlet_id = w.o)",
        [STAFF_LINK_SOURCE, [p for p, _ in wanted], [o for _, o in wanted]],
    )
