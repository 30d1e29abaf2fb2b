"""`python -m courtcircuit.print TERRITORY --out FILE.pdf`: the printed directory of a territory.

TERRITORY is read as the staff accounts read it: départements (63), communes (63003), EPCI
(SIREN), separated by commas or spaces; --communes FILE takes a Parc's list of communes instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import DatabaseMissing, connect, default_db_path
from courtcircuit.print import PrintChoice, directory_pdf
from courtcircuit.print.data import GROUPS
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, Vocabulary
from courtcircuit.workspace.accounts import AccountError, Territory


def _codes(text: str, vocab: Vocabulary, what: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in text.split(",") if c.strip())
    unknown = [c for c in codes if c not in vocab]
    if unknown:
        raise SystemExit(
            f"{what} inconnu(s) : {', '.join(unknown)} (codes possibles : {', '.join(vocab.codes())})"
        )
    return codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m courtcircuit.print", description="Annuaire imprimable (PDF)"
    )
    parser.add_argument(
        "territory", nargs="?", default="", help="départements, communes ou EPCI : « 63 » « 63003,63004 »"
    )
    parser.add_argument("--communes", type=Path, help="liste de communes d'un Parc (un code INSEE par ligne)")
    parser.add_argument("--name", default="", help="nom du territoire sur la couverture")
    parser.add_argument("--out", type=Path, required=True, help="fichier PDF à écrire")
    parser.add_argument("--db", type=Path, default=None, help="base de l'annuaire (COURT_CIRCUIT_DB)")
    parser.add_argument(
        "--kinds", default="", help=f"types, séparés par des virgules ({', '.join(KINDS.codes())})"
    )
    parser.add_argument("--channels", default="", help="modes de vente (codes)")
    parser.add_argument("--labels", default="", help="labels (codes)")
    parser.add_argument("--group-by", choices=tuple(GROUPS), default="commune")
    args = parser.parse_args(argv)
    index = CommuneIndex.load()
    try:
        if args.communes:
            territory = Territory.from_file(args.communes, args.name)
        elif args.territory.strip():
            territory = Territory.parse(args.territory, args.name, index)
        else:
            parser.error("indiquez un territoire (ex. 63) ou --communes FICHIER")
    except AccountError as err:
        print(f"Territoire refusé : {err}", file=sys.stderr)
        return 2
    choice = PrintChoice(
        _codes(args.kinds, KINDS, "type"), _codes(args.channels, CHANNELS, "mode de vente"),
        _codes(args.labels, LABELS, "label"), args.group_by,
    )  # fmt: skip
    started = time.perf_counter()
    try:
        con = connect(args.db or default_db_path())
    except DatabaseMissing as err:
        print(err, file=sys.stderr)
        return 2
    try:
        pdf = directory_pdf(con, territory, choice, index=index)
    finally:
        con.close()
    args.out.write_bytes(pdf)
    print(f"{args.out} écrit ({len(pdf) // 1024} Ko) en {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
