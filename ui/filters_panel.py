"""The resident search's filters, behind one labelled « Filtres » button (a popover).

They were in the sidebar, which a phone folds behind an unlabelled « >> »: a resident never
found them. The button says how many filters are on, on a phone as on a desktop.
"""

from __future__ import annotations

import streamlit as st

from courtcircuit.hours import DAYS_EN, DAYS_FR
from courtcircuit.search import Filters, SearchResult
from courtcircuit.search_state import MAX_TEXT
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, Vocabulary
from ui import search_form as form
from ui.i18n import _, current
from ui.mapview import BASEMAPS


def active_count(filters: Filters) -> int:
    """How many filters are on: each chosen option, the text, open now, the day, the hour."""
    chosen = sum(len(v) for v in (filters.kinds, filters.channels, filters.labels, filters.products))
    others = (bool(filters.text), filters.open_now, filters.day is not None, filters.minute is not None)
    return chosen + sum(others)


def filters_label(filters: Filters) -> str:
    n = active_count(filters)
    return _("Filtres") if n == 0 else _("Filtres ({n})", n=n)


def _options(result: SearchResult, facet: str, vocab: Vocabulary, key: str, label: str) -> None:
    counts = result.facets[facet]
    chosen = [c for c in st.session_state.get(key) or [] if c in vocab]
    if chosen:
        # The browser keeps a multiselect's value as its labels, and these labels carry
        # counts that change with the search: hand the value back each run so the browser
        # shows (and later sends) « Marché (3) », not a stale « Marché (2) » that would
        # match no option on the next run and silently empty the results.
        st.session_state[key] = chosen
    # Options with no result here are hidden, unless already chosen (so they can be removed).
    codes = [c for c in vocab.codes() if counts.get(c) or c in chosen]
    # Labels read now, in this run's language: Streamlit may call format_func after the run.
    shown = {c: f"{vocab.label(c, current())} ({counts.get(c, 0)})" for c in codes}
    st.multiselect(
        label,
        codes,
        key=key,
        format_func=lambda c: shown.get(c, c),
        placeholder=_("Tous"),
    )


def filters_panel(result: SearchResult, filters: Filters) -> None:
    """The « Filtres » button and, when it is open, every filter with its count here."""
    with st.popover(filters_label(filters), icon=":material/tune:", key="cc_filters"):
        _options(result, "kind", KINDS, "cc_type", _("Type de lieu"))
        _options(result, "channel", CHANNELS, "cc_vente", _("Mode de vente"))
        _options(result, "label", LABELS, "cc_label", _("Label de qualité"))
        _options(result, "product", PRODUCTS, "cc_produit", _("Produits"))
        st.text_input(
            _("Nom ou produit"),
            key=form.TEXT,
            placeholder=_("ex. fromage, miel, Ferme du…"),
            max_chars=MAX_TEXT,
        )
        st.toggle(_("Ouvert maintenant ({n})", n=result.open_now_count), key=form.OPEN_NOW)
        days = {None: _("N'importe quel jour")} | {
            d: name.capitalize() for d, name in enumerate(DAYS_EN if current() == "en" else DAYS_FR)
        }
        st.selectbox(
            _("Ouvert le"),
            [None, *range(7)],
            key=form.DAY,
            format_func=lambda d: days.get(d, d),
            placeholder=_("N'importe quel jour"),
        )
        st.time_input(_("À l'heure"), value=None, key=form.HOUR, step=900)
        # ui/mapview.py's French labels, translated by this area's catalogue
        basemaps = {b: _(m.label) for b, m in BASEMAPS.items()}
        st.selectbox(
            _("Fond de carte"),
            list(BASEMAPS),
            key=form.BASEMAP,
            format_func=lambda b: basemaps.get(b, b),
        )
    if not filters.is_empty:
        st.button(
            _("Effacer les filtres"), on_click=form.clear_filters, key="cc_clear", icon=":material/close:"
        )
