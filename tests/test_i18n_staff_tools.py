"""The staff tools in English (issue 13): the import wizard (ui/staff_import*.py), the buyers'
needs review (ui/staff_needs.py), staff values moved to their right listing (ui/staff_moves.py),
« Mon territoire » (ui/staff_territory.py), the run log (ui/staff_runs.py), the printable
directory (ui/staff_print.py) and the map embedding (ui/staff_embed.py), opened through the staff
page with ``?lang=en``: English titles, labels, buttons and messages show, and no French text
of their catalogue (locale/en/LC_MESSAGES/staff_tools.po) shows untranslated. Without the
parameter the same sections stay French."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from courtcircuit.edits import publish_edits
from courtcircuit.needs import NeedDraft
from courtcircuit.run_log import SourceRun, append_runs, run_log_path
from courtcircuit.workspace import revisions
from courtcircuit.workspace.needs import NeedStore
from courtcircuit.workspace.store import Store
from tests.i18n_area import area_catalogue
from tests.markdown_check import plain
from tests.test_app_staff import (
    ADMIN,
    APP,
    EDITOR,
    FARM,
    MODERATOR,
    PAGE,
    PASSWORD,
    db,
    farm_id,
    people,
    store,
)
from tests.test_app_staff_import import PARTNER, folders

__all__ = ["db", "farm_id", "folders", "people", "store"]  # fixtures used through their names

REPO = Path(__file__).resolve().parents[1]
# The staff tools, whose wrapped texts English mode must not show in French.
AREA_FILES = (
    "ui/staff_import.py", "ui/staff_import_check.py", "ui/staff_import_values.py", "ui/staff_needs.py",
    "ui/staff_moves.py", "ui/staff_territory.py", "ui/staff_runs.py", "ui/staff_print.py", "ui/staff_embed.py",
)  # fmt: skip
PLACEHOLDER = re.compile(r"{\w+}")
HEADERS = tuple(PARTNER.read_text(encoding="cp1252").splitlines()[0].split(";"))  # data, shown as is


# ------------------------------------------------------------------ helpers

_LANG = {"outside": "fr"}  # the language of the page under test, for the test's own thread


@pytest.fixture(autouse=True)
def formats_like_the_page(monkeypatch) -> None:
    """AppTest formats a radio's value with the app's format_func (here ``_``) in the test's
    thread, where no URL is known: there ``_`` must answer in the page's language, or setting
    the section of an English page fails (« Importer un fichier » is not among its options)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from ui import i18n

    in_runs = i18n.current
    monkeypatch.setattr(i18n, "current", lambda: in_runs() if get_script_run_ctx() else _LANG["outside"])


def catalogue() -> dict[str, str]:
    """French msgid → English of this area's texts whose English, as the app finds it (every
    .po, the first translation wins), differs from the French."""
    return {k: v for k, v in area_catalogue(AREA_FILES).items() if v and v != k}


def _leak_pattern(msgid: str) -> tuple[tuple[str, ...], re.Pattern[str]] | None:
    """How a French msgid would look on the page: exact for short texts, found inside longer
    ones when it is long enough to be unmistakable, its named values matching anything. None
    when what is left without the values is too short to tell (« {kind}, {place} »). With the
    pattern, its fixed parts: a text lacking one of them is not searched (a chart's spec is long)."""
    parts = PLACEHOLDER.split(msgid)
    if len(parts) == 1:
        return (msgid,), re.compile(rf"^{re.escape(msgid)}$" if len(msgid) < 20 else re.escape(msgid))
    if len(max(parts, key=len).strip(" ·:,.()«»—*")) < 8:
        return None
    return tuple(p for p in parts if p), re.compile("[^\n]*?".join(re.escape(p) for p in parts))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}"):  # a chart's spec: its words, not its data
            try:
                yield from _strings(json.loads(value))
                return
            except ValueError:
                pass
        yield value
    elif isinstance(value, dict):
        for key, v in value.items():
            if key not in ("data", "datasets", "values"):
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def shown(at: AppTest) -> list[str]:
    """Every text the run drew, whatever the element: its protobuf's strings (labels, bodies,
    placeholders, helps, options, chart specs…) and the data frames' column headers, read as a
    person sees them (Markdown escapes resolved)."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            found.extend(_strings(MessageToDict(proto)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    found += [str(c) for d in at.dataframe for c in d.value.columns]
    found += [t.value for t in at.toast]
    return [plain(s) for s in found]


def leaks(at: AppTest, data: tuple[str, ...] = ()) -> list[str]:
    """The French msgids of the catalogue drawn as they are, once ``data`` (text from a file or
    the directory, shown as it is: a partner's header « Rayon de livraison (km) ») is left out."""
    texts = shown(at)
    for value in data:
        texts = [t.replace(value, "") for t in texts]
    found = []
    for msgid in catalogue():
        if (leak := _leak_pattern(msgid)) is None:
            continue
        fixed, pattern = leak
        if any(all(f in t for f in fixed) and pattern.search(t) for t in texts):
            found.append(msgid)
    return found


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return run(at)


def staff(email: str, section: str | None = None, lang: str | None = "en", **params: str) -> AppTest:
    """The staff page signed in as ``email``, on ``section`` (the radio's values stay French)."""
    _LANG["outside"] = lang or "fr"
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(PAGE)
    at.query_params.update({**params, **({"lang": lang} if lang else {})})
    run(at)
    at.text_input(key="staff_login_email").input(email)
    at.text_input(key="staff_login_password").input(PASSWORD)
    (login,) = [b for b in at.button if str(b.key).startswith("FormSubmitter:staff_login-")]
    login.click()
    run(at)
    if section is not None:
        at.radio(key="staff_section").set_value(section)
        run(at)
    return at


def has(at: AppTest, text: str) -> bool:
    return any(text in t for t in shown(at))


def english(at: AppTest, *texts: str, data: tuple[str, ...] = ()) -> None:
    missing = [t for t in texts if not has(at, t)]
    assert missing == [], missing
    assert leaks(at, data) == []


# ------------------------------------------------------------------ the checker itself


def test_the_catalogue_covers_what_the_tests_check_and_the_leak_check_can_fail() -> None:
    texts = catalogue()
    assert texts["Lire le fichier"] == "Read the file"
    assert texts["Qualité des données"] == "Data quality"
    assert _leak_pattern("Modifications en attente ({n})")[1].search("Modifications en attente (3)")
    back = _leak_pattern("Retour")[1]
    assert back.search("Retour") and not back.search("Retour à Ambert")
    long = _leak_pattern("Aucune fiche dans ce territoire.")[1]
    assert long.search("Note : Aucune fiche dans ce territoire. Voir plus loin")
    assert _leak_pattern("{kind}, {place}") is None


def test_every_completeness_field_is_marked_for_the_catalogue() -> None:
    from courtcircuit.data_quality import COMPLETENESS
    from ui.staff_territory import QUALITY_FIELDS

    assert set(COMPLETENESS) == set(QUALITY_FIELDS)
    assert all(f in catalogue() for f in QUALITY_FIELDS if f != "Labels")


def test_the_build_s_progress_lines_are_read_in_the_reader_s_language() -> None:
    from ui.staff_import_check import progress_text

    _LANG["outside"] = "en"
    assert progress_text("Lecture de la source « chambre-43 »") == "Reading the source “chambre-43”"
    assert progress_text("Base publiée") == "Database published"
    assert progress_text("autre chose") == "autre chose"
    _LANG["outside"] = "fr"
    assert progress_text("Base publiée") == "Base publiée"


# ------------------------------------------------------------------ the import wizard


def test_the_import_wizard_in_english_then_french_by_default(folders, people) -> None:
    at = staff(EDITOR, "Importer un fichier")
    assert [h.value for h in at.subheader] == ["Import a partner's spreadsheet"]
    assert at.selectbox(key="imp_partner").label == "Partner"
    assert at.selectbox(key="imp_partner").options[0] == "(new partner)"
    assert at.text_input(key="imp_name").label == "Source name (lower case and hyphens)"
    assert at.button(key="imp_read").label == "Read the file"
    english(at, "Step 1 of 6: File — File › Columns › Values › Preview › Dry run › Publication")
    click(at, "imp_read")  # no file chosen
    assert [plain(e.value) for e in at.error] == ["File refused: first choose the partner's file"]
    assert leaks(at) == []

    at.text_input(key="imp_name").input("partenaire-ambert")
    at.file_uploader(key="imp_file").set_value((PARTNER.name, PARTNER.read_bytes(), "text/csv"))
    click(at, "imp_read")
    columns = [s for s in at.selectbox if str(s.key).startswith("imp_col_")]
    assert "— column ignored —" in columns[0].options and "Name" in columns[0].options
    assert any(o.startswith("yes/no → channel “") for o in columns[0].options)
    assert at.button(key="imp_columns_ok").label == "Confirm the columns"
    english(at, "Step 2 of 6: Columns", "row(s) read", "For each column of the file", data=HEADERS)

    click(at, "imp_columns_ok")
    assert plain(at.multiselect(key="imp_val_products_Tomme maison").label).startswith(
        "Products: “Tomme maison”"
    )
    assert at.multiselect(key="imp_val_products_Tomme maison").value == ["fruits"]
    assert "Fruit" in at.multiselect(key="imp_val_products_Tomme maison").options  # the vocabulary's English
    english(at, "Step 3 of 6: Values", "value(s) in the file are not known as written")
    at.multiselect(key="imp_val_products_Tomme maison").set_value(["fromages"])

    click(at, "imp_values_ok")
    preview = next(d.value for d in at.dataframe if "INSEE code" in d.value.columns)
    assert {"Ref.", "Name", "Phone", "Products", "Channels"} <= set(preview.columns)
    assert preview.iloc[0]["Products"] == "Cheese" or "Chees" in preview.iloc[0]["Products"]
    rejected = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert len(rejected)
    english(at, "First listings as they will be published", "row(s) rejected, with the reason:")

    click(at, "imp_preview_ok")
    assert {m.label: m.value for m in at.metric} == {
        "Read": "7",
        "Loaded": "6",
        "Merged": "0",
        "Rejected": "1",
    }
    assert at.button(key="imp_same_0").label == "Same place"
    english(
        at, "Probable duplicates of existing listings", "kept apart", "Directory listings that would change"
    )
    click(at, "imp_apart_0")
    english(at, "Decision recorded: “", "different places.")

    click(at, "imp_dry_ok")
    assert at.button(key="imp_publish").label == "Publish"
    english(at, "Step 6 of 6: Publication", "will be saved in sources.toml with its mapping")

    french = staff(EDITOR, "Importer un fichier", lang=None)
    assert [h.value for h in french.subheader] == ["Importer le tableur d'un partenaire"]
    assert french.button(key="imp_read").label == "Lire le fichier"
    assert french.selectbox(key="imp_partner").options[0] == "(nouveau partenaire)"


def test_moderators_have_no_import_section_in_either_language(people) -> None:
    options = staff(MODERATOR).radio(key="staff_section").options
    assert "Import a file" not in options and "Importer un fichier" not in options


# ------------------------------------------------------------------ the buyers' needs


def _need(store: Store, volume: str) -> int:
    draft = NeedDraft("epicerie", "Ambert (63600)", 45.549, 3.743, "miel", volume, "chaque mois",
                      "livraison le mardi", "Claire", "claire@example.org", "", "achats@example.org")  # fmt: skip
    return NeedStore(store).submit(draft)


def test_the_needs_review_in_english(people) -> None:
    first, second = _need(people, "50 kg"), _need(people, "20 kg")
    at = staff(MODERATOR)
    assert "To review (2)" in [h.value for h in at.subheader]
    pending = next(d.value for d in at.dataframe if "Need" in d.value.columns)
    assert {"No.", "Constraints", "Business", "Published contact", "Contact (staff only)", "Received on",
            "Status"} <= set(pending.columns)  # fmt: skip
    assert set(pending["Status"]) == {"Awaiting review"}
    assert pending["Need"].iloc[0].startswith("Honey: ")  # the product in English, not « Miel : »
    assert pending["Business"].iloc[0].startswith("Grocery, ")
    assert at.multiselect(key="staff_selected").label == "Selected needs"
    assert at.button(key="staff_accept_selected").label == "Publish the selection"
    assert at.button(key=f"accept_{first}").label == "Publish"
    english(at, "Published contact: achats@example.org", "received on", "Already reviewed")
    click(at, f"reject_{second}")
    assert [t.value for t in at.toast] == [f"Need no. {second} rejected."]
    assert "To review (1)" in [h.value for h in at.subheader]
    assert leaks(at) == []
    french = staff(MODERATOR, lang=None)
    assert "À valider (1)" in [h.value for h in french.subheader]
    assert french.button(key=f"accept_{first}").label == "Publier"


# ------------------------------------------------------------------ moved listings


def test_waiting_edits_and_a_created_twin_in_english(people, staff_db, farm_id) -> None:
    revisions.save(people, "cc-0123456789ab", 0, {"phone": (None, "+33473009988")}, ADMIN)
    at = staff(ADMIN, "À arbitrer")
    assert "Waiting edits (1)" in [h.value for h in at.subheader]
    assert at.text_input(key="staff_wait_find_0").label == "Find the listing that takes over these edits"
    assert at.button(key="staff_wait_move_0").label == "Carry over the edits"
    english(at, "These listings have disappeared from the directory")
    click(at, "staff_wait_move_0")  # no listing chosen
    assert [plain(e.value) for e in at.error] == ["First choose the listing that takes over the edits."]
    at.text_input(key="staff_wait_find_0").input(FARM)
    run(at)
    at.selectbox(key="staff_wait_pick_0").set_value(farm_id)
    run(at)
    click(at, "staff_wait_move_0")
    assert any(plain(s.value).startswith("Edits taken over by the source's listing") for s in at.success)
    assert "Waiting edits (0)" in [h.value for h in at.subheader]
    assert leaks(at) == []

    created = {"kind": "producteur", "name": FARM, "lat": 45.7290, "lon": 3.7433, "commune_insee": "63003",
               "city": "Ambert", "status": "active", "geo_precision": "exact"}  # fmt: skip
    revisions.save(people, "cc-ws-1", 0, {n: (None, v) for n, v in created.items()}, ADMIN, kind="create")
    publish_edits(staff_db, people)
    twin = staff(ADMIN, "Fiches", id="cc-ws-1")
    assert any(plain(w.value).startswith("A source may bring this place too") for w in twin.warning)
    assert twin.button(key="staff_twin_0").label == "Take over into this listing"
    assert leaks(twin) == []
    french = staff(ADMIN, "Fiches", lang=None, id="cc-ws-1")
    assert any(plain(w.value).startswith("Une source apporte peut-être ce lieu") for w in french.warning)


# ------------------------------------------------------------------ my territory


def test_my_territory_in_english(people) -> None:
    at = staff(EDITOR, "Mon territoire")
    heads = [h.value for h in at.subheader]
    assert any(h.startswith("Where is local food missing? · ") for h in heads)
    assert "Data quality" in heads
    quality = next(d.value for d in at.dataframe if "Listings" in d.value.columns)
    assert {"Source", "Phone", "Opening hours", "Exact position", "Checked within a year"} <= set(
        quality.columns
    )
    field = at.selectbox(key="staff_quality_field")
    assert field.label == "Listings to complete: they lack"
    assert "opening hours" in field.options
    english(at, "least recently checked first", "Share of listings where the field is filled in, by source")
    field.set_value("Horaires")  # the value stays the report's French label
    run(at)
    assert leaks(at) == []
    french = staff(EDITOR, "Mon territoire", lang=None)
    assert "Qualité des données" in [h.value for h in french.subheader]
    assert {"Téléphone", "Horaires"} <= set(
        next(d.value for d in french.dataframe if "Fiches" in d.value.columns)
    )


# ------------------------------------------------------------------ the run log


def test_the_run_log_in_english(people, staff_db) -> None:
    empty = staff(ADMIN, "Imports")
    english(empty, "Imports: latest builds", "No build recorded yet. The log fills with each")
    append_runs(
        run_log_path(staff_db),
        [
            SourceRun("2026-11-29T06:00:00+01:00", "refresh", "carte", "2026-11-29T06:00:00+01:00", 3.0, False,
                      10, 5, 1, 4, True, ["HTTP 503"]),
            SourceRun("2026-11-29T06:00:00+01:00", "refresh", "amap", "2026-11-29T06:00:00+01:00", 0.2, True,
                      4, 3, 0, 1, False),
        ],
    )  # fmt: skip
    at = staff(EDITOR, "Imports")
    latest = next(d.value for d in at.dataframe if "Downloaded" in d.value.columns)
    assert {"Date", "Command", "Read", "Loaded", "Merged", "Rejected", "Duration (s)", "Published",
            "Errors"} <= set(latest.columns)  # fmt: skip
    assert sorted(latest["Downloaded"]) == ["FAILED", "yes"]
    assert sorted(latest["Published"]) == ["no", "yes"]
    english(at, "carte (29/11/2026 06:00): HTTP 503", "Each source's last run (2)", "Full log (2 line(s)")
    french = staff(EDITOR, "Imports", lang=None)
    assert "Téléchargée" in next(d.value for d in french.dataframe if "Source" in d.value.columns).columns


# ------------------------------------------------------------------ print and embed


def test_the_printable_directory_in_english(people) -> None:
    at = staff(EDITOR, "Annuaire imprimable")
    assert "Printable directory" in [h.value for h in at.subheader]
    assert [t.label for t in at.text_input][:2] == ["Territory", "Name on the cover"]
    (order,) = [r for r in at.radio if r.label == "Order the places"]
    assert order.options == ["by commune", "by product family"]
    assert "Producer" in at.multiselect[0].options  # the vocabulary's English
    (make,) = [b for b in at.button if str(b.key).startswith("FormSubmitter:staff_print-")]
    assert make.label == "Make the PDF"
    english(at, "A directory to print for markets and town halls")
    at.text_input[0].input("")
    make.click()
    run(at)
    assert [plain(e.value) for e in at.error] == ["Give a territory: a département, communes or an EPCI."]
    assert leaks(at) == []
    french = staff(EDITOR, "Annuaire imprimable", lang=None)
    assert "Annuaire imprimable" in [h.value for h in french.subheader]


def test_the_map_embedding_in_english(people) -> None:
    at = staff(EDITOR, "Intégrer la carte")
    assert "Embed the map in a partner website" in [h.value for h in at.subheader]
    title = at.text_input(key="staff_embed_title")
    assert title.label == "Title (shown at the top and read by screen readers)"
    assert title.value == "Where to buy local: PNR Livradois-Forez"
    assert at.multiselect(key="staff_embed_prod").label == "Products"
    assert at.slider(key="staff_embed_height").label == "Height (pixels)"
    english(at, "Code to paste into the partner website's page:", "See the preview")
    frame = at.radio(key="staff_embed_lang")
    assert frame.label == "Language of the frame" and frame.value == "fr"
    assert "lang=" not in at.code[0].value
    frame.set_value("en")
    run(at)
    assert "lang=en" in at.code[0].value  # the partner's frame opens in English
    at.text_input(key="staff_embed_title").input("")
    run(at)
    assert [plain(e.value) for e in at.error] == [
        "Give a title: it tells screen readers what the frame contains."
    ]
    assert leaks(at) == []
    french = staff(EDITOR, "Intégrer la carte", lang=None)
    assert french.text_input(key="staff_embed_title").value == "Où acheter local : PNR Livradois-Forez"


@pytest.mark.parametrize("section", ["Importer un fichier", "Intégrer la carte"])
def test_the_leak_check_finds_french_left_in_an_english_page(people, folders, monkeypatch, section) -> None:
    """With the English catalogue emptied, the same sections show French and the check says so."""
    monkeypatch.setattr("ui.i18n.catalogue", lambda lang: {})
    at = staff(EDITOR, section)
    assert leaks(at) != []
