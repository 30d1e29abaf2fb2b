"""The command line: `python -m etl.demo --out DIR --territory livradois|france --scale N --seed S`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import etl.demo
from courtcircuit.communes import CommuneIndex
from etl.demo.model import Manifest
from etl.demo.national import france
from etl.demo.rows import livradois
from etl.demo.writers import write_tables


def generate(out: Path, *, territory: str, scale: int = 1, seed: int = 42) -> Manifest:
    """Write a sources directory (files, mappings, sources.toml, expected.json); return its manifest."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    builders = {"livradois": livradois, "france": france}
    if territory not in builders:
        raise ValueError(f"unknown territory {territory!r} (livradois or france)")
    manifest = Manifest(territory, seed, scale)
    tables = builders[territory](CommuneIndex.load(), manifest, scale, seed)
    write_tables(Path(out), tables, manifest)
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m etl.demo", description=(etl.demo.__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="directory to write (created if needed)")
    parser.add_argument(
        "--scale", type=int, default=1, help="livradois: multiplier; france: number of listings"
    )
    parser.add_argument("--seed", type=int, default=42, help="same seed, same bytes")
    parser.add_argument("--territory", choices=("livradois", "france"), default="livradois")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.out, territory=args.territory, scale=args.scale, seed=args.seed)
    for name, info in manifest.sources.items():
        print(f"{name:22} {info['rows']:>9}  {info['file']}  {info['kinds']}")
    print(
        f"{sum(manifest.totals.values())} rows, {len(manifest.duplicates)} duplicate pairs, {len(manifest.apart)} "
        f"apart pairs, {len(manifest.bad_rows)} bad rows in {time.perf_counter() - started:.1f} s → {args.out}"
    )
