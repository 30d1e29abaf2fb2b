"""Fetching a live source's file: GoGoCarto, Agence BIO and Overpass answers, saved at the
source's `path` (next to the sources file) so that the build reads files only.

An answer replaces the saved file only once its own format's reader accepts it: a service
answering an error page, a truncated text or an Overpass time-out keeps the previous file.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from dataclasses import replace
from pathlib import Path

from courtcircuit.communes import CommuneIndex
from etl.adapters import ADAPTERS
from etl.connectors.http import HttpSettings, ServiceUnavailable, fetch
from etl.connectors.overpass import OVERPASS_URL, TIMEOUT_S, territory_codes, territory_query
from etl.record import SourceFileError
from etl.sources import SourceConfig

AGENCEBIO_URL = "https://opendata.agencebio.org/api/gouv/operateurs/"
AGENCEBIO_PAGE = 1000  # operators per page (the API's `nb`)
MAX_PAGES = 100
OVERPASS_WAIT_S = TIMEOUT_S + 15


def is_live(source: SourceConfig) -> bool:
    """Whether `python -m etl refresh` fetches this source's file (it has a url or a territory)."""
    if source.format == "osm-overpass":
        return source.territory is not None
    if source.format == "gogocarto":
        return source.url is not None
    if source.format == "agencebio":
        return source.url is not None or source.territory is not None
    return False


def save_atomically(path: Path, payload: bytes) -> None:
    """Write `payload` at `path` whole or not at all (a reader never sees half a file)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _checked(source: SourceConfig, payload: bytes, service: str) -> None:
    """Raise ServiceUnavailable unless the format's reader accepts the answer."""
    probe = source.path.with_name(f".{source.path.name}.probe-{os.getpid()}")
    try:
        probe.write_bytes(payload)
        next(iter(ADAPTERS[source.format].rows(replace(source, path=probe))), None)
    except SourceFileError as err:
        raise ServiceUnavailable(
            f"{service} a répondu, mais la réponse est inutilisable ({str(err).replace(probe.name, 'la réponse')}) : "
            "les données précédentes de cette source sont gardées"
        ) from err
    finally:
        probe.unlink(missing_ok=True)
    if source.format == "osm-overpass":
        remark = json.loads(payload).get("remark", "")
        if isinstance(remark, str) and "error" in remark.lower():
            # Overpass answers 200 with what it found before its time limit: a partial territory.
            raise ServiceUnavailable(
                f"{service} s'est interrompu avant la fin ({remark[:200]}) : réponse partielle non "
                "enregistrée, les données précédentes sont gardées"
            )


def gogocarto_url(source: SourceConfig) -> str:
    """The instance's `/api/elements.json`, with `bounds=west,south,east,north` when given."""
    base = (source.url or "").rstrip("/")
    split = urllib.parse.urlsplit(base)
    if not split.path.endswith(".json"):
        split = split._replace(path=split.path.rstrip("/") + "/api/elements.json")
    query = urllib.parse.parse_qsl(split.query)
    if source.bounds is not None:
        query.append(("bounds", ",".join(f"{v:g}" for v in source.bounds)))
    return urllib.parse.urlunsplit(split._replace(query=urllib.parse.urlencode(query, safe=",")))


def _agencebio(source: SourceConfig, settings: HttpSettings | None, page_size: int = AGENCEBIO_PAGE) -> bytes:
    """Every page of the operators of the territory's départements, saved as one answer."""
    departements, communes = territory_codes(source.territory or "")
    departements += [c[:3] if c.startswith("97") else c[:2] for c in communes]
    params: dict[str, str] = {"nb": str(page_size)}
    if departements:
        params["departements"] = ",".join(dict.fromkeys(departements))
    base = source.url or AGENCEBIO_URL
    items: list = []
    total = None
    for page in range(MAX_PAGES):
        params["debut"] = str(page * page_size)
        separator = "&" if "?" in base else "?"
        url = f"{base}{separator}{urllib.parse.urlencode(params, safe=',')}"
        payload = fetch(url, service="L'API de l'Agence BIO", settings=settings)
        try:
            answer = json.loads(payload)
        except ValueError as err:  # after the fetch: ServiceUnavailable is a ValueError too
            raise ServiceUnavailable(
                "L'API de l'Agence BIO a répondu un texte qui n'est pas du JSON : les données "
                "précédentes de cette source sont gardées"
            ) from err
        page_items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(page_items, list):
            raise ServiceUnavailable(
                "L'API de l'Agence BIO a répondu sans liste « items » : les données précédentes sont gardées"
            )
        items += page_items
        total = answer.get("nbTotal", total)
        if len(page_items) < page_size or (isinstance(total, int) and len(items) >= total):
            break
    return json.dumps({"nbTotal": len(items), "items": items}, ensure_ascii=False).encode()


def fetch_source(
    source: SourceConfig,
    settings: HttpSettings | None = None,
    communes: CommuneIndex | None = None,
    page_size: int = AGENCEBIO_PAGE,
) -> int:
    """Fetch a live source and save its answer at its path; the number of bytes saved.

    Raises ServiceUnavailable (a SourceFileError) with a French message when the service is
    down or its answer unusable: the previous file stays.
    """
    if source.format == "osm-overpass":
        service = "Le serveur Overpass d'OpenStreetMap"
        query = territory_query(source.territory or "", communes)
        body = urllib.parse.urlencode({"data": query}).encode()
        # Overpass says nothing until its query is done (up to its own time limit): waiting less
        # would give up on every big territory.
        settings = settings or HttpSettings.from_env()
        settings = replace(settings, timeout=max(settings.timeout, OVERPASS_WAIT_S))
        payload = fetch(source.url or OVERPASS_URL, service=service, data=body, settings=settings)
    elif source.format == "gogocarto":
        service = f"La carte GoGoCarto ({urllib.parse.urlsplit(source.url or '').netloc})"
        payload = fetch(gogocarto_url(source), service=service, settings=settings)
    elif source.format == "agencebio":
        service = "L'API de l'Agence BIO"
        payload = _agencebio(source, settings, page_size)
    else:
        raise SourceFileError(f"le format « {source.format} » ne se télécharge pas : son fichier est fourni")
    _checked(source, payload, service)
    save_atomically(source.path, payload)
    return len(payload)
