"""The one HTTP client of the live connectors (standard library only): a timeout, retries with
exponential back-off, a size limit, and a French message naming the service when it is down.

What is retried: a timeout, a refused or cut connection, HTTP 429 and 5xx (a service restarting
or overloaded answers again a few seconds later). A 4xx other than 429 is our request's fault:
retrying would only repeat it.
"""

from __future__ import annotations

import http.client
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from etl.limits import limits, megabytes
from etl.record import SourceFileError

USER_AGENT = "court-circuit/1.0 (annuaire des circuits courts alimentaires)"
RETRYABLE_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 60.0


class ServiceUnavailable(SourceFileError):
    """A web service gave no usable answer after the retries; the message is for the operator."""


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 60.0  # seconds without a byte before giving up one attempt (Overpass is slow)
    retries: int = 3  # attempts after the first
    backoff: float = 2.0  # seconds before the first retry, doubled at each next one

    @classmethod
    def from_env(cls) -> HttpSettings:
        """COURT_CIRCUIT_HTTP_TIMEOUT, _RETRIES and _BACKOFF; a wrong value keeps the default."""
        d = cls()

        def number(name: str, default: float) -> float:
            try:
                value = float(os.environ.get(name, "") or default)
            except ValueError:
                return default
            return value if value >= 0 else default

        return cls(
            timeout=number("COURT_CIRCUIT_HTTP_TIMEOUT", d.timeout) or d.timeout,
            retries=int(number("COURT_CIRCUIT_HTTP_RETRIES", d.retries)),
            backoff=number("COURT_CIRCUIT_HTTP_BACKOFF", d.backoff),
        )


def multipart(fields: list[tuple[str, str]], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of a multipart/form-data POST: text fields (a name may repeat, as the
    geocoder's `columns`) and (file name, bytes) files."""
    boundary = f"court-circuit-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _read_limited(response: http.client.HTTPResponse, service: str) -> bytes:
    max_bytes = limits().max_bytes
    body = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise ServiceUnavailable(
            f"{service} : réponse de plus de {megabytes(max_bytes)}, refusée "
            "(variable COURT_CIRCUIT_MAX_SOURCE_MB) ; restreindre la zone demandée"
        )
    return body


def _retry_after(err: urllib.error.HTTPError, default: float) -> float:
    value = err.headers.get("Retry-After", "") if err.headers else ""
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        return default


def fetch(
    url: str,
    *,
    service: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    settings: HttpSettings | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """The body of a successful answer (GET, or POST when `data` is given).

    Raises ServiceUnavailable after the retries, with what was tried and what happens next:
    the source keeps its previously saved file.
    """
    settings = settings or HttpSettings.from_env()
    request_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    attempts = settings.retries + 1
    delay = settings.backoff
    last = ""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(url, data=data, headers=request_headers)
        wait = delay
        try:
            with urllib.request.urlopen(request, timeout=settings.timeout) as response:
                return _read_limited(response, service)
        except urllib.error.HTTPError as err:
            if err.code not in RETRYABLE_STATUS:
                raise ServiceUnavailable(
                    f"{service} a refusé la requête (HTTP {err.code} {err.reason}) : vérifier l'adresse "
                    "et les paramètres de la source ; ses données précédentes sont gardées"
                ) from err
            last = f"HTTP {err.code} {err.reason}"
            wait = _retry_after(err, delay)
        except TimeoutError:
            last = f"aucune réponse en {settings.timeout:g} s"
        except urllib.error.URLError as err:
            reason = err.reason
            last = (
                f"aucune réponse en {settings.timeout:g} s"
                if isinstance(reason, TimeoutError)
                else f"connexion impossible ({reason})"
            )
        except (OSError, http.client.HTTPException) as err:  # reset, cut answer (IncompleteRead)
            last = f"connexion interrompue ({type(err).__name__})"
        if attempt < attempts:
            sleep(wait)
            delay *= 2
    raise ServiceUnavailable(
        f"{service} est injoignable ou en panne ({last}, {attempts} essai(s)) : "
        "les données précédentes de cette source sont gardées ; réessayer plus tard"
    )
