"""Agence BIO's directory of organic operators (open-data API `api/gouv/operateurs`, JSON):
`{"nbTotal": …, "items": [operator…]}`. Each address of an operator typed « Lieux de vente »
becomes one listing; an operator with none is one rejected row, so every operator read is
accounted for.

The AB label comes from `certificats[].etatCertification`: ENGAGEE gives the label (its state,
certified or in conversion, from `productions[].etatProductions`); SUSPENDUE, ARRETEE or RETIREE
take it away, with a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from courtcircuit.record import Record, RejectRecord
from courtcircuit.vocab import PRODUCTS, fold
from etl.adapters.json_file import check_row_count, json_number, json_text, load_json, longest_text
from etl.adapters.tables import RawRow, SourceFileError
from etl.limits import limits
from etl.sources import SourceConfig, record_of

SELLING_PLACE = "lieux de vente"
LOST = {"SUSPENDUE": "suspendu", "ARRETEE": "arrêté", "RETIREE": "retiré"}
CONVERSION = {"C1": "conversion_c1", "C2": "conversion_c2", "C3": "conversion_c3"}


def _selling_places(operator: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    addresses = operator.get("adressesOperateurs")
    found = []
    for i, address in enumerate(addresses if isinstance(addresses, list) else []):
        if not isinstance(address, dict) or address.get("active") is False:
            continue
        types = address.get("typeAdresseOperateurs")
        labels = (
            [t.get("label") if isinstance(t, dict) else t for t in types if t]
            if isinstance(types, list)
            else []
        )
        if any(isinstance(t, str) and fold(t) == SELLING_PLACE for t in labels):
            found.append((i, address))
    return found


def rows(source: SourceConfig) -> Iterator[RawRow]:
    data = load_json(source, "Agence BIO")
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SourceFileError(
            f"{source.path.name} : pas de liste « items » (réponse de l'API opérateurs de l'Agence BIO attendue)"
        )
    check_row_count(source, items, "opérateurs")
    max_chars = limits().max_cell_chars
    for i, operator in enumerate(items):
        where = f"opérateur n° {i + 1}"
        if not isinstance(operator, dict):
            yield RawRow(
                ref=where,
                data={"_invalid": operator},
                where=where,
                problem="opérateur qui n'est pas un objet",
            )
            continue
        ident = operator.get("numeroBio", operator.get("id"))
        base = str(ident)[:60] if isinstance(ident, str | int) and str(ident).strip() else where
        problem = None
        if (longest := longest_text(operator)) > max_chars:
            problem = f"texte de {longest} caractères, au-delà de la limite de {max_chars} : opérateur écarté"
        places = _selling_places(operator)
        if not places:
            yield RawRow(
                ref=base,
                data=operator,
                where=where,
                problem=problem
                or "aucune adresse « Lieux de vente » : opérateur sans vente au public, écarté",
            )
            continue
        for index, address in places:
            data_row = {**operator, "_adresse": address}
            yield RawRow(
                ref=f"{base}/{index + 1}",
                data=data_row,
                where=f"{where}, adresse n° {index + 1}",
                problem=problem,
            )


def _ab(rec: Record, operator: dict[str, Any]) -> None:
    certificates = operator.get("certificats")
    states = [
        str(c.get("etatCertification", "")).strip().upper()
        for c in (certificates if isinstance(certificates, list) else [])
        if isinstance(c, dict)
    ]
    if "ENGAGEE" not in states:
        lost = next((LOST[s] for s in states if s in LOST), None)
        if lost:
            rec.note("labels", "ab", f"certificat bio {lost} (Agence BIO) : label AB retiré")
        else:
            rec.note(
                "labels", ", ".join(states), "aucun certificat bio en cours (Agence BIO) : pas de label AB"
            )
        return
    rec.labels.append("ab")
    productions = operator.get("productions")
    production_states = {
        str(e.get("etatProduction", "")).strip().upper()
        for p in (productions if isinstance(productions, list) else [])
        if isinstance(p, dict) and isinstance(p.get("etatProductions"), list)
        for e in p["etatProductions"]
        if isinstance(e, dict)
    }
    conversions = sorted(CONVERSION[s] for s in production_states if s in CONVERSION)
    # Certified as soon as one production is; otherwise the earliest year of conversion shown.
    rec.ab_status = "certifie" if "AB" in production_states or not conversions else conversions[0]


def _products(rec: Record, operator: dict[str, Any]) -> None:
    productions = operator.get("productions")
    for production in productions if isinstance(productions, list) else []:
        name = json_text(production.get("nom")) if isinstance(production, dict) else None
        if not name:
            continue
        term = PRODUCTS.lookup(name) or next(
            (t for word in name.replace(",", " ").split() if len(word) > 3 and (t := PRODUCTS.lookup(word))),
            None,
        )
        if term is None:
            rec.note("products", name, f"production Agence BIO non classée : « {name} »")
        elif term.code not in rec.products:
            rec.products.append(term.code)


def _website(operator: dict[str, Any]) -> str | None:
    sites = operator.get("siteWebs")
    for site in sites if isinstance(sites, list) else []:
        url = site.get("url") if isinstance(site, dict) else site
        if isinstance(url, str) and url.strip() and (not isinstance(site, dict) or site.get("active", True)):
            return url.strip()
    return None


def to_record(row: RawRow, source: SourceConfig) -> Record:
    operator = row.data
    address = operator.get("_adresse")
    if not isinstance(address, dict):
        raise RejectRecord("opérateur sans adresse lisible")
    rec = record_of(source, row.ref)
    rec.name = json_text(operator.get("denominationcourante")) or json_text(operator.get("raisonSociale"))
    rec.name = rec.name or json_text(operator.get("nom"))
    activities = operator.get("activites")
    names = (
        {fold(str(a.get("nom", ""))) for a in activities if isinstance(a, dict)}
        if isinstance(activities, list)
        else set()
    )
    producer = "production" in names or not names
    rec.kind, rec.channels = (
        ("producteur", ["vente_ferme"]) if producer else ("point_de_vente", ["intermediaire"])
    )
    rec.lat, rec.lon = (
        json_number(address.get("lat"), "latitude"),
        json_number(address.get("long"), "longitude"),
    )
    if rec.lat is not None and rec.lon is not None:
        rec.geo_precision = "exact"
    rec.street = json_text(address.get("lieu"))
    rec.postcode = json_text(address.get("codePostal"))
    rec.city = json_text(address.get("ville"))
    rec.commune_insee = json_text(address.get("codeCommune"))
    rec.siret = json_text(operator.get("siret"))
    rec.phone = json_text(operator.get("telephone")) or json_text(operator.get("telephoneCommerciale"))
    rec.email = json_text(operator.get("email"))
    rec.website = _website(operator)
    _ab(rec, operator)
    _products(rec, operator)
    return rec
