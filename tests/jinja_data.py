"""A directory whose every text field holds Jinja2 expressions (security issue: text from the
data must never run on the server).

folium/branca render each map element's output a second time as a template, so a name like
``Ferme {{ 7*7 }}`` would show "Ferme 49" and ``{{ cycler… os.makedirs(…) }}`` would create a
directory. The payloads below are evaluated only if some text reaches a template: a test sees
the literal text or fails, and checks that ``sentinel`` was never created.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from courtcircuit.db import connect
from courtcircuit.needs import NeedDraft
from courtcircuit.workspace.needs import NeedStore

# Text columns filled with payloads; ids, vocabulary codes, INSEE codes and the OSM hours
# expression stay as built so that the pages still find, join and style the listings.
LISTING_TEXT = (
    "name", "description", "street", "city", "phone", "email", "website", "opening_hours_text",
    "volumes", "delivery_frequency", "sanitary_approval",
)  # fmt: skip
EVALUATED = ("Ferme 49", "xxx")  # what "{{ 7*7 }}" and the for-loop payload give when evaluated


# The file-system payload finds its path in this environment variable: no quotes, so that
# JSON encoders which escape quotes (folium's tojson) do not turn it into a syntax error.
SENTINEL_VAR = "CC_JINJA_SENTINEL"
_OS = "cycler.__init__.__globals__.os"


def payloads(sentinel: Path) -> list[str]:
    """Every kind of Jinja syntax, one that touches the file system (creates ``sentinel``,
    named by the environment variable SENTINEL_VAR, which the test sets), and one that does not
    even compile (raised TemplateSyntaxError, with server paths, on every page that mapped it)."""
    return [
        "Ferme {{ 7*7 }}",
        "Ferme {% for x in range(3) %}x{% endfor %}",
        "Ferme {# c #} du Bois",
        f"Ferme {{{{ {_OS}.makedirs({_OS}.environ.{SENTINEL_VAR}) }}}}",
        f"Ferme {{{{ {_OS}.makedirs('{sentinel}') }}}}",
        "Ferme {{ 'non fermé }}",
        "Ferme {{'cc_ref'}} du Pont",  # the shape streamlit-folium rewrites into a variable name
    ]


@dataclass(frozen=True)
class JinjaDirectory:
    db: Path
    workspace: str  # the workspace store's URL, where the need is
    sentinel: Path
    payloads: list[str]


def jinja_directory(built_db: Path, folder: Path) -> JinjaDirectory:
    """A copy of ``built_db`` with payloads in every listing text field, source label and link
    day, plus one published buyer's need whose texts are payloads too."""
    folder.mkdir(parents=True, exist_ok=True)
    sentinel = folder / "jinja-ran"
    texts = payloads(sentinel)
    db = folder / "jinja.duckdb"
    shutil.copyfile(built_db, db)
    con = connect(db, read_only=False)
    try:
        ids = [i for (i,) in con.execute("SELECT id FROM listings ORDER BY id").fetchall()]
        for n, listing_id in enumerate(ids):
            values = [texts[(n + k) % len(texts)] for k in range(len(LISTING_TEXT))]
            assignments = ", ".join(f"{column} = ?" for column in LISTING_TEXT)
            con.execute(f"UPDATE listings SET {assignments} WHERE id = ?", [*values, listing_id])  # noqa: S608
        labels = [s for (s,) in con.execute("SELECT name FROM sources ORDER BY name").fetchall()]
        for n, source in enumerate(labels):
            con.execute("UPDATE sources SET label = ? WHERE name = ?", [texts[n % len(texts)], source])
        con.execute("UPDATE listing_links SET days = ?", [texts[1]])
    finally:
        con.close()

    needs = NeedStore(f"sqlite:///{folder / 'workspace.sqlite3'}")
    lat, lon = _a_listing_position(db)
    need = needs.submit(
        NeedDraft("epicerie", texts[0], lat, lon, "oeufs", texts[3], texts[1], texts[2], texts[5],
                  "contact@example.org")
    )  # fmt: skip
    needs.review(need, "accepted")
    return JinjaDirectory(db, needs.url, sentinel, texts)


def _a_listing_position(db: Path) -> tuple[float, float]:
    with connect(db) as con:
        return con.execute("SELECT lat, lon FROM listings ORDER BY id LIMIT 1").fetchone()
