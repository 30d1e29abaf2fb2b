"""The staff space: personal sign-in, then the listings (edit inside my territory, history,
revert), the "à arbitrer" list, the buyers' needs and the public's suggestions (moderators and admins), the imports' run log (editors and admins), the accounts and logs (admins)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import N_, _
from ui.pages import routed
from ui.staff_admin import admin_panel
from ui.staff_arbitrate import arbitration_panel
from ui.staff_embed import embed_panel
from ui.staff_import import import_section
from ui.staff_listing import listings_section
from ui.staff_moves import waiting_panel
from ui.staff_needs import needs_review
from ui.staff_print import print_panel
from ui.staff_runs import runs_panel
from ui.staff_session import password_form, require_member, who_bar, workspace
from ui.staff_suggestions import suggestions_panel
from ui.staff_territory import territory_section
from ui.staff_verify import verify_panel

routed()

st.title(_("Espace équipe"))
store = workspace()
member = require_member(store)  # the sign-in form (or what an admin must do) until signed in
who_bar(store, member)

# The sections' values stay French (tests and sessions hold them); the radio shows them translated.
LISTINGS, ARBITRATE, NEEDS = N_("Fiches"), N_("À arbitrer"), N_("Besoins des acheteurs")
ADMIN, ME = N_("Comptes et journal"), N_("Mon compte")
VERIFY, SUGGEST, IMPORTS, TERRITORY = N_("À vérifier"), N_("Suggestions"), N_("Imports"), N_("Mon territoire")
UPLOAD, PRINT, EMBED = N_("Importer un fichier"), N_("Annuaire imprimable"), N_("Intégrer la carte")
editor = member.role in ("admin", "editor")
sections = (
    [LISTINGS]
    + ([ARBITRATE, VERIFY, IMPORTS, UPLOAD, TERRITORY] if editor else [])
    + ([NEEDS, SUGGEST] if member.can_moderate else [])
)
sections += [PRINT, EMBED] + ([ADMIN] if member.is_admin else []) + [ME]
if member.role == "moderator":
    sections.insert(0, sections.pop(sections.index(NEEDS)))  # their daily work first
section = st.radio(
    _("Rubrique"), sections, horizontal=True, key="staff_section", label_visibility="collapsed", format_func=_
)

if section == LISTINGS:
    listings_section(store, member)
elif section == ARBITRATE:
    arbitration_panel(store, member)
    waiting_panel(store, member)
elif section == TERRITORY:
    territory_section(member)
elif section == VERIFY:
    verify_panel(store, member)
elif section == IMPORTS:
    runs_panel()
elif section == UPLOAD:
    import_section(store, member)
elif section == NEEDS:
    needs_review()
elif section == SUGGEST:
    suggestions_panel(store, member)
elif section == PRINT:
    print_panel(member)
elif section == EMBED:
    embed_panel(member)
elif section == ADMIN:
    admin_panel(store, member)
else:
    password_form(store, member)
