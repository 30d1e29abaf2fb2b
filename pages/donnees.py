"""Données personnelles: what personal data Court-Circuit keeps, why, how long, how to have it removed.

Static text (RGPD, articles 13 and 17): nothing here comes from the data or the URL.
"""

from __future__ import annotations

import streamlit as st

from courtcircuit.needs import PER_CLIENT_PER_HOUR
from courtcircuit.staff import PER_CLIENT
from ui.i18n import _
from ui.pages import routed

routed()

st.title(_("Données personnelles"))
st.caption(
    _("Ce que l'annuaire garde sur les personnes, pourquoi, combien de temps, et comment le faire retirer.")
)

st.subheader(_("Les fiches de l'annuaire"))
st.markdown(
    _(
        "Les fiches décrivent des lieux de vente (producteurs, marchés, AMAP, magasins). Elles viennent de "
        "sources publiques ou partenaires : OpenStreetMap, annuaires des Chambres d'agriculture et des Parcs, "
        "listes d'AMAP et de marchés. Une fiche peut contenir le nom d'un exploitant, un téléphone ou une "
        "adresse e-mail **publiés par ces sources**, pour que les habitants et les acheteurs puissent acheter "
        "localement. La source et sa date sont indiquées en bas de chaque fiche.\n\n"
        "**Durée** : tant que la source publie la fiche ; chaque reconstruction de l'annuaire reprend les "
        "sources, une fiche retirée d'une source disparaît à la reconstruction suivante."
    )
)

st.subheader(_("Les besoins des acheteurs"))
st.markdown(
    _(
        "Quand un magasin ou une cantine publie un besoin, nous gardons :\n\n"
        "- **ce qui devient public une fois le besoin validé** par l'équipe du territoire : le type "
        "d'établissement, son lieu, la famille de produits, le volume, la fréquence, les contraintes de "
        "livraison et le **contact à publier** que l'acheteur a choisi (par exemple l'adresse du service "
        "achats ou le standard) ;\n"
        "- **ce que seule l'équipe voit** : le nom, l'e-mail et le téléphone de la personne qui envoie le "
        "besoin, pour vérifier la demande et la recontacter. Ils ne sont jamais affichés au public.\n\n"
        "**Pourquoi** : mettre en relation acheteurs et producteurs locaux (mission de service public des "
        "territoires). **Durée** : un besoin publié le reste jusqu'à ce que vous demandiez son retrait ; "
        "un besoin refusé est effacé un an après la décision."
    )
)

st.subheader(_("Les suggestions du public"))
st.markdown(
    _(
        "Quand vous signalez une modification ou proposez un lieu, nous gardons la suggestion, l'e-mail "
        "que vous avez choisi de laisser (facultatif) et l'adresse IP de l'appareil (contre les abus). "
        "L'e-mail n'est vu que par l'équipe du territoire et n'est **jamais publié** ; une suggestion "
        "acceptée apparaît sous le nom « suggestion publique ». **Durée** : l'e-mail et l'adresse IP sont "
        "effacés un an après la décision sur la suggestion."
    )
)

st.subheader(_("L'équipe du territoire"))
st.markdown(
    _(
        "Les personnes de l'équipe ont un compte personnel (e-mail, mot de passe haché, rôle, territoire). "
        "Leurs connexions et leurs modifications sont journalisées pour les administrateurs ; "
        "l'historique d'une fiche dit qui l'a modifiée, mais le fichier public de l'annuaire n'indique que "
        "« équipe » et la date."
    )
)

st.subheader(_("Sécurité et journaux"))
st.markdown(
    _(
        "Pour limiter les abus, l'annuaire compte pendant une heure les envois de besoins "
        "({per_hour} par heure au plus) et les essais de mot de passe de l'espace équipe "
        "(attente croissante après {free} erreurs, puis blocage), rattachés à l'adresse IP de "
        "l'appareil ou à la session du navigateur. Ces compteurs sont effacés au bout d'une heure sans "
        "nouvel essai, ou dès que le mot de passe est bon.",
        per_hour=PER_CLIENT_PER_HOUR,
        free=PER_CLIENT.free,
    )
)

st.subheader(_("Vos droits"))
st.markdown(
    _(
        "Vous pouvez demander à voir, corriger ou retirer les données qui vous concernent (RGPD, articles "
        "15 à 17) : une fiche, un besoin, un contact. Écrivez à l'équipe du territoire qui publie "
        "l'annuaire en précisant la fiche (son adresse dans le navigateur) ou le besoin (son numéro). "
        "Nous répondons dans un délai d'un mois. Pour une fiche venue d'OpenStreetMap, la correction peut "
        "aussi être faite directement sur openstreetmap.org. Vous pouvez également adresser une réclamation "
        "à la CNIL (cnil.fr)."
    )
)
