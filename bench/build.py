"""The build at scale: `python -m etl build` on generated France-wide sources of 20,000 to 1,000,000 rows.

    python -m bench.build --sizes 20000,200000,1000000

For each size, `python -m etl.demo --territory france` writes the sources (cached under --dir,
outside the repository), then a child process runs the command line's own `main` with the
stages timed (`etl.stages`) and reports its peak memory (ru_maxrss). Printed per size: wall and
CPU seconds per stage, peak memory, what the manifest says should have happened (duplicates
merged, planted bad rows rejected); between sizes, the slope (time ratio / size ratio: 1.0 is
linear, 2× the size for 4× the time shows 2.0). Last line: the figures as JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from etl.demo import generate
from etl.stages import STAGES, timed

DEFAULT_DIR = Path("/tmp/court-circuit-bench-build")
GENERATOR = 2  # bump when etl/demo/national*.py changes what it writes: cached inputs are redone
TARGETS = {200_000: (25.0, None), 1_000_000: (120.0, 4096.0)}  # rows → (seconds, MB) of issue 12


def sources_for(size: int, seed: int, root: Path) -> tuple[Path, float | None]:
    """The generated sources of that size (reused when already written); generation seconds."""
    out = root / f"in-{size}-{seed}-g{GENERATOR}"
    if (out / "expected.json").is_file() and (out / "sources.toml").is_file():
        return out, None
    started = time.perf_counter()
    generate(out, territory="france", scale=size, seed=seed)
    return out, time.perf_counter() - started


def child(sources: Path, db: Path) -> None:
    """Run in the child: the command line's build, stages timed; one JSON line on stdout."""
    from etl.__main__ import main

    started, cpu = time.perf_counter(), time.process_time()
    with timed() as times:
        code = main(["build", "--db", str(db), "--sources", str(sources), "--quiet", "--no-workspace"])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "exit": code,
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "stages": times.seconds,
        "stages_cpu": times.cpu_seconds,
        "peak_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
    }
    print(json.dumps(figures))


def run_build(sources: Path, db: Path) -> dict:
    """The build in a fresh process, so that its peak memory is its own."""
    for old in (db, db.with_name(db.name + ".wal")):
        old.unlink(missing_ok=True)
    started = time.perf_counter()
    # The per-source limits (etl/limits.py: 32 MB, 100,000 rows, 600 s) guard against hostile
    # files and refuse a 10^6-row national file; the benchmark measures the build, not the guard.
    env = os.environ | {
        "COURT_CIRCUIT_MAX_SOURCE_SECONDS": "86400",
        "COURT_CIRCUIT_MAX_SOURCE_MB": "4096",
        "COURT_CIRCUIT_MAX_UNZIPPED_MB": "4096",
        "COURT_CIRCUIT_MAX_ROWS": "10000000",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.build", "--child", str(sources / "sources.toml"), str(db)],
        capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[1], env=env,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    figures = json.loads(lines[-1]) if done.returncode == 0 and lines else {"exit": done.returncode}
    if figures["exit"] != 0:
        raise SystemExit(f"build failed ({figures['exit']}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    figures["process_wall"] = time.perf_counter() - started  # with interpreter start and imports
    figures["report"] = done.stdout.strip().splitlines()[-4:-1]
    return figures


def against_manifest(sources: Path, db: Path) -> dict[str, int]:
    """What the generator planted and what the build did with it."""
    manifest = json.loads((sources / "expected.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(db), read_only=True)
    try:
        where = {
            (s, r): i
            for s, r, i in con.execute(
                "SELECT source, source_ref, listing_id FROM listing_sources"
            ).fetchall()
        }
        rejected = set(
            con.execute("SELECT source, record_ref FROM rejected WHERE scope = 'record'").fetchall()
        )
        listings = con.execute("SELECT count(*) FROM listings").fetchone()[0]  # type: ignore[index]
        links = con.execute("SELECT count(*) FROM listing_links").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    pairs = [(tuple(a), tuple(b)) for a, b in manifest["duplicates"]]
    planted = {(b["source"], b["ref"]) for b in manifest["bad_rows"] if b["effect"] == "record"}
    rows = sum(manifest["totals"].values())
    return {
        "rows": rows, "listings": listings, "links": links,
        "published_or_rejected": len(where) + len(rejected),
        "duplicates": len(pairs), "duplicates_merged": sum(where.get(a, 1) == where.get(b, 2) for a, b in pairs),
        "bad_records": len(planted), "bad_records_rejected": len(planted & rejected),
        "other_rejected": len(rejected - planted),
    }  # fmt: skip


def slope(a: dict, b: dict, key: str = "wall") -> float:
    return (b[key] / a[key]) / (b["size"] / a["size"])


def table(results: list[dict]) -> str:
    head = f"{'rows':>9}  " + "".join(f"{s:>10}" for s in (*STAGES, "other", "total")) + f"{'peak MB':>9}"
    lines = [head, "-" * len(head)]
    for r in results:
        for label, key, total in (("wall", "stages", "wall"), ("cpu", "stages_cpu", "cpu")):
            other = r[total] - sum(r[key].values())
            cells = "".join(f"{r[key][s]:>10.1f}" for s in STAGES) + f"{other:>10.1f}{r[total]:>10.1f}"
            memory = f"{r['peak_mb']:>9.0f}" if label == "wall" else ""
            lines.append(f"{r['size']:>9,}  {cells}{memory}   {label} s")
    for a, b in itertools.pairwise(results):
        lines.append(
            f"{a['size']:,} → {b['size']:,}: slope (time ratio / size ratio) wall {slope(a, b):.2f}, "
            f"cpu {slope(a, b, 'cpu'):.2f}"
        )
    for r in results:
        seconds, megabytes = TARGETS.get(r["size"], (None, None))
        if seconds is not None:
            verdict = "met" if r["wall"] <= seconds else "NOT met"
            memo = f", peak {r['peak_mb']:.0f} MB ≤ {megabytes:.0f}" if megabytes else ""
            lines.append(
                f"target {r['size']:,} rows ≤ {seconds:.0f} s{memo}: {verdict} (wall {r['wall']:.1f} s)"
            )
        m = r["manifest"]
        lines.append(
            f"{r['size']:,}: {m['listings']:,} listings, {m['links']:,} links; duplicates merged "
            f"{m['duplicates_merged']}/{m['duplicates']}; planted bad rows rejected "
            f"{m['bad_records_rejected']}/{m['bad_records']} (+{m['other_rejected']} other); every row published "
            f"or rejected: {m['published_or_rejected'] == m['rows']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.build", description=(__doc__ or "").split("\n")[0])
    p.add_argument("--sizes", default="20000,200000,1000000", help="raw rows per run, comma-separated")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="where the inputs and databases go")
    p.add_argument("--child", nargs=2, type=Path, metavar=("SOURCES", "DB"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    load_before = os.getloadavg()
    for size in sorted(int(s) for s in args.sizes.split(",")):
        sources, generated = sources_for(size, args.seed, args.dir)
        if generated is not None:
            print(f"{size:,} rows generated in {generated:.1f} s → {sources}", flush=True)
        db = args.dir / f"build-{size}.duckdb"
        figures = run_build(sources, db) | {"size": size}
        figures["manifest"] = against_manifest(sources, db)
        results.append(figures)
        print(f"{size:,} rows built in {figures['wall']:.1f} s (cpu {figures['cpu']:.1f} s)", flush=True)
    print(table(results))
    load = (load_before, os.getloadavg())
    print(f"load average (1, 5, 15 min) before {load[0]}, after {load[1]}; {os.cpu_count()} cores")
    for r in results:
        r.pop("report", None)
    print(json.dumps({"bench": "build", "seed": args.seed, "load": load, "results": results}))


if __name__ == "__main__":
    main()
