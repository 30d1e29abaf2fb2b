"""Text from the data never runs on the server: every map element the app builds, and every
page's map through AppTest, on a directory whose every text field holds Jinja expressions.

See ui/map_safety.py for the cause (branca renders each element's output a second time as a
template) and the rule. The browser side is tests/test_browser_jinja.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pandas as pd
import pytest
from folium.plugins import FastMarkerCluster
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.map_grid import Box, MapView
from tests.jinja_data import EVALUATED, SENTINEL_VAR, JinjaDirectory, jinja_directory, payloads
from ui import map_elements, mapview, search_map, supplier_map
from ui.map_safety import (
    TEMPLATE_MARKERS,
    UnsafeMapText,
    check_map,
    elements,
    encoded,
    first_pass,
    has_template_syntax,
    js_literal,
)

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
AMBERT = (45.549014, 3.743204)

# Every element class a map of ours may hold: folium's own ones carry no data text (positions,
# numbers and our constants only); the data-carrying ones are ui.map_elements'.
ALLOWED_ELEMENTS = {
    "Figure", "Element", "Map", "TileLayer", "Circle", "FitBounds",
    "MapScript", "Outlines", "FillWhenTilesFail", "ListingCluster", "CommuneLayer", "CountCells",
    "FeatureGroup",
}  # fmt: skip


def _points(texts: list[str]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "id": [f"id-{t}" for t in texts],
            "name": texts,
            "kind": (["producteur", "marche", "besoin", "{{ 7*7 }}"] * n)[:n],
            "lat": [45.5 + i / 100 for i in range(n)],
            "lon": [3.7 + i / 100 for i in range(n)],
        }
    )


def _outlines(texts: list[str]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": t, "nom": t},
                "geometry": {"type": "Point", "coordinates": [3.7, 45.5]},
            }
            for t in texts
        ],
    }


def _communes(texts: list[str]) -> dict:
    """A commune layer (courtcircuit.communes.map_layer) whose names are the hostile texts."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"n": t, "z": 11, "p": [45.5, 3.7]},
                "geometry": {"type": "Point", "coordinates": [3.7, 45.5]},
            }
            for t in texts
        ],
    }


def _app_maps(texts: list[str]) -> dict[str, folium.Map]:
    """The maps each page builds, with hostile text wherever data goes."""
    points, shapes, towns = _points(texts), _outlines(texts), _communes(texts)
    return {
        "recherche": mapview.listings_map(
            points, center=AMBERT, radius_km=10, outlines=shapes, communes=towns
        ),
        "recherche sans fond": mapview.listings_map(
            points, center=AMBERT, radius_km=10, basemap="aucun", communes=towns
        ),
        "fiche": mapview.listings_map(
            points.head(1), center=AMBERT, zoom=13, outlines=shapes, communes=towns
        ),
        # The supplier page's base, and the layer st_folium swaps into it (ui.supplier_map).
        "fournisseurs": supplier_map.supplier_base(AMBERT, 30, "fr").add_child(
            supplier_map.supplier_layer(points, "fr")
        ),
        # As the pages pass them (ui.chrome.outlines): encoded once, shared by every run.
        "contours encodés une fois": mapview.listings_map(points, outlines=encoded(shapes)),
        "annuaire": mapview.listings_map(points, outlines=shapes),
        "vide": mapview.listings_map(points.head(0)),
    }


def _rows_in(page: str) -> list[list]:
    match = re.search(r"CourtCircuitMap\.addListings\(\s*\w+, (\[\[.*?\]\]), \[", page, re.S)
    assert match, "no listings layer in the page"
    return json.loads(match.group(1))


# ------------------------------------------------------------------ the encoding


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_js_literal_is_the_same_json_and_inert_as_a_template(value) -> None:
    text = js_literal(value)
    assert json.loads(text) == value  # JavaScript reads exactly the data
    assert not has_template_syntax(text)
    assert not set("<>&'") & set(text)  # and no </script> or attribute breakout


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{%", "{#", "}}{{", "a{b}c", "{}", "{{'x'}}"])
def test_js_literal_escapes_every_brace_inside_strings(text: str) -> None:
    out = js_literal({"name": text, "nested": [{"v": text}]})
    assert "{" not in out.replace('{"', "").replace("{}", "")  # braces left are JSON's own
    assert json.loads(out) == {"name": text, "nested": [{"v": text}]}


_CELLS = st.one_of(
    st.text(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=6) | st.tuples(_CELLS, _CELLS), max_size=8))
def test_a_table_is_encoded_as_its_rows_one_by_one(table) -> None:
    """A table of scalars takes one json.dumps: the same text as each row encoded alone."""
    assert js_literal(table) == "[" + ",".join(js_literal(list(row)) for row in table) + "]"
    assert not has_template_syntax(js_literal(table))


def test_js_literal_refuses_what_it_cannot_encode() -> None:
    with pytest.raises(TypeError):
        js_literal(object())
    assert js_literal(float("nan")) == "null"


# ------------------------------------------------------------------ every element the app builds


@pytest.fixture(autouse=True)
def sentinel(tmp_path: Path, monkeypatch) -> Path:
    """Where the file-system payload would create a directory if any text were evaluated."""
    path = tmp_path / "ran"
    monkeypatch.setenv(SENTINEL_VAR, str(path))
    return path


def test_the_payloads_run_in_folium_without_the_encoding(sentinel: Path) -> None:
    """The upstream behaviour these tests guard against, shown on folium's own cluster: if this
    stops evaluating, the payloads below prove nothing and must be reviewed."""
    m = folium.Map()
    FastMarkerCluster([[45.0, 3.0, "Ferme {{ 7*7 }}"], [45.0, 3.0, payloads(sentinel)[3]]]).add_to(m)
    assert "Ferme 49" in m.get_root().render()
    assert sentinel.exists()


@pytest.mark.parametrize("page", list(_app_maps(["x"])))
def test_every_element_of_every_map_is_known_and_template_free(page: str, sentinel: Path) -> None:
    texts = payloads(sentinel)
    m = _app_maps(texts)[page]
    for element in elements(m.get_root()):
        assert type(element).__name__ in ALLOWED_ELEMENTS, f"unreviewed element {type(element)}"
        for part, output in first_pass(element).items():
            assert not has_template_syntax(output), (page, type(element).__name__, part)

    html = mapview.map_html(m)  # the full double render
    assert not sentinel.exists()
    assert not any(evaluated in html for evaluated in EVALUATED)
    if page != "vide":
        shown = {row[3] for row in _rows_in(html)}
        expected = set(texts[:1] if page == "fiche" else texts)
        assert shown == expected  # literally, after JSON decoding in the browser


def test_the_legend_and_styles_carry_labels_as_data(tmp_path: Path) -> None:
    html = mapview.map_html(mapview.listings_map(_points(payloads(tmp_path / "ran"))))
    legend = re.search(r'addLegend\(\w+, ("[^"]*"), (\[.*?\])\);', html, re.S)
    assert legend
    assert json.loads(legend.group(1)) == "Types de lieu"
    labels = [k["l"] for k in json.loads(legend.group(2))]
    assert labels == ["Producteur", "Marché", "Besoin d'un acheteur", "Autre"]


def test_a_raw_folium_element_with_data_text_is_refused_before_any_render(sentinel: Path) -> None:
    m = mapview.listings_map(_points(["ok"]))
    folium.Marker(AMBERT, tooltip=payloads(sentinel)[3]).add_to(m)  # what the rule forbids
    with pytest.raises(UnsafeMapText):
        check_map(m.get_root())
    with pytest.raises(UnsafeMapText):
        mapview.map_html(m)
    assert not sentinel.exists()


def test_our_elements_output_reaches_the_page_without_a_second_render(sentinel: Path) -> None:
    """A second line of defence: even text that skipped js_literal is written as it is by a
    DataElement (branca would compile it as a template), through both of st_folium's renders."""
    from folium.template import Template

    class Careless(map_elements.DataElement):
        _template = Template("{% macro script(this, kwargs) %}var t = '{{ this.text }}';{% endmacro %}")

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    m = folium.Map()
    Careless("Ferme {{ 7*7 }}").add_to(m)
    Careless(payloads(sentinel)[3]).add_to(m)
    html = m.get_root().render()
    m.render()  # st_folium renders the map a second time
    assert "var t = 'Ferme {{ 7*7 }}';" in html and "Ferme 49" not in html
    assert not sentinel.exists()
    for name in (
        "MapScript",
        "Outlines",
        "FillWhenTilesFail",
        "CommuneLayer",
        "ListingCluster",
        "CountCells",
    ):
        assert issubclass(getattr(map_elements, name), map_elements.DataElement), name


def test_data_enters_our_templates_only_pre_encoded() -> None:
    """In the templates of ui/map_elements.py, every {{ }} is an element name, the checked
    function name, or a value pre-encoded by js_literal (attributes named *_js): no filter such
    as tojson, which leaves braces alone."""
    source = Path(map_elements.__file__).read_text()
    templates = re.findall(r'Template\(\s*"""(.*?)"""', source, re.S)
    assert len(templates) == 6
    allowed = re.compile(r"this\.(\w+_js|function|(_parent|tiles|outlines)\.get_name\(\)|get_name\(\))")
    for template in templates:
        for expression in re.findall(r"\{\{(.*?)\}\}", template):
            assert allowed.fullmatch(expression.strip()), expression


def test_map_code_is_a_file_and_holds_no_template_syntax() -> None:
    for path in (REPO / "static" / "map").iterdir():
        assert not any(marker in path.read_text() for marker in TEMPLATE_MARKERS), path


def test_pages_show_maps_only_through_show_map() -> None:
    callers = [
        str(path.relative_to(REPO))
        for folder in ("pages", "ui")
        for path in sorted((REPO / folder).rglob("*.py"))
        if re.search(r"\bst_folium\(|folium_static\(", path.read_text())
    ]
    assert callers == ["ui/mapview.py"], callers


# ------------------------------------------------------------------ every page, through AppTest


@pytest.fixture(scope="module")
def jinja(tmp_path_factory: pytest.TempPathFactory, small_build) -> JinjaDirectory:
    return jinja_directory(small_build.db, tmp_path_factory.mktemp("jinja"))


def _map_script(at: AppTest) -> str:
    frames = [c for c in at.get("component_instance") if "st_folium" in str(c.proto.component_name)]
    assert len(frames) == 1, "the page shows no map"
    args = json.loads(frames[0].proto.json_args)
    # The search map's data layer comes apart, swapped into the frame (ui.search_map.search_map).
    return args["script"] + args["header"] + args["html"] + (args.get("feature_group") or "")


def _open(jinja: JinjaDirectory, monkeypatch, page: str, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(jinja.db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", jinja.workspace)
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.switch_page(page)
    at.query_params.update(params)
    return at.run()


def _a_listing_id(jinja: JinjaDirectory) -> str:
    with connect(jinja.db) as con:
        return con.execute(
            "SELECT id FROM listings WHERE kind = 'producteur' ORDER BY id LIMIT 1"
        ).fetchone()[0]


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("", {"lieu": "Ambert (63600)", "lat": str(AMBERT[0]), "lon": str(AMBERT[1]), "rayon": "50"}),
        ("", {}),
        ("pages/fiche.py", {"id": "LISTING"}),
        (
            "pages/fournisseurs.py",
            {"mlieu": "Ambert", "mlat": str(AMBERT[0]), "mlon": str(AMBERT[1]), "km": "80"},
        ),
        ("pages/annuaire.py", {}),
    ],
    ids=["recherche", "recherche-tout", "fiche", "fournisseurs", "annuaire"],
)
def test_every_page_map_shows_jinja_as_text(jinja, monkeypatch, page, params) -> None:
    monkeypatch.setenv(SENTINEL_VAR, str(jinja.sentinel))
    if params.get("id") == "LISTING":
        params = {"id": _a_listing_id(jinja)}
    at = _open(jinja, monkeypatch, page, params)
    assert not at.exception, at.exception
    script = _map_script(at)
    assert not jinja.sentinel.exists()
    assert not any(evaluated in script for evaluated in EVALUATED)
    assert "Ferme \\u007b\\u007b 7*7 \\u007d\\u007d" in script  # there, encoded, not evaluated
    if page == "pages/fournisseurs.py":
        assert "\\u007b% for x in range(3) %\\u007d" in script  # the buyer's need, on the map


def test_the_search_maps_swapped_layer_carries_data_only_encoded(sentinel: Path) -> None:
    """ui.search_map.search_map hands st_folium a layer (feature_group_to_add) rendered apart from
    the map: it is checked on its own, and holds only encoded data."""
    texts = payloads(sentinel)
    points = _points(texts).assign(commune_insee="63003")
    cells = pd.DataFrame({"lat": [45.5], "lon": [3.7], "n": [12]})
    for view in (
        MapView(Box(45.0, 3.0, 46.0, 4.0), 10, len(texts), points, cells.iloc[0:0]),
        MapView(Box(45.0, 3.0, 46.0, 4.0), 6, 12, points.iloc[0:0], cells),
    ):
        layer = search_map.search_layer(view, "fr")
        for element in elements(layer):
            assert type(element).__name__ in ALLOWED_ELEMENTS, f"unreviewed element {type(element)}"
            for part, output in first_pass(element).items():
                assert not has_template_syntax(output), (type(element).__name__, part)
        check_map(layer)
        m = mapview.listings_map(points.head(0))
        m.add_child(layer)
        html = mapview.map_html(m)
        assert not sentinel.exists()
        assert not any(evaluated in html for evaluated in EVALUATED)
        if view.detailed:
            assert {row[3] for row in _rows_in(html)} == set(texts)
