"""What only the build needs around the record model: file errors and the rejected table's rows.

The record itself (`Record`, `ListingFields`, `RejectRecord`, …) is in courtcircuit/record.py,
shared with the staff edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Literal


class SourceFileError(ValueError):
    """A whole source file cannot be read; the message says why in French."""


def toml_error(err: Exception) -> str:
    """Where a TOML file is wrong, in French (tomllib's own message is English)."""
    found = re.search(r"at line (\d+), column (\d+)", str(err))
    return f"erreur de syntaxe ligne {found[1]}, colonne {found[2]}" if found else "erreur de syntaxe"


Scope = Literal["record", "field", "source"]
# The published `rejected` table shows a whole-file note with this in place of a row reference.
WHOLE_FILE = "(fichier)"


@dataclass(frozen=True)
class Rejection:
    """One line of the `rejected` table: a record refused, a value dropped, or a file-wide note.

    `scope` is "record" (the row did not become a listing), "field" (a value was dropped or
    corrected on a kept record) or "source" (a note about the whole file, `record_ref` None).
    """

    source: str
    record_ref: str | None
    scope: Scope
    field: str | None
    value: str | None
    reason: str

    @classmethod
    def of_file(cls, source: str, value: str | None, reason: str) -> Rejection:
        return cls(source, None, "source", None, value, reason)

    def row(self) -> tuple[str, str, str, str | None, str | None, str]:
        """As published: a whole-file note shows WHOLE_FILE as its reference."""
        ref = WHOLE_FILE if self.record_ref is None else self.record_ref
        return (self.source, ref, self.scope, self.field, self.value, self.reason)


REJECTION_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Rejection))
