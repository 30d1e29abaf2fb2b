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

Files for people take ``lang`` (the interface's language, French by default): in English the
CSV has English keys (:data:`ENGLISH_KEYS`), ``,`` between cells, a decimal point and
"yes"/"no", the Excel sheet English titles, and vocabulary labels and the attribution are
English. The GeoJSON is a machine format and stays as it is.
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


# +33 then 1-7 or 9: ten digits in pairs; 0 and 8 ("0 800 12 34 56") go through phonenumbers.
_PLAIN_FRENCH = tuple(f"+33{digit}" for digit in "12345679")


def readable_phone(e164: str) -> str:
    """+33473820000 -> 04 73 82 00 00 (French numbers); others in international format.

    Also keeps phones out of the formula guard: "+33…" would need an apostrophe."""
    if len(e164) == 12 and e164.startswith(_PLAIN_FRENCH) and e164[4:].isdigit():
        # Geographic and mobile numbers, the vast majority: phonenumbers writes them so, and its
        # parse was most of writing the open-data CSV (tests/test_export.py checks they agree).
        return f"0{e164[3]} {e164[4:6]} {e164[6:8]} {e164[8:10]} {e164[10:]}"
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


def _cell(value: Any, vocab: Vocabulary | None, column: str = "", lang: str = "fr") -> Any:
    if column == "phone" and isinstance(value, str):
        return readable_phone(value)
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None  # NaT is a datetime too: without this a missing date is written "NaT"
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return " | ".join(vocab.label(v, lang) if vocab and v in vocab else str(v) for v in value)
    if vocab is not None and isinstance(value, str) and value in vocab:
        return vocab.label(value, lang)
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


def english_number(value: Any) -> Any:
    """A number as an English spreadsheet reads it in a CSV: 45.55 -> "45.55", 12.0 -> "12",
    True -> "yes"; text and empty cells unchanged."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return value


def _number(value: Any, lang: str) -> Any:
    return english_number(value) if lang == "en" else french_number(value)


def _csv_cell(value: Any, lang: str = "fr") -> Any:
    """Text neutralised against formulas; numbers and yes/no in the reader's language."""
    return neutralise(value) if isinstance(value, str) else _number(value, lang)


def _french_csv(
    rows: list[dict[str, Any]], headers: list[str], sources: Sequence[str], lang: str = "fr"
) -> bytes:
    """UTF-8 CSV with BOM (Excel reads the accents), attribution on the last line; ';' separated
    for French spreadsheets, ',' with English keys for English ones."""
    cells = [{_key(h, lang): _csv_cell(row[h], lang) for h in headers} for row in rows]
    buffer = io.StringIO()
    pd.DataFrame(cells, columns=[_key(h, lang) for h in headers], dtype=object).to_csv(
        buffer, sep="," if lang == "en" else ";", index=False, lineterminator="\r\n"
    )
    buffer.write(neutralise("# " + attribution_line(sources, lang)) + "\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_rows(listings: pd.DataFrame, lang: str = "fr") -> list[dict[str, Any]]:
    """Plain rows with French headers, codes turned into labels (not yet neutralised)."""
    present = [(c, h, v) for c, h, v in EXPORT_COLUMNS if c in listings.columns]
    return [{h: _cell(rec[c], v, c, lang) for c, h, v in present} for rec in listings.to_dict("records")]


def attribution_line(sources: Iterable[str], lang: str = "fr") -> str:
    names = ", ".join(sources)
    if lang == "en":
        return (
            f"Court-Circuit, directory of short food supply chains. Sources: {names}. "
            "OpenStreetMap data © OpenStreetMap contributors, ODbL licence."
        )
    return (
        f"Court-Circuit, annuaire des circuits courts. Sources : {names}. "
        "Données OpenStreetMap © les contributeurs d'OpenStreetMap, licence ODbL."
    )


def to_csv(listings: pd.DataFrame, sources: Sequence[str], lang: str = "fr") -> bytes:
    """The search results for a spreadsheet in ``lang`` (see the module's docstring)."""
    headers = [h for c, h, _ in EXPORT_COLUMNS if c in listings.columns]
    return _french_csv(export_rows(listings, lang), headers, sources, lang)


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
# The Excel titles in English.
SHORTLIST_TITLES_EN: dict[str, str] = {
    "producteur": "Producer",
    "distance_km": "Distance (km)",
    "livraison": "Delivery",
    "rayon_de_livraison_km": "Delivery radius (km)",
    "telephone": "Phone",
    "email": "E-mail",
    "site_web": "Website",
    "adresse": "Address",
    "code_postal": "Postcode",
    "commune": "Town",
    "produits": "Products",
    "labels": "Labels",
    "etat_bio": "Organic status",
    "volumes": "Volumes",
    "frequence_de_livraison": "Delivery frequency",
    "code_barres": "Barcode (GTIN)",
    "agrement_sanitaire": "Health approval",
    "siret": "SIRET",
    "derniere_verification": "Last checked",
    "identifiant": "Court-Circuit ID",
}
# The CSV keys of the English files (search results and shortlist), French key → English key.
ENGLISH_KEYS: dict[str, str] = {
    "identifiant": "id",
    "nom": "name",
    "type": "kind",
    "distance_km": "distance_km",
    "adresse": "address",
    "code_postal": "postcode",
    "commune": "town",
    "code_insee": "insee_code",
    "latitude": "latitude",
    "longitude": "longitude",
    "precision_position": "position_precision",
    "telephone": "phone",
    "email": "email",
    "site_web": "website",
    "horaires_osm": "opening_hours_osm",
    "horaires": "opening_hours",
    "modes_de_vente": "sales_channels",
    "labels": "labels",
    "produits": "products",
    "description": "description",
    "derniere_verification": "last_checked",
    "donnee_de_demonstration": "demo_data",
    "sources": "sources",
    "producteur": "producer",
    "livraison": "delivery",
    "rayon_de_livraison_km": "delivery_radius_km",
    "etat_bio": "organic_status",
    "volumes": "volumes",
    "frequence_de_livraison": "delivery_frequency",
    "code_barres": "barcode",
    "agrement_sanitaire": "health_approval",
    "siret": "siret",
}


def _key(header: str, lang: str) -> str:
    return ENGLISH_KEYS[header] if lang == "en" else header


def shortlist_titles(lang: str = "fr") -> dict[str, str]:
    """CSV key → the Excel sheet's column title, in ``lang``."""
    return SHORTLIST_TITLES_EN if lang == "en" else SHORTLIST_TITLES


# Excel number formats: Excel shows them with the reader's decimal sign (a comma in France).
_XLSX_FORMATS = {"distance_km": "0.0", "rayon_de_livraison_km": "0"}


def _shortlist_headers(suppliers: pd.DataFrame) -> list[str]:
    return [h for c, h, _ in SHORTLIST_COLUMNS if c in suppliers.columns]


def _shortlist_plain(suppliers: pd.DataFrame, lang: str = "fr") -> list[dict[str, Any]]:
    """The shortlist's cells, codes turned into labels, not yet made safe for a spreadsheet."""
    present = [(c, h, v) for c, h, v in SHORTLIST_COLUMNS if c in suppliers.columns]
    return [{h: _cell(rec[c], v, c, lang) for c, h, v in present} for rec in suppliers.to_dict("records")]


def shortlist_rows(suppliers: pd.DataFrame, lang: str = "fr") -> list[dict[str, Any]]:
    """The shortlist's cells with text neutralised (numbers stay numbers)."""
    return [{h: neutralise(v) for h, v in row.items()} for row in _shortlist_plain(suppliers, lang)]


def shortlist_csv(suppliers: pd.DataFrame, sources: Sequence[str], lang: str = "fr") -> bytes:
    return _french_csv(_shortlist_plain(suppliers, lang), _shortlist_headers(suppliers), sources, lang)


def _xlsx_value(value: Any, lang: str = "fr") -> Any:
    # "oui"/"non" rather than TRUE/FALSE, which an English-set spreadsheet would show.
    return _number(value, lang) if isinstance(value, bool) else value


def shortlist_xlsx(
    suppliers: pd.DataFrame, sources: Sequence[str], title: str | None = None, lang: str = "fr"
) -> bytes:
    """An Excel workbook: the shortlist on one sheet (``title``, else « Ma sélection » or « My
    shortlist »), the sources and licence on another; titles and labels in ``lang``.

    openpyxl turns any string starting with "=" into a formula, so every text cell is
    neutralised and typed as a string.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or ("My shortlist" if lang == "en" else "Ma sélection"))[:31]
    headers = _shortlist_headers(suppliers)
    titles = shortlist_titles(lang)
    sheet.append([titles[h] for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in shortlist_rows(suppliers, lang):
        sheet.append([None for _ in headers])
        for column, header in enumerate(headers, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = _xlsx_value(row[header], lang)
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif header in _XLSX_FORMATS and cell.value is not None:
                cell.number_format = _XLSX_FORMATS[header]
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 50)
    about = workbook.create_sheet("Sources")
    about.append(["Sources and licence" if lang == "en" else "Sources et licence"])
    about.append([attribution_line(sources, lang)])
    about["A2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
