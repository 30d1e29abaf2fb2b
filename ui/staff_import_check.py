"""Steps 4 to 6 of the import wizard (ui/staff_import.py): the preview and the dry run, both from
one `python -m etl check-source` (nothing published), the probable duplicates confirmed or
refused (same-place decisions, read by the next build), then publication: the file and its
mapping saved as a source, and `python -m etl build` with a progress bar. A build that refuses
them undoes the files, and the published directory stays as it was."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from courtcircuit.db import default_db_path
from courtcircuit.import_files import publication_lock, publish_files, source_names, sources_file, stage
from courtcircuit.import_runner import ImportFailed, check_source, run_build
from courtcircuit.mapping_file import mapping_toml
from courtcircuit.value_mapping import VALUE_FIELDS, ValueMappingError
from courtcircuit.workspace import decisions
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store, StoreUnavailable
from ui.i18n import N_, _, said, term
from ui.staff_import import Wizard, forget_files, go
from ui.text import md

# The build's progress lines (courtcircuit.import_runner.run_build), exactly as it writes them.
PROGRESS = (
    N_("Lecture des sources…"),
    N_("Lecture de la source « {name} »"),
    N_("Fusion des doublons et écriture de la base…"),
    N_("Base publiée"),
)
_PROGRESS = [
    (re.compile("^" + re.escape(line).replace(re.escape("{name}"), "(?P<name>.+)") + "$"), line)
    for line in PROGRESS
]


def progress_text(text: str) -> str:
    """A progress line of the build in the reader's language (as given when unknown)."""
    for pattern, line in _PROGRESS:
        if found := pattern.match(text):
            return _(line, **found.groupdict())
    return text


def mapping_text(w: Wizard) -> str:
    shown = "".join(c for c in w.file_name if c.isprintable())[:120]
    comment = (
        f"Correspondance de la source « {w.name} » (fichier « {shown} »), écrite par l'assistant "
        f"d'import le {date.today():%d/%m/%Y} : champ = en-tête du fichier."
    )
    return mapping_toml(w.mapping_data(), comment)


def run_check(w: Wizard) -> None:
    """The dry run, kept in the wizard; a French error when the file or mapping is refused."""
    w.check = None
    try:
        text = mapping_text(w)
        staged = stage(w.workdir() / "essai", w.name, w.label, w.suffix, w.content, text)
        with st.spinner(_("Essai à blanc de la construction (la base publiée n'est pas touchée)…")):
            w.check = check_source(sources_file(), staged, default_db_path())
    except (ImportFailed, ValueMappingError, OSError) as err:
        st.error(md(_("Fichier refusé : {reason}. Rien n'est publié.", reason=err)))


def _terms(name: str, codes: list[str]) -> str:
    return ", ".join(term(VALUE_FIELDS[name], c) for c in codes or [])


def _preview_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                _("Réf."): r["ref"], _("Nom"): r["name"], _("Commune"): r["city"],
                _("Code INSEE"): r["commune_insee"], _("Latitude"): r["lat"], _("Longitude"): r["lon"],
                _("Téléphone"): r["phone"], _("Produits"): _terms("products", r["products"]),
                _("Labels"): _terms("labels", r["labels"]), _("Circuits"): _terms("channels", r["channels"]),
            }
            for r in rows
        ]
    )  # fmt: skip


def _notes_frame(rows: list[dict[str, Any]], value: bool = True) -> pd.DataFrame:
    columns = {"ref": _("Réf."), "field": _("Champ"), "value": _("Valeur"), "reason": _("Raison")}
    if not value:
        columns.pop("value")
    return pd.DataFrame([{label: r.get(k) for k, label in columns.items()} for r in rows])


def preview_step(w: Wizard, _store: Store, _member: StaffMember) -> None:
    if w.check is None:
        run_check(w)
    if w.check is None:
        st.button(_("Retour aux valeurs"), key="imp_back_3e", on_click=go, args=(2,))
        return
    check = w.check
    st.write(
        md(_("Premières fiches telles qu'elles seront publiées ({n} montrées).", n=len(check["preview"])))
    )
    st.dataframe(_preview_frame(check["preview"]), hide_index=True, key="imp_preview")
    for note in check["file_notes"]:
        st.warning(md(note["reason"]))
    if check["rejected_rows"]:
        st.write(md(_("{n} ligne(s) rejetée(s), avec la raison :", n=check["counts"]["rejected"])))
        st.dataframe(_notes_frame(check["rejected_rows"], value=False), hide_index=True, key="imp_rejected")
    if check["corrected"]:
        st.write(
            md(_("{n} valeur(s) corrigée(s) ou écartée(s), avec la raison :", n=len(check["corrected"])))
        )
        st.dataframe(_notes_frame(check["corrected"]), hide_index=True, key="imp_corrected")
    back, forward = st.columns(2)
    back.button(_("Retour aux valeurs"), key="imp_back_3", on_click=go, args=(2,))
    forward.button(_("Essai à blanc"), key="imp_preview_ok", type="primary", on_click=go, args=(4,))


def _decide(w: Wizard, store: Store, member: StaffMember, n: int, same: bool) -> None:
    twin = w.check["duplicates"][n] if w.check else None
    if twin is None:
        return
    try:
        decisions.record(
            store, [(w.name, twin["ref"])], [(twin["other_source"], twin["other_ref"])], same, member.email,
            "assistant d'import",
        )  # fmt: skip
    except (ValueError, StoreUnavailable) as err:
        st.session_state["imp_decision_error"] = said(str(err))
        return
    w.decided[(twin["name"], twin["listing_name"], twin["other_source"])] = same
    w.check = None  # the dry run is run again with the decision


def dry_run_step(w: Wizard, store: Store, member: StaffMember) -> None:
    if w.check is None:
        run_check(w)
    if w.check is None:
        st.button(_("Retour à l'aperçu"), key="imp_back_4e", on_click=go, args=(3,))
        return
    if error := st.session_state.pop("imp_decision_error", None):
        st.error(md(_("Décision non enregistrée : {reason}", reason=error)))
    check, counts = w.check, w.check["counts"]
    cells = st.columns(4)
    for cell, (label, key) in zip(
        cells,
        ((_("Lues"), "read"), (_("Chargées"), "loaded"), (_("Fusionnées"), "merged"), (_("Rejetées"), "rejected")),
        strict=True,
    ):  # fmt: skip
        cell.metric(label, counts[key])
    if check["accounted"]:
        st.caption(
            _("Chaque ligne lue est chargée, fusionnée avec une fiche existante ou rejetée avec sa raison.")
        )
    else:
        st.error(_("Des lignes lues ne sont ni chargées, ni fusionnées, ni rejetées : signaler ce fichier."))
    _duplicates(w, store, member)
    _changes(check["changes"])
    back, forward = st.columns(2)
    back.button(_("Retour à l'aperçu"), key="imp_back_4", on_click=go, args=(3,))
    forward.button(
        _("Continuer vers la publication"), key="imp_dry_ok", type="primary", on_click=go, args=(5,)
    )


def _duplicates(w: Wizard, store: Store, member: StaffMember) -> None:
    twins = w.check["duplicates"] if w.check else []
    st.markdown(_("**Doublons probables avec des fiches existantes**"))
    if not twins:
        st.caption(_("Aucun : chaque fiche du fichier est un lieu nouveau pour l'annuaire."))
    for (name, listing_name, source), same in w.decided.items():  # a pair kept apart is no longer proposed
        decision = (
            _(
                "Décision enregistrée : « {name} » et « {other} » ({source}), même lieu.",
                name=name, other=listing_name, source=source,
            )
            if same
            else _(
                "Décision enregistrée : « {name} » et « {other} » ({source}), lieux différents.",
                name=name, other=listing_name, source=source,
            )
        )  # fmt: skip
        st.caption(md(decision))
    for n, twin in enumerate(twins):
        values = {
            "name": twin["name"], "ref": twin["ref"], "other": twin["listing_name"],
            "source": twin["other_source"], "reason": twin["reason"], "m": twin["distance_m"],
        }  # fmt: skip
        if twin["merged"]:
            text = (
                _("« {name} » (réf. {ref}) et la fiche « {other} » de la source « {source} » : fusionnées "
                  "({reason}).", **values)
                if twin["distance_m"] is None
                else _("« {name} » (réf. {ref}) et la fiche « {other} » de la source « {source} » : fusionnées "
                       "({reason}, à {m} m).", **values)
            )  # fmt: skip
        else:
            text = (
                _("« {name} » (réf. {ref}) et la fiche « {other} » de la source « {source} » : gardées "
                  "séparées ({reason}).", **values)
                if twin["distance_m"] is None
                else _("« {name} » (réf. {ref}) et la fiche « {other} » de la source « {source} » : gardées "
                       "séparées ({reason}, à {m} m).", **values)
            )  # fmt: skip
        st.write(md(text))
        same, other = st.columns(2)
        same.button(_("Même lieu"), key=f"imp_same_{n}", on_click=_decide, args=(w, store, member, n, True))
        other.button(
            _("Pas le même lieu"), key=f"imp_apart_{n}", on_click=_decide, args=(w, store, member, n, False)
        )


def _changes(changes: dict[str, Any]) -> None:
    st.markdown(_("**Fiches de l'annuaire qui changeraient**"))
    new, changed, removed = changes["new"], changes.get("changed_count", 0), changes.get("removed_count", 0)
    st.write(
        md(_("{new} nouvelle(s), {changed} modifiée(s), {removed} retirée(s).", new=new, changed=changed,
             removed=removed))
    )  # fmt: skip
    listing, change = _("Fiche"), _("Changement")
    rows = (
        [{listing: c["name"], change: _("nouvelle")} for c in changes["new_names"]]
        + [
            {listing: c["name"], change: _("modifiée : {fields}", fields=", ".join(c["fields"]))}
            for c in changes["changed"]
        ]
        + [{listing: c["name"], change: _("retirée")} for c in changes["removed"]]
    )
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="imp_changes")


def publish_step(w: Wizard, _store: Store, _member: StaffMember) -> None:
    if w.published:
        st.success(md(w.published))
        return
    counts = w.check["counts"] if w.check else None
    if counts is None or counts["loaded"] + counts["merged"] == 0:
        st.error(_("Refaire l'essai à blanc : il n'a donné aucune fiche publiable."))
        st.button(_("Retour à l'essai à blanc"), key="imp_back_5e", on_click=go, args=(4,))
        return
    where = sources_file()
    st.write(
        md(
            _(
                "La source « {name} » ({label}) sera enregistrée dans {file} avec sa correspondance, puis "
                "l'annuaire reconstruit : {loaded} fiche(s) chargée(s), {merged} fusionnée(s), {rejected} "
                "rejetée(s).",
                name=w.name, label=w.label or w.name, file=where.name, loaded=counts["loaded"],
                merged=counts["merged"], rejected=counts["rejected"],
            )
        )
    )  # fmt: skip
    back, forward = st.columns(2)
    back.button(_("Retour à l'essai à blanc"), key="imp_back_5", on_click=go, args=(4,))
    if not forward.button(_("Publier"), key="imp_publish", type="primary"):
        return
    bar = st.progress(0.0, text=_("Enregistrement de la source…"))
    try:
        with publication_lock(where):
            done = publish_files(where, w.name, w.label, w.suffix, w.content, mapping_text(w))
            names = source_names(where)  # the build reads them in the file's order
            outcome = run_build(
                where,
                default_db_path(),
                names,
                lambda share, text: bar.progress(share, text=progress_text(text)),
            )
            if not outcome.ok:
                done.undo()
    except (ImportFailed, ValueMappingError, OSError) as err:
        st.error(md(_("Publication refusée, l'annuaire publié n'a pas changé : {reason}", reason=err)))
        return
    if not outcome.ok:
        st.error(
            md(
                _(
                    "Publication refusée, l'annuaire publié n'a pas changé : {reason}",
                    reason=outcome.message(),
                )
            )
        )
        return
    forget_files(w)
    w.published = _(
        "Source « {name} » publiée : {n} fiche(s) du fichier sont dans l'annuaire et dans la recherche. "
        "Son prochain fichier reprendra ces correspondances.",
        name=w.name,
        n=counts["loaded"] + counts["merged"],
    )
    st.rerun()
