"""Downloads of search results: CSV (for spreadsheets) and GeoJSON (for GIS), with attribution.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or carriage
return, which some of them strip first) as a formula; a listing name from a partner's file
could be ``=HYPERLINK("http://evil", "clic")``. Such text cells get a leading apostrophe, the
OWASP advice for CSV injection, so the cell shows the text. Numbers are written as numbers
(a negative longitude stays a number). GeoJSON is not opened by spreadsheets and keeps the
text as it is.

The CSV files are for French spreadsheets: ``;`` between cells, a decimal comma (French Excel
reads "45.55" as text or as a date), "oui"/"non" for yes/no, UTF-8 with a BOM. The Excel
shortlist has readable French column titles; the CSV keeps short keys a script can rely on.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import phonenumbers

from courtcircuit.vocab import AB_STATUS, CHANNELS, KINDS, LABELS, PRODUCTS, Vocabulary

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# (column in results, header in the export, vocabulary that labels its codes)
EXPORT_COLUMNS: tuple[tuple[str, str, Vocabulary | None], ...] = (
    ("id", "identifiant", None),
    ("name", "nom", None),
    ("kind", "type", KINDS),
    ("distance_km", "distance_km", None),
    ("street", "adresse", None),
    ("postcode", "code_postal", None),
    ("city", "commune", None),
    ("commune_insee", "code_insee", None),
    ("lat", "latitude", None),
    ("lon", "longitude", None),
    ("geo_precision", "precision_position", None),
    ("phone", "telephone", None),
    ("email", "email", None),
    ("website", "site_web", None),
    ("opening_hours", "horaires_osm", None),
    ("opening_hours_text", "horaires", None),
    ("channels", "modes_de_vente", CHANNELS),
    ("labels", "labels", LABELS),
    ("products", "produits", PRODUCTS),
    ("description", "description", None),
    ("last_verified", "derniere_verification", None),
    ("is_demo", "donnee_de_demonstration", None),
    ("sources", "sources", None),
)


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet cannot run as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def readable_phone(e164: str) -> str:
    """+33473820000 -> 04 73 82 00 00 (French numbers); others in international format.

    Also keeps phones out of the formula guard: "+33…" would need an apostrophe."""
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def _cell(value: Any, vocab: Vocabulary | None, column: str = "") -> Any:
    if column == "phone" and isinstance(value, str):
        return readable_phone(value)
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None  # NaT is a datetime too: without this a missing date is written "NaT"
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return " | ".join(vocab.label(v) if vocab and v in vocab else str(v) for v in value)
    if vocab is not None and isinstance(value, str) and value in vocab:
        return vocab.label(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float):
        return round(value, 6)
    return value


def french_number(value: Any) -> Any:
    """A number as a French spreadsheet reads it in a CSV: 45.55 -> "45,55", 12.0 -> "12",
    True -> "oui"; text and empty cells unchanged.

    Called on cells that were numbers before neutralise, so "-1,55" is a longitude, never
    text from the data that a spreadsheet could run."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")  # repr: the shortest text that reads back the same
    return value


def _csv_cell(value: Any) -> Any:
    """Text neutralised against formulas; numbers and yes/no in French."""
    return neutralise(value) if isinstance(value, str) else french_number(value)


def _french_csv(rows: list[dict[str, Any]], headers: list[str], sources: Sequence[str]) -> bytes:
    """UTF-8 CSV with BOM (Excel reads the accents), ';' separated, attribution on the last line."""
    cells = [{h: _csv_cell(row[h]) for h in headers} for row in rows]
    buffer = io.StringIO()
    pd.DataFrame(cells, columns=headers, dtype=object).to_csv(
        buffer, sep=";", index=False, lineterminator="\r\n"
    )
    buffer.write(neutralise("# " + attribution_line(sources)) + "\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_rows(listings: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain rows with French headers, codes turned into labels (not yet neutralised)."""
    present = [(c, h, v) for c, h, v in EXPORT_COLUMNS if c in listings.columns]
    return [{h: _cell(rec[c], v, c) for c, h, v in present} for rec in listings.to_dict("records")]


def attribution_line(sources: Iterable[str]) -> str:
    names = ", ".join(sources)
    return (
        f"Court-Circuit, annuaire des circuits courts. Sources : {names}. "
        "Données OpenStreetMap © les contributeurs d'OpenStreetMap, licence ODbL."
    )


def to_csv(listings: pd.DataFrame, sources: Sequence[str]) -> bytes:
    """The search results for a French spreadsheet (see the module's docstring)."""
    headers = [h for c, h, _ in EXPORT_COLUMNS if c in listings.columns]
    return _french_csv(export_rows(listings), headers, sources)


def to_geojson(listings: pd.DataFrame, sources: Sequence[str]) -> bytes:
    """A GeoJSON FeatureCollection (RFC 7946, lon/lat order) with the attribution in its properties."""
    features = []
    for row in export_rows(listings):
        lon, lat = row.get("longitude"), row.get("latitude")
        if lon is None or lat is None:
            continue
        features.append(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": row}
        )
    collection = {
        "type": "FeatureCollection",
        "attribution": attribution_line(sources),
        "licence": "ODbL pour les données issues d'OpenStreetMap ; voir chaque source",
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


# The buyer's shortlist: contacts and readiness first, as a buyer calls round.
# (column in results, CSV key, vocabulary that labels its codes)
SHORTLIST_COLUMNS: tuple[tuple[str, str, Vocabulary | None], ...] = (
    ("name", "producteur", None),
    ("distance_km", "distance_km", None),
    ("delivery_label", "livraison", None),
    ("delivery_radius_km", "rayon_de_livraison_km", None),
    ("phone", "telephone", None),
    ("email", "email", None),
    ("website", "site_web", None),
    ("street", "adresse", None),
    ("postcode", "code_postal", None),
    ("city", "commune", None),
    ("products", "produits", PRODUCTS),
    ("labels", "labels", LABELS),
    ("ab_status", "etat_bio", AB_STATUS),
    ("volumes", "volumes", None),
    ("delivery_frequency", "frequence_de_livraison", None),
    ("gtin_available", "code_barres", None),
    ("sanitary_approval", "agrement_sanitaire", None),
    ("siret", "siret", None),
    ("last_verified", "derniere_verification", None),
    ("id", "identifiant", None),
)
# The Excel sheet's column titles, as a buyer reads them (the CSV keeps the keys above).
SHORTLIST_TITLES: dict[str, str] = {
    "producteur": "Producteur",
    "distance_km": "Distance (km)",
    "livraison": "Livraison",
    "rayon_de_livraison_km": "Rayon de livraison (km)",
    "telephone": "Téléphone",
    "email": "E-mail",
    "site_web": "Site web",
    "adresse": "Adresse",
    "code_postal": "Code postal",
    "commune": "Commune",
    "produits": "Produits",
    "labels": "Labels",
    "etat_bio": "État bio",
    "volumes": "Volumes",
    "frequence_de_livraison": "Fréquence de livraison",
    "code_barres": "Code-barres (GTIN)",
    "agrement_sanitaire": "Agrément sanitaire",
    "siret": "SIRET",
    "derniere_verification": "Dernière vérification",
    "identifiant": "Identifiant Court-Circuit",
}
# Excel number formats: Excel shows them with the reader's decimal sign (a comma in France).
_XLSX_FORMATS = {"distance_km": "0.0", "rayon_de_livraison_km": "0"}


def _shortlist_headers(suppliers: pd.DataFrame) -> list[str]:
    return [h for c, h, _ in SHORTLIST_COLUMNS if c in suppliers.columns]


def _shortlist_plain(suppliers: pd.DataFrame) -> list[dict[str, Any]]:
    """The shortlist's cells, codes turned into labels, not yet made safe for a spreadsheet."""
    present = [(c, h, v) for c, h, v in SHORTLIST_COLUMNS if c in suppliers.columns]
    return [{h: _cell(rec[c], v, c) for c, h, v in present} for rec in suppliers.to_dict("records")]


def shortlist_rows(suppliers: pd.DataFrame) -> list[dict[str, Any]]:
    """The shortlist's cells with text neutralised (numbers stay numbers)."""
    return [{h: neutralise(v) for h, v in row.items()} for row in _shortlist_plain(suppliers)]


def shortlist_csv(suppliers: pd.DataFrame, sources: Sequence[str]) -> bytes:
    return _french_csv(_shortlist_plain(suppliers), _shortlist_headers(suppliers), sources)


def _xlsx_value(value: Any) -> Any:
    # "oui"/"non" rather than TRUE/FALSE, which an English-set spreadsheet would show.
    return french_number(value) if isinstance(value, bool) else value


def shortlist_xlsx(suppliers: pd.DataFrame, sources: Sequence[str], title: str = "Ma sélection") -> bytes:
    """An Excel workbook: the shortlist on one sheet, the sources and licence on another.

    openpyxl turns any string starting with "=" into a formula, so every text cell is
    neutralised and typed as a string.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    headers = _shortlist_headers(suppliers)
    sheet.append([SHORTLIST_TITLES[h] for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in shortlist_rows(suppliers):
        sheet.append([None for _ in headers])
        for column, header in enumerate(headers, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = _xlsx_value(row[header])
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif header in _XLSX_FORMATS and cell.value is not None:
                cell.number_format = _XLSX_FORMATS[header]
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 50)
    about = workbook.create_sheet("Sources")
    about.append(["Sources et licence"])
    about.append([attribution_line(sources)])
    about["A2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
