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
from ui.text import md

FIELD = "staff_quality_field"


def _codes(member: StaffMember) -> tuple[tuple[str, ...], str]:
    """The member's territory, or (admins and moderators have none) a département they choose."""
    if member.territory.codes:
        return member.territory.codes, member.territory.describe()
    names = departements(communes())
    dep = st.selectbox("Département", list(names), index=list(names).index("63"), key="staff_territory_dep",
                       format_func=lambda d: f"{d} · {names[d]}", placeholder="Choisissez un département")  # fmt: skip
    return (dep,), f"{names[dep]} ({dep})"


def _links(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(fiche=[f"/equipe?id={i}" for i in frame["id"]])


def quality_panel(codes: tuple[str, ...]) -> None:
    report = quality(cursor(), codes)
    st.subheader("Qualité des données")
    if report.completeness.empty:
        st.caption("Aucune fiche dans ce territoire.")
        return
    long = report.completeness.melt(id_vars=["source", "listings"], var_name="Champ", value_name="Part (%)")
    st.altair_chart(
        alt.Chart(long)
        .mark_rect()
        .encode(
            x=alt.X("Champ:N", sort=list(COMPLETENESS), title=None),
            y=alt.Y("source:N", title="Source"),
            color=alt.Color(
                "Part (%):Q", scale=alt.Scale(domain=[0, 100], scheme="greens"), title="Rempli (%)"
            ),
            tooltip=["source", "Champ", "Part (%)", alt.Tooltip("listings:Q", title="Fiches")],
        )
        .properties(title="Part des fiches où le champ est rempli, par source")
        + alt.Chart(long)
        .mark_text(fontSize=11)
        .encode(
            x=alt.X("Champ:N", sort=list(COMPLETENESS)),
            y="source:N",
            text=alt.Text("Part (%):Q", format=".0f"),
        ),
        width="stretch",
    )
    st.dataframe(report.completeness.rename(columns={"source": "Source", "listings": "Fiches"}),
                 hide_index=True, width="stretch")  # fmt: skip
    st.download_button("Qualité par source (CSV)", french_csv(report.completeness), "qualite-sources.csv",
                       "text/csv", key="staff_quality_csv")  # fmt: skip

    label = st.selectbox("Fiches à compléter : il leur manque", list(COMPLETENESS), key=FIELD,
                         format_func=lambda f: f.lower(), placeholder="Choisissez un champ")  # fmt: skip
    lacking = missing(cursor(), codes, label)
    st.caption(
        f"{len(lacking)} fiche(s){' (500 au plus)' if len(lacking) == 500 else ''}, les moins récemment vérifiées d'abord."
    )
    st.dataframe(
        _links(lacking)[["fiche", "name", "kind", "city", "last_verified"]],
        hide_index=True, width="stretch",
        column_config={
            "fiche": st.column_config.LinkColumn("Fiche", display_text="Modifier"),
            "name": "Nom", "kind": "Type", "city": "Commune",
            "last_verified": st.column_config.DateColumn("Dernière vérification", format="DD/MM/YYYY"),
        },
    )  # fmt: skip

    st.markdown("**Lignes rejetées par les sources de ce territoire**")
    if report.rejected.empty:
        st.caption("Aucune ligne rejetée.")
        return
    st.dataframe(report.rejected.rename(columns={"source": "Source", "reason": "Raison", "rows": "Lignes"}),
                 hide_index=True, width="stretch")  # fmt: skip
    with st.expander(f"Les lignes ({len(report.rejected_rows)} au plus 500)"):
        st.dataframe(
            report.rejected_rows.rename(columns={"source": "Source", "record_ref": "Référence", "field": "Champ",
                                                 "value": "Valeur", "reason": "Raison"}),
            hide_index=True, width="stretch",
        )  # fmt: skip


def territory_section(member: StaffMember) -> None:
    codes, name = _codes(member)
    st.subheader(f"Où manque-t-il des circuits courts ? · {md(name)}")
    try:
        territory = communes_of(communes(), codes)
    except LookupError as exc:
        st.error(md(f"Territoire illisible : {exc}"))
        return
    gaps_dashboard(territory, name, key="staff_gaps")
    quality_panel(codes)
