"""The widgets of the listing form in the staff space: one per field, each with its error
message right under it, and the conversions between a listing's values and the widgets'.

Every widget has a key (``staff_f_<field>``), so what was typed stays in the session across
reruns, refusals and conflicts; the form is filled from the listing only when it is opened
(or after a save).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from courtcircuit.selling_places import SELLS_AT, Outlet
from courtcircuit.vocab import AB_STATUS, CHANNELS, GEO_PRECISION, KINDS, LABELS, PRODUCTS, STATUS, Vocabulary
from ui.i18n import N_, _, said, term
from ui.staff_words import outlet_label, week_line
from ui.text import md

PREFIX = "staff_f_"
VERIFIED, REASON = "staff_f_verified_today", "staff_f_reason"
TEXTS = {  # field -> (label, max_chars); labels marked here, translated when shown
    "name": (N_("Nom"), 200),
    "description": (N_("Description"), 2000),
    "street": (N_("Adresse (numéro et rue)"), 200),
    "postcode": (N_("Code postal"), 5),
    "city": (N_("Commune"), 100),
    "commune_insee": (N_("Code commune INSEE"), 5),
    "phone": (N_("Téléphone"), 30),
    "email": (N_("E-mail"), 254),
    "website": (N_("Site web"), 300),
    "opening_hours": (N_("Horaires"), 500),
    "volumes": (N_("Volumes disponibles"), 200),
    "delivery_frequency": (N_("Fréquence de livraison"), 200),
    "sanitary_approval": (N_("Agrément sanitaire (CE)"), 50),
    "siret": (N_("SIRET"), 17),
}
LISTS = {
    "channels": (N_("Modes de vente"), CHANNELS),
    "labels": (N_("Labels"), LABELS),
    "products": (N_("Produits"), PRODUCTS),
}
CHOICES = {  # field -> (label, vocabulary, may be empty)
    "kind": (N_("Type de lieu"), KINDS, False),
    "geo_precision": (N_("Précision de la position"), GEO_PRECISION, True),
    "ab_status": (N_("Agriculture biologique"), AB_STATUS, True),
    "status": (N_("Statut"), STATUS, False),
}
FLAGS = {"delivers": N_("Livre les professionnels"), "gtin_available": N_("Code-barres (GTIN/EAN)")}
NUMBERS = {"lat": N_("Latitude"), "lon": N_("Longitude"), "delivery_radius_km": N_("Rayon de livraison (km)")}
SELLS_AT_LABEL = N_("Où ce producteur vend (marchés, AMAP, magasins)")
FIELDS = (*TEXTS, *LISTS, *CHOICES, *FLAGS, *NUMBERS, SELLS_AT)
NOT_SET = N_("Non renseigné")
# Yes / no / not given as the flags' selectboxes hold them (a None value would show no choice).
_FLAG_CODES = {None: "", True: "oui", False: "non"}
_FLAG_VALUES = {code: value for value, code in _FLAG_CODES.items()}


def key(name: str) -> str:
    return PREFIX + name


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def widget_values(current: dict[str, Any]) -> dict[str, Any]:
    """What each widget shows for a listing's values."""
    values: dict[str, Any] = {}
    for name in TEXTS:
        values[name] = _text(current.get(name))
    values["opening_hours"] = _text(current.get("opening_hours") or current.get("opening_hours_text"))
    for name in (*LISTS, SELLS_AT):
        values[name] = list(current.get(name) or [])
    for name in CHOICES:
        _label, vocab, optional = CHOICES[name]
        values[name] = current.get(name) or ("" if optional else vocab.codes()[0])
    for name in FLAGS:
        values[name] = _FLAG_CODES.get(current.get(name), "")
    for name in NUMBERS:
        raw = current.get(name)
        values[name] = None if raw is None or raw != raw else float(raw)  # NaN from a frame: empty
    return values


def fill(current: dict[str, Any]) -> dict[str, Any]:
    """Put a listing's values into the widgets (before they are drawn); returns them as
    :func:`typed` reads them."""
    values = widget_values(current)
    for name, value in values.items():
        st.session_state[key(name)] = value
    st.session_state[VERIFIED] = False
    st.session_state[REASON] = ""
    return typed()  # as the form reads them back, so that an untouched field is no change


def typed() -> dict[str, Any]:
    """What the widgets hold now: texts stripped (empty means no value), flags as booleans."""
    values = {}
    for name in FIELDS:
        value = st.session_state.get(key(name))
        if name in FLAGS:
            value = _FLAG_VALUES.get(value)
        elif isinstance(value, str):
            value = value.strip()
        values[name] = value
    return values


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return (a if a not in ("", []) else None) == (b if b not in ("", []) else None)


def changed(initial: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """Field -> new value, for the fields the person changed (empty text is None)."""
    changes = {
        name: (None if value in ("", []) and name not in (*LISTS, SELLS_AT) else value)
        for name, value in now.items()
        if not _same(initial.get(name), value)
    }
    if "opening_hours" in changes:  # the typed text, French or OSM: the check translates it
        changes["opening_hours_text"] = changes["opening_hours"]
    if st.session_state.get(VERIFIED):
        changes["last_verified"] = date.today()
    return changes


def _error(errors: dict[str, str], *names: str) -> None:
    for name in names:
        if message := errors.get(name):  # the domain's (courtcircuit.edits), or the page's, French
            st.error(md(said(message)), icon=":material/error:")


def _choice(name: str, disabled: bool) -> None:
    label, vocab, optional = CHOICES[name]
    options: list[Any] = ([""] if optional else []) + vocab.codes()
    held = st.session_state.get(key(name))
    if held not in options:
        options.append(held)  # a code the vocabulary does not know is shown, not lost
    st.selectbox(_(label), options, key=key(name), format_func=_labeller(vocab), disabled=disabled,
                 placeholder=_(NOT_SET))  # fmt: skip


def _labeller(vocab: Vocabulary) -> Callable[[Any], str]:
    return lambda code: _(NOT_SET) if not code else term(vocab, str(code))


def _multi(name: str, disabled: bool) -> None:
    label, vocab = LISTS[name]
    options = vocab.codes() + [c for c in st.session_state.get(key(name)) or [] if c not in vocab]
    st.multiselect(_(label), options, key=key(name), format_func=_labeller(vocab), disabled=disabled,
                   placeholder=_("Aucun"))  # fmt: skip


def _outlets(outlets: list[Outlet], disabled: bool) -> None:
    """The producer's selling places: outlets nearby, nearest first, and those already linked."""
    labels = {o.id: outlet_label(o) for o in outlets}
    held = [i for i in st.session_state.get(key(SELLS_AT)) or [] if i not in labels]
    st.multiselect(
        _(SELLS_AT_LABEL), [*labels, *held], key=key(SELLS_AT), disabled=disabled, placeholder=_("Aucun"),
        format_func=lambda i: labels.get(i) or _("{id} (hors de l'annuaire)", id=i),
        help=_(
            "Les lieux de vente de l'annuaire à moins de 60 km, les plus proches d'abord. Cette liste "
            "remplace celle des sources pour ce producteur."
        ),
    )  # fmt: skip


def _flag(name: str, disabled: bool) -> None:
    names = {"": _(NOT_SET), "oui": _("Oui"), "non": _("Non")}
    st.selectbox(_(FLAGS[name]), list(names), key=key(name), format_func=names.get, disabled=disabled,
                 placeholder=_(NOT_SET))  # fmt: skip


def _input(name: str, disabled: bool, **extra: Any) -> None:
    label, limit = TEXTS[name]
    st.text_input(_(label), key=key(name), max_chars=limit, disabled=disabled, **extra)


def _number(name: str, disabled: bool, **extra: Any) -> None:
    st.number_input(_(NUMBERS[name]), key=key(name), value=None, disabled=disabled, **extra)


def week_table(week: list[str]) -> None:
    """The week hours mean, Monday to Sunday ("mardi : 17:00–19:00" per day)."""
    if not week:
        st.caption(_("Aucune semaine à montrer : horaires vides ou non compris."))
        return
    days = [week_line(line) for line in week]
    st.dataframe(
        pd.DataFrame({_("Jour"): [d for d, _h in days], _("Horaires"): [h for _d, h in days]}),
        hide_index=True, width="stretch",
    )  # fmt: skip


def fields(
    errors: dict[str, str],
    week: list[str],
    last_verified: Any,
    disabled: bool = False,
    outlets: list[Outlet] | None = None,
) -> None:
    """Every field of the listing, each error under its field; ``outlets``: the selling places
    a producer may be linked to (none: the list is not shown)."""
    st.markdown(_("**Le lieu**"))
    _input("name", disabled)
    _error(errors, "name")
    _choice("kind", disabled)
    _error(errors, "kind")
    st.text_area(_(TEXTS["description"][0]), key=key("description"), max_chars=TEXTS["description"][1],
                 disabled=disabled)  # fmt: skip
    _error(errors, "description")

    st.markdown(_("**Adresse et position** (ou un clic sur la carte)"))
    _input("street", disabled)
    _error(errors, "street")
    left, middle, right = st.columns([1, 2, 1])
    with left:
        _input("postcode", disabled)
        _error(errors, "postcode")
    with middle:
        _input("city", disabled)
        _error(errors, "city")
    with right:
        _input("commune_insee", disabled)
        _error(errors, "commune_insee")
    lat, lon, precision = st.columns(3)
    with lat:
        _number("lat", disabled, min_value=-90.0, max_value=90.0, format="%.6f", step=0.0001)
        _error(errors, "lat")
    with lon:
        _number("lon", disabled, min_value=-180.0, max_value=180.0, format="%.6f", step=0.0001)
        _error(errors, "lon")
    with precision:
        _choice("geo_precision", disabled)
        _error(errors, "geo_precision")

    st.markdown(_("**Contact**"))
    for name in ("phone", "email", "website"):
        _input(name, disabled)
        _error(errors, name)

    st.markdown(_("**Horaires**"))
    _input("opening_hours", disabled, placeholder=_("ex. mardi et vendredi 17h-19h, ou Tu,Fr 17:00-19:00"),
           help=_("En français (« mardi et vendredi 17h-19h », « samedi matin ») ou en syntaxe OpenStreetMap."))  # fmt: skip
    _error(errors, "opening_hours", "opening_hours_text")
    st.caption(_("La semaine que ces horaires donnent (« Vérifier » la met à jour) :"))
    week_table(week)

    st.markdown(_("**Vente, labels et produits**"))
    _multi("channels", disabled)
    _error(errors, "channels")
    _multi("labels", disabled)
    _error(errors, "labels")
    _choice("ab_status", disabled)
    _error(errors, "ab_status")
    _multi("products", disabled)
    _error(errors, "products")
    if outlets is not None:
        _outlets(outlets, disabled)
        _error(errors, SELLS_AT)

    st.markdown(_("**Livraison aux professionnels**"))
    deliver, radius = st.columns(2)
    with deliver:
        _flag("delivers", disabled)
        _error(errors, "delivers")
    with radius:
        _number("delivery_radius_km", disabled, min_value=0.0, max_value=1000.0, step=5.0, format="%.0f")
        _error(errors, "delivery_radius_km")
    for name in ("volumes", "delivery_frequency", "sanitary_approval", "siret"):
        _input(name, disabled)
        _error(errors, name)
    _flag("gtin_available", disabled)
    _error(errors, "gtin_available")

    st.markdown(_("**Statut et vérification**"))
    _choice("status", disabled)
    _error(errors, "status")
    label = (
        _("Vérifié aujourd'hui (dernière vérification le {day})", day=last_verified)
        if last_verified
        else _("Vérifié aujourd'hui (jamais vérifiée)")
    )
    st.checkbox(label, key=VERIFIED, disabled=disabled)
    _error(errors, "last_verified")
    st.text_input(_("Raison de la modification (facultatif)"), key=REASON, max_chars=500, disabled=disabled)
