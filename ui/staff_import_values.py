"""Step 3 of the import wizard (ui/staff_import.py): each distinct value of the products, labels,
channels and kind columns that the vocabularies do not know as written, with its suggested
term. Staff confirm or choose; the choices go to the mapping's `[values.*]`, remembered for the
partner's next file. An empty choice means the value names nothing of the vocabulary (it stays
in the description)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from courtcircuit.value_mapping import (
    VALUE_FIELDS,
    ValueMappingError,
    ValueToMap,
    parse_value_mapping,
    values_to_map,
)
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store
from ui.i18n import _, term
from ui.staff_import import Wizard, field_label, go
from ui.text import md

SHOWN = 60  # values asked about per field; the most frequent first


def pending(w: Wizard) -> list[ValueToMap]:
    """The values left to a person, given the partner's choices before this file (those made
    for this file are asked again, with the answer given, when a person comes back to them)."""
    try:
        choices = parse_value_mapping({"values": w.saved})
    except ValueMappingError:
        choices = parse_value_mapping({})
    found: list[ValueToMap] = []
    for name in VALUE_FIELDS:
        header = w.columns.get(name)
        if header is None:
            continue
        every = values_to_map(name, (row.get(header) for row in w.rows), choices)
        if len(every) > SHOWN:
            st.caption(
                md(_("{field} : les {shown} valeurs les plus fréquentes sur {n} ; les autres seront lues sur "
                     "leurs mots, avec une note (ou choisies au prochain import).",
                     field=field_label(name), shown=SHOWN, n=len(every)))
            )  # fmt: skip
        found += every[:SHOWN]
    return found


def _labels(name: str, codes: object) -> str:
    chosen = [codes] if isinstance(codes, str) else list(codes) if isinstance(codes, list) else []
    vocabulary = VALUE_FIELDS[name]
    return ", ".join(term(vocabulary, str(c)) for c in chosen) or _("(aucun)")


def _key(value: ValueToMap) -> str:
    return f"imp_val_{value.field}_{value.value}"


def values_step(w: Wizard, _store: Store, _member: StaffMember) -> None:
    asked = pending(w)
    remembered = [
        {_("Champ"): field_label(name), _("Valeur du fichier"): raw, _("Terme retenu"): _labels(name, codes)}
        for name, table in w.saved.items()
        for raw, codes in table.items()
    ]
    if remembered:
        with st.expander(
            _("{n} correspondance(s) de valeurs déjà retenue(s) pour ce partenaire", n=len(remembered))
        ):
            st.dataframe(pd.DataFrame(remembered), hide_index=True, key="imp_remembered")
    if not asked:
        st.success(_("Toutes les valeurs du fichier sont comprises par les vocabulaires de l'annuaire."))
    else:
        st.write(
            md(
                _(
                    "{n} valeur(s) du fichier ne sont pas connues telles quelles. Confirmer ou choisir le "
                    "terme de l'annuaire ; laisser vide si la valeur ne correspond à aucun terme (elle reste "
                    "dans la description).",
                    n=len(asked),
                )
            )
        )
    for value in asked:
        vocabulary = VALUE_FIELDS[value.field]
        label = md(
            _(
                "{field} : « {value} » ({n} ligne(s))",
                field=field_label(value.field),
                value=value.value,
                n=value.count,
            )
        )
        codes = vocabulary.codes()
        if _key(value) not in st.session_state:
            given = w.values.get(value.field, {}).get(value.value)  # back from a later step
            st.session_state[_key(value)] = (
                given
                if given is not None
                else (value.suggestion[0] if value.suggestion else None)
                if value.field == "kind"
                else list(value.suggestion)
            )
        if value.field == "kind":
            st.selectbox(
                label,
                codes,
                key=_key(value),
                format_func=lambda c, v=vocabulary: term(v, c),
                placeholder=_("Choisir un type de lieu"),
            )
        else:
            st.multiselect(
                label, codes, key=_key(value), format_func=lambda c, v=vocabulary: term(v, c),
                placeholder=_("Aucun terme : la valeur reste dans la description"),
            )  # fmt: skip
    back, forward = st.columns(2)
    back.button(_("Retour"), key="imp_back_2", on_click=go, args=(1,))
    if forward.button(_("Valider les valeurs"), key="imp_values_ok", type="primary"):
        for value in asked:
            chosen = st.session_state.get(_key(value))
            if value.field == "kind" and not chosen:
                st.error(md(_("Choisir un type de lieu pour « {value} ».", value=value.value)))
                return
            w.values.setdefault(value.field, {})[value.value] = (
                chosen if value.field == "kind" else list(chosen)
            )
        w.check = None
        go(3)
        st.rerun()
