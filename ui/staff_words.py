"""The staff space's words that come from the domain (``courtcircuit``), in the reader's
language: role and revision-kind labels, the sign-in and account messages, dates, and the labels
of listings found, nearby or selling places.

The domain speaks French (its messages also go to the admins' log and the command line); the
staff screen shows them through the translation layer. They are ``courtcircuit.messages.Message``s,
which carry their template: :func:`ui.i18n.said` translates them (``tests/test_i18n_staff.py``
checks the sign-in's and the accounts' in English).
"""

from __future__ import annotations

from datetime import date, datetime

from courtcircuit.hours import DAYS_EN, DAYS_FR
from courtcircuit.same_place import Nearby
from courtcircuit.selling_places import Outlet
from courtcircuit.staff_queries import FoundListing
from courtcircuit.vocab import KINDS as KIND_VOCAB
from courtcircuit.workspace import accounts, revisions
from ui.i18n import N_, _, current, said, term

ROLES = accounts.ROLES  # marked for the catalogue there
KINDS = {  # courtcircuit.workspace.revisions.KINDS
    "edit": N_("Modification"),
    "create": N_("Création"),
    "close": N_("Fermeture"),
    "verify": N_("Vérification"),
    "revert": N_("Annulation"),
    "suggestion": N_("Suggestion acceptée"),
    "moved": N_("Reprise par une autre fiche"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def role(code: str) -> str:
    """A role's label (« Éditeur », "Editor")."""
    return _(ROLES[code]) if code in ROLES else accounts.ROLES.get(code, code)


def kind(code: str) -> str:
    """A revision kind's label (« Modification », "Edit")."""
    return _(KINDS[code]) if code in KINDS else revisions.KINDS.get(code, code)


def message(text: str) -> str:
    """A sign-in or account message from the domain (a Message) in the reader's language (as given
    when the catalogue does not know it)."""
    return said(text)


def account_error(exc: Exception) -> str:
    """An ``AccountError`` as a sentence: capitalised, with its full stop."""
    text = message(str(exc))
    return text[:1].upper() + text[1:] + "."


def day(value: date | datetime) -> str:
    """A day as the reader writes it: 30/11/2026, or 30 Nov 2026 in English."""
    if current() == "en":
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value:%d/%m/%Y}"


def moment(value: datetime) -> str:
    """A day and a time: 30/11/2026 14:05, or 30 Nov 2026, 14:05 in English."""
    if current() == "en":
        return f"{day(value)}, {value:%H:%M}"
    return f"{value:%d/%m/%Y %H:%M}"


def week_line(line: str) -> tuple[str, str]:
    """A line of ``courtcircuit.hours.typical_week`` (« mardi : 17:00–19:00 »): the day and its
    hours, in the reader's language."""
    name, _sep, hours = line.partition(" : ")
    if current() == "en":
        name = DAYS_EN[DAYS_FR.index(name)] if name in DAYS_FR else name
        hours = "closed" if hours == "fermé" else hours
    return name, hours


def found_label(found: FoundListing) -> str:
    """A listing found by the staff search (``FoundListing.label``, in the reader's language)."""
    city = found.city or _("commune inconnue")
    if found.status == "closed":
        return _("{name} · {city} (fermée)", name=found.name, city=city)
    return f"{found.name} · {city}"


def nearby_label(near: Nearby) -> str:
    """A listing near this one (``Nearby.label``): its name, commune and distance."""
    km = f"{near.km:.1f}"
    return f"{near.name} · {near.city or _('commune inconnue')} · {km if current() == 'en' else km.replace('.', ',')} km"


def outlet_label(outlet: Outlet) -> str:
    """A selling place a producer may be linked to (``Outlet.label``), its kind translated."""
    where = f", {outlet.city}" if outlet.city else ""
    far = f" · {outlet.km:.0f} km" if outlet.km is not None else ""
    return f"{outlet.name} ({term(KIND_VOCAB, outlet.kind)}{where}){far}"
