"""Start the app server with the interface's modules and the commune index already loaded.

``streamlit run app.py`` imports nothing before the first visitor: that visitor's run pays for
importing pandas, folium, SQLAlchemy and every module of ours, and for reading the commune index
(py-spy on a cold start: about two thirds of the first run). This launcher does that work first,
in the same process, then starts Streamlit exactly as ``streamlit run`` would: the first run finds
the modules in ``sys.modules`` and the index in the resource cache. What is loaded is then
frozen out of the cycle collector's walks (see :func:`main`).

    python -m ui.serve [streamlit options, e.g. --server.port 8501]

A module that fails to import is reported and skipped: its page shows its own error when opened,
and the rest of the site still starts.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "app.py"
# Only the interface's modules: they import the domain modules the pages use.
WARMED_PACKAGES = ("ui",)
NOT_WARMED = frozenset({"ui.serve"})


def interface_modules() -> list[str]:
    """Every module of the interface's packages, by name."""
    names: list[str] = []
    for package in WARMED_PACKAGES:
        folder = REPO / package
        names += [
            f"{package}.{info.name}"
            for info in pkgutil.iter_modules([str(folder)])
            if f"{package}.{info.name}" not in NOT_WARMED
        ]
    return sorted(names)


def warm() -> list[str]:
    """Import the interface's modules and load the commune index. Returns the problems met
    (one line each); an empty list when everything is loaded."""
    problems: list[str] = []
    # Outside a run Streamlit warns for every st.cache_data decorator met ("No runtime found",
    # a check of its settings: the caches are made at their first call, in a run) and every
    # st.* call ("missing ScriptRunContext"): expected here, so not printed.
    from streamlit import config
    from streamlit.logger import set_log_level

    config.get_config_options()  # parsing the settings sets the level: parse them first
    set_log_level("error")
    try:
        _import_all(problems)
        try:
            from ui.chrome import communes

            communes()  # a resource cache: the same one the first run reads
        except Exception as exc:
            problems.append(f"index des communes : {type(exc).__name__} : {exc}")
    finally:
        set_log_level(config.get_option("logger.level"))
    return problems


def _import_all(problems: list[str]) -> None:
    for name in interface_modules():
        try:
            importlib.import_module(name)
        except Exception as exc:  # any failure is the page's to show, when opened
            problems.append(f"{name} : {type(exc).__name__} : {exc}")


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    for problem in warm():
        print(f"Préchargement incomplet — {problem}", file=sys.stderr)
    # What is loaded now lives as long as the server: frozen, the cycle collector never walks
    # it again (Python's own collections, and Streamlit's after-run one if it is switched back
    # on in .streamlit/config.toml, where the measures are).
    gc.freeze()
    print(f"Préchargé en {time.perf_counter() - started:.1f} s", file=sys.stderr)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
