"""The supplier page in English in chromium (issue 13): opened with ``?lang=en`` on the demo
directory, each of its tabs opened in turn and a producer ticked, and at every step the visible
text and accessible names scanned for French texts of the catalogue left untranslated.

The scan reads what tests/test_browser_french.py reads (visible text nodes, aria-label, title,
placeholder, alt). A French msgid of any catalogue whose English differs counts when it shows
as it is: a text of three words or more anywhere in a line, a shorter one as a whole line.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import IDLE, LONG, chromium_browser, rerun, streamlit_app
from tests.test_browser_buyers import AMBERT, tick_row, visible_table
from tests.test_browser_french import COLLECT
from tests.test_i18n import english

pytestmark = pytest.mark.browser

TABS = (  # the tab labels' English beginnings, in the order the test opens them
    "Producers within",
    "Where supply is missing",
    "Buyers' needs",
    "Deliver to my establishment",
)


class French:
    """A catalogue msgid as it shows once its values are filled (bounded, for long texts)."""

    def __init__(self, msgid: str) -> None:
        parts = re.split(r"\{\w+\}", msgid)
        self.msgid = msgid
        self.anchor = max(parts, key=len).strip()
        body = r".{1,200}?".join(re.escape(p.strip()) if i in (0, len(parts) - 1) else re.escape(p)
                                 for i, p in enumerate(parts))  # fmt: skip
        whole = len(msgid.split()) < 3  # « Filtres », « Ma sélection »: a whole line only
        self.pattern = re.compile(rf"^{body}$" if whole else body, re.S)

    def found_in(self, text: str) -> bool:
        return self.anchor in text and self.pattern.search(text) is not None


def catalogue_french() -> list[French]:
    """Every catalogue text whose English differs, but those too short to tell from data."""
    found = []
    for msgid, msgstr in english().items():
        if msgstr.strip() == msgid.strip():
            continue
        if sum(c.isalpha() for c in re.sub(r"\{\w+\}", "", msgid)) < 4:
            continue
        found.append(French(msgid))
    return found


def french_left(page, catalogue: list[French]) -> list[str]:
    """The catalogue's French texts the page shows (its main frame: the maps are another area's)."""
    seen = page.main_frame.evaluate(COLLECT)
    lines = [line.strip() for t in seen["texts"] for line in t.splitlines() if line.strip()]
    lines += [n.split("=", 1)[1] for n in seen["names"]]
    lines += [line.strip() for line in page.locator("body").inner_text().splitlines() if line.strip()]
    return sorted({f.msgid for f in catalogue if any(f.found_in(line) for line in lines)})


def selected_tab(page) -> str:
    return page.locator('[role="tab"][aria-selected="true"]').inner_text()


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    app_db = tmp_path / "demo.duckdb"  # the app gets its own copy
    app_db.write_bytes(demo_db.read_bytes())
    with streamlit_app(app_db, tmp_path) as url:
        yield url


def test_the_supplier_page_in_english_has_no_french_left(app, tmp_path):
    catalogue = catalogue_french()
    assert len(catalogue) > 100
    found: dict[str, list[str]] = {}
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page.set_default_timeout(LONG)
        page.goto(f"{app}/{AMBERT}&lang=en", wait_until="domcontentloaded")
        page.locator(IDLE).wait_for()
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        page.get_by_role("heading", name="Find local suppliers").wait_for()
        page.get_by_text("Establishment: Ambert").wait_for()
        assert selected_tab(page).startswith("Deliver to my establishment")
        if left := french_left(page, catalogue):
            found["Deliver to my establishment"] = left

        for name in TABS:
            rerun(page, page.get_by_role("tab", name=name).click)
            page.wait_for_function(
                """(name) => [...document.querySelectorAll('[role="tab"][aria-selected="true"]')]
                            .some(t => t.innerText.startsWith(name))""",
                arg=name,
            )
            if name == "Where supply is missing":  # the chart draws when its tab opens
                page.locator(
                    '[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas'
                ).first.wait_for()
            if name == "Buyers' needs":
                page.get_by_text("Publish a need of my establishment").wait_for()
            if name == "Producers within":  # a producer ticked: the shortlist and its downloads
                tick_row(page, visible_table(page), 0)
                page.get_by_text("1 producer to contact").wait_for()
                page.get_by_role("button", name="Download (Excel)").wait_for()
            if left := french_left(page, catalogue):
                found[name] = left
        assert "lang=en" in page.url  # the page rewrote its link and kept the language
        page.close()
    assert found == {}, "\n".join(f"{tab}:\n  " + "\n  ".join(texts) for tab, texts in found.items())


def test_the_scan_finds_french(app, tmp_path):
    """The same scan on the French page finds the page's texts: it can fail."""
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(LONG)
        page.goto(f"{app}/{AMBERT}", wait_until="domcontentloaded")
        page.locator(IDLE).wait_for()
        page.get_by_text("Établissement : Ambert").wait_for()
        left = french_left(page, catalogue_french())
        page.close()
    assert {"Trouver des fournisseurs locaux", "Filtres", "Ma sélection"} <= set(left), left
