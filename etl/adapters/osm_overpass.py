"""OpenStreetMap elements in Overpass API JSON (`out center;`)."""

from __future__ import annotations

from collections.abc import Iterator

from courtcircuit.record import Record, RejectRecord
from courtcircuit.vocab import PRODUCTS
from etl.adapters.cells import parse_date
from etl.adapters.json_file import check_row_count, load_json
from etl.adapters.tables import RawRow, SourceFileError
from etl.limits import limits
from etl.sources import SourceConfig, record_of

# shop=* values that sell local food through one intermediary.
SHOPS = {"greengrocer", "deli", "cheese", "butcher", "dairy", "farm"}
# vending=* values that are food without being a product family of ours.
FOOD_VENDING = {"food", "local_food", "regional_products", "frozen_food", "farm_products", "meals", "pizza"}
# OSM values (produce=*, vending=*, shop=*) → product family; the vocabulary knows the French.
OSM_PRODUCTS = {
    "cheese": "fromages", "milk": "lait", "dairy": "lait", "yoghurt": "lait", "eggs": "oeufs",
    "honey": "miel", "meat": "viande_bovine", "beef": "viande_bovine", "pork": "porc_charcuterie",
    "sausages": "porc_charcuterie", "poultry": "volaille", "chicken": "volaille", "lamb": "agneau",
    "vegetables": "legumes", "vegetable": "legumes", "potatoes": "legumes", "potato": "legumes",
    "fruit": "fruits", "fruits": "fruits", "apples": "fruits", "apple": "fruits", "strawberries": "fruits",
    "berries": "fruits", "bread": "pain_cereales", "bakery": "pain_cereales", "cereals": "pain_cereales",
    "flour": "farines_legumineuses", "oil": "huiles", "wine": "boissons", "juice": "boissons",
    "cider": "boissons", "beer": "boissons", "drinks": "boissons", "meals": "plats_conserves",
    "jam": "plats_conserves", "herbs": "plantes_aromates", "fish": "poisson", "trout": "poisson",
    "meats": "viande_bovine", "pork_meats": "porc_charcuterie", "charcuterie": "porc_charcuterie",
    "duck": "volaille", "milk_products": "lait", "milk products": "lait", "dairy_products": "lait",
    "egg": "oeufs", "strawberry": "fruits", "pizza": "plats_conserves", "frozen_food": "plats_conserves",
    "soup": "plats_conserves", "vegetable_oil": "huiles", "bakery_products": "pain_cereales",
}  # fmt: skip
# Generic values that say "food" without naming a family: not worth a note.
GENERIC = {
    "farm",
    "food",
    "local_food",
    "regional_products",
    "farm_products",
    "greengrocer",
    "deli",
    "butcher",
}


def rows(source: SourceConfig) -> Iterator[RawRow]:
    lim = limits()
    data = load_json(source, "Overpass")
    name = source.path.name
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        raise SourceFileError(f"{name} : pas de liste « elements » (format Overpass JSON attendu)")
    elements = data["elements"]
    check_row_count(source, elements, "éléments")
    for i, element in enumerate(elements):
        where = f"élément n° {i + 1}"
        if isinstance(element, dict):
            kind, osm_id = element.get("type", "?"), element.get("id", f"#{i}")
            ref = f"{kind}/{osm_id}" if isinstance(kind, str) and isinstance(osm_id, int | str) else where
            row = RawRow(ref=ref[:100], data=element, where=where)
            tags = element.get("tags")
            longest = (
                max((len(v) for v in tags.values() if isinstance(v, str)), default=0)
                if isinstance(tags, dict)
                else 0
            )
            if longest > lim.max_cell_chars:
                row.problem = (
                    f"étiquette de {longest} caractères, au-delà de la limite de {lim.max_cell_chars} "
                    "(variable COURT_CIRCUIT_MAX_CELL_CHARS) : élément écarté"
                )
            yield row
        else:
            yield RawRow(
                ref=where,
                data={"_invalid": element},
                where=where,
                problem="élément Overpass qui n'est pas un objet",
            )


def _string_tags(rec: Record | None, tags: dict) -> dict[str, str]:
    """Tags whose value is text; OSM has no other kind, so anything else is noted and dropped."""
    found: dict[str, str] = {}
    for key, value in tags.items():
        if isinstance(key, str) and isinstance(value, str):
            found[key] = value
        elif rec is not None:
            rec.note(
                "tags", str(key)[:80], f"étiquette OSM « {str(key)[:80]} » qui n'est pas un texte : ignorée"
            )
    return found


def _coordinate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RejectRecord(f"position OSM non numérique : « {str(value)[:40]} »", "coordinates")
    return float(value)


def _kind(tags: dict[str, str]) -> tuple[str, list[str]]:
    """(kind, channels) from the main tags, or RejectRecord when none concerns local food."""
    if tags.get("shop") == "farm":
        return "producteur", ["vente_ferme"]
    if tags.get("amenity") == "marketplace":
        return "marche", ["marche"]
    if tags.get("amenity") == "vending_machine":
        vending = {v.strip().lower() for v in tags.get("vending", "").split(";")}
        if vending & (FOOD_VENDING | set(OSM_PRODUCTS)):
            return "distributeur", ["drive_distributeur"]
        raise RejectRecord(f"distributeur automatique non alimentaire (vending={tags.get('vending', '?')})")
    if tags.get("craft") == "beekeeper":
        return "producteur", ["vente_ferme"]
    if tags.get("shop") in SHOPS:
        return "point_de_vente", ["intermediaire"]
    raise RejectRecord(
        "élément OSM sans étiquette de circuit court reconnue (shop=farm, amenity=marketplace…)"
    )


def _products(rec: Record, tags: dict[str, str]) -> list[str]:
    codes: list[str] = []
    values = [tags.get(k, "") for k in ("produce", "product", "vending", "shop")]
    if tags.get("craft") == "beekeeper":
        values.append("honey")
    for value in ";".join(values).split(";"):
        value = value.strip().lower()
        if not value or value in GENERIC:
            continue
        code = OSM_PRODUCTS.get(value) or (term.code if (term := PRODUCTS.lookup(value)) else None)
        if code is None:
            rec.note("products", value, f"produit OSM non classé : « {value} »")
        elif code not in codes:
            codes.append(code)
    if tags.get("shop") == "greengrocer":
        codes += [c for c in ("legumes", "fruits") if c not in codes]
    return codes


def _tag(tags: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        if tags.get(key):
            return tags[key]
    return None


def to_record(row: RawRow, source: SourceConfig) -> Record:
    element = row.data
    raw_tags = element.get("tags")
    if not isinstance(raw_tags, dict):
        raise RejectRecord("élément OSM sans étiquettes (tags)")
    kind, channels = _kind(_string_tags(None, raw_tags))
    where = element if "lat" in element else element.get("center")
    if not isinstance(where, dict) or "lat" not in where or "lon" not in where:
        raise RejectRecord("élément OSM sans position (« out center; » attendu pour les ways et relations)")
    lat, lon = _coordinate(where["lat"]), _coordinate(where["lon"])
    rec = record_of(source, row.ref)
    tags = _string_tags(rec, raw_tags)
    rec.kind, rec.channels = kind, channels
    rec.lat, rec.lon, rec.geo_precision = lat, lon, "exact"
    rec.name = _tag(tags, "name", "brand", "operator")
    if rec.name is None:
        # Unnamed farm stands and machines are common in OSM; their kind is what people look for.
        vending = tags.get("vending", "").replace(";", ", ")
        rec.name = {
            "distributeur": f"Distributeur ({vending})" if vending else "Distributeur automatique"
        }.get(
            kind, "Vente à la ferme" if kind == "producteur" else "Marché" if kind == "marche" else "Commerce"
        )
        rec.note("name", "", f"élément sans nom : « {rec.name} » utilisé")
    rec.description = tags.get("description")
    number, street = (
        _tag(tags, "addr:housenumber", "contact:housenumber"),
        _tag(tags, "addr:street", "contact:street"),
    )
    rec.street = f"{number} {street}" if number and street else street
    rec.postcode = _tag(tags, "addr:postcode", "contact:postcode")
    rec.city = _tag(tags, "addr:city", "contact:city")
    rec.commune_insee = tags.get("ref:INSEE")
    rec.phone = _tag(tags, "contact:phone", "phone", "contact:mobile", "mobile")
    rec.email = _tag(tags, "contact:email", "email")
    rec.website = _tag(tags, "contact:website", "website", "url")
    rec.opening_hours = tags.get("opening_hours")
    rec.siret = tags.get("ref:FR:SIRET")
    rec.products = _products(rec, tags)
    if tags.get("organic") in ("yes", "only"):
        rec.labels.append("ab")
    if tags.get("check_date"):
        rec.last_verified = parse_date(rec, "last_verified", tags["check_date"])
    return rec
