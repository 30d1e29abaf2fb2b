"""Server time to turn a search map into what st_folium sends, with our elements' verbatim output
(ui.map_elements.DataElement) against branca's own render, timed in turns in the same run.

    python -m bench.map_render [--sizes 1000 20000] [--repeats 15] [--seed 7]

A map is built as the search page builds it (ui.mapview.listings_map over N listings with
generated names, communes and outlines left out), then rendered as streamlit_folium.st_folium
does on every rerun: the figure once, the map again, its html and header, and the Leaflet script
(streamlit_folium.generate_leaflet_string). « branca » puts back MacroElement.render on our
elements for its turns: each macro's output is compiled as a Jinja template and rendered again.
Printed: median and p95 per size and method, the ratio of the medians; then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
from branca.element import MacroElement
from streamlit_folium import generate_leaflet_string

from bench.serving import load_average, percentile
from ui import map_elements
from ui.mapview import listings_map

KINDS = ("producteur", "marche", "magasin_producteurs", "amap", "epicerie", "distributeur")
WORDS = ("Ferme", "GAEC", "La Chèvrerie", "Le Panier", "Les Vergers", "Marché", "Rucher", "Moulin")
PLACES = ("d'Ambert", "du Bord", "des Combes", "de Marsac", "de la Dore", "du Forez", "de Job")


def points(n: int, seed: int) -> pd.DataFrame:
    """``n`` listings around Ambert with names like the directory's."""
    draw = random.Random(seed)
    return pd.DataFrame(
        {
            "id": [f"cc-{i:012x}" for i in range(n)],
            "name": [f"{draw.choice(WORDS)} {draw.choice(PLACES)} {i}" for i in range(n)],
            "kind": [draw.choice(KINDS) for _ in range(n)],
            "lat": [45.55 + draw.uniform(-0.6, 0.6) for _ in range(n)],
            "lon": [3.74 + draw.uniform(-0.8, 0.8) for _ in range(n)],
        }
    )


def as_st_folium(rows: pd.DataFrame) -> int:
    """Build the map and render it as st_folium does; the size of what would be sent."""
    m = listings_map(rows, center=(45.55, 3.74), radius_km=50)
    m.get_root().render()
    m.render()
    html = m.get_root().html.render()
    header = m.get_root().header.render()
    return len(html) + len(header) + len(generate_leaflet_string(m))


@contextmanager
def branca_render() -> Iterator[None]:
    """Our elements rendered by branca's MacroElement.render (the second, template, pass)."""
    ours = map_elements.DataElement.render
    map_elements.DataElement.render = MacroElement.render
    try:
        yield
    finally:
        map_elements.DataElement.render = ours


@contextmanager
def verbatim_render() -> Iterator[None]:
    yield


METHODS: dict[str, Callable[[], object]] = {"verbatim": verbatim_render, "branca": branca_render}


def measure(sizes: list[int], repeats: int, seed: int) -> dict[str, dict[str, list[float]]]:
    timings: dict[str, dict[str, list[float]]] = {}
    for n in sizes:
        rows = points(n, seed)
        sent = {}
        times: dict[str, list[float]] = {name: [] for name in METHODS}
        for method, context in METHODS.items():  # one untimed turn each: imports, caches
            with context():
                sent[method] = as_st_folium(rows)
        if len(set(sent.values())) != 1:
            raise SystemExit(f"the methods send different maps at {n}: {sent}")
        for _ in range(repeats):
            for method, context in METHODS.items():  # in turns: a change of load weighs on both
                with context():
                    started = time.perf_counter()
                    as_st_folium(rows)
                    times[method].append(time.perf_counter() - started)
        timings[str(n)] = times
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 20_000])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load_before = load_average()
    timings = measure(args.sizes, args.repeats, args.seed)
    print(f"{platform.node()} · {os.cpu_count()} cœurs · charge {load_before} → {load_average()}")
    print(f"{'listings':>9} {'méthode':<9} {'médiane ms':>11} {'p95 ms':>8}")
    summary: dict[str, dict[str, float]] = {}
    for n, times in timings.items():
        for method, values in times.items():
            median, high = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
            summary[f"{method}_{n}"] = {"median_ms": round(median, 1), "p95_ms": round(high, 1)}
            print(f"{n:>9} {method:<9} {median:>11.1f} {high:>8.1f}")
        ratio = statistics.median(times["verbatim"]) / statistics.median(times["branca"])
        summary[f"ratio_{n}"] = {"verbatim_over_branca": round(ratio, 2)}
        print(f"{n:>9} verbatim / branca (médianes) : {ratio:.2f}")
    print(json.dumps({"bench": "map_render", "load": load_before, "repeats": args.repeats, **summary}))


if __name__ == "__main__":
    main()
