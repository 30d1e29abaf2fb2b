"""The staff space: personal sign-in, then the listings (edit inside my territory, history,
revert), the "à arbitrer" list, the buyers' needs and the public's suggestions (moderators and admins), the imports' run log (editors and admins), the accounts and logs (admins)."""

from __future__ import annotations

import streamlit as st

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

st.title("Espace équipe")
store = workspace()
member = require_member(store)  # the sign-in form (or what an admin must do) until signed in
who_bar(store, member)

LISTINGS, ARBITRATE, NEEDS = "Fiches", "À arbitrer", "Besoins des acheteurs"
ADMIN, ME = "Comptes et journal", "Mon compte"
VERIFY, SUGGEST, IMPORTS, TERRITORY = "À vérifier", "Suggestions", "Imports", "Mon territoire"
UPLOAD, PRINT, EMBED = "Importer un fichier", "Annuaire imprimable", "Intégrer la carte"
editor = member.role in ("admin", "editor")
sections = (
    [LISTINGS]
    + ([ARBITRATE, VERIFY, IMPORTS, UPLOAD, TERRITORY] if editor else [])
    + ([NEEDS, SUGGEST] if member.can_moderate else [])
)
sections += [PRINT, EMBED] + ([ADMIN] if member.is_admin else []) + [ME]
if member.role == "moderator":
    sections.insert(0, sections.pop(sections.index(NEEDS)))  # their daily work first
section = st.radio("Rubrique", sections, horizontal=True, key="staff_section", label_visibility="collapsed")

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
