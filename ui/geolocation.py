""" "Ma position": the browser's geolocation, as a small Streamlit component (components v2).

The browser asks the visitor's permission; the position comes back to Python as a trigger
value (it is not kept across reruns), or the reason it failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import streamlit as st

from ui.i18n import LANGS, N_, catalogue, current

_HTML = (
    '<button type="button" class="cc-locate"><svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24">'
    '<circle cx="12" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="2"/>'
    '<circle cx="12" cy="12" r="2.5" fill="currentColor"/><path d="M12 1v4M12 19v4M1 12h4M19 12h4" '
    'stroke="currentColor" stroke-width="2"/></svg> {label}</button><span class="cc-locate-msg" '
    'role="status"></span>'
)
LABEL = N_("Ma position")
# The component's code lives in static/geolocation/ (linted and reviewed as files); components v2
# takes it as text, since paths would need a packaged asset directory.
_ASSETS = Path(__file__).resolve().parents[1] / "static" / "geolocation"
_CSS = (_ASSETS / "locate.css").read_text(encoding="utf-8")
_JS = (_ASSETS / "locate.js").read_text(encoding="utf-8")

# One component per language, registered at import (its HTML is fixed then): the button's text
# is a constant of the catalogue, escaped, no text from anyone.
_components = {
    lang: st.components.v2.component(
        "court_circuit.geolocation" + ("" if lang == "fr" else f"_{lang}"),
        html=_HTML.format(label=escape(catalogue(lang).get(LABEL, LABEL))),
        css=_CSS,
        js=_JS,
    )
    for lang in LANGS
}

# The reasons the browser gives, as the visitor reads them (translated by the page with _()).
ERRORS = {
    "1": N_("Vous avez refusé la géolocalisation : tapez plutôt une commune ou un code postal."),
    "2": N_("Votre position n'a pas pu être déterminée : tapez une commune ou un code postal."),
    "3": N_("La géolocalisation a pris trop de temps : réessayez ou tapez une commune."),
    "unsupported": N_("Ce navigateur ne donne pas la position : tapez une commune ou un code postal."),
}


@dataclass(frozen=True)
class BrowserPosition:
    lat: float
    lon: float
    accuracy_m: float | None


def locate_button(key: str) -> tuple[BrowserPosition | None, str | None]:
    """Draw the button; returns the position just received, or an error message (French, one of
    :data:`ERRORS`: show it with ``_()``), or neither."""
    result = _components[current()](key=key, on_position_change=lambda: None, on_error_change=lambda: None)
    position = getattr(result, "position", None)
    error = getattr(result, "error", None)
    if isinstance(position, dict):
        try:
            return BrowserPosition(
                float(position["lat"]), float(position["lon"]), position.get("accuracy")
            ), None
        except (KeyError, TypeError, ValueError):
            return None, ERRORS["2"]
    if error:
        return None, ERRORS.get(str(error), ERRORS["2"])
    return None, None
