"""The resident's pages in English (issue 13): the search (with and without a place, with nothing
found, after a tap on the map), a listing with its correction form, and the directory overview,
each opened with ``?lang=en``: real English texts are shown, and no French text that the
catalogue translates shows verbatim anywhere in the page's elements. French stays the default."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from tests.test_i18n import english
from ui.text import WORD_JOINER

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AMBERT = {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320", "rayon": "10"}
# Elements whose strings are not interface text: the maps' HTML (ui/mapview.py, another area),
# raw HTML/CSS, and data frames (their headers are checked one by one).
SKIPPED = {"component_instance", "iframe", "html", "arrow_data_frame", "arrow_table", "deck_gl_json_chart"}
PLACEHOLDER = re.compile(r"{\w+[^}]*}")


def open_page(
    db: Path, monkeypatch, path: str, params: dict[str, str], clicks: dict | None = None
) -> AppTest:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(db))
    if clicks is not None:
        monkeypatch.setattr("streamlit_folium.st_folium", lambda *a, **k: clicks)
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(path)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _walk(node: object) -> Iterator[object]:
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _walk(child)


def shown_texts(at: AppTest) -> list[str]:
    """Every string of every element (values, labels, bodies, placeholders, help, options), as a
    reader sees it: Markdown escapes and word joiners removed."""
    found = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or getattr(node, "type", "") in SKIPPED:
            continue
        try:
            fields = MessageToDict(proto)
        except (TypeError, AttributeError):
            continue
        for text in _strings(fields):
            found.append(re.sub(r"\\(.)", r"\1", text.replace(WORD_JOINER, "")))
    found += [t.value for t in at.toast]
    return found


def _pattern(msgid: str) -> re.Pattern[str]:
    """A French text with its named values as wildcards."""
    parts = PLACEHOLDER.split(msgid)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


@pytest.fixture(scope="module")
def leaks_of():
    """French texts of the catalogues that have a different English (the ones English mode must
    never show): whole-element matches for short texts (« Tous », « Nom » may be parts of data),
    anywhere in an element for sentences of four words or more."""
    # Texts that are mostly named values (« {day} à {time} ») would match data: three letters at least.
    french = [
        m for m, e in english().items() if e != m and len(re.findall(r"\w", PLACEHOLDER.sub("", m))) >= 3
    ]
    whole = [_pattern(m) for m in french if len(m.split()) < 4]
    anywhere = [_pattern(m) for m in french if len(m.split()) >= 4]

    def leaks(at: AppTest) -> list[str]:
        texts = shown_texts(at)
        found = {t for t in texts for p in whole if p.fullmatch(t.strip())}
        found |= {t for t in texts for p in anywhere if p.search(t)}
        return sorted(found)

    return leaks


@pytest.fixture(scope="module")
def listing_id(demo_db) -> str:
    """A demo producer with opening hours, products and a source date: the fullest listing page."""
    with connect(demo_db, read_only=True) as con:
        (found,) = con.execute(
            "SELECT id FROM listings WHERE kind = 'producteur' AND opening_hours IS NOT NULL "
            "AND len(products) > 0 ORDER BY id LIMIT 1"
        ).fetchone()
    return found


def labels(elements) -> list[str]:
    return [e.label for e in elements]


def test_the_leak_check_can_fail(demo_db, monkeypatch, leaks_of) -> None:
    """The same search in French is full of the catalogue's French: the check finds it."""
    at = open_page(demo_db, monkeypatch, "pages/recherche.py", AMBERT)
    found = leaks_of(at)
    assert "Où acheter local près de chez moi ?" in found
    assert "Adresse, commune ou code postal" in found
    assert any(t.startswith("La carte, la liste") or "lieux à moins de 10 km" in t for t in found)


def test_the_search_in_english(demo_db, monkeypatch, leaks_of) -> None:
    at = open_page(demo_db, monkeypatch, "pages/recherche.py", {**AMBERT, "lang": "en"})
    assert at.title[0].value == "Where can I buy local food near me?"
    heading = re.sub(r"\\(.)", r"\1", at.subheader[0].value)
    assert re.fullmatch(r"\d+ places within 10 km of Ambert \(63600\)", heading), heading
    assert at.text_input(key="cc_lieu").label == "Address, commune or postcode"
    assert at.selectbox(key="cc_rayon").label == "Radius"
    assert at.multiselect(key="cc_type").label == "Kind of place"
    assert any(o.startswith("Market (") for o in at.multiselect(key="cc_type").options)
    assert at.selectbox(key="cc_jour").options[:2] == ["Any day", "Monday"]
    assert at.toggle(key="cc_ouvert").label.startswith("Open now (")
    assert "Propose a place" in labels(at.expander)
    assert "Propose this place" in labels(at.button)  # the form's submit button
    downloads = [e.proto.label for e in at.get("download_button")]
    assert downloads == ["Download (CSV)", "Download (GeoJSON)"]
    captions = " ".join(c.value for c in at.caption)
    assert "in the commune" in captions or " km" in captions  # the result lines' distances
    assert re.search(r"Sources: .*OpenStreetMap contributors \(ODbL\)", captions.replace("\\", ""))
    assert leaks_of(at) == []
    assert at.query_params["lang"] in ("en", ["en"])  # kept in the URL the page rewrites


def test_an_embed_made_in_english_opens_in_english(demo_db, monkeypatch, leaks_of) -> None:
    """The staff's embed snippet with « English » (courtcircuit.embed.embed_url(lang="en"))."""
    from urllib.parse import parse_qsl, urlsplit

    from courtcircuit.embed import embed_url

    url = embed_url("https://annuaire.example.fr", "Where to buy local", "63003", lang="en")
    params = dict(parse_qsl(urlsplit(url).query))
    at = open_page(demo_db, monkeypatch, "pages/recherche.py", params)
    assert at.title[0].value == "Where can I buy local food near me?"
    assert at.text_input(key="cc_lieu").label == "Address, commune or postcode"
    assert leaks_of(at) == []
    assert at.query_params["lang"] == "en"  # kept in the address the search writes


def test_the_search_without_a_place_and_with_nothing_found(demo_db, monkeypatch, leaks_of) -> None:
    at = open_page(demo_db, monkeypatch, "pages/recherche.py", {"lang": "en"})
    assert re.fullmatch(r"\d+ places in the whole directory", at.subheader[0].value)
    assert any("nearest places first" in i.value for i in at.info)
    assert "Saturday markets near Ambert" in [e.proto.label for e in at.get("page_link")] or any(
        "Saturday markets near Ambert" in t for t in shown_texts(at)
    )
    assert leaks_of(at) == []

    nothing = open_page(
        demo_db, monkeypatch, "pages/recherche.py", {**AMBERT, "texte": "zzqqxx", "lang": "en"}
    )
    assert re.sub(r"\\(.)", r"\1", nothing.subheader[0].value) == "No places within 10 km of Ambert (63600)"
    assert [w.value for w in nothing.warning] == [
        "No place matches. Try widening the radius (currently 10 km); clearing the text search."
    ]
    assert nothing.button(key="cc_clear").label == "Clear the filters"
    assert leaks_of(nothing) == []


def test_a_tap_on_the_map_offers_the_point_in_english(demo_db, monkeypatch, leaks_of) -> None:
    clicks = {"last_clicked": {"lat": 45.5490, "lng": 3.7432}, "last_object_clicked_popup": None}
    at = open_page(demo_db, monkeypatch, "pages/recherche.py", {**AMBERT, "lang": "en"}, clicks)
    offer = at.button(key="cc_search_here")
    assert re.sub(r"\\(.)", r"\1", offer.label) == "Search around the chosen point (Ambert)"
    assert any(t.value.startswith("Point chosen:") for t in at.toast)
    assert leaks_of(at) == []
    offer.click().run()
    heading = re.sub(r"\\(.)", r"\1", at.subheader[0].value)
    assert heading.endswith("within 10 km of the chosen point (Ambert)"), heading


def test_a_listing_in_english(demo_db, monkeypatch, listing_id, leaks_of) -> None:
    at = open_page(demo_db, monkeypatch, "pages/fiche.py", {"id": listing_id, "lang": "en"})
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:4] == ["Address", "Contact", "Opening hours", "Sales and products"]
    assert "Sources" in subheaders
    assert next(e.proto.label for e in at.get("page_link")) == "Back to the search"
    assert list(at.dataframe[0].value.columns) == ["Day", "Opening hours"]
    days = list(at.dataframe[0].value["Day"])
    assert days[0].split()[0] in (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    )
    state = (at.success or at.info)[0].value
    assert state.startswith(("Open now", "Closed now", "Hours unknown")), state
    assert any(m.value.startswith("**Products**: ") for m in at.markdown)
    assert [b.proto.label for b in at.get("link_button")] == [
        "Directions (OpenStreetMap)",
        "Open in my maps app",
    ]
    assert leaks_of(at) == []

    at.button(key="cc_fix_button").click().run()
    assert at.selectbox(key="cc_fix_field").label == "What to correct"
    assert at.selectbox(key="cc_fix_field").options[0] == "Phone"
    assert at.text_input(key="cc_fix_value").label == "New value"
    assert at.text_input(key="cc_fix_email").label == "Your e-mail (optional, never published)"
    assert leaks_of(at) == []


def test_a_missing_listing_in_english(demo_db, monkeypatch) -> None:
    at = open_page(demo_db, monkeypatch, "pages/fiche.py", {"id": "nope", "lang": "en"})
    assert at.error[0].value.startswith("This listing is not (or no longer) in the directory.")


def test_the_overview_in_english(demo_db, monkeypatch, leaks_of) -> None:
    at = open_page(demo_db, monkeypatch, "pages/annuaire.py", {"lang": "en"})
    assert at.title[0].value == "The directory in figures"
    assert re.fullmatch(r"\d+ places in the directory", at.subheader[0].value)
    assert "Market" in labels(at.metric)
    assert any(i.value.startswith("**Demo data**: ") for i in at.info)
    assert leaks_of(at) == []


def test_french_stays_the_default(demo_db, monkeypatch, listing_id) -> None:
    at = open_page(demo_db, monkeypatch, "pages/recherche.py", AMBERT)
    assert at.title[0].value == "Où acheter local près de chez moi ?"
    heading = re.sub(r"\\(.)", r"\1", at.subheader[0].value)
    assert re.fullmatch(r"\d+ lieux à moins de 10 km d'Ambert \(63600\)", heading), heading
    assert at.multiselect(key="cc_type").label == "Type de lieu"
    listing = open_page(demo_db, monkeypatch, "pages/fiche.py", {"id": listing_id})
    assert list(listing.dataframe[0].value.columns) == ["Jour", "Horaires"]
    assert [s.value for s in listing.subheader][:2] == ["Adresse", "Contact"]
    overview = open_page(demo_db, monkeypatch, "pages/annuaire.py", {})
    assert overview.title[0].value == "L'annuaire en chiffres"
    assert "Marché" in labels(overview.metric)


def test_my_position_and_a_refusal_in_english(demo_db, monkeypatch, leaks_of) -> None:
    from ui.geolocation import ERRORS, BrowserPosition

    answers = iter([(BrowserPosition(45.55, 3.74, 30.0), None)])  # a trigger value: one run only
    monkeypatch.setattr("ui.geolocation.locate_button", lambda key: next(answers, (None, None)))
    at = open_page(demo_db, monkeypatch, "pages/recherche.py", {"lang": "en"})
    assert re.fullmatch(r"\d+ places within \d+ km of your position", at.subheader[0].value)
    assert at.text_input(key="cc_lieu").value == "My position"
    assert at.query_params["lieu"] in ("Point choisi (Ambert)", ["Point choisi (Ambert)"])  # URL values stay
    assert leaks_of(at) == []

    refusals = iter([(None, ERRORS["1"])])
    monkeypatch.setattr("ui.geolocation.locate_button", lambda key: next(refusals, (None, None)))
    at = open_page(demo_db, monkeypatch, "pages/recherche.py", {"lang": "en"})
    assert [w.value for w in at.warning] == ["You refused geolocation: type a commune or a postcode instead."]
