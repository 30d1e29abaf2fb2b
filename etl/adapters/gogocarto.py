"""GoGoCarto maps' `elements.json` (the `/api/elements.json` answer of an instance, or the file
it exports), current and older field names:

- position: `geo.latitude` / `geo.longitude`, or `lat` / `lng` (`long`, `latitude`, `longitude`);
- opening hours: `openHours` or `openhours` ({"Mo": "09:00-12:00 & 14:00-18:00", …});
- categories: `categories` (names, sometimes ids) and `categoriesFull` ([{"id", "name"}…]);
- address: `address.streetAddress`, `postalCode`, `addressLocality`, `customFormatedAddress`.

The instance's own answer is `{"licence": …, "data": [elements]}`; older exports are the bare list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from courtcircuit.record import Record, RejectRecord
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, fold
from etl.adapters.json_file import check_row_count, json_number, json_text, load_json, longest_text
from etl.adapters.tables import RawRow, SourceFileError
from etl.limits import limits
from etl.sources import SourceConfig, record_of

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# GoGoCarto statuses below 0 are deleted, refused or duplicate elements, hidden on the map.
HIDDEN_STATUS = {
    -6: "doublon",
    -5: "doublon",
    -4: "supprimée",
    -3: "refusée",
    -2: "refusée",
    -1: "en attente de validation",
}
# Category words (folded) that say what kind of place it is, tried in order.
KIND_WORDS = (
    ("amap", "amap"),
    ("marche", "marche"),
    ("magasin de producteurs", "magasin_producteurs"),
    ("distributeur", "distributeur"),
    ("drive", "drive"),
    ("epicerie", "point_de_vente"),
    ("magasin", "point_de_vente"),
    ("ferme", "producteur"),
    ("producteur", "producteur"),
)
KIND_CHANNEL = {"producteur": "vente_ferme", "marche": "marche", "amap": "amap", "drive": "drive_distributeur",
                "distributeur": "drive_distributeur", "magasin_producteurs": "magasin_producteurs",
                "point_de_vente": "intermediaire"}  # fmt: skip


def rows(source: SourceConfig) -> Iterator[RawRow]:
    data = load_json(source, "GoGoCarto")
    elements = data.get("data") if isinstance(data, dict) else data
    if not isinstance(elements, list):
        raise SourceFileError(
            f"{source.path.name} : ni liste d'éléments ni clé « data » (format GoGoCarto elements.json attendu)"
        )
    check_row_count(source, elements, "éléments")
    max_chars = limits().max_cell_chars
    declared = data.get("licence") if isinstance(data, dict) else None
    file_notes = []
    if isinstance(declared, str) and declared.strip() and declared.strip() not in (source.licence or ""):
        # Each map chooses its licence: the sources file should say the one the map declares.
        file_notes.append(
            (
                declared.strip()[:200],
                "licence déclarée par la carte GoGoCarto, à reporter dans « licence » du fichier de sources",
            )
        )
    for i, element in enumerate(elements):
        where = f"élément n° {i + 1}"
        if not isinstance(element, dict):
            yield RawRow(
                ref=where, data={"_invalid": element}, where=where, problem="élément qui n'est pas un objet"
            )
            continue
        ident = element.get("id")
        ref = str(ident)[:100] if isinstance(ident, str | int) and str(ident).strip() else where
        row = RawRow(ref=ref, data=element, where=where, file_notes=file_notes)
        file_notes = []  # carried by the first row only
        if (longest := longest_text(element)) > max_chars:
            row.problem = (
                f"texte de {longest} caractères, au-delà de la limite de {max_chars} "
                "(variable COURT_CIRCUIT_MAX_CELL_CHARS) : élément écarté"
            )
        yield row


def _position(element: dict[str, Any]) -> tuple[float | None, float | None]:
    geo = element.get("geo")
    if isinstance(geo, dict):
        lat, lon = geo.get("latitude", geo.get("lat")), geo.get("longitude", geo.get("lng"))
    else:
        lat = element.get("lat", element.get("latitude"))
        lon = element.get("lng", element.get("long", element.get("longitude")))
    return json_number(lat, "latitude"), json_number(lon, "longitude")


def _categories(rec: Record, element: dict[str, Any]) -> list[str]:
    names: list[str] = []
    full = element.get("categoriesFull")
    for item in full if isinstance(full, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    plain = element.get("categories")
    for item in plain if isinstance(plain, list) else [plain] if isinstance(plain, str) else []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, int) and not full:
            rec.note("categories", item, f"catégorie GoGoCarto donnée par son seul numéro ({item}) : ignorée")
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _kind(categories: list[str]) -> str:
    for name in categories:
        if (term := KINDS.lookup(name)) is not None:
            return term.code
    folded = [fold(n) for n in categories]
    for word, kind in KIND_WORDS:
        if any(re.search(rf"\b{word}", f) for f in folded):
            return kind
    # A GoGoCarto map of local food lists producers unless a category says otherwise.
    return "producteur"


def _classify(rec: Record, categories: list[str]) -> None:
    """Each category name as a product family, a label or a channel; the others are noted."""
    for name in categories:
        for vocabulary, codes in ((PRODUCTS, rec.products), (LABELS, rec.labels), (CHANNELS, rec.channels)):
            if (term := vocabulary.lookup(name)) is not None:
                if term.code not in codes:
                    codes.append(term.code)
                break
        else:
            if KINDS.lookup(name) is None:
                rec.note("categories", name, f"catégorie GoGoCarto non classée : « {name} »")


def _hhmm(slot: str) -> str:
    """French times in OSM syntax: "17h-19h30" → "17:00-19:30"."""
    return re.sub(r"\b(\d{1,2})\s*h\s*(\d{2})?\b", lambda m: f"{int(m[1]):02d}:{m[2] or '00'}", slot)


def opening_hours(rec: Record, hours: object) -> str | None:
    """{"Mo": "09:00-12:00 & 14:00-18:00"} → "Mo 09:00-12:00,14:00-18:00" (OSM syntax)."""
    if hours is None or hours == "" or hours == {}:
        return None
    if isinstance(hours, str):
        return hours  # already one text: the normalisation step reads or notes it
    if not isinstance(hours, dict):
        rec.note("opening_hours", str(hours)[:80], "horaires GoGoCarto illisibles : ignorés")
        return None
    parts = []
    for day in DAYS:
        value = hours.get(day)
        if isinstance(value, str) and value.strip():
            slots = ",".join(_hhmm(s.strip()) for s in re.split(r"&|,| et ", value) if s.strip())
            parts.append(f"{day} {slots}")
    return "; ".join(parts) or None


def to_record(row: RawRow, source: SourceConfig) -> Record:
    element = row.data
    status = element.get("status")
    if isinstance(status, int) and not isinstance(status, bool) and status in HIDDEN_STATUS:
        raise RejectRecord(
            f"fiche {HIDDEN_STATUS[status]} sur la carte GoGoCarto (status {status}) : non publiée", "status"
        )
    rec = record_of(source, row.ref)
    rec.name = json_text(element.get("name")) or json_text(element.get("title"))
    rec.lat, rec.lon = _position(element)
    if rec.lat is not None and rec.lon is not None:
        rec.geo_precision = "exact"
    address = element.get("address")
    if isinstance(address, dict):
        rec.street = json_text(address.get("streetAddress"))
        rec.postcode = json_text(address.get("postalCode"))
        rec.city = json_text(address.get("addressLocality"))
        if not (rec.street or rec.city) and json_text(address.get("customFormatedAddress")):
            rec.street = json_text(address.get("customFormatedAddress"))
    elif json_text(address):
        rec.street = json_text(address)
    categories = _categories(rec, element)
    rec.kind = _kind(categories)
    rec.channels = [KIND_CHANNEL[rec.kind]]
    _classify(rec, categories)
    rec.description = json_text(element.get("description")) or json_text(element.get("descriptionMore"))
    rec.phone = json_text(element.get("telephone")) or json_text(element.get("phone"))
    rec.email = json_text(element.get("email"))
    rec.website = json_text(element.get("website"))
    hours = element.get("openHours", element.get("openhours"))
    rec.opening_hours = opening_hours(rec, hours)
    rec.opening_hours_text = json_text(element.get("openHoursMoreInfos")) or json_text(
        element.get("openHoursString")
    )
    return rec
