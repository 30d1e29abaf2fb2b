"""The "where local food is missing" dashboard: shares of the population far from each kind of
outlet, a map of communes by distance, the most deprived communes and the product families no
producer offers nearby (``courtcircuit.food_gaps``). Shown to the public per département and in
the staff space for the member's territory.

Charts are Altair (Vega-Lite specs rendered by Streamlit, never a template); the map is a
Vega-Lite geoshape, so commune names travel as JSON data. Each table is also the text
alternative of its chart, and each downloads as CSV (French Excel: ``;``, decimal comma).
"""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import streamlit as st

from courtcircuit.communes.model import Commune
from courtcircuit.communes.territory import commune_shapes
from courtcircuit.db import default_db_path, file_identity
from courtcircuit.export import neutralise
from courtcircuit.food_gaps import ACCESS, PRODUCT_KM, THRESHOLDS_KM, GapReport, food_gaps
from courtcircuit.vocab import PRODUCTS
from ui.chrome import communes, cursor
from ui.i18n import N_, _, current, term
from ui.text import md

BANDS = (N_("moins de 5 km"), N_("5 à 10 km"), N_("10 à 20 km"), N_("20 à 40 km"), N_("plus de 40 km"))
BAND_COLOURS = ("#edf8e9", "#bae4b3", "#74c476", "#238b45", "#00441b")  # light = close (prints in grey)


def band(km: float | None) -> str:
    if km is None or pd.isna(km):
        return _(BANDS[-1])
    for limit, name in zip((5, 10, 20, 40), BANDS, strict=False):
        if km <= limit:
            return _(name)
    return _(BANDS[-1])


def km_text(km: float | None) -> str:
    if km is None or pd.isna(km):
        return _("plus de 40 km")
    text = f"{km:.1f} km"
    return text if current() == "en" else text.replace(".", ",")


@st.cache_data(show_spinner=False, max_entries=32)
def _report(codes: tuple[str, ...], db_key: str) -> GapReport:  # db_key: recompute after a rebuild
    index = communes()
    return food_gaps(cursor(), [index.get(c) for c in codes])


def _db_key() -> str:
    """Changes with every build or staff publication (the file is swapped in)."""
    return str(file_identity(default_db_path()))


def french_csv(frame: pd.DataFrame) -> bytes:
    """CSV for French Excel; text cells neutralised against formulas."""
    return spreadsheet_csv(frame, "fr")


def spreadsheet_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """CSV for a spreadsheet in ``lang``: French Excel (``;``, decimal comma) or English (``,``,
    decimal point); text cells neutralised against formulas."""
    shown = frame.apply(lambda col: col if pd.api.types.is_numeric_dtype(col) else col.map(neutralise))
    buffer = io.StringIO()
    sep, decimal = (",", ".") if lang == "en" else (";", ",")
    shown.to_csv(buffer, sep=sep, decimal=decimal, index=False, float_format="%.1f")
    return buffer.getvalue().encode("utf-8-sig")


def _png(chart: alt.TopLevelMixin) -> bytes:
    import vl_convert  # a second to load: only when someone asks for an image

    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)


def _share_chart(report: GapReport, threshold: int) -> tuple[alt.LayerChart, pd.DataFrame]:
    rows = report.shares[report.shares["threshold_km"] == threshold]
    share = _("Part de la population")
    table = pd.DataFrame(
        {
            _("Accès"): [ACCESS[a].label(current()) for a in rows["access"]],
            _("Habitants à plus de {km} km", km=threshold): [int(v) for v in rows["population_beyond"]],
            share: [round(100 * v, 1) for v in rows["share_beyond"]],
        }
    )
    base = alt.Chart(table).encode(
        y=alt.Y(f"{_('Accès')}:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X(
            f"{share}:Q",
            title=_("% de la population à plus de {km} km", km=threshold),
            scale=alt.Scale(domain=[0, 100]),
        ),
        tooltip=list(table.columns),
    )
    bars = base.mark_bar(color="#2e7d32", size=22)
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(text=alt.Text(f"{share}:Q", format=".1f"))
    chart = alt.layer(bars, labels).properties(
        height=alt.Step(34), title=_("Part des habitants à plus de {km} km", km=threshold)
    )
    return chart, table


def _map_chart(report: GapReport, access: str) -> alt.Chart:
    data = report.communes.assign(
        bande=[band(v) for v in report.communes[f"km_{access}"]],
        distance=[km_text(v) for v in report.communes[f"km_{access}"]],
    )[["insee", "name", "population", "bande", "distance"]]
    shapes = commune_shapes(communes(), list(data["insee"]))
    return (
        alt.Chart(alt.Data(values=shapes["features"]))
        .mark_geoshape(stroke="#555", strokeWidth=0.3)
        .transform_lookup(
            lookup="properties.insee",
            from_=alt.LookupData(data, "insee", ["name", "population", "bande", "distance"]),
        )
        .encode(
            color=alt.Color(
                "bande:N",
                title=_("Distance"),
                scale=alt.Scale(domain=[_(b) for b in BANDS], range=list(BAND_COLOURS)),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=_("Commune")),
                alt.Tooltip("population:Q", title=_("Habitants"), format=",d"),
                alt.Tooltip("distance:N", title=_("Au plus proche")),
            ],
        )
        .project("mercator")
        .properties(
            height=520,
            title=_(
                "Distance de la mairie au plus proche : {what}", what=ACCESS[access].label(current()).lower()
            ),
        )
    )


def gaps_dashboard(territory: list[Commune], name: str, key: str) -> None:
    """The dashboard for the communes of ``territory`` (``key``: a prefix for widget keys)."""
    if not territory:
        st.info(_("Aucune commune dans ce territoire."))
        return
    report = _report(tuple(c.insee for c in territory), _db_key())
    people = f"{report.population:,}"
    people = people if current() == "en" else people.replace(",", "\u202f")  # French: a narrow space
    st.caption(
        _("{name} : {n} communes, {people} habitants (INSEE, population municipale), chacune comptée à sa mairie.",
          name=md(name), n=len(report.communes), people=people)
    )  # fmt: skip
    left, right = st.columns(2)
    threshold = left.segmented_control(_("Distance"), THRESHOLDS_KM, default=10, key=f"{key}_threshold",
                                       format_func=lambda v: f"{v} km") or 10  # fmt: skip
    lang = current()  # bound now: AppTest calls format_func outside the run
    access = right.selectbox(_("Sur la carte"), list(ACCESS), format_func=lambda a: ACCESS[a].label(lang),
                             key=f"{key}_access", placeholder=_("Choisissez un type de lieu"))  # fmt: skip
    chart, table = _share_chart(report, threshold)
    st.altair_chart(chart, width="stretch")
    st.dataframe(table, hide_index=True, width="stretch")
    map_chart = _map_chart(report, access)
    st.altair_chart(map_chart, width="stretch")
    st.caption(
        _(
            "Plus la commune est foncée, plus le lieu le plus proche est loin. Le tableau ci-dessous donne les mêmes distances."
        )
    )

    st.subheader(_("Communes les plus peuplées sans rien à moins de {km} km", km=threshold))
    deprived = report.most_deprived(threshold)
    st.dataframe(
        pd.DataFrame({_("Commune"): deprived["name"], _("Habitants"): deprived["population"],
                      _("Lieu le plus proche"): [km_text(v) for v in deprived["km_nearest"]]}),
        hide_index=True, width="stretch",
    )  # fmt: skip
    st.subheader(_("Familles de produits sans producteur à moins de {km} km", km=format(PRODUCT_KM, "g")))
    products = report.products[report.products["population_beyond"] > 0]
    st.dataframe(
        pd.DataFrame({_("Produits"): [term(PRODUCTS, p) for p in products["product"]],
                      _("Habitants sans producteur proche"): products["population_beyond"],
                      _("Part de la population (%)"): [round(100 * v, 1) for v in products["share_beyond"]]}),
        hide_index=True, width="stretch",
    )  # fmt: skip

    by_commune = pd.DataFrame({_("Code INSEE"): report.communes["insee"], _("Commune"): report.communes["name"],
                               _("Habitants"): report.communes["population"]})  # fmt: skip
    for a, kind in ACCESS.items():
        by_commune[f"{kind.label(current())} (km)"] = report.communes[f"km_{a}"].round(1)
    one, two, three = st.columns(3)
    one.download_button(_("Distances par commune (CSV)"), spreadsheet_csv(by_commune, lang), f"{key}-communes.csv",
                        "text/csv", key=f"{key}_csv")  # fmt: skip
    two.download_button(_("Parts de la population (CSV)"), spreadsheet_csv(table, lang), f"{key}-parts.csv",
                        "text/csv", key=f"{key}_shares_csv")  # fmt: skip
    if three.button(_("Préparer les graphiques en PNG"), key=f"{key}_png"):
        st.download_button(_("Graphique des parts (PNG)"), _png(chart), f"{key}-parts.png", "image/png",
                           key=f"{key}_png_shares")  # fmt: skip
        st.download_button(_("Carte des communes (PNG)"), _png(map_chart), f"{key}-carte.png", "image/png",
                           key=f"{key}_png_map")  # fmt: skip
