"""Editing a listing in the staff space: find it, open its form, check, save, publish; create a
listing or close one. Conflicts (someone saved meanwhile) are shown by ``ui.staff_conflict``.

The form remembers the revision it was opened on (``base``): a save names it, so a colleague's
save in between is a conflict, never an overwrite (``courtcircuit.workspace.revisions``).
Editors may change listings inside their territory only; everyone else reads.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from courtcircuit.geo import departements_of
from courtcircuit.hours import typical_week
from courtcircuit.listing import get_listing
from courtcircuit.schema import RECORD_FIELDS
from courtcircuit.selling_places import SELLS_AT, Outlet, linked_outlets, outlet_choices
from courtcircuit.staff_queries import find_listings
from courtcircuit.workspace import revisions
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.revisions import EditConflict, to_json
from courtcircuit.workspace.store import Store
from ui import staff_form
from ui.chrome import cursor, outlines
from ui.i18n import N_, _
from ui.mapview import listings_map, show_map
from ui.staff_backend import check, new_listing_id, publish
from ui.staff_words import day, found_label
from ui.text import md

EDIT = "staff_edit"  # the open form: listing id, base revision, current values, widget values
ERRORS, PREVIEW, DONE = "staff_edit_errors", "staff_edit_preview", "staff_edit_done"
CONFLICT = "staff_conflict"
FIND, PICK, OUTSIDE = "staff_find", "staff_find_pick", "staff_find_outside"
NEW_ID = "staff_new_id"
_CLICK = "staff_map_click"
SAVED = {  # what a save says, by kind of revision: published, or saved but not yet published
    "create": (
        N_("Fiche créée (révision n° {number}) et publiée dans l'annuaire."),
        N_("Fiche créée (révision n° {number}) : {why}."),
    ),
    "close": (
        N_("Fiche fermée (révision n° {number}) et publiée dans l'annuaire."),
        N_("Fiche fermée (révision n° {number}) : {why}."),
    ),
    "edit": (
        N_("Modification enregistrée (révision n° {number}) et publiée dans l'annuaire."),
        N_("Modification enregistrée (révision n° {number}) : {why}."),
    ),
}


def current_values(store: Store, listing_id: str) -> tuple[dict[str, Any], int, bool]:
    """The listing's values as staff see them (the directory, then the saved edits on top), its
    head revision, and whether the directory has it."""
    base = revisions.head(store, listing_id)  # read first: values at least this new
    listing = get_listing(cursor(), listing_id)
    values = {name: to_json(listing.fields.get(name)) for name in RECORD_FIELDS} if listing else {}
    if listing:
        values[SELLS_AT] = linked_outlets(cursor(), listing_id)
    values |= revisions.overrides(store, [listing_id]).get(listing_id, {})
    if values:  # a new listing's check gets no values at all (courtcircuit.edits.validate_edit)
        values["id"] = listing_id
    return values, base, listing is not None


def open_form(store: Store, listing_id: str, creating: bool = False) -> dict[str, Any]:
    values, base, _known = current_values(store, listing_id)
    state = {"id": listing_id, "base": base, "current": values, "creating": creating}
    filled = staff_form.fill(values)
    state["initial"] = {} if creating else filled  # a new listing: every value given is a change
    st.session_state[EDIT] = state
    for name in (ERRORS, PREVIEW, CONFLICT):
        st.session_state.pop(name, None)
    return state


def editable(member: StaffMember, current: dict[str, Any]) -> bool:
    return member.can_edit(current.get("commune_insee"))


def finder(member: StaffMember) -> str | None:
    """The search box and its results; the id of the listing picked (or given in the URL)."""
    st.text_input(
        _("Chercher une fiche (nom, commune, code postal)"), key=FIND, max_chars=100,
        placeholder=_("ex. Ferme du Bois, Ambert, 63600"),
    )  # fmt: skip
    everywhere = member.is_admin or member.role != "editor"
    if not everywhere:
        everywhere = st.checkbox(_("Chercher aussi hors de mon territoire (lecture seule)"), key=OUTSIDE)
    if (given := st.query_params.get("id")) and st.session_state.get("staff_given") != given:
        st.session_state["staff_given"] = given  # a deep link /equipe?id=…, opened once
        return given
    text = (st.session_state.get(FIND) or "").strip()
    if not text:
        return st.session_state.get(EDIT, {}).get("id")
    found = find_listings(cursor(), text, None if everywhere else member.territory.codes)
    if not found:
        st.caption(
            _("Aucune fiche trouvée.") if everywhere else _("Aucune fiche trouvée dans votre territoire.")
        )
        return st.session_state.get(EDIT, {}).get("id")
    labels = {f.id: found_label(f) for f in found}
    held = st.session_state.get(EDIT, {}).get("id")
    index = list(labels).index(held) if held in labels else None
    title = (
        _("Fiches trouvées ({n} au plus)", n=len(found))
        if len(found) == 50
        else _("Fiches trouvées ({n})", n=len(found))
    )
    return st.selectbox(
        title, list(labels), index=index, format_func=labels.get, key=PICK, placeholder=_("Choisissez une fiche"),
    )  # fmt: skip


def position_map(state: dict[str, Any]) -> None:
    lat = st.session_state.get(staff_form.key("lat"))
    lon = st.session_state.get(staff_form.key("lon"))
    name = st.session_state.get(staff_form.key("name")) or _("Nouvelle fiche")
    kind = st.session_state.get(staff_form.key("kind")) or "producteur"
    points = pd.DataFrame(
        [{"id": state["id"], "name": name, "kind": kind, "lat": lat, "lon": lon}] if lat and lon else [],
        columns=["id", "name", "kind", "lat", "lon"],
    )
    insee = str(state["current"].get("commune_insee") or "")
    center = (lat, lon) if lat and lon else (45.55, 3.74)
    out = show_map(
        listings_map(points, center=center, zoom=14 if lat else 9,
                     outlines=outlines(tuple(departements_of([insee]))) if insee else None),
        key="staff_edit_map", height=320, returned_objects=["last_clicked"],
    )  # fmt: skip
    st.caption(_("Cliquez sur la carte pour placer le lieu : la latitude et la longitude suivent."))
    # Drawn before the form: a click moves the position fields before they are drawn.
    click = out.get("last_clicked") if isinstance(out, dict) else None
    if click and click != st.session_state.get(_CLICK):
        st.session_state[_CLICK] = click
        st.session_state[staff_form.key("lat")] = round(float(click["lat"]), 6)
        st.session_state[staff_form.key("lon")] = round(float(click["lng"]), 6)
        st.session_state[staff_form.key("geo_precision")] = "exact"


def outlets(state: dict[str, Any]) -> list[Outlet] | None:
    """The selling places offered to a producer (None for other kinds, unless some are linked)."""
    held = list(st.session_state.get(staff_form.key(SELLS_AT)) or state["current"].get(SELLS_AT) or [])
    if st.session_state.get(staff_form.key("kind")) != "producteur" and not held:
        return None
    lat = st.session_state.get(staff_form.key("lat"))
    lon = st.session_state.get(staff_form.key("lon"))
    return outlet_choices(cursor(), lat, lon, keep=held)


def _territory_error(member: StaffMember, values: dict[str, Any], current: dict[str, Any]) -> str | None:
    insee = values.get("commune_insee", current.get("commune_insee"))
    if member.can_edit(insee):
        return None
    return _("Cette commune est hors de votre territoire : vous ne pouvez pas y placer la fiche.")


def submit(store: Store, member: StaffMember, action: str) -> None:
    """The form's buttons (a callback: runs before the page is drawn again)."""
    state = st.session_state[EDIT]
    st.session_state.pop(DONE, None)
    changes = staff_form.changed(state["initial"], staff_form.typed())
    if not changes:
        st.session_state[ERRORS] = {}
        st.session_state[DONE] = ("info", _("Aucun changement à enregistrer."))
        return
    result = check(state["current"], changes)
    errors = dict(result.errors)
    if not errors and (problem := _territory_error(member, result.values, state["current"])):
        errors["commune_insee"] = problem
    st.session_state[ERRORS] = errors
    st.session_state[PREVIEW] = result.week
    if errors:
        st.session_state[DONE] = ("error", _("Rien n'est enregistré : corrigez les champs signalés."))
        return
    if action == "check":
        st.session_state[DONE] = ("success", _("Tout est valide : vous pouvez enregistrer."))
        return
    mine = {name: value for name, value in result.values.items() if name in revisions.EDITABLE}
    kind = "create" if state["creating"] else "edit"
    save(store, member, mine, st.session_state.get(staff_form.REASON, ""), kind)


def save(store: Store, member: StaffMember, mine: dict[str, Any], reason: str, kind: str = "edit") -> None:
    """Save ``mine`` (field -> new value) on the form's base revision, then publish."""
    state = st.session_state[EDIT]
    current = state["current"]
    changes = {n: (current.get(n), to_json(v)) for n, v in mine.items() if to_json(v) != current.get(n)}
    if not changes:
        st.session_state[DONE] = ("info", _("Aucun changement à enregistrer."))
        return
    try:
        saved = revisions.save(
            store, state["id"], state["base"], changes, member.email, kind=kind, reason=reason
        )
    except EditConflict as conflict:
        if kind == "create":  # someone took the same new id at the same moment: take the next one
            state["id"] = new_listing_id(store)
            return save(store, member, mine, reason, kind)
        st.session_state[CONFLICT] = {
            "mine": {n: new for n, (_old, new) in changes.items()},
            "theirs": conflict.their_values(),
            "who": sorted({r.author for r in conflict.others}),
            "reason": reason,
            "kind": kind,
        }
        st.session_state[DONE] = (
            "warning",
            _(
                "{who} a modifié cette fiche pendant que vous la modifiiez : rien n'est perdu, choisissez "
                "ci-dessous.",
                who=", ".join(sorted({r.author for r in conflict.others})) or _("quelqu'un"),
            ),
        )
        return
    published = publish(store)
    done, late = SAVED.get(kind, SAVED["edit"])
    text = (
        _(done, number=saved.number) if published.ok else _(late, number=saved.number, why=published.message)
    )
    st.session_state[DONE] = ("success" if published.ok else "warning", text)
    st.session_state.pop(CONFLICT, None)
    state["reload"] = True


def close_listing(store: Store, member: StaffMember) -> None:
    reason = st.session_state.get("staff_close_reason", "")
    save(store, member, {"status": "closed"}, reason or _("fiche fermée"), kind="close")


def start_creating(store: Store) -> None:
    st.session_state[NEW_ID] = new_listing_id(store)


def week(current: dict[str, Any]) -> list[str]:
    """The week shown under the hours: the last check's, else the listing's."""
    return st.session_state.get(PREVIEW) or typical_week(current.get("opening_hours"), date.today())


def show_done() -> None:
    if done := st.session_state.get(DONE):
        level, text = done
        getattr(st, level)(md(text))


def last_verified_text(value: Any) -> str:
    if not value:
        return ""
    try:
        return day(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)
