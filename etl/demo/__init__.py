"""Source files in the formats of docs/FORMATS.md, for the demo and for benchmarks, with their manifest.

    python -m etl.demo --out data/samples --territory livradois --seed 42   # the committed demo
    python -m etl.demo --out /tmp/bench --territory france --scale 1000000  # benchmark input

`livradois`: ~500 FICTIONAL listings (invented names and people, phones of the 04 65 71 block
ARCEP keeps for fiction) in real communes around Ambert, plus the real initiatives of
shared/DOMAIN.md (`demo = false`); duplicates across sources, near-but-different places and
bad rows are planted on purpose (`--scale` 1 or 2; the names run out beyond).  `france`: `scale`
listings over metropolitan communes, for benchmarks.

`expected.json` (`Manifest`) is what the build's tests check against: `sources` (file, format,
encoding, rows, kinds), `totals`, `duplicate_groups` / `duplicates` ([source, ref] of rows that
describe one place), `apart` (pairs that must stay two listings; why: distance, kind, operator),
`bad_rows` (reason family; effect "record" = rejected, "field" = one value dropped or corrected;
planted, or true but odd), `notes` (good rows the build still annotates) and `links` (producer →
outlet named in a row).
Refs are the `ref` column of tables, "node/<id>" or "way/<id>" in OSM.

Modules: `names` (the word lists of the fiction), `territory` (the Livradois-Forez places),
`listings` (which source lists which place, duplicates and bad rows planted), `rows` (the row
each source writes, and the manifest), `national` (France at scale), `model` (`Table`,
`Manifest`), `writers` (the files), `cli` (`generate`, the command line).
"""

from __future__ import annotations

from etl.demo.cli import generate, main
from etl.demo.model import Manifest, Table

__all__ = ["Manifest", "Table", "generate", "main"]
