"""The texts an area of the interface wraps for translation, and their English as the app finds
it: what an area's English tests must not see in French (shared by tests/test_i18n_*.py)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from ui.i18n import catalogue_files

REPO = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "Message": None}


def english() -> dict[str, str]:
    """French msgid → English, every catalogue of the language read as the app reads them."""
    found: dict[str, str] = {}
    for path in catalogue_files("en"):
        with path.open("rb") as handle:
            for m in read_po(handle):
                if m.id and isinstance(m.id, str) and m.string and not m.fuzzy:
                    found.setdefault(m.id, m.string)
    return found


def wrapped_in(files: tuple[str, ...]) -> set[str]:
    """The texts ``files`` (paths from the repository's root) wrap in ``_()``, ``N_()`` or ``Message()``."""
    found = set()
    for name in files:
        for _line, message, _comments, _context in extract_from_file(
            "python", REPO / name, keywords=KEYWORDS, comment_tags=()
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def area_catalogue(files: tuple[str, ...]) -> dict[str, str]:
    """French msgid → English ("" when missing) of the texts ``files`` wrap."""
    shown = english()
    return {msgid: shown.get(msgid, "") for msgid in wrapped_in(files)}
