"""What a first visit needs before the first search (issue 13): one line on what the directory
is and who keeps it, how it works, and example searches that are simply links to a search
(the whole search lives in the URL). Static text: nothing from the data or the URL."""

from __future__ import annotations

import streamlit as st

from ui.i18n import N_, _

# Ambert's town hall: the demo territory's centre; a deployment for another territory changes
# these three lines.
_AMBERT = {"lieu": "Ambert (63600)", "lat": "45.54972", "lon": "3.74167"}
EXAMPLES = (
    (N_("Marchés le samedi près d'Ambert"), {**_AMBERT, "type": "marche", "jour": "samedi"}),
    (N_("Œufs bio à moins de 10 km"), {**_AMBERT, "rayon": "10", "produit": "oeufs", "label": "ab"}),
    (N_("Vente à la ferme ouverte maintenant"), {**_AMBERT, "vente": "vente_ferme", "ouvert": "1"}),
)


def first_visit(search_page: st.Page) -> None:
    """Shown while no place is chosen."""
    st.markdown(
        _(
            "Court-Circuit réunit les producteurs, marchés, AMAP, magasins de producteurs, drives et "
            "distributeurs du territoire. Les équipes des Parcs, des projets alimentaires territoriaux et "
            "des Chambres d'agriculture le tiennent à jour ; chacun peut signaler une correction."
        )
    )
    with st.expander(_("Comment ça marche"), icon=":material/help:"):
        st.markdown(
            _(
                "1. Tapez une commune, un code postal ou une adresse, ou touchez « Ma position ».\n"
                "2. Choisissez un rayon, puis affinez avec les filtres : type de lieu, mode de vente, "
                "label, produits, jour et heure d'ouverture.\n"
                "3. La carte et la liste montrent les lieux, du plus proche au plus loin ; une fiche "
                "donne les horaires, les contacts et l'itinéraire.\n\n"
                "Toute la recherche est dans l'adresse de la page : copiez-la pour la partager."
            )
        )
    st.caption(_("Exemples de recherches :"))
    with st.container(horizontal=True, key="cc_examples"):
        for label, params in EXAMPLES:
            st.page_link(search_page, label=_(label), query_params=params, icon=":material/arrow_forward:")
