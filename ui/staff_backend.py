"""Where the staff pages meet the edit engine (``courtcircuit.edits``): checking an edit with
the ETL's own normalisation steps, a new listing's id, and publishing saved edits into the
directory file. The pages call these functions only: one place to wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from courtcircuit import edits
from courtcircuit.db import default_db_path
from courtcircuit.workspace.store import Store
from ui.chrome import communes, cursor
from ui.i18n import _


@dataclass
class Check:
    values: dict[str, Any]  # the fields the edit decides, clean, as the store keeps them
    errors: dict[str, str] = field(default_factory=dict)  # field -> French message (shown with said())
    week: list[str] = field(default_factory=list)  # the hours as the week they mean


@dataclass(frozen=True)
class Published:
    ok: bool
    message: str = ""  # why not, in the reader's language, when not ok


def check(current: dict[str, Any], changes: dict[str, Any]) -> Check:
    """``changes`` (field -> typed value) checked against the listing's ``current`` values
    (empty for a new listing)."""
    result = edits.validate_edit(current, changes, communes(), cursor())
    return Check(dict(result.values), dict(result.errors), list(result.week))


def new_listing_id(store: Store) -> str:
    return edits.new_listing_id(store)


def publish(store: Store) -> Published:
    """Apply every saved edit to the directory file (swapped in within seconds)."""
    try:
        edits.publish_edits(default_db_path(), store)
    except Exception as exc:  # the edit is saved; a later publication or build applies it
        return Published(
            False,
            _(
                "enregistrée, mais l'annuaire n'a pas pu être mis à jour tout de suite ({error}) ; "
                "elle y sera à la prochaine publication ou construction",
                error=type(exc).__name__,
            ),
        )
    return Published(True)
