"""The buyers' and open pages in English (issue 13): the supplier page, open data, personal data,
accessibility and the food-gaps dashboard through AppTest with ``?lang=en``, and the domain's
texts for people (shortlist exports, link notices) in English; French stays the default.

A page "leaks" when a French text that its code wraps for the catalogue (``_``/``N_`` in the
files of this area) shows verbatim in English: every string of every element the page drew
(labels, options, placeholders, help, bodies, tab and expander labels, chart specs, table
columns and text cells) is scanned for them.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from babel.messages.extract import extract_from_file
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.export import (
    ENGLISH_KEYS,
    EXPORT_COLUMNS,
    SHORTLIST_COLUMNS,
    SHORTLIST_TITLES,
    SHORTLIST_TITLES_EN,
    shortlist_csv,
    shortlist_xlsx,
    to_csv,
)
from courtcircuit.open_data import open_data_folder
from courtcircuit.staff import ENV_VAR
from courtcircuit.supplier_state import NOTICES, parse
from courtcircuit.suppliers import DELIVERY, Store, suppliers
from tests.test_i18n import english
from ui.suppliers_view import DELIVERY_LABELS

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
# The files of this area whose wrapped texts the pages must not show in French in English mode.
AREA_FILES = (
    "pages/fournisseurs.py", "ui/suppliers_view.py", "ui/coverage_view.py", "ui/shortlist.py",
    "ui/prospect_form.py", "ui/needs_view.py", "pages/open_data.py", "ui/open_data_view.py", "ui/embed.py",
    "pages/donnees.py", "pages/accessibilite.py", "pages/manques.py", "ui/gaps_view.py",
)  # fmt: skip
AMBERT = {"mlieu": "Ambert", "mlat": "45.54901", "mlon": "3.74163"}
AMBERT_STORE = Store(45.54901, 3.74163)


# ---------------------------------------------------------------- the leak scan


def area_msgids() -> set[str]:
    found = set()
    for name in AREA_FILES:
        for _line, message, _comments, _context in extract_from_file(
            "python", REPO / name, keywords={"_": None, "N_": None}, comment_tags=()
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


class Leak:
    """How a msgid shows once its values are filled: its longest fixed part (a quick test) and
    a pattern with bounded values (a page's strings can be long: a map's HTML)."""

    def __init__(self, msgid: str) -> None:
        parts = re.split(r"\{\w+\}", msgid)
        self.anchor = max(parts, key=len)
        body = r".{1,200}?".join(re.escape(p) for p in parts)
        self.pattern = re.compile(body if " " in msgid.strip() else rf"^{body}$", re.S)

    def found_in(self, text: str) -> bool:
        return self.anchor in text and self.pattern.search(text) is not None


def leak_patterns() -> dict[str, Leak]:
    """msgid → how it shows, for the texts whose English differs.

    A text of one word must be a whole string to count (« Producteur » as a table title, never
    inside a listing's name); a longer one counts anywhere. Texts with fewer than 8 letters of
    their own outside the values (« {day} à {time} ») would match data and are left out."""
    catalogue = english()
    patterns = {}
    for msgid in area_msgids():
        if catalogue.get(msgid, msgid) == msgid:
            continue
        fixed = re.sub(r"\{\w+\}", "", msgid)
        if sum(c.isalpha() for c in fixed) < 8 and " " in msgid.strip():
            continue
        patterns[msgid] = Leak(msgid)
    return patterns


def _proto_strings(message) -> Iterator[str]:
    for _field, value in message.ListFields():
        items = [value] if isinstance(value, (str, bytes)) or hasattr(value, "ListFields") else value
        if not isinstance(items, (list, tuple)) and not hasattr(items, "__iter__"):
            continue  # a number or a flag
        for item in items:
            if isinstance(item, str):
                yield item
            elif hasattr(item, "ListFields"):
                yield from _proto_strings(item)


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


def rendered_strings(at: AppTest) -> list[str]:
    """Every string the run drew: element and block protos (chart specs read as JSON, where
    accents may be escaped), table column titles and text cells."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            for text in _proto_strings(proto):
                found.append(text)
                if text[:1] in "{[":
                    with contextlib.suppress(ValueError):
                        found.extend(_json_strings(json.loads(text)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for frame in at.dataframe:
        value = frame.value
        table = value.data if hasattr(value, "data") else value  # a Styler (the coverage table)
        found.extend(str(c) for c in table.columns)
        for column in table.columns:
            found.extend(v for v in table[column] if isinstance(v, str))
    return found


def leaks(at: AppTest) -> list[str]:
    """The area's French texts that the page shows as they are."""
    patterns, strings = leak_patterns(), rendered_strings(at)
    return sorted({msgid for msgid, leak in patterns.items() if any(leak.found_in(s) for s in strings)})


# ---------------------------------------------------------------- opening pages


def open_page(path: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if Path(path).stem == "open_data":
        # Its address (/donnees-ouvertes) is not its file's name: AppTest finds the page only
        # once app.py has declared the pages (a first run), as tests/test_app_outputs.py does.
        at.query_params.update(params)
        at.run()
    at.switch_page(path)
    at.query_params.update(params)
    return at.run()


def in_english(path: str, params: dict[str, str] | None = None) -> AppTest:
    at = open_page(path, {**(params or {}), "lang": "en"})
    assert not at.exception, at.exception
    return at


def lang_of(at: AppTest) -> str | None:
    value = at.query_params.get("lang")
    return value[0] if isinstance(value, list) else value


@pytest.fixture
def supplier_env(supplier_build, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(supplier_build.db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes of every file handed to Streamlit's media manager, by file id (AppTest gives
    a download button's URL, not its bytes)."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        seen[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return seen


def tick(at: AppTest, key: str, rows: list[int]) -> AppTest:
    """Tick rows of a results table as the browser does (AppTest cannot click a st.dataframe)."""
    (frame,) = [d for d in at.dataframe if (d.key or "").rsplit("_", 1)[0] == key]
    at.session_state[frame.key] = {"selection": {"rows": rows, "columns": []}}
    return at.run()


def labels(elements) -> list[str]:
    return [e.label for e in elements]


def values(elements) -> list[str]:
    return [e.value for e in elements]


# ---------------------------------------------------------------- the supplier page


def test_the_supplier_page_without_a_store_in_english(supplier_env):
    at = in_english("pages/fournisseurs.py")
    assert at.title[0].value == "Find local suppliers"
    assert at.text_input(key="cp_lieu").label == "Address, commune or postcode of your establishment"
    assert at.selectbox(key="cp_etab").label == "Kind of establishment"
    assert at.sidebar.header[0].value == "Filters"
    assert at.sidebar.checkbox(key="cp_gtin").label == "Barcode (GTIN/EAN) available"
    assert "Say where your establishment is to see the producers who can deliver to you." in values(at.info)
    assert "Needs published by buyers" in values(at.subheader)
    assert "Publish a need" in labels(at.expander)
    assert leaks(at) == []
    assert lang_of(at) == "en"


def test_the_supplier_page_with_a_store_in_english(supplier_env, downloads):
    at = in_english("pages/fournisseurs.py", AMBERT)
    tabs = labels(at.tabs)
    assert re.fullmatch(r"Deliver to my establishment \(\d+\)", tabs[0]), tabs
    assert re.fullmatch(r"Producers within 30 km \(\d+\)", tabs[1]), tabs
    assert tabs[2:] == ["Where supply is missing", "Buyers' needs"]
    assert at.slider(key="cp_km").label == "Distance (km)"
    assert at.button(key="cp_preset_80").label == "80 km"
    assert at.subheader[0].value.startswith("Establishment: Ambert · ")
    near = next(d.value for d in at.dataframe if (d.key or "").startswith("cp_table_proches"))
    assert list(near.columns)[:4] == ["Producer", "Distance (km)", "Delivery", "Radius (km)"]
    assert set(near["Delivery"]) <= {"Delivers to your establishment", "Delivers, but not this far",
                                     "Delivery radius not stated", "Does not deliver", "Delivery not stated"}  # fmt: skip
    coverage = next(d.value for d in at.dataframe if "Product family" in d.value.columns)
    assert "Eggs" in set(coverage["Product family"]) or "Vegetables" in set(coverage["Product family"])
    assert at.selectbox(key="cp_need_product").label == "Product family"
    assert "Send for approval" in labels(at.button)
    assert "My shortlist" in values(at.subheader)
    assert leaks(at) == []

    tick(at, "cp_table_proches", [0, 1])
    assert not at.exception, at.exception
    assert any(m.value.startswith("**2 producers to contact**") for m in at.markdown)
    assert at.button(key="cp_clear").label == "Clear the shortlist"
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"Download (Excel)", "Download (CSV)"}
    assert leaks(at) == []
    assert lang_of(at) == "en"  # the page rewrote its link and kept the language

    book = openpyxl.load_workbook(io.BytesIO(downloads[Path(buttons["Download (Excel)"].url).stem]))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:3] == ["Producer", "Distance (km)", "Delivery"] and "Organic status" in header
    assert book.worksheets[0].title == "My shortlist"
    text = downloads[Path(buttons["Download (CSV)"].url).stem].decode("utf-8-sig").split("\r\n")
    rows = list(csv.DictReader(io.StringIO("\n".join(text[:-2]))))
    assert list(rows[0])[:3] == ["producer", "distance_km", "delivery"]
    assert text[-2].startswith("# Court-Circuit, directory of short food supply chains. Sources: ")


def test_a_link_that_cannot_be_read_is_explained_in_english(supplier_env):
    at = in_english("pages/fournisseurs.py", {**AMBERT, "etab": "navire", "km": "9999", "vue": "x"})
    said = " ".join(values(at.warning))
    assert "Unknown kind of establishment" in said and "Invalid distance" in said and "Unknown tab" in said
    assert "inconnu" not in said


def test_the_supplier_page_stays_french_by_default(supplier_env):
    at = open_page("pages/fournisseurs.py", AMBERT)
    assert not at.exception, at.exception
    assert at.title[0].value == "Trouver des fournisseurs locaux"
    assert labels(at.tabs)[2:] == ["Où l'offre manque", "Besoins des acheteurs"]
    assert at.sidebar.header[0].value == "Filtres"
    assert "lang" not in at.query_params
    # The scan finds the French texts when they are there: it can fail.
    shown = leaks(at)
    assert {
        "Trouver des fournisseurs locaux",
        "Famille de produits",
        "Producteur",
        "Livre votre établissement",
    } <= set(shown), shown


# ---------------------------------------------------------------- the open pages


@pytest.fixture
def open_data_env(small_build, tmp_path, monkeypatch) -> None:
    db = tmp_path / "d.duckdb"
    shutil.copyfile(small_build.db, db)
    shutil.copytree(open_data_folder(small_build.db).resolve(), tmp_path / "files")
    open_data_folder(db).symlink_to("files")
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(db))


def test_the_open_data_page_in_english(open_data_env):
    at = in_english("pages/open_data.py")
    assert at.title[0].value == "Open data"
    assert values(at.subheader) == ["Sources and licences", "Schema"]
    buttons = [b.proto.label for b in at.get("download_button")]
    assert len(buttons) == 4 and all(b.startswith("Download ") and b.endswith(" MB)") for b in buttons), (
        buttons
    )
    assert not any("," in b for b in buttons)  # a decimal point in English
    table = at.dataframe[0].value
    assert list(table.columns) == ["Source", "Licence", "Attribution", "In the files"]
    assert set(table["In the files"]) <= {"yes", "no (redistribution not allowed)"}
    assert any(re.search(r"\*\*\d+ places\*\*, data of ", m.value) for m in at.markdown)
    assert leaks(at) == []
    french = open_page("pages/open_data.py", {})
    assert french.title[0].value == "Données ouvertes"
    assert "Dans les fichiers" in french.dataframe[0].value.columns


@pytest.mark.parametrize(
    ("path", "title", "french_title"),
    [
        ("pages/donnees.py", "Personal data", "Données personnelles"),
        ("pages/accessibilite.py", "Accessibility statement", "Déclaration d'accessibilité"),
        ("pages/manques.py", "Where is local food missing?", "Où manque-t-il des circuits courts ?"),
    ],
)
def test_the_open_pages_in_english(demo_db, monkeypatch, path, title, french_title):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(demo_db))
    at = in_english(path)
    assert at.title[0].value == title
    assert leaks(at) == []
    french = open_page(path, {})
    assert not french.exception, french.exception
    assert french.title[0].value == french_title
    assert french_title in leaks(french)


def test_the_gaps_downloads_follow_the_language(demo_db, monkeypatch, downloads):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(demo_db))
    at = in_english("pages/manques.py", {"dep": "63"})
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    shares = downloads[Path(buttons["Shares of the population (CSV)"].url).stem].decode("utf-8-sig")
    head, first = shares.splitlines()[:2]
    assert head.startswith("Access,") and "Share of the population" in head
    assert re.search(r",\d+\.\d$", first), first  # comma-separated, decimal point


# ---------------------------------------------------------------- the domain's texts for people


@pytest.fixture(scope="module")
def nearby(supplier_build) -> pd.DataFrame:
    with connect(supplier_build.db, read_only=True) as con:
        frame = suppliers(con, AMBERT_STORE, within_km=80)
    frame["delivery_label"] = frame["delivery"].map(DELIVERY)
    return frame


def test_the_delivery_labels_marked_for_the_catalogue_are_the_domain_s():
    assert DELIVERY_LABELS == DELIVERY


def test_every_export_key_has_english():
    keys = {h for _, h, _ in EXPORT_COLUMNS} | {h for _, h, _ in SHORTLIST_COLUMNS}
    assert keys <= set(ENGLISH_KEYS)
    assert set(SHORTLIST_TITLES_EN) == set(SHORTLIST_TITLES)
    assert len(set(ENGLISH_KEYS.values())) == len(ENGLISH_KEYS)


def test_the_english_shortlist_csv_has_english_keys_and_a_decimal_point(nearby):
    rows = nearby.head(2).copy()
    rows["distance_km"] = [12.34, 0.5]
    rows["gtin_available"] = [True, False]
    rows["name"] = ["=cmd", "Ferme"]
    text = shortlist_csv(rows, ["Source A"], lang="en").decode("utf-8-sig").split("\r\n")
    table = list(csv.DictReader(io.StringIO("\n".join(text[:-2]))))
    assert [r["distance_km"] for r in table] == ["12.34", "0.5"]
    assert [r["barcode"] for r in table] == ["yes", "no"]
    assert table[0]["producer"] == "'=cmd"  # still safe to open
    assert text[-2] == "# Court-Circuit, directory of short food supply chains. Sources: Source A. " + (
        "OpenStreetMap data © OpenStreetMap contributors, ODbL licence."
    )
    french = shortlist_csv(rows, ["Source A"]).decode("utf-8-sig")
    assert french.startswith("producteur;") and "12,34" in french  # French unchanged by default


def test_the_english_excel_sheet(nearby):
    book = openpyxl.load_workbook(io.BytesIO(shortlist_xlsx(nearby, ["Source A"], lang="en")))
    header = [c.value for c in book.worksheets[0][1]]
    assert header == [SHORTLIST_TITLES_EN[h] for _, h, _ in SHORTLIST_COLUMNS]
    assert book["Sources"]["A1"].value == "Sources and licence"
    assert "OpenStreetMap contributors" in book["Sources"]["A2"].value
    french = openpyxl.load_workbook(io.BytesIO(shortlist_xlsx(nearby, [])))
    assert french.worksheets[0].title == "Ma sélection" and french.worksheets[0]["A1"].value == "Producteur"


def test_the_search_csv_in_english_labels_codes_in_english():
    listings = pd.DataFrame({"id": ["a"], "name": ["Ferme"], "kind": ["producteur"], "distance_km": [2.5],
                             "products": [["oeufs"]], "is_demo": [True]})  # fmt: skip
    text = to_csv(listings, [], lang="en").decode("utf-8-sig").split("\r\n")
    assert text[0] == "id,name,kind,distance_km,products,demo_data"
    assert text[1] == "a,Ferme,Producer,2.5,Eggs,yes"
    assert to_csv(listings, []).decode("utf-8-sig").split("\r\n")[1] == "a;Ferme;Producteur;2,5;Œufs;oui"


def test_link_notices_in_both_languages():
    bad = {"mlat": "x", "etab": "navire", "km": "0", "produit": "caviar", "vue": "x"}
    _state, french = parse(bad)
    assert french[0] == NOTICES["fr"]["position"] and "supermarché retenu" in french[1]
    _state, english_notices = parse(bad, "en")
    assert len(english_notices) == len(french) == 5
    assert english_notices[1] == "Unknown kind of establishment “navire”: supermarket used instead."
    assert english_notices[3] == "Unknown value ignored for “produit”: caviar."
    for lang in ("fr", "en"):  # the same named values in both languages
        assert {k: set(re.findall(r"{(\w+)}", v)) for k, v in NOTICES[lang].items()} == {
            k: set(re.findall(r"{(\w+)}", v)) for k, v in NOTICES["fr"].items()
        }
