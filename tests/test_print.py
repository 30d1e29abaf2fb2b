"""The printed directory (courtcircuit.print): its pages rendered to PNG (A4, black and white),
its text (every listing, hostile names as typed), its QR codes decoded to each listing's page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from courtcircuit.db import connect
from courtcircuit.print import PrintChoice, directory_pdf
from courtcircuit.print.__main__ import main
from courtcircuit.print.mapsvg import territory_svg
from courtcircuit.print.words import hours_in_words
from courtcircuit.workspace.accounts import Territory
from tests.conftest import HOSTILE_DESCRIPTION, HOSTILE_NAME

BASE = "https://annuaire.example.fr"
A4 = (595.3, 841.9)  # points


def flat(text: str) -> str:
    """Text with every run of spaces and line breaks removed: a name may wrap anywhere."""
    return re.sub(r"\s+", "", text)


def listings_of(db: Path, where: str = "") -> list[tuple[str, str]]:
    with connect(db) as con:
        return con.execute(
            f"SELECT id, name FROM listings WHERE status = 'active' AND commune_insee LIKE '63%' {where}"  # noqa: S608
        ).fetchall()


@pytest.fixture(scope="module")
def pdf_bytes(hostile_db, communes) -> bytes:
    with connect(hostile_db) as con:
        return directory_pdf(con, Territory.parse("63"), index=communes, base_url=BASE)


@pytest.fixture(scope="module")
def pages(pdf_bytes) -> list:
    """Every page as an image at 216 dpi, the resolution a phone's camera sees a print at."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        return [page.render(scale=3).to_pil() for page in document]
    finally:
        document.close()


def test_every_listing_is_in_the_text_and_hostile_text_is_printed_as_typed(pdf_bytes, hostile_db):
    text = flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages))
    expected = listings_of(hostile_db)
    assert len(expected) >= 10
    assert [name for _, name in expected if flat(name) not in text] == []
    assert flat(HOSTILE_NAME) in text  # drawn as text, not taken as an image tag
    assert flat(HOSTILE_DESCRIPTION) not in text  # descriptions are not printed
    for heading in ("Cartedu", "Indexparproduit", "Sourcesetattribution", "contributeursd'OpenStreetMap"):
        assert heading in text


def test_each_listing_has_a_qr_code_to_its_page(pages, hostile_db):
    found = {r.text for image in pages for r in zxingcpp.read_barcodes(image)}
    assert found == {f"{BASE}/fiche?id={listing_id}" for listing_id, _ in listings_of(hostile_db)}


def test_pages_are_a4_portrait_and_black_and_white(pdf_bytes, pages):
    document = pdfium.PdfDocument(pdf_bytes)
    assert [tuple(round(x, 1) for x in page.get_size()) for page in document] == [A4] * len(document)
    assert len(document) >= 4  # cover, map, listings, index and sources
    document.close()
    for number, image in enumerate(pages, start=1):
        rgb = np.asarray(image.convert("RGB")).astype(int)
        # no colour anywhere: every pixel grey (r = g = b), so nothing is said by colour alone
        assert (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all(), number
        assert rgb.min() < 40  # and something printed in black on each page


def test_the_map_has_one_numbered_marker_per_listing(hostile_db, communes):
    from courtcircuit.print.data import directory_of
    from courtcircuit.print.mapsvg import commune_polygons

    with connect(hostile_db) as con:
        directory = directory_of(con, Territory.parse("63"), PrintChoice(), communes, BASE)
    svg = territory_svg(
        commune_polygons(communes, directory.communes), [(e.number, e.lat, e.lon) for e in directory.entries]
    )
    numbers = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert sorted(int(n) for n in numbers) == list(range(1, len(directory.entries) + 1))
    assert len(directory.communes) > 400 and svg.count(" Z") > 400  # every commune of the département


def test_a_choice_of_kinds_and_grouping_by_product(hostile_db, communes):
    from courtcircuit.print.data import directory_of

    with connect(hostile_db) as con:
        markets = directory_of(con, Territory.parse("63"), PrintChoice(kinds=("marche",)), communes, BASE)
        by_product = directory_of(con, Territory.parse("63"), PrintChoice(group_by="produit"), communes, BASE)
    assert markets.entries and {e.kind for e in markets.entries} == {"Marché"}
    headings = [h for h, _ in by_product.groups]
    assert "Miel et produits de la ruche" in headings and len(headings) == len(set(headings))


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("Tu,Fr 17:00-19:00", "mardi et vendredi 17 h – 19 h"),
        ("Mo-Sa 09:00-12:00,14:00-18:30", "du lundi au samedi 9 h – 12 h et 14 h – 18 h 30"),
        ("Jun-Sep Su 08:00-13:00", "dimanche 8 h – 13 h (de juin à septembre)"),
        ("Nov-Mar Sa 08:00-12:00", "samedi 8 h – 12 h (de novembre à mars)"),
        ("Su[1] 08:00-12:00", "dimanche 8 h – 12 h (une fois par mois)"),
        ("Mo-Fr 09:00-12:00; PH off", "du lundi au vendredi 9 h – 12 h"),
        ("24/7", "tous les jours, 24 h sur 24"),
        ("pas une expression", None),
        (None, None),
    ],
)
def test_hours_in_french_words(expr, words):
    assert hours_in_words(expr, 2026) == words


def test_the_command_line_writes_the_pdf_and_refuses_an_unknown_territory(small_build, tmp_path, capsys):
    out = tmp_path / "annuaire.pdf"
    assert main(["63003", "--db", str(small_build.db), "--out", str(out), "--kinds", "marche"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "Marché d'Ambert" in "".join(p.extract_text() for p in PdfReader(out).pages)
    charter = tmp_path / "communes.csv"  # a Parc's perimeter: its communes, a header line first
    charter.write_text("insee;nom\n63003;Ambert\n63341;Saint-Ferréol-des-Côtes\n", encoding="utf-8")
    parc = tmp_path / "parc.pdf"
    assert (
        main(
            [
                "--communes",
                str(charter),
                "--name",
                "Parc test",
                "--db",
                str(small_build.db),
                "--out",
                str(parc),
            ]
        )
        == 0
    )
    text = "".join(p.extract_text() for p in PdfReader(parc).pages)
    assert "Parc test" in text and "Rucher du Forez" in text  # osm node/1003, Saint-Ferréol
    assert main(["Auvergne", "--db", str(small_build.db), "--out", str(tmp_path / "x.pdf")]) == 2
    assert "Territoire refusé" in capsys.readouterr().err
