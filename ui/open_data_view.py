"""The « Données ouvertes » page: the files the last build published (courtcircuit/open_data.py),
their licence, and each source with its licence and whether its listings are in the files.

Source names, labels and licences come from the sources file: shown through `md` or a table,
never as Markdown of their own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from courtcircuit.db import default_db_path
from courtcircuit.open_data import FILES, MEDIA_TYPES, Published, published
from ui.i18n import N_, _, current
from ui.text import md

FORMATS = (
    ("geojson", "GeoJSON", N_("pour les SIG et les cartes web (QGIS, uMap, Leaflet)")),
    ("csv", "CSV", N_("pour les tableurs (UTF-8, séparateur virgule)")),
    ("parquet", "GeoParquet", N_("pour l'analyse (DuckDB, pandas, geopandas, R)")),
    ("sources", N_("Sources et licences (JSON)"), N_("la date, la licence et chaque source")),
)


@st.cache_data(max_entries=8, show_spinner=False)
def _file_bytes(path: str, _identity: tuple[int, int]) -> bytes:
    """The file's bytes, read once per build (the identity changes with each swap)."""
    return Path(path).read_bytes()


def _download(fmt: str, title: str, why: str, about: Published) -> None:
    path = about.files.get(fmt)
    if path is None:
        return
    stat = path.stat()
    data = _file_bytes(str(path), (stat.st_ino, stat.st_mtime_ns))
    st.download_button(
        _("Télécharger {what} ({size})", what=_(title), size=_size(stat.st_size)),
        data,
        file_name=FILES[fmt],
        mime=MEDIA_TYPES[fmt],
        key=f"open-data-{fmt}",
        icon=":material/download:",
        help=_(why),
        on_click="ignore",
    )


def _size(size: int) -> str:
    """A file size in megabytes, with the reader's decimal sign."""
    if size < 100_000:
        return _("< 0,1 Mo")
    text = f"{size / 1_000_000:.1f}"
    return _("{size} Mo", size=text if current() == "en" else text.replace(".", ","))


def _built(built_at: str) -> str:
    """The build's date and time (ISO text, « 2026-11-30T04:55:00 ») as a sentence reads it."""
    day, _sep, time = built_at.partition("T")
    return _("{day} à {time}", day=day, time=time[:5]) if time else day


def show_open_data() -> None:
    st.title(_("Données ouvertes"))
    st.write(
        _(
            "L'annuaire est publié en données ouvertes à chaque mise à jour : réutilisez-le dans vos cartes, "
            "vos études ou votre site, en citant les sources ci-dessous."
        )
    )
    about = published(default_db_path())
    if about is None:
        st.info(
            _(
                "Les fichiers ouverts n'ont pas encore été produits : ils le seront à la prochaine construction."
            )
        )
        return
    st.markdown(
        _(
            "**{n} lieux**, données du {built}. Licence : **{licence}**.",
            n=about.listings,
            built=md(_built(about.built_at)),
            licence=md(about.licence),
        )
    )
    for fmt, title, why in FORMATS:
        _download(fmt, title, why, about)

    st.subheader(_("Sources et licences"))
    st.write(
        _(
            "Une fiche n'est publiée que si toutes ses sources permettent la rediffusion. Les fiches des "
            "autres sources restent visibles dans l'annuaire, mais ne sont pas dans les fichiers."
        )
    )
    table = pd.DataFrame(
        [
            {
                _("Source"): s.label,
                _("Licence"): s.licence or _("non précisée"),
                _("Attribution"): s.attribution,
                _("Dans les fichiers"): _("oui") if s.included else _("non (rediffusion non permise)"),
            }
            for s in about.sources
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.subheader(_("Schéma"))
    st.write(
        _(
            "Chaque champ, ses valeurs possibles et les règles de licence sont décrits dans le document "
            "« OPEN-DATA.md » du projet (dossier docs). Les textes qui commencent par =, +, - ou @ sont "
            "précédés d'une apostrophe dans le CSV pour qu'un tableur ne les exécute pas."
        )
    )
