"""The staff space's « Importer un fichier » (admins and editors): a partner's spreadsheet made a
source in six steps — upload, columns, values (ui/staff_import_values.py), then preview, dry run
and publish (ui/staff_import_check.py). The file is read, checked and built by the command line
(courtcircuit/import_runner.py), so `python -m etl build` gives what the wizard showed.

Reopening the wizard for a partner already in the sources file loads its mapping: its columns,
yes/no columns and value choices are proposed again for its next file.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from courtcircuit.column_mapping import FIELDS, guess_columns
from courtcircuit.import_files import (
    Partner,
    check_name,
    check_upload,
    partner_mapping,
    partners,
    source_names,
    sources_file,
)
from courtcircuit.import_runner import ImportFailed, read_table
from courtcircuit.value_mapping import FLAG_FIELDS, VALUE_FIELDS
from courtcircuit.vocab import fold
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store
from ui.i18n import N_, _, term
from ui.text import md

KEY = "import_wizard"
STEPS = (N_("Fichier"), N_("Colonnes"), N_("Valeurs"), N_("Aperçu"), N_("Essai à blanc"), N_("Publication"))
NEW = N_("(nouveau partenaire)")  # the choice's value; shown through _()
IGNORE = ""
FIELD_LABELS: dict[str, str] = {  # translated with field_label() when shown
    "ref": N_("Référence de la fiche"), "name": N_("Nom"), "kind": N_("Type de lieu"),
    "description": N_("Description"), "street": N_("Adresse (rue, lieu-dit)"), "postcode": N_("Code postal"),
    "city": N_("Commune"), "insee": N_("Code INSEE de la commune"), "lat": N_("Latitude"),
    "lon": N_("Longitude"), "x": N_("X (Lambert-93)"), "y": N_("Y (Lambert-93)"), "phone": N_("Téléphone"),
    "email": N_("E-mail"), "website": N_("Site internet"), "opening_hours": N_("Horaires"),
    "channels": N_("Circuits de vente"), "labels": N_("Labels"), "ab_status": N_("Statut bio"),
    "products": N_("Produits"), "delivers": N_("Livre les magasins (oui/non)"),
    "delivery_radius_km": N_("Rayon de livraison (km)"), "volumes": N_("Volumes"),
    "delivery_frequency": N_("Fréquence de livraison"), "gtin_available": N_("Code-barres (oui/non)"),
    "sanitary_approval": N_("Agrément sanitaire"), "siret": N_("SIRET"), "sells_at": N_("Points de vente"),
    "last_verified": N_("Date de mise à jour"), "status": N_("Statut"),
}  # fmt: skip
# A yes/no column's choice, one whole sentence per vocabulary: « oui/non → circuit « AMAP » ».
FLAG_LABELS = {
    "channels": N_("oui/non → circuit « {term} »"),
    "labels": N_("oui/non → label « {term} »"),
    "products": N_("oui/non → produits « {term} »"),
}


def field_label(name: str) -> str:
    """A directory field's label in the current language (the code itself if unknown)."""
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name


@dataclass
class Wizard:
    """What the wizard holds between reruns, for one member's session."""

    step: int = 0
    name: str = ""
    label: str = ""
    existing: bool = False
    file_name: str = ""
    suffix: str = ""
    content: bytes = b""
    table: dict[str, Any] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)  # sheet, crs, kind of the mapping
    columns: dict[str, str] = field(default_factory=dict)  # field → header
    flags: dict[str, str] = field(default_factory=dict)  # header → "field:code"
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # field → raw → code(s)
    saved: dict[str, dict[str, Any]] = field(default_factory=dict)  # the partner's, before this file
    folder: str = ""  # a private temporary folder for the upload and the dry run, made on use
    check: dict[str, Any] | None = None
    decided: dict[tuple[str, str, str], bool] = field(default_factory=dict)  # (name, other, source) → same?
    published: str | None = None

    @property
    def rows(self) -> list[dict[str, str]]:
        return self.table.get("rows", [])

    @property
    def headers(self) -> list[str]:
        return self.table.get("headers", [])

    def workdir(self) -> Path:
        if not self.folder or not Path(self.folder).is_dir():
            self.folder = tempfile.mkdtemp(prefix="court-circuit-import-")
        return Path(self.folder)

    def mapping_data(self) -> dict[str, Any]:
        return {**self.options, "columns": self.columns, "values": self.values, "flags": self.flags}


def wizard() -> Wizard:
    if not isinstance(st.session_state.get(KEY), Wizard):
        st.session_state[KEY] = Wizard()
    return st.session_state[KEY]


def go(step: int) -> None:
    wizard().step = step


def forget_files(w: Wizard) -> None:
    """Remove the upload's temporary copies (the wizard keeps the file's bytes until restarted)."""
    if w.folder:
        shutil.rmtree(w.folder, ignore_errors=True)
        w.folder = ""


def restart() -> None:
    if isinstance(st.session_state.get(KEY), Wizard):
        forget_files(st.session_state[KEY])
    st.session_state[KEY] = Wizard()
    for key in [k for k in st.session_state if str(k).startswith("imp_")]:
        del st.session_state[key]


def import_section(store: Store, member: StaffMember) -> None:
    from ui.staff_import_check import dry_run_step, preview_step, publish_step
    from ui.staff_import_values import values_step

    if member.role not in ("admin", "editor"):  # the page lists the section for them only; said again here
        st.error(_("L'import de fichiers est réservé aux administrateurs et aux éditeurs."))
        return
    w = wizard()
    st.subheader(_("Importer le tableur d'un partenaire"))
    st.caption(
        md(
            _(
                "Étape {n} sur {total} : {step} — {steps}",
                n=w.step + 1,
                total=len(STEPS),
                step=_(STEPS[w.step]),
                steps=" › ".join(_(s) for s in STEPS),
            )
        )
    )
    if w.step > 0:
        st.button(_("Recommencer avec un autre fichier"), key="imp_restart", on_click=restart)
    steps = (upload_step, columns_step, values_step, preview_step, dry_run_step, publish_step)
    steps[w.step](w, store, member)


# ------------------------------------------------------------------ 1. upload


def upload_step(w: Wizard, _store: Store, _member: StaffMember) -> None:
    try:
        known = {p.name: p for p in partners(sources_file())}
    except ImportFailed as err:
        st.error(md(err))
        return
    choice = st.selectbox(
        _("Partenaire"), [NEW, *known], key="imp_partner",
        format_func=lambda p: _(NEW) if p == NEW else p,
        help=_("Un partenaire déjà importé retrouve ses correspondances de colonnes et de valeurs."),
    )  # fmt: skip
    if choice == NEW:
        name = st.text_input(
            _("Nom de la source (minuscules et tirets)"), key="imp_name", max_chars=40,
            placeholder=_("ex. chambre-43"),
        )  # fmt: skip
        label = st.text_input(
            _("Libellé affiché"),
            key="imp_label",
            max_chars=200,
            placeholder=_("ex. Chambre d'agriculture de la Haute-Loire"),
        )
    else:
        name, label = choice, known[choice].label
        st.caption(
            md(_("Source existante : {label}. Son fichier sera remplacé par le nouveau.", label=label))
        )
    upload = st.file_uploader(
        _("Tableur du partenaire (CSV ou XLSX)"), type=["csv", "xlsx"], key="imp_file",
        help=_("CSV en UTF-8 ou Windows-1252, séparé par « ; » ou « , » ; ou classeur Excel .xlsx."),
    )  # fmt: skip
    sheet = st.text_input(
        _("Feuille du classeur (XLSX seulement)"), key="imp_sheet", max_chars=100,
        placeholder=_("vide : la première feuille, ou celle déjà retenue pour ce partenaire"),
    )  # fmt: skip
    if not st.button(_("Lire le fichier"), key="imp_read", type="primary"):
        return
    try:
        if upload is None:
            raise ImportFailed(_("choisir d'abord le fichier du partenaire"))
        name = check_name(name)
        if choice == NEW and name in source_names(sources_file()):
            raise ImportFailed(
                _(
                    "la source « {name} » existe déjà : la choisir dans la liste des partenaires, "
                    "ou changer de nom",
                    name=name,
                )
            )
        content = upload.getvalue()
        w.suffix = check_upload(upload.name, len(content))
        w.name, w.label, w.existing, w.file_name, w.content = (
            name,
            label.strip(),
            choice != NEW,
            upload.name,
            content,
        )
        saved = partner_mapping(known[choice]) if choice != NEW else {}
        w.options = {k: saved[k] for k in ("sheet", "crs", "kind") if isinstance(saved.get(k), str)}
        w.saved = {k: dict(v) for k, v in (saved.get("values") or {}).items() if k in VALUE_FIELDS}
        w.values = {k: dict(v) for k, v in w.saved.items()}
        if sheet.strip():
            w.options["sheet"] = sheet.strip()
        path = w.workdir() / f"{name}{w.suffix}"
        path.write_bytes(content)
        with st.spinner(_("Lecture du fichier…")):
            w.table = read_table(path, w.options.get("sheet"))
        if not w.headers:
            raise ImportFailed(_("aucune colonne lue dans ce fichier"))
        _propose_columns(w, known.get(choice), saved)
    except ImportFailed as err:
        st.error(md(_("Fichier refusé : {reason}", reason=err)))
        return
    go(1)
    st.rerun()


def _propose_columns(w: Wizard, partner: Partner | None, saved: dict[str, Any]) -> None:
    """Each header's choice: the partner's saved mapping first, else the guess from its words."""
    by_header = {fold(h): f"field:{f}" for f, h in (saved.get("columns") or {}).items() if isinstance(h, str)}
    by_header |= {fold(h): f"flag:{t}" for h, t in (saved.get("flags") or {}).items() if isinstance(t, str)}
    for i, guess in enumerate(guess_columns(w.headers, w.rows[:200])):
        choice = by_header.get(fold(guess.header)) if partner else None
        if choice is None:
            choice = (
                f"field:{guess.field}"
                if guess.field
                else f"flag:{guess.flag[0]}:{guess.flag[1]}"
                if guess.flag
                else IGNORE
            )
        st.session_state[f"imp_col_{i}"] = choice if choice in column_options() else IGNORE


# ------------------------------------------------------------------ 2. columns


def column_options() -> list[str]:
    flags = [f"flag:{name}:{code}" for name in FLAG_FIELDS for code in VALUE_FIELDS[name].codes()]
    return [IGNORE, *(f"field:{f}" for f in FIELDS), *flags]


def column_label(option: str) -> str:
    if option == IGNORE:
        return _("— colonne ignorée —")
    kind, _sep, rest = option.partition(":")
    if kind == "field":
        return field_label(rest)
    name, _sep, code = rest.partition(":")
    return _(FLAG_LABELS[name], term=term(VALUE_FIELDS[name], code))


def _sample(w: Wizard, header: str) -> str:
    seen = list(dict.fromkeys(v for row in w.rows[:50] if (v := row.get(header))))[:3]
    return " ; ".join(s[:40] for s in seen) or _("(vide)")


def columns_step(w: Wizard, _store: Store, _member: StaffMember) -> None:
    st.write(
        md(
            _(
                "« {file} » : {rows} ligne(s) lue(s), {columns} colonne(s).",
                file=w.file_name,
                rows=w.table.get("read", 0),
                columns=len(w.headers),
            )
        )
    )
    for note in w.table.get("notes", [])[:10]:
        st.warning(md(note))
    st.caption(
        _(
            "Pour chaque colonne du fichier, le champ de l'annuaire qu'elle remplit (proposé d'après son "
            "en-tête). Une colonne oui/non peut ajouter un circuit de vente, un label ou une famille de "
            "produits."
        )
    )
    options = column_options()
    held = {h: f"field:{f}" for f, h in w.columns.items()} | {h: f"flag:{t}" for h, t in w.flags.items()}
    for i, header in enumerate(w.headers):
        if f"imp_col_{i}" not in st.session_state and w.columns:  # back from a later step
            st.session_state[f"imp_col_{i}"] = held.get(header, IGNORE)
        st.selectbox(
            md(_("« {header} » (ex. : {sample})", header=header, sample=_sample(w, header))), options,
            key=f"imp_col_{i}", format_func=column_label, placeholder=_("Choisir un champ"),
        )  # fmt: skip
    back, forward = st.columns(2)
    back.button(_("Retour"), key="imp_back_1", on_click=go, args=(0,))
    if forward.button(_("Valider les colonnes"), key="imp_columns_ok", type="primary"):
        chosen = {header: st.session_state.get(f"imp_col_{i}", IGNORE) for i, header in enumerate(w.headers)}
        fields = [c.removeprefix("field:") for c in chosen.values() if c.startswith("field:")]
        twice = sorted({field_label(f) for f in fields if fields.count(f) > 1})
        if "name" not in fields:
            st.error(_("Indiquer la colonne du nom : une fiche sans nom ne peut pas être publiée."))
        elif twice:
            st.error(md(_("Un même champ pour plusieurs colonnes : {fields}.", fields=", ".join(twice))))
        else:
            w.columns = {c.removeprefix("field:"): h for h, c in chosen.items() if c.startswith("field:")}
            w.flags = {h: c.removeprefix("flag:") for h, c in chosen.items() if c.startswith("flag:")}
            if {"x", "y"} <= set(w.columns) and not {"lat", "lon"} & set(w.columns):
                w.options["crs"] = "EPSG:2154"
            elif w.options.get("crs") == "EPSG:2154" and {"lat", "lon"} <= set(w.columns):
                w.options.pop("crs")
            w.check = None
            go(2)
            st.rerun()
