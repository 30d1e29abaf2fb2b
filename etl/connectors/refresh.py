"""`python -m etl refresh [SOURCE…]`: fetch the live sources, then the command line rebuilds.

For each source named (every source with something to fetch when none is): its file from its
service (GoGoCarto, Agence BIO, Overpass), then its addresses geocoded and its SIRETs checked
when the source asks for it. A service down leaves that source's previous files in place: the
build that follows reads them, and the run log says the data are not fresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from courtcircuit.communes import CommuneIndex
from etl.connectors.geocoding import geocode_source
from etl.connectors.http import HttpSettings
from etl.connectors.live import fetch_source, is_live
from etl.connectors.settings import SourcesFileError
from etl.connectors.sirene import check_source
from etl.limits import MB, megabytes
from etl.record import SourceFileError
from etl.sources import SourceConfig


@dataclass
class Fetched:
    source: str
    seconds: float = 0.0
    done: list[str] = field(default_factory=list)  # what was fetched, in French
    errors: list[str] = field(default_factory=list)


def size(n: int) -> str:
    """A file size people read: "4,1 Ko", "12,3 Mo"."""
    return megabytes(n) if n >= MB else f"{n / 1024:.1f} Ko".replace(".", ",")


def has_live_part(source: SourceConfig) -> bool:
    return is_live(source) or source.geocode or source.check_siret


def select(sources: list[SourceConfig], names: list[str]) -> list[SourceConfig]:
    """The sources to fetch: those named, or every one with something to fetch."""
    if not names:
        return [s for s in sources if has_live_part(s)]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SourcesFileError(
            f"source(s) inconnue(s) : {', '.join(unknown)} (sources déclarées : {', '.join(by_name)})"
        )
    quiet = [n for n in names if not has_live_part(by_name[n])]
    if quiet:
        raise SourcesFileError(
            f"rien à télécharger pour : {', '.join(quiet)} (ni « url », ni « territory », ni « geocode », "
            "ni « check_siret » : son fichier est fourni tel quel)"
        )
    return [by_name[n] for n in names]


def refresh(
    sources: list[SourceConfig],
    names: list[str],
    *,
    settings: HttpSettings | None = None,
    communes: CommuneIndex | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Fetched]:
    """Fetch the selected sources; one Fetched per source, its errors in French (never raised)."""
    outcomes: dict[str, Fetched] = {}
    selected = select(sources, names)
    if not selected:
        say("aucune source en ligne (url, territory, geocode, check_siret) : construction seule")
    for source in selected:
        started = time.perf_counter()
        outcome = outcomes[source.name] = Fetched(source.name)
        steps: list[tuple[str, Callable[[], str]]] = []
        if is_live(source):
            steps.append(
                (
                    "téléchargement",
                    lambda s=source: f"{size(fetch_source(s, settings, communes))} enregistrés",
                )
            )
        if source.geocode:
            steps.append(
                ("géocodage", lambda s=source: f"{geocode_source(s, settings)} adresse(s) géocodée(s)")
            )
        if source.check_siret:
            steps.append(("SIRET", lambda s=source: f"{check_source(s, settings)} SIRET vérifié(s)"))
        for what, step in steps:
            say(f"{source.name} : {what}…")
            try:
                outcome.done.append(step())
            except (SourceFileError, SourcesFileError) as err:
                outcome.errors.append(f"{what} : {err}")
                say(f"{source.name} : échec ({what}) — {err}")
                if what == "téléchargement":
                    break  # geocoding or checking the previous file again adds nothing
            else:
                say(f"{source.name} : {outcome.done[-1]}")
        outcome.seconds = time.perf_counter() - started
    return outcomes
