"""The supplier page's tables, one page at a time (issue 12, target 2), through AppTest on the tiny
reverse-radius directory (tests/fixtures/suppliers) with pages of two rows.

Each page of each table must be that slice of what the unpaged courtcircuit.suppliers.prospect
lists (the page's former call), the tab counts the full lists' lengths; the buyer's ticks follow
producers across pages, into the Excel and CSV downloads; a list starts again at page 1 when the
store, a filter or (for the nearby list) the distance changes.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.staff import ENV_VAR
from courtcircuit.supplier_pages import SupplierList
from courtcircuit.suppliers import SupplierFilters, prospect
from tests.test_app_suppliers import (
    DELIVER_TABLE,
    NEAR_TABLE,
    open_page,
    open_tab,
    page_store,
    shortlist,
    table,
    tick,
    ticked,
)
from tests.test_i18n_buyers import leaks
from ui import suppliers_view
from ui.suppliers_view import page_range

ROWS = 2  # rows per page here: the fixture's lists hold 4 to 12 producers
AMBERT = {"mlat": "45.54901", "mlon": "3.74320", "mlieu": "Ambert"}  # a link: 5 decimals
RANGE = re.compile(r"Producteurs \d+–\d+ sur \d+")  # the pager's caption


@pytest.fixture(scope="module")
def con(supplier_build):
    c = connect(supplier_build.db, read_only=True)
    yield c
    c.close()


@pytest.fixture
def env(supplier_build, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(supplier_build.db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    monkeypatch.delenv(ENV_VAR, raising=False)
    # The page reads the page size from courtcircuit.supplier_pages at each run.
    monkeypatch.setattr("courtcircuit.supplier_pages.PAGE_ROWS", ROWS)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes of every file handed to Streamlit's media manager, by file id (AppTest gives
    a download button's URL, not its bytes; see tests/test_app_suppliers.py)."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        seen[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return seen


def whole(at: AppTest, con, km: int = 30, filters: SupplierFilters | None = None) -> dict[str, list[str]]:
    """The unpaged lists' producer names for the page's store, in their order, by table."""
    result = prospect(con, page_store(at), filters or SupplierFilters(), km)
    return {DELIVER_TABLE: list(result.deliverers["name"]), NEAR_TABLE: list(result.nearby["name"])}


def names(at: AppTest, base: str) -> list[str]:
    return list(table(at, base).value["Producteur"])


def pager(at: AppTest, base: str) -> tuple[str, bool, bool] | None:
    """(the range caption, Previous enabled, Next enabled) below a table, or None without pager."""
    buttons = {b.key: b for b in at.button if b.key in (f"{base}_precedent", f"{base}_suivant")}
    if not buttons:
        return None
    (caption,) = [c.value for c in tab_of(at, base).caption if RANGE.fullmatch(c.value)]
    return caption, not buttons[f"{base}_precedent"].disabled, not buttons[f"{base}_suivant"].disabled


def tab_of(at: AppTest, base: str):
    return at.tabs[0] if base == DELIVER_TABLE else at.tabs[1]


def turn(at: AppTest, base: str, way: str = "suivant") -> AppTest:
    at.button(key=f"{base}_{way}").click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def ambert(env) -> AppTest:
    """The page with Ambert's town hall as the store, typed: a producer at 0 km with a 0 km
    radius delivers it (a link's rounded position is a few metres off)."""
    at = open_page()
    at.text_input(key="cp_lieu").input("Ambert").run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------ pages and totals


@pytest.mark.parametrize("base", [DELIVER_TABLE, NEAR_TABLE])
def test_each_page_is_the_next_slice_of_the_unpaged_list(ambert, con, base):
    full = whole(ambert, con)[base]
    assert len(full) > ROWS + 1  # two pages at least, the second one full
    assert names(ambert, base) == full[:ROWS]
    caption, back, forward = pager(ambert, base)
    assert caption == f"Producteurs 1–{ROWS} sur {len(full)}" and not back and forward

    turn(ambert, base)
    assert names(ambert, base) == full[ROWS : 2 * ROWS]
    caption, back, forward = pager(ambert, base)
    assert caption == f"Producteurs {ROWS + 1}–{2 * ROWS} sur {len(full)}" and back
    assert forward == (len(full) > 2 * ROWS)

    shown = full[: 2 * ROWS]
    while pager(ambert, base)[2]:
        turn(ambert, base)
        shown += names(ambert, base)
    assert shown == full  # every producer once, in the unpaged order
    caption, back, forward = pager(ambert, base)
    assert caption.endswith(f"–{len(full)} sur {len(full)}") and back and not forward

    last = (len(full) - 1) // ROWS * ROWS  # the last page's first rank
    turn(ambert, base, "precedent")
    assert names(ambert, base) == full[last - ROWS : last]
    assert pager(ambert, base)[2]  # back from the last page: « Suivant » again
    assert pager(ambert, base)[1] == (last - ROWS > 0)


def test_the_tab_counts_are_the_whole_lists(ambert, con):
    full = whole(ambert, con)
    labels = [t.label for t in ambert.tabs]
    assert labels[0] == f"Livrent mon établissement ({len(full[DELIVER_TABLE])})"
    assert labels[1] == f"Producteurs à moins de 30 km ({len(full[NEAR_TABLE])})"
    assert len(table(ambert, NEAR_TABLE).value) == ROWS < len(full[NEAR_TABLE])


def test_one_table_turns_its_page_the_other_stays(ambert, con):
    full = whole(ambert, con)
    turn(ambert, NEAR_TABLE)
    assert names(ambert, NEAR_TABLE) == full[NEAR_TABLE][ROWS : 2 * ROWS]
    assert names(ambert, DELIVER_TABLE) == full[DELIVER_TABLE][:ROWS]
    assert ambert.session_state["cp_table_proches_page"] == 2
    assert ambert.session_state["cp_table_livrent_page"] == 1


def test_no_pager_when_a_list_fits_on_one_page(ambert, monkeypatch):
    monkeypatch.setattr("courtcircuit.supplier_pages.PAGE_ROWS", 50)
    ambert.run()
    assert not ambert.exception
    assert pager(ambert, NEAR_TABLE) is None and pager(ambert, DELIVER_TABLE) is None
    assert not any(RANGE.fullmatch(c.value) for c in ambert.caption)


# ------------------------------------------------------------------ back to page 1


def test_the_distance_sends_the_nearby_list_back_to_page_1_not_the_deliverers(ambert, con):
    turn(ambert, NEAR_TABLE)
    turn(ambert, DELIVER_TABLE)
    ambert.slider(key="cp_km").set_value(80).run()
    assert not ambert.exception
    assert names(ambert, NEAR_TABLE) == whole(ambert, con, 80)[NEAR_TABLE][:ROWS]
    assert names(ambert, DELIVER_TABLE) == whole(ambert, con)[DELIVER_TABLE][ROWS : 2 * ROWS]  # the same list


def test_a_filter_sends_both_lists_back_to_page_1(ambert, con):
    turn(ambert, NEAR_TABLE)
    turn(ambert, DELIVER_TABLE)
    ambert.checkbox(key="cp_siret").check().run()
    assert not ambert.exception
    full = whole(ambert, con, filters=SupplierFilters(siret=True))
    assert names(ambert, NEAR_TABLE) == full[NEAR_TABLE][:ROWS]
    assert names(ambert, DELIVER_TABLE) == full[DELIVER_TABLE][:ROWS]


def test_a_page_past_the_end_of_the_list_goes_back_to_page_1(ambert, con):
    """The directory rebuilt with fewer producers, a stale session: the page shows page 1."""
    ambert.session_state["cp_table_proches_page"] = 99
    ambert.run()
    assert not ambert.exception
    assert names(ambert, NEAR_TABLE) == whole(ambert, con)[NEAR_TABLE][:ROWS]
    assert ambert.session_state["cp_table_proches_page"] == 1


def test_turning_a_page_keeps_the_open_tab(env):
    at = open_page({**AMBERT, "vue": "proches"})
    turn(at, NEAR_TABLE)
    assert open_tab(at).startswith("Producteurs à moins de 30 km")
    assert at.query_params["vue"] == "proches"
    assert "page" not in " ".join(at.query_params)  # the page is the session's, not the link's


# ------------------------------------------------------------------ ticks across pages


def test_ticks_survive_paging_and_reach_the_downloads(ambert, con, downloads):
    full = whole(ambert, con)[NEAR_TABLE]
    first, second = full[0], full[ROWS]
    tick(ambert, first)
    turn(ambert, NEAR_TABLE)
    assert ticked(ambert) == []  # page 2: the first page's producer is not on it
    assert shortlist(ambert) == [first]  # but still in the shortlist
    tick(ambert, second)
    assert shortlist(ambert) == [first, second]
    turn(ambert, NEAR_TABLE, "precedent")
    assert ticked(ambert) == [first] and shortlist(ambert) == [first, second]
    if first in names(ambert, DELIVER_TABLE):
        assert first in ticked(ambert, DELIVER_TABLE)  # one tick, both tables

    buttons = {b.proto.label: b.proto for b in ambert.get("download_button")}
    xlsx = openpyxl.load_workbook(io.BytesIO(downloads[Path(buttons["Télécharger (Excel)"].url).stem]))
    header, *rows = [list(r) for r in xlsx.worksheets[0].iter_rows(values_only=True)]
    assert [r[0] for r in rows] == [first, second]
    delivery = dict(zip(header, rows[0], strict=True))["Livraison"]
    assert delivery in suppliers_view.DELIVERY_LABELS.values()  # a label, not a code
    text = downloads[Path(buttons["Télécharger (CSV)"].url).stem].decode("utf-8-sig").splitlines()
    assert [r["producteur"] for r in csv.DictReader(io.StringIO("\n".join(text[:-1])), delimiter=";")] == [
        first,
        second,
    ]


def test_an_untick_on_another_page_leaves_the_first_page_s_ticks(ambert, con):
    full = whole(ambert, con)[NEAR_TABLE]
    tick(ambert, full[0], full[1])
    turn(ambert, NEAR_TABLE)
    tick(ambert, full[ROWS])
    tick(ambert, full[ROWS], on=False)
    assert shortlist(ambert) == full[:2]


def test_a_filter_drops_from_the_shortlist_only_the_producers_it_hides_whatever_their_page(ambert, con):
    full = whole(ambert, con)[NEAR_TABLE]
    kept = whole(ambert, con, filters=SupplierFilters(siret=True))
    still = set(kept[NEAR_TABLE]) | set(kept[DELIVER_TABLE])
    # One producer the SIRET filter keeps on page 1, one it hides on a later page.
    (stays,) = [n for n in full[:ROWS] if n in still][:1]
    (goes,) = [n for n in full[ROWS:] if n not in still][:1]
    tick(ambert, stays)
    for _page in range(full.index(goes) // ROWS):
        turn(ambert, NEAR_TABLE)
    tick(ambert, goes)
    assert shortlist(ambert) == [stays, goes]
    ambert.checkbox(key="cp_siret").check().run()
    assert not ambert.exception
    assert shortlist(ambert) == [stays]
    assert ticked(ambert) == [stays]  # back on page 1, the kept tick shows


def test_the_shortlist_reads_only_newly_ticked_producers(ambert, con, monkeypatch):
    """Reading rows by id scans the directory: a page turned, an untick or a filter that hides
    none of the shortlist read nothing; a tick reads that producer alone."""
    from courtcircuit import supplier_pages

    reads: list[list[str]] = []
    original = supplier_pages.suppliers_by_id

    def counted(cur, store, ids):
        reads.append(list(ids))
        return original(cur, store, ids)

    monkeypatch.setattr(supplier_pages, "suppliers_by_id", counted)
    full = whole(ambert, con)[NEAR_TABLE]
    ids = dict(con.execute("SELECT name, id FROM listings").fetchall())
    tick(ambert, full[0], full[1])
    assert reads == [[ids[full[0]], ids[full[1]]]]
    turn(ambert, NEAR_TABLE)
    tick(ambert, full[ROWS])
    assert reads[1:] == [[ids[full[ROWS]]]]
    tick(ambert, full[ROWS], on=False)
    turn(ambert, NEAR_TABLE, "precedent")
    ambert.slider(key="cp_km").set_value(80).run()
    assert len(reads) == 2
    assert shortlist(ambert) == full[:2]
    ambert.text_input(key="cp_lieu").input("Arlanc").run()  # another store: other distances
    assert not ambert.exception
    assert page_store(ambert).lat != 45.54901 and shortlist(ambert) == full[:2]
    assert len(reads) == 3  # read again from there


# ------------------------------------------------------------------ English and numbers


def test_the_pager_in_english(env):
    at = open_page({**AMBERT, "lang": "en"})
    assert not at.exception, at.exception
    assert at.button(key=f"{NEAR_TABLE}_suivant").label == "Next"
    assert at.button(key=f"{NEAR_TABLE}_precedent").label == "Previous"
    turn(at, NEAR_TABLE)
    assert any(re.fullmatch(rf"Producers {ROWS + 1}–{2 * ROWS} of \d+", c.value) for c in at.caption)
    assert leaks(at) == []
    assert at.query_params["lang"] == "en"


def test_a_range_of_a_long_list_reads_as_french_numbers():
    part = SupplierList(rows=[None] * 50, total=10_234, offset=1_000, ids=())  # type: ignore[arg-type]
    assert page_range(part) == "Producteurs 1\u202f001–1\u202f050 sur 10\u202f234"
