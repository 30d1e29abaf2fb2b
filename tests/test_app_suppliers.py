"""The supplier page (pages/fournisseurs.py) and the staff review (pages/equipe.py) through
Streamlit's AppTest, on the tiny reverse-radius directory (tests/fixtures/suppliers).

Tab counts are checked against courtcircuit.suppliers.suppliers() called directly with what the
widgets hold, so the page is tested as "the query, shown" rather than against copied numbers.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from streamlit.proto.Block_pb2 import Block as BlockProto
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.staff import ENV_VAR
from courtcircuit.suppliers import Store, SupplierFilters, suppliers
from courtcircuit.vocab import PRODUCTS
from courtcircuit.workspace import accounts
from courtcircuit.workspace.needs import NeedStore
from courtcircuit.workspace.store import Store as Workspace
from tests.markdown_check import plain
from ui.staff_needs import received

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/fournisseurs.py"
STAFF_PAGE = "pages/equipe.py"
PASSWORD = "un mot de passe de test"
SOURCE_LABEL = "Producteurs de test (rayons de livraison)"  # tests/fixtures/suppliers/sources.toml


@pytest.fixture(scope="module")
def con(supplier_build):
    c = connect(supplier_build.db, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def ids(con) -> dict[str, str]:
    return dict(con.execute("SELECT name, id FROM listings").fetchall())


@pytest.fixture
def needs_url(tmp_path) -> str:
    """The page's workspace store, where the needs are."""
    return f"sqlite:///{tmp_path / 'workspace.sqlite3'}"


@pytest.fixture
def env(supplier_build, needs_url, monkeypatch) -> None:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(supplier_build.db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", needs_url)
    monkeypatch.delenv(ENV_VAR, raising=False)


def open_page(params: dict[str, str] | None = None, page: str = PAGE) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page)
    at.query_params.update(params or {})
    return at.run()


@pytest.fixture
def page(env) -> AppTest:
    return open_page()


@pytest.fixture
def ambert(page) -> AppTest:
    page.text_input(key="cp_lieu").input("Ambert").run()
    assert not page.exception
    return page


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes of every file the app hands to Streamlit's media manager, by file id.

    AppTest gives a download button's URL (/mock/media/<id>.xlsx) but not its bytes, and its
    in-memory media storage is thrown away after each run: keep a copy on the way in.
    """
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        seen[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return seen


def tab_counts(at: AppTest) -> tuple[int, int, int]:
    """(deliverers, nearby distance in km, nearby count) as the tab labels show them."""
    deliver, near = at.tabs[0].label, at.tabs[1].label
    (n_deliver,) = re.fullmatch(r"Livrent mon établissement \((\d+)\)", deliver).groups()
    km, n_near = re.fullmatch(r"Producteurs à moins de (\d+) km \((\d+)\)", near).groups()
    return int(n_deliver), int(km), int(n_near)


def widget_filters(at: AppTest) -> SupplierFilters:
    return SupplierFilters(
        products=tuple(at.multiselect(key="cp_produit").value),
        labels=tuple(at.multiselect(key="cp_label").value),
        ab_status=tuple(at.multiselect(key="cp_bio").value),
        gtin=at.checkbox(key="cp_gtin").value,
        sanitary=at.checkbox(key="cp_agrement").value,
        siret=at.checkbox(key="cp_siret").value,
        volumes=at.checkbox(key="cp_volumes").value,
        frequencies=tuple(at.multiselect(key="cp_freq").value),
    )


def page_store(at: AppTest) -> Store:
    where = at.session_state["cp_store"]
    return Store(where["lat"], where["lon"])


def expected_counts(at: AppTest, con) -> tuple[int, int, int]:
    store, filters, km = page_store(at), widget_filters(at), at.slider(key="cp_km").value
    return len(suppliers(con, store, filters)), km, len(suppliers(con, store, filters, within_km=km))


def texts(elements) -> list[str]:
    return [e.value for e in elements]


NEAR_TABLE, DELIVER_TABLE = "cp_table_proches", "cp_table_livrent"


def table(at: AppTest, name: str = NEAR_TABLE):
    """A results table by its key (the page adds a generation number, see ui/shortlist.py)."""
    (frame,) = [d for d in at.dataframe if (d.key or "").rsplit("_", 1)[0] == name]
    return frame


def ticked(at: AppTest, name: str = NEAR_TABLE) -> list[str]:
    """The producer names ticked in a results table, top to bottom."""
    frame = table(at, name)
    state = at.session_state.get(frame.key)
    rows = sorted(state["selection"]["rows"]) if state else []
    return [frame.value["Producteur"][r] for r in rows]


def tick(at: AppTest, *names: str, name: str = NEAR_TABLE, on: bool = True) -> AppTest:
    """Tick (or untick) the rows of these producers, as a buyer does in the table's first column.

    AppTest cannot click a st.dataframe: the selection is written into its session state, which
    is what the browser sends when a box is ticked."""
    frame = table(at, name)
    shown = list(frame.value["Producteur"])
    keep = set(ticked(at, name))
    keep = keep | set(names) if on else keep - set(names)
    rows = [shown.index(n) for n in shown if n in keep]
    at.session_state[frame.key] = {"selection": {"rows": rows, "columns": []}}
    return at.run()


def shortlist(at: AppTest) -> list[str]:
    """The producers listed under « Ma sélection », in order."""
    (listing,) = [m.value for m in at.markdown if "à contacter**" in m.value]
    return [plain(line[2:]).rsplit(" (", 1)[0] for line in listing.splitlines() if line.startswith("- ")]


def fill_need_form(at: AppTest, **values: str) -> AppTest:
    boxes = {
        t.label: t for t in at.text_input if t.label != "Adresse, commune ou code postal de l'établissement"
    }
    (product,) = [s for s in at.selectbox if s.label == "Famille de produits"]
    product.set_value(values.pop("product", "oeufs"))
    labels = {
        "volume": "Volume recherché",
        "frequency": "Fréquence",
        "name": "Nom du contact",
        "email": "E-mail",
        "phone": "Téléphone",
    }
    for field, label in labels.items():
        boxes[label].input(values.get(field, ""))
    (constraints,) = [t for t in at.text_area if t.label == "Contraintes de livraison"]
    constraints.input(values.get("constraints", ""))
    return at.button(key="FormSubmitter:cp_need-Envoyer pour validation").click().run()


# ------------------------------------------------------------------ the store


def test_without_a_store_the_page_asks_for_one(page):
    assert not page.exception
    assert "Indiquez où se trouve votre établissement" in " ".join(texts(page.info))
    assert len(page.tabs) == 0
    assert "Indiquez d'abord où se trouve votre établissement." in texts(page.caption)
    assert "mlat" not in page.query_params


def test_typing_a_commune_sets_the_store(ambert, con):
    assert any(s.startswith("Établissement : Ambert") for s in texts(ambert.subheader))
    assert ambert.query_params["mlat"] == "45.54901" and ambert.query_params["mlon"] == "3.74320"
    assert "Ambert" in ambert.query_params["mlieu"]
    assert tab_counts(ambert) == expected_counts(ambert, con)
    # The town hall is the store: the producer exactly at its 20 km radius is counted.
    assert tab_counts(ambert)[0] == 4


def test_an_unknown_place_says_so(page):
    page.text_input(key="cp_lieu").input("Zzyzx-sur-Rien").run()
    assert not page.exception
    assert any("Lieu introuvable" in e for e in texts(page.error))


@pytest.mark.parametrize(
    ("kind", "key", "value", "param"),
    [
        ("multiselect", "cp_produit", ["oeufs", "miel"], ("produit", "oeufs,miel")),
        ("multiselect", "cp_label", ["ab"], ("label", "ab")),
        ("multiselect", "cp_bio", ["certifie"], ("bio", "certifie")),
        ("checkbox", "cp_gtin", True, ("gtin", "1")),
        ("checkbox", "cp_agrement", True, ("agrement", "1")),
        ("checkbox", "cp_siret", True, ("siret", "1")),
        ("checkbox", "cp_volumes", True, ("volumes", "1")),
        ("multiselect", "cp_freq", ["hebdomadaire"], ("freq", "hebdomadaire")),
    ],
)
def test_each_filter_widget_changes_the_counts_as_the_query_says(ambert, con, kind, key, value, param):
    before = tab_counts(ambert)
    getattr(ambert, kind)(key=key).set_value(value).run()
    assert not ambert.exception
    after = tab_counts(ambert)
    assert after == expected_counts(ambert, con)
    assert after != before  # the fixture makes every filter bite
    assert ambert.query_params[param[0]] == param[1]


def test_filters_combine(ambert, con):
    ambert.multiselect(key="cp_produit").set_value(["oeufs"])
    ambert.multiselect(key="cp_label").set_value(["ab"])
    ambert.checkbox(key="cp_gtin").check().run()
    assert tab_counts(ambert) == expected_counts(ambert, con) == (1, 30, 1)  # Ferme du Bord


def test_distance_presets_change_the_nearby_tab(ambert, con):
    for km in (80, 150, 30):
        ambert.button(key=f"cp_preset_{km}").click().run()
        assert not ambert.exception
        assert ambert.slider(key="cp_km").value == km
        _deliver, shown_km, near = tab_counts(ambert)
        assert shown_km == km
        assert near == len(suppliers(con, page_store(ambert), within_km=km))
        assert ambert.query_params.get("km", "30") == str(km)
    assert tab_counts(ambert)[2] < len(suppliers(con, page_store(ambert), within_km=150))


def test_the_slider_sets_any_distance(ambert, con):
    ambert.slider(key="cp_km").set_value(21).run()
    assert tab_counts(ambert) == expected_counts(ambert, con)
    assert tab_counts(ambert)[1:] == (21, 6)  # GAEC de l'Au-delà (20.01 km) is in, Chèvrerie (25 km) out


def test_unknown_radius_is_explained_in_the_nearby_tab(ambert):
    assert any("rayon de livraison non renseigné" in c for c in texts(ambert.tabs[1].caption))


# ------------------------------------------------------------------ the open tab


def open_tab(at: AppTest) -> str:
    """The label of the tab the browser opens (the tab container's default, which tracks the state)."""
    (container,) = [n.proto for n in walk(at._tree) if isinstance(getattr(n, "proto", None), BlockProto)
                    and n.proto.HasField("tab_container")]  # fmt: skip
    return at.tabs[container.tab_container.default_tab_index].label


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def test_the_first_tab_opens_by_default(ambert):
    assert open_tab(ambert).startswith("Livrent mon établissement")
    assert "vue" not in ambert.query_params


def test_the_distance_a_filter_or_a_tick_keeps_the_open_tab(env):
    # A buyer on the second tab: its labels hold counts that change with every filter, and
    # Streamlit reopened the first tab each time (issue 13, problem 5).
    at = open_page({"mlat": "45.54901", "mlon": "3.74320", "mlieu": "Ambert", "vue": "proches"})
    assert open_tab(at).startswith("Producteurs à moins de 30 km")
    at.slider(key="cp_km").set_value(21).run()
    assert open_tab(at).startswith("Producteurs à moins de 21 km")
    at.button(key="cp_preset_80").click().run()
    assert open_tab(at).startswith("Producteurs à moins de 80 km")
    at.multiselect(key="cp_produit").set_value(["oeufs"]).run()
    assert open_tab(at).startswith("Producteurs à moins de 80 km")
    tick(at, "Ferme du Bord")
    assert not at.exception
    assert open_tab(at).startswith("Producteurs à moins de 80 km")
    assert at.query_params["vue"] == "proches"  # Back and bookmarks come back to it


def test_a_tab_remembered_in_the_session_survives_new_counts(ambert):
    ambert.session_state["cp_vue"] = "couverture"  # what the tabs' on_change stores on a click
    ambert.run()
    assert open_tab(ambert) == "Où l'offre manque"
    ambert.checkbox(key="cp_gtin").check().run()
    assert open_tab(ambert) == "Où l'offre manque"
    assert ambert.query_params["vue"] == "couverture"


# ------------------------------------------------------------------ organic state and coverage


def test_the_table_shows_each_farm_s_organic_state(ambert):
    near = table(ambert).value.set_index("Producteur")
    assert near.loc["Ferme du Bord", "Bio (AB)"] == "Certifié"
    assert near.loc["Maraîcher du Zéro", "Bio (AB)"] == "En conversion (C1)"
    assert near.loc["Rucher Sans Rayon", "Bio (AB)"] == "—"


def test_certified_only_leaves_out_farms_in_conversion(ambert, con):
    ambert.checkbox(key="cp_bio_certifie").check().run()
    assert not ambert.exception
    assert ambert.multiselect(key="cp_bio").value == ["certifie"]
    assert ambert.query_params["bio"] == "certifie"
    assert tab_counts(ambert) == expected_counts(ambert, con)
    near = table(ambert).value
    assert len(near) and set(near["Bio (AB)"]) == {"Certifié"}
    ambert.checkbox(key="cp_bio_certifie").uncheck().run()
    assert ambert.multiselect(key="cp_bio").value == [] and "bio" not in ambert.query_params


def test_a_link_with_certified_only_ticks_the_box(env):
    at = open_page({"mlat": "45.54901", "mlon": "3.74320", "mlieu": "Ambert", "bio": "certifie"})
    assert at.checkbox(key="cp_bio_certifie").value is True
    at = open_page(
        {"mlat": "45.54901", "mlon": "3.74320", "mlieu": "Ambert", "bio": "certifie,conversion_c1"}
    )
    assert at.checkbox(key="cp_bio_certifie").value is False  # two states: the detailed list says which


def test_the_coverage_table_has_french_titles_and_nearest_band_first(ambert):
    (table,) = [d.value for d in ambert.dataframe if "Famille de produits" in d.value.columns]
    assert list(table.columns) == ["Famille de produits", "≤ 30 km", "≤ 80 km", "≤ 150 km"]
    assert list(table["Famille de produits"]) == [PRODUCTS.label(c) for c in PRODUCTS.codes()]
    assert "product_label" not in " ".join(map(str, table.columns))
    for row in table.itertuples(index=False):
        assert row[1] <= row[2] <= row[3]  # each band includes the nearer ones


# ------------------------------------------------------------------ shortlist and downloads


def test_no_download_before_choosing_producers(ambert):
    assert len(ambert.get("download_button")) == 0
    assert any("Choisissez des producteurs" in c for c in texts(ambert.caption))


def test_the_shortlist_downloads_as_excel_and_csv(ambert, downloads):
    chosen = ["Ferme du Bord", "Rucher Sans Rayon", "Fournil de la Mairie"]
    for name in chosen:  # one at a time: the shortlist keeps the order of the ticks
        tick(ambert, name)
    assert not ambert.exception
    assert shortlist(ambert) == chosen
    buttons = {b.proto.label: b.proto for b in ambert.get("download_button")}
    assert set(buttons) == {"Télécharger (Excel)", "Télécharger (CSV)"}

    xlsx = downloads[Path(buttons["Télécharger (Excel)"].url).stem]
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book.worksheets[0]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:2] == ["Producteur", "Distance (km)"] and {"Téléphone", "E-mail", "Produits"} <= set(
        header
    )
    assert [r[0] for r in rows] == chosen  # in the order they were chosen
    record = dict(zip(header, rows[0], strict=True))
    assert record["Livraison"] == "Livre votre établissement"
    assert record["État bio"] == "Certifié"  # labels, not codes
    assert record["Téléphone"] == "04 65 71 90 01" and record["E-mail"] == "contact1@producteur.example.fr"
    assert PRODUCTS.label("oeufs") in record["Produits"]
    assert dict(zip(header, rows[1], strict=True))["Livraison"] == "Rayon de livraison non renseigné"
    assert SOURCE_LABEL in book["Sources"]["A2"].value

    text = downloads[Path(buttons["Télécharger (CSV)"].url).stem].decode("utf-8-sig")
    lines = text.splitlines()
    table = list(csv.DictReader(io.StringIO("\n".join(lines[:-1])), delimiter=";"))
    assert [r["producteur"] for r in table] == chosen
    assert SOURCE_LABEL in lines[-1]


def test_a_filter_that_hides_a_chosen_producer_drops_it_from_the_shortlist(ambert):
    tick(ambert, "Ferme du Bord", "Rucher Sans Rayon")
    assert shortlist(ambert) == ["Rucher Sans Rayon", "Ferme du Bord"]  # ticked together: table order
    ambert.multiselect(key="cp_produit").set_value(["oeufs"]).run()
    assert not ambert.exception
    assert shortlist(ambert) == ["Ferme du Bord"]
    assert ticked(ambert) == ["Ferme du Bord"]  # the table's ticks follow the producers, not row numbers


def test_a_tick_in_one_table_shows_in_the_other_and_an_untick_removes_it(ambert):
    assert "Ferme du Bord" in list(table(ambert, DELIVER_TABLE).value["Producteur"])
    tick(ambert, "Ferme du Bord")
    assert ticked(ambert, DELIVER_TABLE) == ["Ferme du Bord"]
    tick(ambert, "Ferme du Bord", name=DELIVER_TABLE, on=False)
    assert not ambert.exception
    assert ticked(ambert) == [] and len(ambert.get("download_button")) == 0


def test_emptying_the_shortlist_unticks_the_tables(ambert):
    tick(ambert, "Ferme du Bord", "Rucher Sans Rayon")
    ambert.button(key="cp_clear").click().run()
    assert not ambert.exception
    assert ticked(ambert) == [] and ticked(ambert, DELIVER_TABLE) == []
    assert any("Choisissez des producteurs" in c for c in texts(ambert.caption))


# ------------------------------------------------------------------ links


@pytest.mark.parametrize(("lat", "lon"), [("51.5", "-0.12"), ("47.5", "-4.5")], ids=["London", "sea"])
def test_a_store_outside_france_shows_a_french_error(env, lat, lon):
    at = open_page({"mlat": lat, "mlon": lon, "mlieu": "Ailleurs"})
    assert not at.exception
    assert any("n'est dans aucune commune française" in plain(e) for e in texts(at.error))
    assert len(at.tabs) == 0


def test_a_malformed_link_warns_and_falls_back(env):
    at = open_page({"mlat": "abc", "mlon": "3.7", "km": "0", "etab": "xx", "produit": "zz"})
    assert not at.exception
    warnings = [plain(w) for w in texts(at.warning)]  # shown as text: Markdown-escaped
    assert len(warnings) == 4
    assert any("Position de l'établissement illisible" in w for w in warnings)
    assert "Indiquez où se trouve votre établissement" in " ".join(texts(at.info))
    assert at.selectbox(key="cp_etab").value == "supermarche"
    assert at.multiselect(key="cp_produit").value == []
    assert at.query_params == {}  # the URL is rewritten with what was understood
    at.run()
    assert texts(at.warning) == []  # said once


def test_a_bookmarked_link_restores_the_store_and_filters(env, con):
    at = open_page({"mlat": "45.54901", "mlon": "3.74320", "mlieu": "Ambert", "km": "80", "produit": "oeufs"})
    assert not at.exception and texts(at.warning) == []
    assert at.multiselect(key="cp_produit").value == ["oeufs"]
    assert tab_counts(at) == expected_counts(at, con)
    assert tab_counts(at)[1] == 80


# ------------------------------------------------------------------ needs


def test_the_need_form_stores_a_pending_need_not_shown_publicly(ambert, needs_url):
    fill_need_form(
        ambert,
        product="oeufs",
        volume="200 douzaines",
        frequency="chaque semaine",
        constraints="<b>avant 9 h</b>",
        name="Claire Martin",
        email="achats@magasin.example.fr",
    )
    assert not ambert.exception
    assert any(s.startswith("Besoin n° 1 enregistré") for s in texts(ambert.success))
    (need,) = NeedStore(needs_url).list()
    assert (
        need.status == "pending" and need.volume == "200 douzaines" and need.constraints == "<b>avant 9 h</b>"
    )
    assert NeedStore(needs_url).public() == []
    assert "Aucun besoin publié pour l'instant." in texts(ambert.tabs[3].caption)


def test_an_incomplete_need_is_refused_with_the_reasons(ambert, needs_url):
    fill_need_form(ambert, volume="", frequency="chaque semaine", name="", email="pas-une-adresse")
    assert not ambert.exception
    (error,) = [e for e in map(plain, texts(ambert.error)) if e.startswith("Le besoin n'est pas enregistré")]
    assert "indiquez le volume" in error and "nom du contact" in error and "adresse e-mail invalide" in error
    assert NeedStore(needs_url).list() == []


def test_the_staff_page_explains_what_to_do_without_an_account(env, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    at = open_page(page=STAFF_PAGE)
    assert not at.exception
    assert any("aucun compte" in i for i in texts(at.info))
    assert len(at.text_input) == 0


def test_staff_accepts_a_need_which_then_shows_on_the_supplier_page(ambert, needs_url, monkeypatch):
    fill_need_form(
        ambert,
        volume="50 kg de miel",
        frequency="chaque mois",
        constraints="<b>quai</b> **gras**",
        name="Claire",
        phone="04 73 82 00 00",
    )
    (pending,) = NeedStore(needs_url).list("pending")
    accounts.add_account(Workspace(needs_url), "modo@parc.example", "moderator", PASSWORD)

    staff = ambert
    staff.switch_page(STAFF_PAGE).run()
    assert not staff.exception
    staff.text_input(key="staff_login_email").input("modo@parc.example")
    staff.text_input(key="staff_login_password").input("pas le bon mot de passe")
    staff.button(key="FormSubmitter:staff_login-Se connecter").click().run()
    assert "E-mail ou mot de passe incorrect." in texts(staff.error)
    assert not any(s.startswith("À valider") for s in texts(staff.subheader))

    staff.text_input(key="staff_login_password").input(PASSWORD)
    staff.button(key="FormSubmitter:staff_login-Se connecter").click().run()
    assert not staff.exception
    assert "À valider (1)" in texts(staff.subheader)
    assert any("50 kg de miel" in m for m in texts(staff.markdown))
    day = received(pending.created_at)
    assert re.fullmatch(r"\d\d/\d\d/20\d\d", day)  # French, not ISO (issue 13, problem 10)
    assert any(f"reçu le {day}" in c for c in texts(staff.caption))
    staff.button(key=f"accept_{pending.id}").click().run()
    assert not staff.exception
    assert [n.id for n in NeedStore(needs_url).public()] == [pending.id]
    assert "À valider (0)" in texts(staff.subheader)

    staff.switch_page(PAGE).run()
    assert staff.tabs, "the store chosen before is kept in the session across pages"
    assert not staff.exception
    shown = texts(staff.tabs[3].markdown)
    assert any("50 kg de miel" in m for m in shown), shown
    # The buyer's text is shown as typed: escaped for Markdown, never as HTML or bold.
    assert r"\<b\>quai\</b\> \*\*gras\*\*" in shown
    assert not any("<b>" in m for m in shown)


def test_a_click_on_the_map_moves_the_store(supplier_build, monkeypatch, tmp_path):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(supplier_build.db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    monkeypatch.setattr(
        "streamlit_folium.st_folium", lambda *a, **k: {"last_clicked": {"lat": 45.60, "lng": 3.70}}
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/fournisseurs.py")
    for key, value in {"mlieu": "Ambert (63600)", "mlat": "45.54901", "mlon": "3.74320"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert any("Point choisi" in s.value for s in at.subheader)
    assert str(at.query_params["mlat"]).strip("[]'").startswith("45.6")
