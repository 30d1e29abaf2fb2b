"""The buyer's shortlist downloads (courtcircuit.export): an Excel sheet with readable French
titles and a CSV for French Excel (decimal comma, oui/non), both safe to open."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from courtcircuit.db import connect
from courtcircuit.export import SHORTLIST_COLUMNS, SHORTLIST_TITLES, shortlist_csv, shortlist_xlsx
from courtcircuit.suppliers import DELIVERY, Store, suppliers

AMBERT = Store(45.54901, 3.74163)


@pytest.fixture(scope="module")
def nearby(supplier_build) -> pd.DataFrame:
    with connect(supplier_build.db) as con:
        frame = suppliers(con, AMBERT, within_km=80)
    frame["delivery_label"] = frame["delivery"].map(DELIVERY)
    return frame


@pytest.fixture
def hostile(nearby) -> pd.DataFrame:
    """Two producers whose texts a spreadsheet would run, one west of Greenwich."""
    rows = nearby.head(2).copy()
    rows["name"] = ['=HYPERLINK("http://evil.example","clic")', "@SUM(A1:A9)"]
    rows["volumes"] = ["-5 kg", "+33 caisses"]
    rows["distance_km"] = [12.34, 0.5]
    rows["gtin_available"] = [True, False]
    return rows


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[-2].startswith("# Court-Circuit") and lines[-1] == ""
    return list(csv.DictReader(io.StringIO("\r\n".join(lines[:-2])), delimiter=";"))


def read_xlsx(data: bytes) -> tuple[list[str], list[dict[str, object]], openpyxl.Workbook]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    header, *rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    return header, [dict(zip(header, r, strict=True)) for r in rows], book


def test_every_csv_key_has_a_readable_excel_title():
    keys = [h for _, h, _ in SHORTLIST_COLUMNS]
    assert set(SHORTLIST_TITLES) == set(keys)
    assert all("_" not in t and t[0].isupper() for t in SHORTLIST_TITLES.values())


def test_the_excel_sheet_has_french_titles_in_the_csv_order(nearby):
    header, rows, book = read_xlsx(shortlist_xlsx(nearby, ["Source A"]))
    assert header == [SHORTLIST_TITLES[h] for _, h, _ in SHORTLIST_COLUMNS]
    assert header[:3] == ["Producteur", "Distance (km)", "Livraison"]
    assert "Téléphone" in header and "État bio" in header
    assert len(rows) == len(nearby)
    assert [r["Producteur"] for r in rows] == list(nearby["name"])
    assert "Source A" in book["Sources"]["A2"].value


def test_the_excel_distances_are_numbers_shown_with_one_decimal(nearby):
    book = openpyxl.load_workbook(io.BytesIO(shortlist_xlsx(nearby, [])))
    column = [c.value for c in book.worksheets[0][1]].index("Distance (km)") + 1
    cells = [book.worksheets[0].cell(row=r, column=column) for r in range(2, len(nearby) + 2)]
    # A number with a format: French Excel shows 12,3, and the buyer can still sort and sum.
    assert all(isinstance(c.value, float) and c.number_format == "0.0" for c in cells)


def test_the_csv_has_decimal_commas_and_french_yes_no(hostile):
    rows = read_csv(shortlist_csv(hostile, []))
    assert [r["distance_km"] for r in rows] == ["12,34", "0,5"]
    assert [r["code_barres"] for r in rows] == ["oui", "non"]
    header = list(rows[0])
    assert header == [h for _, h, _ in SHORTLIST_COLUMNS]


def test_the_shortlist_texts_cannot_run_as_formulas(hostile):
    rows = read_csv(shortlist_csv(hostile, []))
    assert [r["producteur"] for r in rows] == ["'" + n for n in hostile["name"]]
    assert [r["volumes"] for r in rows] == ["'-5 kg", "'+33 caisses"]
    _, xrows, book = read_xlsx(shortlist_xlsx(hostile, []))
    assert [r["Producteur"] for r in xrows] == ["'" + n for n in hostile["name"]]
    assert [r["Code-barres (GTIN)"] for r in xrows] == ["oui", "non"]
    sheet = book.worksheets[0]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
