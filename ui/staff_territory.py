"""The staff space's « Mon territoire » section: where local food is missing in the member's
territory (finer than the public page: their own communes or a Parc's charter), and the data
quality of its listings per source, each table linking to the listings to fix."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from courtcircuit.communes.territory import communes_of, departements
from courtcircuit.data_quality import COMPLETENESS, missing, quality
from courtcircuit.workspace.accounts import StaffMember
from ui.chrome import communes, cursor
from ui.gaps_view import french_csv, gaps_dashboard
from ui.i18n import N_, _
from ui.text import md

FIELD = "staff_quality_field"
# The labels of courtcircuit.data_quality.COMPLETENESS (French, the report's column names), marked
# here for the catalogue and translated when shown.
QUALITY_FIELDS = (
    N_("Téléphone"), N_("E-mail ou site web"), N_("Horaires"), N_("Labels"), N_("Produits"),
    N_("Position exacte"), N_("Vérifiée depuis un an"),
)  # fmt: skip


def _codes(member: StaffMember) -> tuple[tuple[str, ...], str]:
    """The member's territory, or (admins and moderators have none) a département they choose."""
    if member.territory.codes:
        return member.territory.codes, member.territory.describe()
    names = departements(communes())
    dep = st.selectbox(_("Département"), list(names), index=list(names).index("63"), key="staff_territory_dep",
                       format_func=lambda d: f"{d} · {names[d]}", placeholder=_("Choisissez un département"))  # fmt: skip
    return (dep,), f"{names[dep]} ({dep})"


def _links(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(fiche=[f"/equipe?id={i}" for i in frame["id"]])


def quality_panel(codes: tuple[str, ...]) -> None:
    report = quality(cursor(), codes)
    st.subheader(_("Qualité des données"))
    if report.completeness.empty:
        st.caption(_("Aucune fiche dans ce territoire."))
        return
    fields = [_(f) for f in COMPLETENESS]  # the chart's field names stay plain words; titles translated
    long = report.completeness.rename(columns={f: _(f) for f in COMPLETENESS}).melt(
        id_vars=["source", "listings"], var_name="field", value_name="share"
    )
    st.altair_chart(
        alt.Chart(long)
        .mark_rect()
        .encode(
            x=alt.X("field:N", sort=fields, title=None),
            y=alt.Y("source:N", title=_("Source")),
            color=alt.Color(
                "share:Q", scale=alt.Scale(domain=[0, 100], scheme="greens"), title=_("Rempli (%)")
            ),
            tooltip=[
                alt.Tooltip("source:N", title=_("Source")),
                alt.Tooltip("field:N", title=_("Champ")),
                alt.Tooltip("share:Q", title=_("Part (%)")),
                alt.Tooltip("listings:Q", title=_("Fiches")),
            ],
        )
        .properties(title=_("Part des fiches où le champ est rempli, par source"))
        + alt.Chart(long)
        .mark_text(fontSize=11)
        .encode(
            x=alt.X("field:N", sort=fields),
            y="source:N",
            text=alt.Text("share:Q", format=".0f"),
        ),
        width="stretch",
    )
    shown = report.completeness.rename(
        columns={"source": _("Source"), "listings": _("Fiches"), **{f: _(f) for f in COMPLETENESS}}
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(_("Qualité par source (CSV)"), french_csv(shown), "qualite-sources.csv",
                       "text/csv", key="staff_quality_csv")  # fmt: skip

    label = st.selectbox(_("Fiches à compléter : il leur manque"), list(COMPLETENESS), key=FIELD,
                         format_func=lambda f: _(f).lower(), placeholder=_("Choisissez un champ"))  # fmt: skip
    lacking = missing(cursor(), codes, label)
    st.caption(
        _("{n} fiche(s) (500 au plus), les moins récemment vérifiées d'abord.", n=len(lacking))
        if len(lacking) == 500
        else _("{n} fiche(s), les moins récemment vérifiées d'abord.", n=len(lacking))
    )
    st.dataframe(
        _links(lacking)[["fiche", "name", "kind", "city", "last_verified"]],
        hide_index=True, width="stretch",
        column_config={
            "fiche": st.column_config.LinkColumn(_("Fiche"), display_text=_("Modifier")),
            "name": _("Nom"), "kind": _("Type"), "city": _("Commune"),
            "last_verified": st.column_config.DateColumn(_("Dernière vérification"), format="DD/MM/YYYY"),
        },
    )  # fmt: skip

    st.markdown(_("**Lignes rejetées par les sources de ce territoire**"))
    if report.rejected.empty:
        st.caption(_("Aucune ligne rejetée."))
        return
    st.dataframe(
        report.rejected.rename(columns={"source": _("Source"), "reason": _("Raison"), "rows": _("Lignes")}),
        hide_index=True, width="stretch",
    )  # fmt: skip
    with st.expander(_("Les lignes ({n} au plus 500)", n=len(report.rejected_rows))):
        st.dataframe(
            report.rejected_rows.rename(columns={"source": _("Source"), "record_ref": _("Référence"),
                                                 "field": _("Champ"), "value": _("Valeur"), "reason": _("Raison")}),
            hide_index=True, width="stretch",
        )  # fmt: skip


def territory_section(member: StaffMember) -> None:
    codes, name = _codes(member)
    st.subheader(_("Où manque-t-il des circuits courts ? · {territory}", territory=md(name)))
    try:
        territory = communes_of(communes(), codes)
    except LookupError as exc:
        st.error(md(_("Territoire illisible : {reason}", reason=exc)))
        return
    gaps_dashboard(territory, name, key="staff_gaps")
    quality_panel(codes)
