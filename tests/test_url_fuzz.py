"""Property tests over every page's query parameters, through AppTest (Hypothesis).

For each page, 200 generated URLs (known parameters and unknown ones; hostile values, random
text, numbers at the edges, repeated parameters). Each one must:

- run without an exception, within AppTest's timeout (no hang);
- show every URL text it echoes as inert Markdown (no link, image, directive…);
- for the search and supplier pages, show every notice that ``parse`` gives for it: a
  malformed value falls back to its default *with a notice*.

One AppTest session per page is reused across examples (a rerun costs ~0.2 s, a fresh session
~1 s): it is the "URL changed under an open tab" path, which also accumulates session state.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from courtcircuit import search_state, supplier_state
from courtcircuit.db import connect
from tests.markdown_check import active_markdown, plain, visible
from tests.test_app_forms import HARMFUL, sources_of

APP = str(Path(__file__).resolve().parents[1] / "app.py")
EXAMPLES = int(os.environ.get("CC_URL_FUZZ_EXAMPLES", "200"))
RUN_TIMEOUT_S = 30  # AppTest raises past this: a hang fails the test

HOSTILE = [
    "[Connexion](//ev.il)", "![](//host/img)", ":red[**ALERTE**]", "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>", "javascript:alert(1)", "https://ev.il/x", "www.ev.il", "a@ev.il",
    "{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{# c #}", "`code`", "$x^2$", "~~barré~~",
    ":material/warning:", ":smile:", "&amp;", "**gras**", "[x][1]", "\\", "\\\\[x](y)",
    "nan", "NaN", "inf", "-inf", "Infinity", "1e308", "-1e308", "1e-320", "0", "-0", "91", "-91",
    "181", "-181", "100.0001", "0.99", "²", "٣", "1,5", "1_000", "0x10", " 10 ", "",
    " ", "\x00", "\u202e", "\u200b", "é" * 300, "x" * 5000, "," * 200, "|" * 200,
    "marche", "producteur,marche,xx", "oeufs", "lundi", "LUNDI", "dimanche", "09:30", "24:00", "9h5",
    "45.54901", "3.74320", "45,5", "1", "oui", "true", "ign", "aucun", "en", "supermarche", "cantine",
    "certifie", "cc-000000000000", "'; DROP TABLE listings; --", "%", "%00", "?a=b&c=d", "#frag",
]  # fmt: skip
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=False, places=6).map(str),
)
VALUE = st.one_of(st.sampled_from(HOSTILE), _TEXT, _NUMBER)


def params_for(
    keys: list[str], base: dict[str, str] | None = None
) -> st.SearchStrategy[dict[str, str | list[str]]]:
    """URLs over ``keys`` and unknown keys; with ``base`` (a valid URL), half of them start from it
    and change a few parameters, so the deeper paths (a search, a map) run too."""
    # Streamlit keeps "embed" and "embed_options" for itself; other unknown keys are fair game.
    key = st.one_of(st.sampled_from(keys), _TEXT.filter(lambda k: k and k not in ("embed", "embed_options")))
    value = st.one_of(VALUE, st.lists(VALUE, min_size=1, max_size=3))
    fuzzed = st.dictionaries(key, value, max_size=7)
    if base is None:
        return fuzzed
    return st.one_of(fuzzed, st.dictionaries(key, value, max_size=3).map(lambda extra: {**base, **extra}))


SEARCH_KEYS = ["lieu", "lat", "lon", "rayon", "type", "vente", "label", "produit", "texte", "ouvert", "jour",
               "heure", "page", "fond", "lang"]  # fmt: skip
SUPPLIER_KEYS = ["mlieu", "mlat", "mlon", "etab", "km", "produit", "label", "bio", "gtin", "agrement",
                 "siret", "volumes", "freq", "vue"]  # fmt: skip
SEARCH_BASE = {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320", "rayon": "30"}
SUPPLIER_BASE = {"mlieu": "Ambert (63600)", "mlat": "45.54901", "mlon": "3.74320"}
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree; a failure prints its example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def env(small_build, tmp_path_factory) -> Iterator[Path]:
    workspace = tmp_path_factory.mktemp("fuzz-workspace") / "workspace.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURT_CIRCUIT_DB", str(small_build.db))
        mp.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{workspace}")
        mp.delenv("COURT_CIRCUIT_STAFF_PASSWORD_HASH", raising=False)
        yield small_build.db


@pytest.fixture(scope="module")
def listing_ids(env) -> list[str]:
    with connect(env) as con:
        return [r[0] for r in con.execute("SELECT id FROM listings ORDER BY id LIMIT 20").fetchall()]


class Page:
    """One AppTest session on one page, rerun with each generated URL."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
        self.at.switch_page(page)
        self.at.run()
        self.runs = 0
        self.seconds = 0.0

    def open(self, params: dict[str, str | list[str]]) -> AppTest:
        self.at.query_params.clear()
        self.at.query_params.update(params)
        started = time.perf_counter()
        self.at.run()
        self.seconds += time.perf_counter() - started
        self.runs += 1
        assert not self.at.exception, (params, [e.message for e in self.at.exception])
        return self.at


def as_lists(params: dict[str, str | list[str]]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def check_echoes_are_text(at: AppTest, params: dict[str, str | list[str]]) -> None:
    """Every notice is inert, and so is any element showing a hostile value from the URL."""
    for notice in at.warning:
        if notice.icon == ":material/link:":  # the notices about the URL (others are our own text)
            assert not HARMFUL & set(active_markdown(notice.value)), notice.value
    sources = sources_of(at)
    for values in as_lists(params).values():
        for value in values:
            shown = " ".join(value.split())[:20]  # notices echo at most the first 20 characters
            kinds = HARMFUL & set(active_markdown(shown))
            # Short values ("`", "$x") also occur by chance in our own text (a command in
            # backquotes): only a value long enough to be recognised is followed.
            if not kinds or len(shown) < 5:
                continue
            for source in sources:
                if shown in plain(source):
                    assert not kinds & set(active_markdown(source)), (value, source)


def check_notices(at: AppTest, expected: list[str]) -> None:
    shown = {plain(w.value) for w in at.warning}
    for notice in expected:
        assert visible(" ".join(notice.split())) in shown, (notice, shown)


@pytest.fixture(scope="module")
def timings() -> Iterator[dict[str, Page]]:
    pages: dict[str, Page] = {}
    yield pages
    for page in pages.values():  # shown with -s, and in SECURITY.md
        print(f"\n{page.page}: {page.runs} URLs, {page.seconds:.1f} s of page runs")


def page_of(timings: dict[str, Page], name: str) -> Page:
    if name not in timings:
        timings[name] = Page(name)
    return timings[name]


def test_search_page_urls(env, timings):
    page = page_of(timings, "pages/recherche.py")

    @FUZZ
    @given(params_for(SEARCH_KEYS, SEARCH_BASE))
    def run(params):
        at = page.open(params)
        check_echoes_are_text(at, params)
        _, notices = search_state.parse(as_lists(params))
        if notices:
            check_notices(at, notices)

    run()


def test_supplier_page_urls(env, timings):
    page = page_of(timings, "pages/fournisseurs.py")

    @FUZZ
    @given(params_for(SUPPLIER_KEYS, SUPPLIER_BASE))
    def run(params):
        at = page.open(params)
        check_echoes_are_text(at, params)
        _, notices = supplier_state.parse(as_lists(params))
        if notices:
            check_notices(at, notices)

    run()


def test_listing_page_urls(env, listing_ids, timings):
    page = page_of(timings, "pages/fiche.py")
    ids = st.sampled_from(listing_ids)
    with_ids = st.dictionaries(
        st.just("id"), st.one_of(ids, VALUE, st.lists(st.one_of(ids, VALUE), max_size=3))
    )

    @FUZZ
    @given(st.one_of(with_ids, params_for(["id"])))
    def run(params):
        at = page.open(params)
        check_echoes_are_text(at, params)
        values = as_lists(params).get("id") or [""]
        if values[-1] in listing_ids:
            assert at.title and not any("n'existe pas" in e.value for e in at.error), "a known id shows it"
        else:
            assert any("n'existe pas" in e.value for e in at.error), "an unknown id says so"

    run()


@pytest.mark.parametrize("name", ["pages/annuaire.py", "pages/equipe.py", "pages/donnees.py"])
def test_pages_without_parameters_ignore_any_url(env, timings, name):
    page = page_of(timings, name)

    @FUZZ
    @given(params_for(["id", "lieu", "page", "lang", "etab"]))
    def run(params):
        at = page.open(params)
        check_echoes_are_text(at, params)

    run()
