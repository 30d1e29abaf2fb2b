"""The writers: each source file in its partner's format (`;` CSV in UTF-8 or Latin-1, XLSX with a
note sheet, Overpass JSON), its column mapping, `sources.toml` and `expected.json`.

Nothing here depends on the clock: same tables, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

from etl.demo.model import Manifest, Table

FIXED_TIME = (2026, 10, 15, 0, 0, 0)  # zip entry dates: same seed, same bytes
LATIN1 = str.maketrans({"œ": "oe", "Œ": "Oe", "–": "-", "’": "'"})  # not in Latin-1: as people type them
# Written into the sample files, so that a reader of data/samples knows where they come from.
OVERPASS_NOTE = "Données FICTIVES écrites par Court-Circuit (etl/demo/) au format de l'API Overpass."
COMMAND = "python -m etl.demo"


def write_tables(out: Path, tables: list[Table], manifest: Manifest, xlsx_max_rows: int = 5000) -> None:
    """Every file, its mapping, sources.toml and expected.json."""
    out.mkdir(parents=True, exist_ok=True)
    for t in tables:
        if t.path.endswith(".xlsx") and len(t) > xlsx_max_rows:
            t.path = t.path.removesuffix(".xlsx") + ".csv"  # openpyxl needs minutes for 10^6 rows
        if t.format == "osm-overpass":
            write_overpass(out / t.path, t.rows, t.date)
        elif t.frame is not None and t.path.endswith(".csv"):
            t.frame.reindex(columns=list(t.columns), fill_value="").to_csv(
                out / t.path, sep=";", index=False, header=list(t.columns.values()), lineterminator="\r\n",
                encoding=t.encoding, float_format="%.1f" if "x" in t.columns else "%.6f",
                decimal="," if "x" in t.columns else ".",
            )  # fmt: skip
        else:
            if t.frame is None:
                rows = [[r.get(f, "") for f in t.columns] for r in t.rows]
            else:
                frame = t.frame.reindex(columns=list(t.columns), fill_value="").astype(object)
                rows = frame.where(frame.notna(), "").values.tolist()  # NaN: an empty cell
            writer = write_xlsx if t.path.endswith(".xlsx") else write_csv
            writer(out / t.path, list(t.columns.values()), rows, t.encoding)
        if t.mapping:
            (out / t.mapping).write_text(mapping_toml(t), encoding="utf-8")
        encoding = (
            "xlsx" if t.path.endswith(".xlsx") else "json" if t.format == "osm-overpass" else t.encoding
        )
        manifest.sources[t.name] = {
            "file": t.path, "format": t.format, "encoding": encoding, "rows": len(t),
            "kinds": dict(sorted(t.kinds.items())), "precedence": t.precedence, "demo": t.demo,
        }  # fmt: skip
    (out / "sources.toml").write_text(sources_toml(tables, manifest), encoding="utf-8")
    (out / "expected.json").write_text(manifest.to_json(), encoding="utf-8")


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str) -> None:
    """`;`-separated as French Excel exports them; `utf-8-sig` writes the BOM Excel expects."""

    def cell(v: object) -> object:
        if isinstance(v, date):
            return v.strftime("%d/%m/%Y")
        return v.translate(LATIN1) if isinstance(v, str) and encoding == "latin-1" else v

    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([cell(v) for v in row] for row in rows)


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], encoding: str = "") -> None:
    """A workbook whose first sheet is a note, as partners send them (the mapping names the data sheet)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Lisez-moi"
    book.active.append(["Annuaire des producteurs — données FICTIVES de démonstration (Court-Circuit)."])
    sheet = book.create_sheet("Producteurs")
    for row in [header, *rows]:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the save time in docProps/core.xml and in every zip entry: fix both.
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-10-15T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data, zipfile.ZIP_DEFLATED)


def write_overpass(path: Path, elements: list[dict[str, object]], day: str) -> None:
    elements = sorted(elements, key=lambda e: (e["type"] != "node", e["id"]))  # Overpass: nodes, then ways
    osm3s = {"timestamp_osm_base": f"{day}T09:00:00Z", "copyright": OVERPASS_NOTE}
    with path.open("w", encoding="utf-8") as fh:
        json.dump({"version": 0.6, "generator": "Overpass API 0.7.62", "osm3s": osm3s, "elements": elements}, fh,
                  ensure_ascii=False, indent=1)  # fmt: skip
        fh.write("\n")


def mapping_toml(t: Table) -> str:
    lines = [f"# Colonnes de {t.path} (source « {t.name} ») : champ = en-tête du fichier."]
    lines += ['sheet = "Producteurs"'] if t.path.endswith(".xlsx") else []
    lines += ['crs = "EPSG:2154"'] if "x" in t.columns else []
    lines += ["", "[columns]"] + [f"{f} = {json.dumps(h, ensure_ascii=False)}" for f, h in t.columns.items()]
    return "\n".join(lines) + "\n"


def sources_toml(tables: list[Table], manifest: Manifest) -> str:
    text = (
        f"# Written by `{COMMAND} --out DIR --territory {manifest.territory} --scale {manifest.scale} "
        f"--seed {manifest.seed}`.\n# demo = true: FICTIONAL listings (invented names, people, phones) in real communes.\n"
    )
    for t in sorted(tables, key=lambda t: (t.precedence, t.name)):
        entry = {
            "name": t.name,
            "label": t.label,
            "format": t.format,
            "path": t.path,
            "precedence": t.precedence,
        }
        entry |= {"demo": t.demo, "date": t.date} | ({"mapping": t.mapping} if t.mapping else {})
        entry |= {"licence": t.licence} if t.licence else {}
        text += "\n[[source]]\n" + "".join(
            f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in entry.items()
        )
    return text
