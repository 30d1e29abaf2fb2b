"""The printed directory as a PDF: an HTML document from our Jinja template (autoescaped: every
text from the data goes in as a variable, never into the template's source), laid out for
print by WeasyPrint, with a segno QR code per listing pointing to its page."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import segno
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from courtcircuit.communes import CommuneIndex
from courtcircuit.print.data import GROUPS, OSM_LINE, Directory, PrintChoice, directory_of
from courtcircuit.print.mapsvg import commune_polygons, territory_svg
from courtcircuit.print.words import MONTHS_FR
from courtcircuit.vocab import CHANNELS, KINDS, LABELS
from courtcircuit.workspace.accounts import Territory

TEMPLATES = Path(__file__).resolve().parent / "templates"
PUBLIC_URL_ENV = "COURT_CIRCUIT_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8501"


def public_url() -> str:
    """The address the QR codes point to (the public app), from COURT_CIRCUIT_PUBLIC_URL."""
    return os.environ.get(PUBLIC_URL_ENV, "").strip() or DEFAULT_PUBLIC_URL


def french_date(day: date | None) -> str:
    if day is None:
        return "date inconnue"
    return f"{'1er' if day.day == 1 else day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI: vector, so it prints sharp at any size."""
    return segno.make(url, error="m").svg_data_uri(border=2, dark="#000", light="#fff")


def selection_text(choice: PrintChoice) -> str:
    parts = [
        ", ".join(vocab.label(c) for c in codes if c in vocab)
        for codes, vocab in ((choice.kinds, KINDS), (choice.channels, CHANNELS), (choice.labels, LABELS))
        if codes
    ]
    return " ; ".join(
        parts + ([f"lieux classés {GROUPS[choice.group_by]}"] if choice.group_by != "commune" else [])
    )


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)


def directory_html(directory: Directory, index: CommuneIndex) -> str:
    points = [(e.number, e.lat, e.lon) for e in directory.entries]
    svg = territory_svg(commune_polygons(index, directory.communes), points)
    return _env.get_template("directory.html.j2").render(
        d=directory,
        css=Markup((TEMPLATES / "directory.css").read_text(encoding="utf-8")),
        count=len(directory.entries),
        data_date=french_date(directory.data_date),
        today=french_date(date.today()),
        selection=selection_text(directory.choice),
        map_svg=Markup(svg),  # our drawing: coordinates and numbers only (mapsvg)
        qr={e.id: qr_data_uri(e.url) for e in directory.entries},
        osm_line=OSM_LINE,
        demo=directory.demo,
    )


def directory_pdf(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    choice: PrintChoice | None = None,
    *,
    index: CommuneIndex | None = None,
    base_url: str | None = None,
) -> bytes:
    """The printed directory of `territory` (PDF bytes)."""
    from weasyprint import HTML  # imported here: loading pango costs a second the app rarely needs

    index = index or CommuneIndex.load()
    directory = directory_of(con, territory, choice or PrintChoice(), index, base_url or public_url())
    return HTML(string=directory_html(directory, index)).write_pdf()
