"""Closed businesses: each SIRET of a source (`check_siret = true`) looked up in the public
company directory, recherche-entreprises.api.gouv.fr (`/search?q=SIRET`).

At refresh the raw answers are saved as `<source file>.entreprises.json` ({SIRET: answer}); at
build an establishment closed (`etat_administratif` F) or whose company ceased (C) is flagged
for staff as a note on the listing's `status` (the `rejected` table, scope « field »). The
listing itself is kept and stays published: a closure seen in the register may be a move, a
new SIRET, a mistake; only a person decides (the staff edit « Fermé définitivement »).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from courtcircuit.record import Record
from etl.adapters import ADAPTERS
from etl.connectors.http import HttpSettings, ServiceUnavailable, fetch
from etl.connectors.live import save_atomically
from etl.limits import read_bytes_limited
from etl.record import SourceFileError
from etl.sources import SourceConfig

DIRECTORY = "https://recherche-entreprises.api.gouv.fr/search"
URL_ENV = "COURT_CIRCUIT_ENTREPRISES_URL"  # another address: tests, a mirror
SERVICE = "L'annuaire des entreprises (recherche-entreprises.api.gouv.fr)"
PAUSE_S = 0.15  # the API allows 7 requests a second
CLOSED = {"F": "établissement fermé", "C": "entreprise cessée"}


def results_path(source: SourceConfig) -> Path:
    return source.path.with_name(source.path.name + ".entreprises.json")


def digits(siret: str | None) -> str:
    return re.sub(r"\D", "", siret or "")


def sirets(source: SourceConfig) -> list[str]:
    adapter = ADAPTERS[source.format]
    found: list[str] = []
    for row in adapter.rows(source):
        if row.problem:
            continue
        try:
            number = digits(adapter.to_record(row, source).siret)
        except Exception:  # a row the build rejects with its reason: nothing to send
            continue
        if len(number) == 14 and number not in found:
            found.append(number)
    return found


def check_source(source: SourceConfig, settings: HttpSettings | None = None, pause: float = PAUSE_S) -> int:
    """Look every SIRET up and save the answers; how many were looked up."""
    answers: dict[str, object] = {}
    for i, siret in enumerate(sirets(source)):
        if i:
            time.sleep(pause)
        payload = fetch(
            f"{os.environ.get(URL_ENV, '').strip() or DIRECTORY}?q={siret}",
            service=SERVICE,
            settings=settings,
        )
        try:
            answers[siret] = json.loads(payload)
        except ValueError as err:
            raise ServiceUnavailable(f"{SERVICE} a répondu un texte qui n'est pas du JSON") from err
    document = {"checked_at": datetime.now(UTC).isoformat(timespec="seconds"), "answers": answers}
    save_atomically(results_path(source), json.dumps(document, ensure_ascii=False, indent=1).encode())
    return len(answers)


def establishment_state(answer: object, siret: str) -> tuple[str | None, str | None, str]:
    """(establishment state, company state, name) of one SIRET in a saved answer; (None, None, "")
    when the directory does not know it."""
    results = answer.get("results") if isinstance(answer, dict) else None
    for company in results if isinstance(results, list) else []:
        if not isinstance(company, dict):
            continue
        places = company.get("matching_etablissements")
        candidates = [*(places if isinstance(places, list) else []), company.get("siege")]
        for place in candidates:
            if isinstance(place, dict) and digits(str(place.get("siret", ""))) == siret:
                name = str(company.get("nom_complet") or "")
                return place.get("etat_administratif"), company.get("etat_administratif"), name
    return None, None, ""


def load_answers(source: SourceConfig) -> tuple[dict[str, object], str]:
    path = results_path(source)
    if not path.is_file():
        return {}, ""
    try:
        document = json.loads(read_bytes_limited(path))
        return dict(document["answers"]), str(document.get("checked_at", ""))[:10]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as err:
        raise SourceFileError(
            f"{path.name} illisible : relancer « python -m etl refresh {source.name} »"
        ) from err


def closure_flagger(source: SourceConfig) -> Callable[[Record], Record]:
    """The build step noting, for staff, a listing whose SIRET the directory says is closed."""
    answers, checked = load_answers(source)

    def apply(rec: Record) -> Record:
        siret = digits(rec.siret)
        if siret not in answers:
            return rec
        place, company, name = establishment_state(answers[siret], siret)
        if place is None and company is None:
            rec.note(
                "siret",
                siret,
                f"SIRET introuvable dans l'annuaire des entreprises (vérifié le {checked}) : à vérifier",
            )
        elif place in CLOSED or company in CLOSED:
            why = CLOSED.get(place or "") or CLOSED[company or ""]
            rec.note(
                "status",
                siret,
                f"{why} selon l'annuaire des entreprises (« {name} », vérifié le {checked}) : à vérifier par "
                "l'équipe, la fiche reste publiée",
            )
        return rec

    return apply
