"""The administrator's commands for the staff workspace (``python -m courtcircuit.staff``).

    python -m courtcircuit.staff add-user EMAIL --role editor --territory 63,42 [--communes FICHIER] [--name NOM]
    python -m courtcircuit.staff list-users
    python -m courtcircuit.staff unlock EMAIL
    python -m courtcircuit.staff disable-user EMAIL   (enable-user EMAIL to reopen)
    python -m courtcircuit.staff backup FICHIER.json
    python -m courtcircuit.staff restore FICHIER.json [--replace]
    python -m courtcircuit.staff hash          (the old shared password's hash, for COURT_CIRCUIT_STAFF_PASSWORD_HASH)

Passwords are read from a prompt (twice) on a terminal, or from standard input otherwise (one
line), never from the command line, where other users of the machine would see them.

A backup is a JSON file with every row of every table of the store, read through SQLAlchemy,
so the same file restores into SQLite or PostgreSQL.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import DateTime, LargeBinary, func, select, text

from courtcircuit.communes import CommuneIndex
from courtcircuit.staff import hash_password
from courtcircuit.throttle import Throttle
from courtcircuit.workspace import accounts
from courtcircuit.workspace.accounts import AccountError, Territory
from courtcircuit.workspace.models import Base
from courtcircuit.workspace.store import Store, StoreUnavailable

BACKUP_FORMAT = "court-circuit-workspace"
BACKUP_VERSION = 1


class CommandError(RuntimeError):
    """A refused command; the message is in French."""


# ------------------------------------------------------------------ passwords


def read_password(stdin: TextIO, prompt: Callable[[str], str] = getpass.getpass) -> str:
    """Twice at a prompt on a terminal; one line of standard input otherwise (scripts, tests)."""
    if stdin.isatty():
        first = prompt("Mot de passe : ")
        if first != prompt("Encore une fois : "):
            raise CommandError("les deux saisies diffèrent")
        return first
    line = stdin.readline()
    if not line:
        raise CommandError("aucun mot de passe sur l'entrée standard")
    return line.rstrip("\r\n")


# ------------------------------------------------------------------ backup and restore


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):  # SQLite hands back naive UTC times, PostgreSQL aware ones
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return {"$datetime": aware.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    return value


def _decode(value: Any, column_type: Any) -> Any:
    if isinstance(value, dict) and "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if isinstance(value, dict) and "$bytes" in value:
        return base64.b64decode(value["$bytes"])
    if isinstance(column_type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(column_type, LargeBinary) and isinstance(value, str):
        return base64.b64decode(value)
    return value


def backup(store: Store, path: Path) -> dict[str, int]:
    """Write every row of every table to ``path`` (JSON); returns the row count per table."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with store.engine.connect() as con:
        for table in Base.metadata.sorted_tables:
            rows = con.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    payload = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "written_at": datetime.now(UTC).isoformat(),
        "tables": tables,
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)  # a backup interrupted halfway never replaces the previous one
    return {name: len(rows) for name, rows in tables.items()}


def restore(store: Store, path: Path, replace: bool = False) -> dict[str, int]:
    """Load a backup into the store, in one transaction. The store must be empty unless
    ``replace``, which first deletes every row it holds."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path} n'est pas lisible ({type(exc).__name__})") from exc
    if not isinstance(payload, dict) or payload.get("format") != BACKUP_FORMAT:
        raise CommandError(f"{path} n'est pas une sauvegarde de l'espace équipe")
    tables = payload.get("tables") or {}
    known = {t.name for t in Base.metadata.sorted_tables}
    if unknown := set(tables) - known:
        raise CommandError(f"tables inconnues dans la sauvegarde : {', '.join(sorted(unknown))}")
    counts: dict[str, int] = {}
    with store.engine.begin() as con:
        held = sum(con.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables)
        if held and not replace:
            raise CommandError(
                f"la base de travail contient déjà {held} ligne(s) : ajoutez --replace pour la remplacer"
            )
        for table in reversed(Base.metadata.sorted_tables):
            con.execute(table.delete())
        for table in Base.metadata.sorted_tables:
            rows = [
                {k: _decode(v, table.c[k].type) for k, v in row.items() if k in table.c}
                for row in tables.get(table.name, [])
            ]
            if rows:
                con.execute(table.insert(), rows)
            counts[table.name] = len(rows)
            if con.dialect.name == "postgresql" and "id" in table.c:
                # Rows came with their ids: the next insert must not reuse one.
                highest = con.scalar(select(func.max(table.c.id))) or 0
                con.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, false)"),
                    {"t": table.name, "v": highest + 1},
                )
    return counts


# ------------------------------------------------------------------ the commands


def _add_user(store: Store, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> None:
    if args.communes:
        territory = Territory.from_file(Path(args.communes), args.name or "")
        if args.territory:
            extra = Territory.parse(args.territory, communes=CommuneIndex.load())
            territory = Territory(tuple(dict.fromkeys(territory.codes + extra.codes)), territory.name)
    else:
        territory = Territory.parse(args.territory or "", args.name or "", communes=CommuneIndex.load())
    if args.role == "editor" and not territory.codes:
        raise CommandError("un éditeur a un territoire : --territory 63,42 ou --communes FICHIER")
    password = read_password(stdin)
    member = accounts.add_account(store, args.email, args.role, password, territory)
    where = f", territoire {member.territory.describe()}" if member.territory.codes else ""
    print(f"Compte créé : {member.email} ({accounts.ROLES[member.role]}{where}).", file=out)


def _list_users(store: Store, out: TextIO) -> None:
    people = accounts.members(store)
    if not people:
        print("Aucun compte. Créez le premier administrateur avec add-user EMAIL --role admin.", file=out)
    for member in people:
        where = member.territory.describe() if member.territory.codes else "partout"
        print(f"{member.email}\t{accounts.ROLES[member.role]}\t{where}", file=out)


def _unlock(store: Store, email: str, out: TextIO) -> None:
    email = email.strip().lower()
    accounts.unlock(store, Throttle(), "ligne de commande", email)
    print(f"Connexion débloquée pour {email}.", file=out)


def _hash(stdin: TextIO, out: TextIO) -> None:
    try:
        print(hash_password(read_password(stdin)), file=out)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m courtcircuit.staff", description="Comptes et sauvegarde de l'espace équipe."
    )
    sub = p.add_subparsers(dest="command")
    add = sub.add_parser("add-user", help="créer un compte (mot de passe demandé deux fois)")
    add.add_argument("email")
    add.add_argument("--role", choices=sorted(accounts.ROLES), required=True)
    add.add_argument(
        "--territory",
        default="",
        help="départements, communes (INSEE) ou EPCI (SIREN) : 63,42 ou 63003 ou 200070761",
    )
    add.add_argument("--communes", help="fichier des communes (une par ligne, ou CSV) : la charte d'un Parc")
    add.add_argument("--name", default="", help="nom du territoire, ex. « PNR Livradois-Forez »")
    sub.add_parser("list-users", help="lister les comptes")
    unlock = sub.add_parser("unlock", help="lever le blocage de connexion d'un compte")
    unlock.add_argument("email")
    disable = sub.add_parser("disable-user", help="fermer un compte (une personne qui quitte l'équipe)")
    disable.add_argument("email")
    enable = sub.add_parser("enable-user", help="rouvrir un compte fermé")
    enable.add_argument("email")
    save = sub.add_parser("backup", help="sauvegarder toute la base de travail dans un fichier JSON")
    save.add_argument("file")
    load = sub.add_parser("restore", help="recharger une sauvegarde")
    load.add_argument("file")
    load.add_argument("--replace", action="store_true", help="effacer d'abord ce que contient la base")
    sub.add_parser("hash", help="empreinte d'un mot de passe (ancien mot de passe partagé)")
    return p


def main(
    argv: list[str] | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    store: Callable[[], Store] = Store,
) -> int:
    stdin, out = stdin or sys.stdin, out or sys.stdout
    args = parser().parse_args(argv)
    try:
        if args.command in (None, "hash"):  # no command: the old hash tool, as before accounts
            _hash(stdin, out)
        elif args.command == "add-user":
            _add_user(store(), args, stdin, out)
        elif args.command == "list-users":
            _list_users(store(), out)
        elif args.command == "unlock":
            _unlock(store(), args.email, out)
        elif args.command in ("disable-user", "enable-user"):
            closing = args.command == "disable-user"
            accounts.set_disabled(store(), args.email, closing, "ligne de commande")
            print(f"Compte {'fermé' if closing else 'rouvert'} : {args.email.strip().lower()}.", file=out)
        elif args.command == "backup":
            counts = backup(store(), Path(args.file))
            print(f"Sauvegarde écrite dans {args.file} : {_counts(counts)}.", file=out)
        elif args.command == "restore":
            counts = restore(store(), Path(args.file), replace=args.replace)
            print(f"Sauvegarde rechargée depuis {args.file} : {_counts(counts)}.", file=out)
    except (CommandError, AccountError, StoreUnavailable, OSError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items())
