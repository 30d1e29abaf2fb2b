"""Addresses without coordinates, geocoded by the IGN Géoplateforme (`geocode = true` on a source).

At refresh, the source's rows with an address but no position are sent in one CSV to the batch
endpoint (`/geocodage/search/csv`); if it fails, each address goes to `/geocodage/search`. The
answer is saved as `<source file>.geocodage.csv` (the batch answer's columns: latitude,
longitude, result_score, result_type, result_label, result_citycode…), which the build reads.

At build, a row still without a position takes the saved one when its score reaches the
source's `geocode_min_score`: a house number is an exact position, a street or a locality one
of precision `street`. Below the score, or a commune-only answer, the row stays at its
commune's town hall with a note. Every use keeps the score in a note.
"""

from __future__ import annotations

import csv
import io
import json
import os
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from courtcircuit.record import Record
from etl.adapters import ADAPTERS
from etl.connectors.http import HttpSettings, ServiceUnavailable, fetch, multipart
from etl.connectors.live import save_atomically
from etl.limits import read_bytes_limited
from etl.record import SourceFileError
from etl.sources import SourceConfig

GEOCODER = "https://data.geopf.fr/geocodage"
URL_ENV = "COURT_CIRCUIT_GEOCODER_URL"  # another address (a local addok): tests, self-hosting
SERVICE = "Le géocodeur de la Géoplateforme (IGN)"
INPUT = ("ref", "adresse", "code_postal", "commune")
RESULT = ("latitude", "longitude", "result_label", "result_score", "result_type", "result_citycode")
PRECISION = {"housenumber": "exact", "street": "street", "locality": "street"}


def geocoder_url() -> str:
    return os.environ.get(URL_ENV, "").strip().rstrip("/") or GEOCODER


def results_path(source: SourceConfig) -> Path:
    return source.path.with_name(source.path.name + ".geocodage.csv")


def query_of(rec: Record) -> str:
    """The address text sent for a record (also how a saved answer is matched to the row)."""
    return " ".join(part for part in (rec.street, rec.postcode, rec.city) if part).strip()


def addresses(source: SourceConfig) -> list[tuple[str, str, str, str]]:
    """(ref, address, postcode, city) of the source's rows with an address but no position."""
    adapter = ADAPTERS[source.format]
    found = []
    for row in adapter.rows(source):
        if row.problem:
            continue
        try:
            rec = adapter.to_record(row, source)
        except Exception:  # a row the build rejects with its reason: nothing to send
            continue
        positioned = rec.lat is not None or rec.x_l93 is not None
        if not positioned and rec.street and (rec.postcode or rec.city):
            found.append((row.ref, rec.street, rec.postcode or "", rec.city or ""))
    return found


def _batch(rows: list[tuple[str, str, str, str]], settings: HttpSettings | None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(INPUT)
    writer.writerows(rows)
    body, content_type = multipart(
        [("columns", "adresse"), ("columns", "commune"), ("postcode", "code_postal")],
        {"data": ("adresses.csv", buffer.getvalue().encode("utf-8"))},
    )
    return fetch(
        f"{geocoder_url()}/search/csv", service=SERVICE, data=body, headers={"Content-Type": content_type},
        settings=settings,
    )  # fmt: skip


def _one_by_one(rows: list[tuple[str, str, str, str]], settings: HttpSettings | None) -> bytes:
    """The batch answer's columns, built from one `/search` answer per address."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow((*INPUT, *RESULT))
    for ref, address, postcode, city in rows:
        params = {"q": f"{address} {city}".strip()[:200], "limit": "1", "index": "address"}
        if postcode:
            params["postcode"] = postcode
        payload = fetch(
            f"{geocoder_url()}/search?{urllib.parse.urlencode(params)}", service=SERVICE, settings=settings
        )
        try:
            features = json.loads(payload)["features"]
            lon, lat = features[0]["geometry"]["coordinates"][:2]
            props = features[0]["properties"]
            result = (lat, lon, props.get("label", ""), props.get("score", ""), props.get("type", ""),
                      props.get("citycode", ""))  # fmt: skip
        except (ValueError, KeyError, IndexError, TypeError):
            result = ("", "", "", "", "", "")  # not found: the row stays at its commune
        writer.writerow((ref, address, postcode, city, *result))
    return buffer.getvalue().encode("utf-8")


def _readable(payload: bytes) -> bool:
    header = payload.decode("utf-8-sig", errors="replace").splitlines()[:1]
    return bool(header) and all(column in header[0] for column in ("ref", "latitude", "result_score"))


def geocode_source(source: SourceConfig, settings: HttpSettings | None = None) -> int:
    """Geocode the source's addresses without position and save the answer; how many were sent."""
    rows = addresses(source)
    if not rows:
        return 0
    try:
        payload = _batch(rows, settings)
        if not _readable(payload):
            raise ServiceUnavailable(f"{SERVICE} : réponse du lot CSV illisible")
    except ServiceUnavailable:
        # The batch endpoint refuses big or odd files at times; one address at a time still works.
        payload = _one_by_one(rows, settings)
    save_atomically(results_path(source), payload)
    return len(rows)


def _number(text: str | None) -> float | None:
    try:
        return float((text or "").replace(",", "."))
    except ValueError:
        return None


def load_results(source: SourceConfig) -> dict[str, dict[str, str]]:
    """The saved answer by row reference; empty when the source was never geocoded."""
    path = results_path(source)
    if not path.is_file():
        return {}
    try:
        text = read_bytes_limited(path).decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourceFileError(
            f"{path.name} illisible : relancer « python -m etl refresh {source.name} »"
        ) from err
    return {row["ref"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("ref")}


def geocoder(source: SourceConfig) -> Callable[[Record], Record]:
    """The build step giving a saved position to a record without one."""
    results = load_results(source)

    def apply(rec: Record) -> Record:
        if rec.lat is not None or rec.x_l93 is not None or rec.ref not in results:
            return rec
        row = results[rec.ref]
        if (row.get("adresse") or "") != (rec.street or ""):
            rec.note(
                "coordinates",
                query_of(rec),
                "adresse modifiée depuis le dernier géocodage : position à la commune",
            )
            return rec
        score, kind = _number(row.get("result_score")), row.get("result_type") or ""
        lat, lon = _number(row.get("latitude")), _number(row.get("longitude"))
        shown = "aucun" if score is None else f"{score:.2f}".replace(".", ",")
        if score is None or lat is None or lon is None or kind not in PRECISION:
            rec.note(
                "coordinates",
                query_of(rec),
                f"adresse non trouvée à la rue (score {shown}, type « {kind or '?'} ») : position à la commune",
            )
        elif score < source.geocode_min_score:
            limit = f"{source.geocode_min_score:.2f}".replace(".", ",")
            rec.note(
                "coordinates",
                row.get("result_label", ""),
                f"géocodage incertain (score {shown} < {limit}) : position à la commune",
            )
        else:
            rec.lat, rec.lon, rec.geo_precision = lat, lon, PRECISION[kind]
            rec.note(
                "coordinates",
                row.get("result_label", ""),
                f"position géocodée par la Géoplateforme (score {shown}, {kind})",
            )
        return rec

    return apply
