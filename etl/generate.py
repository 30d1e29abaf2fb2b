"""Source files in the formats of docs/FORMATS.md, for the demo and for benchmarks, with their manifest.

    python -m etl.generate --out data/samples --territory livradois --seed 42   # the committed demo
    python -m etl.generate --out /tmp/bench --territory france --scale 1000000  # benchmark input

`livradois`: several hundred FICTIONAL listings (invented names, people and phones of the
04 65 71 block ARCEP keeps for fiction) placed in real communes around Ambert, plus the real
initiatives of shared/DOMAIN.md; cross-source duplicates, near-but-different places and bad
rows are planted on purpose.  `france`: `scale` listings spread over metropolitan communes.

`expected.json` (the `Manifest`) tells the build's tests what to expect: `sources` (file,
format, encoding, rows, kinds), `totals` (rows per source), `duplicate_groups` / `duplicates`
([source, ref] of records that describe one place), `apart` (pairs that must stay two
listings, with why: distance, kind or operator), `bad_rows` (reason family and effect:
"record" rejected or one "field" dropped/corrected) and `links` (producer → outlet named in a
row).  Refs are the `ref` column of tables and "node/<id>" / "way/<id>" for OSM.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import re
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from courtcircuit.communes import Commune, CommuneIndex
from etl import generate_names as gn

Ref = tuple[str, str]
FIXED_TIME = (2026, 10, 15, 0, 0, 0)  # zip entry dates: same seed, same bytes

CHAMBRE = {
    "ref": "N° fiche", "name": "Nom de l'exploitation", "description": "Présentation", "street": "Adresse",
    "postcode": "CP", "city": "Commune", "insee": "Code INSEE", "lat": "Latitude", "lon": "Longitude",
    "phone": "Téléphone", "email": "Courriel", "website": "Site internet", "opening_hours": "Horaires",
    "channels": "Circuits de vente", "labels": "Signes de qualité", "ab_status": "Statut bio",
    "products": "Produits", "delivers": "Livre les magasins", "delivery_radius_km": "Rayon de livraison (km)",
    "volumes": "Volumes", "delivery_frequency": "Fréquence de livraison", "gtin_available": "Code-barres",
    "sanitary_approval": "Agrément sanitaire", "siret": "SIRET", "sells_at": "Points de vente",
    "last_verified": "Mis à jour le", "status": "Statut",
}  # fmt: skip
PNR = {
    "ref": "Identifiant", "name": "Raison sociale", "kind": "Catégorie", "description": "Descriptif",
    "street": "Adresse postale", "postcode": "Code postal", "city": "Ville", "x": "X (L93)", "y": "Y (L93)",
    "phone": "Tél.", "email": "Mél", "website": "Site web", "opening_hours": "Jours et heures d'ouverture",
    "channels": "Modes de commercialisation", "labels": "Labels et marques", "products": "Productions",
    "delivers": "Livraison", "delivery_radius_km": "Distance max de livraison", "sanitary_approval": "Agrément",
    "siret": "N° SIRET", "sells_at": "Lieux de vente", "last_verified": "Date de mise à jour",
}  # fmt: skip
INITIATIVES = {
    "ref": "Référence", "name": "Nom", "kind": "Type", "description": "Description", "street": "Adresse",
    "postcode": "Code postal", "city": "Commune", "opening_hours": "Horaires", "channels": "Circuits",
    "products": "Produits", "labels": "Labels",
}  # fmt: skip
AMAP = "ref nom adresse code_postal commune latitude longitude jour horaires producteurs produits contact_email telephone site"
MARKETS = "ref nom adresse code_postal commune latitude longitude jours saison type producteurs"


@dataclass
class Table:
    """One source file being written: its sources.toml entry and its rows (field → cell)."""

    name: str
    format: str
    path: str
    precedence: int
    date: str
    label: str
    demo: bool = True
    mapping: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field → header (producers-table)
    encoding: str = "utf-8"
    rows: list[dict[str, object]] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)


@dataclass
class Manifest:
    territory: str
    seed: int
    scale: int
    sources: dict[str, dict[str, object]] = field(default_factory=dict)
    duplicate_groups: list[list[Ref]] = field(default_factory=list)
    apart: list[dict[str, object]] = field(default_factory=list)
    bad_rows: list[dict[str, object]] = field(default_factory=list)
    links: list[dict[str, object]] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {name: int(info["rows"]) for name, info in self.sources.items()}  # type: ignore[call-overload]

    @property
    def duplicates(self) -> list[tuple[Ref, Ref]]:
        """Every pair inside each group: what the build must merge."""
        return [(a, b) for g in self.duplicate_groups for i, a in enumerate(g) for b in g[i + 1 :]]

    def to_json(self) -> str:
        data = asdict(self)
        data["totals"] = self.totals
        data["duplicates"] = [list(map(list, pair)) for pair in self.duplicates]
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------------- writers


def write_tables(out: Path, tables: list[Table], manifest: Manifest, xlsx_max_rows: int = 5000) -> None:
    """Every file, its mapping, sources.toml and expected.json; XLSX only when small enough."""
    out.mkdir(parents=True, exist_ok=True)
    for t in tables:
        if t.path.endswith(".xlsx") and len(t.rows) > xlsx_max_rows:
            t.path = t.path.removesuffix(".xlsx") + ".csv"  # openpyxl needs minutes for 10^6 rows
        if t.format == "osm-overpass":
            write_overpass(out / t.path, t.rows, t.date)
        elif t.path.endswith(".xlsx"):
            write_xlsx(out / t.path, "Producteurs", [t.columns[f] for f in t.columns], _cells(t))
        else:
            write_csv(out / t.path, list(t.columns.values()), _cells(t), t.encoding)
        if t.mapping:
            (out / t.mapping).write_text(mapping_toml(t), encoding="utf-8")
        manifest.sources[t.name] = {
            "file": t.path, "format": t.format, "encoding": "xlsx" if t.path.endswith(".xlsx") else t.encoding,
            "rows": len(t.rows), "kinds": dict(sorted(t.kinds.items())), "precedence": t.precedence, "demo": t.demo,
        }  # fmt: skip
    (out / "sources.toml").write_text(sources_toml(tables, manifest), encoding="utf-8")
    (out / "expected.json").write_text(manifest.to_json(), encoding="utf-8")


def _cells(t: Table) -> list[list[object]]:
    return [[row.get(f, "") for f in t.columns] for row in t.rows]


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str) -> None:
    """`;`-separated, as French Excel exports; `utf-8-sig` writes the BOM Excel expects."""
    import csv

    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)


def write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list[object]]) -> None:
    """A workbook whose first sheet is a note, as partners send them (the mapping names the sheet)."""
    from openpyxl import Workbook

    book = Workbook()
    note = book.active
    note.title = "Lisez-moi"
    note.append(["Annuaire des producteurs fermiers — données FICTIVES de démonstration (Court-Circuit)."])
    data = book.create_sheet(sheet)
    data.append(header)
    for row in rows:
        data.append(row)
    data.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the save time in docProps/core.xml and in every zip entry: fix both.
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data_bytes = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data_bytes = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-10-15T00:00:00Z", data_bytes)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data_bytes, zipfile.ZIP_DEFLATED)


def write_overpass(path: Path, elements: list[dict[str, object]], date: str) -> None:
    elements = sorted(elements, key=lambda e: (["node", "way", "relation"].index(str(e["type"])), e["id"]))
    doc = {
        "version": 0.6,
        "generator": "Overpass API 0.7.62",
        "osm3s": {
            "timestamp_osm_base": f"{date}T09:00:00Z",
            "copyright": "Données FICTIVES écrites par Court-Circuit (etl/generate.py) au format de l'API "
            "Overpass ; ce ne sont pas des données OpenStreetMap.",
        },
        "elements": elements,
    }
    with path.open("w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value).lower()


def mapping_toml(t: Table) -> str:
    lines = [f"# Correspondance des colonnes de {t.path} (source « {t.name} ») : champ = \"en-tête\"."]
    if t.path.endswith(".xlsx"):
        lines.append('sheet = "Producteurs"')
    if "x" in t.columns:
        lines.append('crs = "EPSG:2154"')
    lines.append("\n[columns]")
    lines += [f"{f} = {_toml(h)}" for f, h in t.columns.items()]
    return "\n".join(lines) + "\n"


def sources_toml(tables: list[Table], manifest: Manifest) -> str:
    head = (
        f"# Sources of the {manifest.territory} data set, written by `python -m etl.generate --territory "
        f"{manifest.territory} --scale {manifest.scale} --seed {manifest.seed}`.\n# demo = true: FICTIONAL "
        "listings (invented names, people, phones) placed in real communes.\n"
    )
    blocks = []
    for t in sorted(tables, key=lambda t: (t.precedence, t.name)):
        entry = {"name": t.name, "label": t.label, "format": t.format, "path": t.path, "precedence": t.precedence}
        entry |= {"demo": t.demo, "date": t.date} | ({"mapping": t.mapping} if t.mapping else {})
        blocks.append("[[source]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in entry.items()))
    return head + "\n" + "\n".join(blocks)


# ---------------------------------------------------------------------------- entry points


def generate(out: Path, *, territory: str, scale: int = 1, seed: int = 42) -> Manifest:
    """Write a sources directory (files, mappings, sources.toml, expected.json) and return its manifest."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    communes = CommuneIndex.load()
    manifest = Manifest(territory, seed, scale)
    if territory == "livradois":
        tables = livradois(communes, manifest, scale, seed)
    elif territory == "france":
        tables = france(communes, manifest, scale, seed)
    else:
        raise ValueError(f"unknown territory {territory!r} (livradois or france)")
    write_tables(Path(out), tables, manifest)
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m etl.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory to write (created if needed)")
    parser.add_argument("--scale", type=int, default=1, help="livradois: multiplier; france: number of listings")
    parser.add_argument("--seed", type=int, default=42, help="same seed, same bytes")
    parser.add_argument("--territory", choices=("livradois", "france"), default="livradois")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.out, territory=args.territory, scale=args.scale, seed=args.seed)
    for name, info in manifest.sources.items():
        print(f"{name:22} {info['rows']:>9} {info['file']}  {info['kinds']}")
    print(
        f"{sum(manifest.totals.values())} rows, {len(manifest.duplicates)} duplicate pairs, "
        f"{len(manifest.apart)} apart pairs, {len(manifest.bad_rows)} bad rows "
        f"in {time.perf_counter() - started:.1f} s → {args.out}"
    )


if __name__ == "__main__":
    main()
