"""The resident search and listing pages through AppTest: every widget path, map clicks patched.

st_folium is a custom component that AppTest cannot click, so where a click matters the tests
replace ``streamlit_folium.st_folium`` with a function returning what the component returns
after that click (the page imports it at each run). Expected counts come from ``search()``
on the same database, never from the page itself.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.search import Area, Filters, search
from courtcircuit.vocab import KINDS
from tests.conftest import HOSTILE_NAME
from ui.text import md

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AMBERT = (45.549014, 3.743204)  # Ambert's town hall, where the app centres "Ambert (63600)"


def _run(db: Path, monkeypatch, params: dict[str, str] | None = None, clicks: dict | None = None) -> AppTest:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(db))
    if clicks is not None:
        monkeypatch.setattr("streamlit_folium.st_folium", lambda *a, **k: clicks)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def heading(at: AppTest) -> str:
    """The result heading as a reader sees it (the page Markdown-escapes « ' » and « ( »)."""
    return re.sub(r"\\(.)", r"\1", next(s.value for s in at.subheader if "lieu" in s.value))


def count_in(text: str) -> int:
    match = re.match(r"(\d+) lieux?", text)
    return int(match.group(1)) if match else 0


def expected(db: Path, radius: float = 10, **filters) -> int:
    with connect(db) as con:
        return search(con, Area(*AMBERT, radius), Filters(**filters)).total


@pytest.fixture
def at(small_build, monkeypatch) -> AppTest:
    return _run(small_build.db, monkeypatch)


@pytest.fixture
def at_ambert(small_build, monkeypatch) -> AppTest:
    at = _run(small_build.db, monkeypatch)
    at.text_input(key="cc_lieu").input("Ambert").run()
    return at


def test_without_a_place_the_whole_directory_shows_and_asks_where(at, small_build):
    assert not at.exception
    assert "dans tout l'annuaire" in heading(at)
    assert count_in(heading(at)) == 15
    assert any("Indiquez une commune" in i.value for i in at.info)


def test_typing_a_commune_centres_the_search_and_writes_the_url(at_ambert, small_build):
    assert not at_ambert.exception
    assert "à moins de 10 km d'Ambert" in heading(at_ambert)  # elided, never « de Ambert »
    assert count_in(heading(at_ambert)) == expected(small_build.db)
    params = at_ambert.query_params
    assert params["lieu"] == ["Ambert (63600)"] or params["lieu"] == "Ambert (63600)"
    assert float(str(params["lat"]).strip("[]'")) == pytest.approx(AMBERT[0], abs=1e-4)


def test_a_partial_name_offers_suggestions_and_choosing_one_centres_there(at):
    at.text_input(key="cc_lieu").input("St Anth").run()
    suggestions = [b for b in at.button if b.key and b.key.startswith("cc_sugg_")]
    assert suggestions, "no suggestion buttons"
    assert any("Anthème" in b.label for b in suggestions)
    target = next(b for b in suggestions if "Saint\\-Anthème" in b.label or "Anthème" in b.label)
    target.click().run()
    assert not at.exception
    assert "Anthème" in heading(at)


def test_an_unknown_place_says_so_and_suggests_close_names(at):
    at.text_input(key="cc_lieu").input("Ambret").run()
    assert any(b.key == "cc_sugg_0" and "Ambert" in b.label for b in at.button)
    at.text_input(key="cc_lieu").input("qqqzzzxx").run()
    assert not at.exception
    assert any("introuvable" in e.value for e in at.error)


def test_a_typo_suggests_the_closest_name_first_and_says_it_is_a_near_miss(at):
    at.text_input(key="cc_lieu").input("Ambrt").run()
    assert not at.exception
    assert "Ambert" in at.button(key="cc_sugg_0").label
    assert any("Aucune commune ne s'écrit « Ambrt »" in c.value for c in at.caption)
    at.button(key="cc_sugg_0").click().run()
    assert "à moins de 10 km" in heading(at) and "Ambert" in heading(at)

    at.text_input(key="cc_lieu").input("Xyzville").run()
    assert any("Lieu introuvable : « Xyzville »" in e.value for e in at.error)
    assert not [b for b in at.button if b.key and b.key.startswith("cc_sugg_")]  # nothing made up


def test_a_street_address_offline_is_searched_at_the_commune(at, monkeypatch):
    monkeypatch.delenv("COURT_CIRCUIT_GEOCODER", raising=False)
    at.text_input(key="cc_lieu").input("12 rue du Marché Ambert").run()
    assert any("au niveau de la commune" in i.value for i in at.info)
    assert at.button(key="cc_sugg_0").label == md("Ambert (63600)")


def test_radius_choice(at_ambert, small_build):
    at_ambert.selectbox(key="cc_rayon").set_value(50).run()
    assert "à moins de 50 km" in heading(at_ambert)
    assert count_in(heading(at_ambert)) == expected(small_build.db, 50)
    assert "50" in str(at_ambert.query_params["rayon"])
    at_ambert.selectbox(key="cc_rayon").set_value(5).run()
    assert "à moins de 5 km" in heading(at_ambert)
    assert count_in(heading(at_ambert)) == expected(small_build.db, 5)


def test_a_shared_radius_outside_the_choices_is_kept(small_build, monkeypatch):
    at = _run(small_build.db, monkeypatch, {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320",
                                            "rayon": "37"})  # fmt: skip
    assert at.selectbox(key="cc_rayon").value == 37 and "37 km" in at.selectbox(key="cc_rayon").options
    assert "à moins de 37 km" in heading(at)


@pytest.mark.parametrize(
    "key, facet, field",
    [("cc_type", "kind", "kinds"), ("cc_vente", "channel", "channels"), ("cc_label", "label", "labels"),
     ("cc_produit", "product", "products")],
)  # fmt: skip
def test_each_facet_option_gives_the_count_it_announces(small_build, monkeypatch, key, facet, field):
    at = _run(small_build.db, monkeypatch, {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320",
                                            "rayon": "50"})  # fmt: skip
    widget = at.multiselect(key=key)
    assert widget.options, f"{key} offers nothing"
    for label in widget.options:
        announced = int(re.search(r"\((\d+)\)$", label).group(1))
        at.multiselect(key=key).set_value([]).run()
        at.multiselect(key=key).select(label).run()
        assert not at.exception
        assert count_in(heading(at)) == announced, label
    # and the query agrees
    chosen = at.multiselect(key=key).value
    assert count_in(heading(at)) == expected(small_build.db, 50, **{field: tuple(chosen)})


def test_text_open_now_day_and_time_filters(at_ambert, small_build):
    at_ambert.text_input(key="cc_texte").input("fromage").run()
    assert count_in(heading(at_ambert)) == expected(small_build.db, text="fromage")
    assert at_ambert.query_params["texte"] in ("fromage", ["fromage"])
    at_ambert.text_input(key="cc_texte").input("").run()

    at_ambert.toggle(key="cc_ouvert").set_value(True).run()
    assert not at_ambert.exception
    assert "ouvert" in at_ambert.query_params

    at_ambert.toggle(key="cc_ouvert").set_value(False).run()
    at_ambert.selectbox(key="cc_jour").set_value(5).run()
    assert count_in(heading(at_ambert)) == expected(small_build.db, day=5)
    from datetime import time

    at_ambert.time_input(key="cc_heure").set_value(time(10, 0)).run()
    assert count_in(heading(at_ambert)) == expected(small_build.db, day=5, minute=600)
    assert at_ambert.query_params["jour"] in ("samedi", ["samedi"])

    at_ambert.button(key="cc_clear").click().run()
    assert count_in(heading(at_ambert)) == expected(small_build.db)
    assert "jour" not in at_ambert.query_params


def test_zero_results_suggest_widening_or_dropping_a_filter(at_ambert):
    at_ambert.text_input(key="cc_texte").input("introuvablezzz").run()
    assert "Aucun lieu" in heading(at_ambert)
    (warning,) = [w.value for w in at_ambert.warning if "Aucun lieu ne correspond" in w.value]
    assert "Essayez d'élargir le rayon" in warning and "de effacer" not in warning
    assert "d'effacer la recherche par texte" in warning


def test_list_is_paginated_and_links_to_listings(demo_db, monkeypatch):
    at = _run(demo_db, monkeypatch, {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320"})
    links = at.get("page_link")
    listing_links = [p for p in links if "fiche" in p.proto.page]
    assert len(listing_links) == 20
    first_page = [p.proto.query_string for p in listing_links]
    at.get("pagination")[0].select(2).run()
    second = [p.proto.query_string for p in at.get("page_link") if "fiche" in p.proto.page]
    assert second and second != first_page
    assert "2" in str(at.query_params["page"])


def test_a_marker_click_opens_the_listing(small_build, monkeypatch):
    with connect(small_build.db) as con:
        listing_id, name = con.execute(
            "SELECT id, name FROM listings WHERE kind = 'marche' LIMIT 1"
        ).fetchone()
    clicks = {"last_clicked": None, "last_object_clicked_popup": f"{name}\nMarché\nRéf. {listing_id}"}
    at = _run(
        small_build.db, monkeypatch, {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320"}, clicks
    )
    assert not at.exception
    assert at.query_params["id"] in (listing_id, [listing_id])
    assert [t.value for t in at.title] == [md(name)]  # the listing page, its title Markdown-escaped


def test_a_tap_on_the_map_only_offers_to_move_the_centre(small_build, monkeypatch):
    clicks = {"last_clicked": {"lat": 45.60, "lng": 3.70}, "last_object_clicked_popup": None}
    at = _run(
        small_build.db, monkeypatch, {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320"}, clicks
    )
    assert not at.exception
    # An accidental tap moves nothing: the search stays, a button offers the tapped point.
    assert "d'Ambert" in heading(at)
    assert str(at.query_params["lat"]).strip("[]'") == "45.54901"
    offer = at.button(key="cc_search_here")
    assert offer.label.startswith("Chercher autour du point choisi")
    assert any("Chercher autour" in t.value for t in at.toast)  # seen wherever the page is scrolled
    offer.click().run()
    assert "km du point choisi" in heading(at)
    assert str(at.query_params["lat"]).strip("[]'").startswith("45.6")
    assert str(at.query_params["lieu"]).strip("[]'").startswith("Point choisi")
    assert not [b for b in at.button if b.key == "cc_search_here"]  # the offer is taken


BACK_SEARCH = {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320", "rayon": "30", "type": "marche"}


def _search_then_a_listing(small_build, monkeypatch) -> tuple[AppTest, str]:
    """A search (BACK_SEARCH), then a listing opened from it; the search's heading."""
    at = _run(small_build.db, monkeypatch, BACK_SEARCH)
    before = heading(at)
    with connect(small_build.db) as con:
        (listing_id,) = con.execute("SELECT id FROM listings LIMIT 1").fetchone()
    at.switch_page("pages/fiche.py")
    at.query_params.clear()
    at.query_params["id"] = listing_id
    at.run()
    return at, before


def test_back_from_a_listing_to_a_bare_address_restores_the_search(small_build, monkeypatch):
    # st.switch_page (a marker click) leaves a bare « / » in the history: Back lands there.
    params = BACK_SEARCH
    at, before = _search_then_a_listing(small_build, monkeypatch)
    assert not at.exception and at.title
    at.switch_page("pages/recherche.py")
    at.query_params.clear()
    at.run()
    assert not at.exception
    assert heading(at) == before
    assert at.multiselect(key="cc_type").value == ["marche"]
    assert {k: str(v).strip("[]'") for k, v in at.query_params.items()} == params  # written back


def test_back_from_a_listing_restores_the_search_even_when_that_run_is_cut_short(small_build, monkeypatch):
    # Back from a listing, the search's run can be cut short by a rerun (the map's first report)
    # before it writes the restored search to the URL: the next run, from the same bare address,
    # must restore it again, although the previous page is the search by then.
    import ui.search_form

    params = BACK_SEARCH
    at, before = _search_then_a_listing(small_build, monkeypatch)
    write_url = ui.search_form.write_url
    monkeypatch.setattr(ui.search_form, "write_url", lambda state: None)  # the run ends before it
    at.switch_page("pages/recherche.py")
    at.query_params.clear()
    at.run()
    assert not at.exception
    monkeypatch.setattr(ui.search_form, "write_url", write_url)
    at.query_params.clear()  # the address is still bare
    at.run()
    assert not at.exception
    assert heading(at) == before
    assert {k: str(v).strip("[]'") for k, v in at.query_params.items()} == params
    at.query_params.clear()  # written: a bare address is a new search again
    at.run()
    assert "dans tout l'annuaire" in heading(at)


def test_a_quick_back_to_the_listings_id_on_the_search_address_restores_the_search(small_build, monkeypatch):
    # A marker's click: st.switch_page writes « ?id=… » on the search's address, then opens the
    # listing. A Back before the listing's run ends lands on « /?id=… » with the search as the
    # previous page: the search comes back all the same.
    params = BACK_SEARCH
    at = _run(small_build.db, monkeypatch, params)
    before = heading(at)
    at.query_params.clear()
    at.query_params["id"] = "cc-000000000000"
    at.run()
    assert not at.exception
    assert heading(at) == before
    assert {k: str(v).strip("[]'") for k, v in at.query_params.items()} == params


def test_a_bare_address_opened_from_the_search_itself_is_a_new_search(small_build, monkeypatch):
    at = _run(small_build.db, monkeypatch, {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320"})
    at.query_params.clear()
    at.run()
    assert "dans tout l'annuaire" in heading(at)


def test_search_params_name_every_parameter_a_search_writes():
    from courtcircuit.search_state import SearchState, to_params
    from courtcircuit.vocab import CHANNELS, LABELS, PRODUCTS
    from ui.search_form import SEARCH_PARAMS

    filters = Filters(
        kinds=(KINDS.codes()[0],), channels=(CHANNELS.codes()[0],), labels=(LABELS.codes()[0],),
        products=(PRODUCTS.codes()[0],), text="miel", open_now=True, day=1, minute=600,
    )  # fmt: skip
    full = SearchState("Ambert", 45.5, 3.7, 30, filters, page=2, basemap="ign")
    assert set(to_params(full)) == SEARCH_PARAMS


def test_my_position_centres_the_search_and_a_refusal_is_explained(small_build, monkeypatch):
    from ui.geolocation import ERRORS, BrowserPosition

    answers = iter([(BrowserPosition(45.55, 3.74, 30.0), None)])  # a trigger value: one run only
    monkeypatch.setattr("ui.geolocation.locate_button", lambda key: next(answers, (None, None)))
    at = _run(small_build.db, monkeypatch)
    assert "de votre position" in heading(at)  # never « de Ma position »
    lieu = str(at.query_params["lieu"]).strip("[]'")
    assert lieu == "Point choisi (Ambert)"  # the shared link names the commune, not « Ma position »

    refusals = iter([(None, ERRORS["1"])])
    monkeypatch.setattr("ui.geolocation.locate_button", lambda key: next(refusals, (None, None)))
    at = _run(small_build.db, monkeypatch)
    assert any("refusé la géolocalisation" in w.value for w in at.warning)


def test_a_shared_url_restores_the_search(small_build, monkeypatch):
    params = {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320", "rayon": "30", "type": "marche"}
    at = _run(small_build.db, monkeypatch, params)
    assert not at.exception
    assert at.selectbox(key="cc_rayon").value == 30
    assert at.multiselect(key="cc_type").value == ["marche"]
    assert count_in(heading(at)) == expected(small_build.db, 30, kinds=("marche",))


def test_malformed_url_falls_back_with_notices(small_build, monkeypatch):
    at = _run(small_build.db, monkeypatch, {"lat": "abc", "lon": "3.7", "rayon": "1000", "type": "xx"})
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "Position du lien illisible" in notices and "Rayon" in notices and "xx" in notices
    assert "dans tout l'annuaire" in heading(at)


def test_basemap_choice_reaches_the_map(at_ambert):
    at_ambert.selectbox(key="cc_fond").set_value("ign").run()
    (frame,) = [c for c in at_ambert.get("component_instance") if "st_folium" in str(c.proto.component_name)]
    assert "data.geopf.fr/wmts" in frame.proto.json_args
    assert "fond" in at_ambert.query_params


def test_hostile_names_are_escaped_in_the_list(hostile_db, monkeypatch):
    at = _run(hostile_db, monkeypatch, {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320",
                                        "rayon": "50"})  # fmt: skip
    labels = [p.proto.label for p in at.get("page_link")]
    hostile = [lab for lab in labels if "onerror" in lab]
    assert hostile, labels
    assert all("\\<img" in lab for lab in hostile)  # Markdown-escaped: shown as text


def test_listing_page_shows_everything_and_links_both_ways(small_build, monkeypatch):
    with connect(small_build.db) as con:
        producer, outlet = con.execute("SELECT producer_id, outlet_id FROM listing_links LIMIT 1").fetchone()
        (producer_name,) = con.execute("SELECT name FROM listings WHERE id = ?", [producer]).fetchone()
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(small_build.db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["id"] = producer
    at.run()
    at.switch_page("pages/fiche.py")
    at.query_params["id"] = producer
    at.run()
    assert not at.exception
    assert any(producer_name.split()[0] in t.value for t in at.title)
    assert any(s.value == "Où trouver ses produits" for s in at.subheader)
    targets = [p.proto.query_string for p in at.get("page_link")]
    assert any(outlet in q for q in targets)

    at.query_params["id"] = outlet
    at.run()
    assert any(s.value == "Producteurs présents" for s in at.subheader)
    assert any(producer in p.proto.query_string for p in at.get("page_link"))


def test_unknown_listing_id_says_so(small_build, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(small_build.db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/fiche.py")
    at.query_params["id"] = "cc-nope"
    at.run()
    assert not at.exception
    assert "n'existe pas" in at.error[0].value


def test_hostile_description_on_the_listing_page_is_text(hostile_db, monkeypatch):
    with connect(hostile_db) as con:
        (listing_id,) = con.execute("SELECT id FROM listings WHERE name = ?", [HOSTILE_NAME]).fetchone()
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(hostile_db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/fiche.py")
    at.query_params["id"] = listing_id
    at.run()
    assert "\\<img" in at.title[0].value
    assert any("\\<script\\>" in m.value for m in at.markdown)
    assert KINDS.label("producteur") in " ".join(m.value for m in at.markdown)


def test_a_first_visit_says_what_this_is_how_it_works_and_offers_example_searches(at, at_ambert):
    assert any("tiennent à jour" in m.value for m in at.markdown)
    assert "Comment ça marche" in [e.label for e in at.expander]
    links = {p.proto.label: p.proto.query_string for p in at.get("page_link")}
    saturday = next(q for label, q in links.items() if label == "Marchés le samedi près d'Ambert")
    assert "type=marche" in saturday and "jour=samedi" in saturday and "lat=45.54972" in saturday
    assert any(label == "Œufs bio à moins de 10 km" for label in links)
    # Once a place is chosen the explanation gives way to the results.
    assert not any("tiennent à jour" in m.value for m in at_ambert.markdown)


def test_a_listing_without_commune_channels_or_hours_still_has_its_card(small_build, tmp_path, monkeypatch):
    db = tmp_path / "gaps.duckdb"
    shutil.copyfile(small_build.db, db)
    with connect(db, read_only=False) as con:
        area = Area(*AMBERT, 10)
        near = search(con, area, Filters(), limit=3)
        assert len(near.listings) == 3  # the three nearest cards lose a field each
        first, second, third = near.listings["id"]
        con.execute("UPDATE listings SET city = NULL WHERE id = ?", [first])
        con.execute("UPDATE listings SET channels = NULL, opening_hours = NULL WHERE id = ?", [second])
        con.execute("UPDATE listings SET kind = NULL, geo_precision = NULL WHERE id = ?", [third])
    at = _run(db, monkeypatch, {"lieu": "Ambert (63600)", "lat": str(AMBERT[0]), "lon": str(AMBERT[1])})
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert not [c for c in captions if "nan" in c.split(" · ")], captions
    links = [p.proto.query_string for p in at.get("page_link")]
    assert all(any(listing in link for link in links) for listing in (first, second, third)), links
