"""What the printed directory shows: the listings of a territory and of the kinds, channels and
labels staff chose, numbered in reading order, grouped by commune or by product family, with
their index by product and the sources they come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

import duckdb

from courtcircuit.communes import CommuneIndex
from courtcircuit.communes.territory import communes_of, departements
from courtcircuit.export import readable_phone
from courtcircuit.print.words import hours_in_words
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, Vocabulary, fold
from courtcircuit.workspace.accounts import Territory

GROUPS = {"commune": "par commune", "produit": "par famille de produits"}
NO_PRODUCT = "Autres lieux"
OSM_LINE = "Données OpenStreetMap © les contributeurs d'OpenStreetMap, licence ODbL 1.0."


@dataclass(frozen=True)
class PrintChoice:
    """What staff choose: empty tuples mean every kind, channel or label."""

    kinds: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    group_by: str = "commune"


@dataclass(frozen=True)
class Entry:
    """One listing as printed; every text as the data gives it (the template escapes it)."""

    number: int
    id: str
    name: str
    kind: str
    address: str
    hours: str | None
    phone: str | None
    email: str | None
    website: str | None
    labels: tuple[str, ...]
    products: tuple[str, ...]
    channels: tuple[str, ...]
    lat: float | None
    lon: float | None
    url: str


@dataclass(frozen=True)
class SourceLine:
    label: str
    licence: str | None
    date: date | None


@dataclass
class Directory:
    title: str
    data_date: date | None
    choice: PrintChoice
    communes: list[str]  # INSEE codes of the territory, for the map
    groups: list[tuple[str, list[Entry]]] = field(default_factory=list)
    index: list[tuple[str, list[Entry]]] = field(default_factory=list)
    sources: list[SourceLine] = field(default_factory=list)
    osm: bool = False
    demo: bool = False  # fictional listings among them: the document says so

    @property
    def entries(self) -> list[Entry]:
        return [e for _, entries in self.groups for e in entries]


def territory_title(territory: Territory, index: CommuneIndex) -> str:
    """The territory's name, or one made of its départements' and communes' names."""
    if territory.name:
        return territory.name
    deps = departements(index)
    names = []
    for code in territory.codes:
        try:
            names.append(deps.get(code) or index.get(code).name)
        except LookupError:
            names.append(code)
    return ", ".join(names[:4]) + (f" et {len(names) - 4} autres" if len(names) > 4 else "")


_COLUMNS = (
    "id, kind, name, street, postcode, city, commune_insee, lat, lon, phone, email, website, "
    "opening_hours, opening_hours_text, channels, labels, products, sources, is_demo"
)


def _rows(con: duckdb.DuckDBPyConnection, communes: list[str], choice: PrintChoice) -> list[dict]:
    # An empty choice is « all »: len(?) = 0 keeps every row without a second query text.
    sql = (
        f"SELECT {_COLUMNS} FROM listings WHERE status = 'active' AND list_contains($communes, commune_insee) "  # noqa: S608
        "AND (len($kinds) = 0 OR list_contains($kinds, kind)) "
        "AND (len($channels) = 0 OR list_has_any(channels, $channels)) "
        "AND (len($labels) = 0 OR list_has_any(labels, $labels))"
    )
    params = {"communes": communes, "kinds": list(choice.kinds), "channels": list(choice.channels),
              "labels": list(choice.labels)}  # fmt: skip
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _labels(codes: list[str] | None, vocab: Vocabulary) -> tuple[str, ...]:
    return tuple(vocab.label(c) for c in codes or () if c in vocab)


def _address(row: dict) -> str:
    town = " ".join(x for x in (row["postcode"], row["city"]) if x)
    return ", ".join(x for x in (row["street"], town) if x)


def _entry(number: int, row: dict, base_url: str, year: int) -> Entry:
    return Entry(
        number=number,
        id=row["id"],
        name=row["name"],
        kind=KINDS.label(row["kind"]) if row["kind"] in KINDS else str(row["kind"]),
        address=_address(row),
        hours=hours_in_words(row["opening_hours"], year) or row["opening_hours_text"],
        phone=readable_phone(row["phone"]) if row["phone"] else None,
        email=row["email"],
        website=row["website"],
        labels=_labels(row["labels"], LABELS),
        products=_labels(row["products"], PRODUCTS),
        channels=_labels(row["channels"], CHANNELS),
        lat=row["lat"],
        lon=row["lon"],
        url=f"{base_url.rstrip('/')}/fiche?id={quote(row['id'], safe='')}",
    )


def _group_key(row: dict, choice: PrintChoice, index: CommuneIndex) -> tuple[int, str]:
    """(order, heading): communes in alphabetical order; families in the vocabulary's order,
    each listing under its first family (it is found under the others in the index)."""
    if choice.group_by == "produit":
        codes = [c for c in row["products"] or () if c in PRODUCTS]
        if not codes:
            return (len(PRODUCTS.terms), NO_PRODUCT)
        return (PRODUCTS.codes().index(codes[0]), PRODUCTS.label(codes[0]))
    try:
        return (0, index.get(row["commune_insee"]).name)
    except LookupError:
        return (0, row["city"] or row["commune_insee"])


def _sort_key(group: tuple[int, str], row: dict) -> tuple[int, str, str, str, str]:
    """Groups in order, then names as French readers sort them (accents and case aside)."""
    return (group[0], fold(group[1]), group[1], fold(row["name"]), row["id"])


def directory_of(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    choice: PrintChoice,
    index: CommuneIndex,
    base_url: str,
) -> Directory:
    communes = [c.insee for c in communes_of(index, territory.codes)]
    (built,) = con.execute("SELECT max(built_at) FROM build_info").fetchone() or (None,)
    built_date = built.date() if isinstance(built, datetime) else None
    year = (built_date or date.today()).year
    rows = _rows(con, communes, choice)
    keyed = sorted((_sort_key(_group_key(r, choice, index), r), r) for r in rows)
    directory = Directory(territory_title(territory, index), built_date, choice, communes)
    for number, ((_, _, heading, *_), row) in enumerate(keyed, start=1):
        entry = _entry(number, row, base_url, year)
        if not directory.groups or directory.groups[-1][0] != heading:
            directory.groups.append((heading, []))
        directory.groups[-1][1].append(entry)
    entries = directory.entries
    for term in PRODUCTS.terms:
        offering = [e for e in entries if term.fr in e.products]
        if offering:
            directory.index.append((term.fr, offering))
    used = sorted({s for row in rows for s in row["sources"] or ()})
    sources = con.execute(
        "SELECT label, licence, date, format FROM sources WHERE list_contains(?, name) ORDER BY precedence, label",
        [used],
    ).fetchall()
    directory.sources = [SourceLine(label, licence, when) for label, licence, when, _ in sources]
    directory.demo = any(row["is_demo"] for row in rows)
    directory.osm = any(fmt == "osm-overpass" for *_, fmt in sources)
    return directory
