"""Reading partners' vocabulary cells that are not written exactly, at scale.

    python -m bench.vocab_match --rows 20000

Each row has a products cell and a labels cell of three values, each value one to four words
drawn from what partners write ("Fromages de chèvre", "AOP Comté", "escargots"…), so almost
none is a code, label or synonym: the worst case for courtcircuit/vocab_match.py, whose exact
values take the plain lookup. Printed: rows, seconds, distinct values, microseconds per value.
"""

from __future__ import annotations

import argparse
import random
import time

from courtcircuit.normalise.terms import read_terms
from courtcircuit.record import Record

WORDS = (
    "Fromages de chèvre fermier Miel sapin Légumes bio saison AOP Comté Viande porc volailles Label Rouge "
    "tomme yaourts confitures escargots safran"
).split()


def cells(rows: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    value = lambda: " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))  # noqa: E731
    return [", ".join(value() for _ in range(3)) for _ in range(rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    table = cells(args.rows, args.seed)
    start = time.perf_counter()
    for i, cell in enumerate(table):
        rec = Record(source="bench", ref=str(i), kind="producteur", name="Ferme")
        read_terms(rec, "products", cell)
        read_terms(rec, "labels", cell)
    seconds = time.perf_counter() - start
    distinct = len({v.strip() for cell in table for v in cell.split(",")})
    print(
        f"{args.rows} lignes, 2 cellules : {seconds:.2f} s ; {distinct} valeurs distinctes ; "
        f"{seconds / (args.rows * 6) * 1e6:.0f} µs par valeur"
    )


if __name__ == "__main__":
    main()
