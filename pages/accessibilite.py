"""Déclaration d'accessibilité: the statement French public bodies publish (RGAA 4.1, article 47
of law 2005-102): conformity, how it was checked, what is not accessible and its alternative,
and how to get help or complain. Static text: nothing here comes from the data or the URL."""

from __future__ import annotations

import streamlit as st

from ui.i18n import _
from ui.pages import SEARCH, routed

routed()

st.title(_("Déclaration d'accessibilité"))
st.markdown(
    _(
        "L'équipe qui publie l'annuaire Court-Circuit s'engage à le rendre accessible, conformément à "
        "l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique à "
        "l'ensemble des pages publiques de l'annuaire."
    )
)
st.subheader(_("État de conformité"))
st.markdown(
    _(
        "L'annuaire est **partiellement conforme** au référentiel général d'amélioration de "
        "l'accessibilité (RGAA 4.1) : aucun audit complet par un organisme indépendant n'a encore été "
        "mené. Chaque version est contrôlée automatiquement avec axe-core (règles WCAG 2.1 A et AA) dans "
        "le navigateur Chromium, sur ordinateur et sur un téléphone de 390 pixels de large : aucune "
        "anomalie grave ou critique n'est tolérée."
    )
)
st.subheader(_("Contenus non accessibles et leurs alternatives"))
st.markdown(
    _(
        "- **Les cartes** ne peuvent pas être parcourues au clavier ni lues par un lecteur d'écran. "
        "La liste des résultats, sous chaque carte, en est l'alternative : elle donne chaque lieu, son "
        "type, sa distance, sa commune, son ouverture et ses modes de vente, et mène à sa fiche.\n"
        "- **Les graphiques** du tableau « Où manque-t-il des circuits courts ? » sont doublés par des "
        "tableaux qui donnent les mêmes chiffres.\n"
        "- Certains composants de l'outil Streamlit sur lequel repose l'annuaire ne sont pas "
        "entièrement maîtrisés (menus déroulants, tableaux) : signalez-nous toute difficulté."
    )
)
st.subheader(_("Retour d'information et contact"))
st.markdown(
    _(
        "Si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez à l'équipe du territoire "
        "qui publie l'annuaire : nous vous donnerons l'information sous une autre forme. Chaque fiche a "
        "aussi un bouton « Signaler une modification »."
    )
)
st.subheader(_("Voies de recours"))
st.markdown(
    _(
        "Si vous nous avez signalé un défaut d'accessibilité et que la réponse ne vous satisfait pas, "
        "vous pouvez saisir le Défenseur des droits : par le formulaire en ligne "
        "(defenseurdesdroits.fr), par un délégué dans votre région, ou par courrier gratuit à "
        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."
    )
)
st.page_link(SEARCH, label=_("Retour à la recherche"), icon=":material/search:")
