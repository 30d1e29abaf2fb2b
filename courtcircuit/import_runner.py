"""Running the import wizard's commands: `python -m etl read-table`, `check-source` and `build`
in a child process (the domain and UI layers do not import the ETL; the command line is equal to
the wizard). No shell, arguments as a list, a time limit; every failure is a French message.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courtcircuit.db import REPO_ROOT

READ_SECONDS, CHECK_SECONDS, BUILD_SECONDS = 120, 900, 1800
# `python -m etl build` ends with these codes (etl/__main__.py).
BUILD_EXITS = {
    1: "rien n'a été publié (fichier des sources, contrôles des données ou autre construction en cours)",
    2: "une source n'a donné aucune fiche utilisable",
    3: "publiée sans une source en échec",
    4: "publiée avec les fichiers précédents d'une source en ligne",
    70: "erreur inattendue",
    130: "construction interrompue",
}


class ImportFailed(RuntimeError):
    """A command of the import refused or failed; the message is for staff, in French."""


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "etl", *args]


def etl_json(args: list[str], timeout: float) -> dict[str, Any]:
    """The JSON answer of `python -m etl ARGS --json`; ImportFailed with its French error."""
    try:
        done = subprocess.run(
            _command(*args, "--json"), cwd=REPO_ROOT, capture_output=True, text=True,
            timeout=timeout, check=False, env=os.environ.copy(),
        )  # fmt: skip
    except subprocess.TimeoutExpired as err:
        raise ImportFailed(
            f"la vérification a dépassé {timeout:.0f} s et a été arrêtée : fichier trop gros ou serveur "
            "surchargé ; réessayer plus tard"
        ) from err
    except OSError as err:
        raise ImportFailed(f"la commande d'import n'a pas pu être lancée ({err.strerror})") from err
    try:
        answer = json.loads(done.stdout)
    except json.JSONDecodeError as err:
        last = (done.stderr.strip().splitlines() or ["sans message"])[-1]
        raise ImportFailed(f"réponse illisible de la commande d'import ({last[:300]})") from err
    if not isinstance(answer, dict):
        raise ImportFailed("réponse inattendue de la commande d'import")
    if answer.get("error"):
        raise ImportFailed(str(answer["error"]))
    return answer


def read_table(path: Path, sheet: str | None = None) -> dict[str, Any]:
    """Headers and rows of a CSV or XLSX, read by the build's own readers."""
    args = ["read-table", str(path)] + (["--sheet", sheet] if sheet else [])
    return etl_json(args, READ_SECONDS)


def check_source(sources: Path, candidate: Path, db: Path) -> dict[str, Any]:
    """A dry run of the candidate source with the published ones (nothing published)."""
    args = ["check-source", "--sources", str(sources), "--candidate", str(candidate), "--db", str(db)]
    return etl_json(args, CHECK_SECONDS)


@dataclass
class BuildOutcome:
    code: int
    output: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    def message(self) -> str:
        """Why the build did not publish, in French: the command's own lines first."""
        lines = [line for line in self.output.splitlines() if line.strip() and "fiches/s" not in line]
        said = [line for line in lines if "échec" in line.lower() or "source «" in line or "refus" in line]
        why = BUILD_EXITS.get(self.code, f"code de sortie {self.code}")
        return f"{why}. " + " ".join((said or lines[-3:])[:6])


_PROGRESS = re.compile(r"^([\w.-]+): +(\d+) fiches")


def run_build(
    sources: Path, db: Path, names: list[str], on_progress: Callable[[float, str], None] | None = None
) -> BuildOutcome:
    """`python -m etl build --sources SOURCES --db DB`, its progress reported as it goes: each
    source read (the build's progress lines name them, `names` in order: a line ending with a
    newline is a source read whole), then the merging and writing."""
    say = on_progress or (lambda _share, _text: None)
    try:
        proc = subprocess.Popen(
            _command("build", "--sources", str(sources), "--db", str(db), "--no-wait"),
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy(),
        )  # fmt: skip
    except OSError as err:
        raise ImportFailed(f"la construction n'a pas pu être lancée ({err.strerror})") from err
    assert proc.stdout is not None
    output: list[str] = []
    buffer = b""
    steps = max(len(names), 1) + 1
    share = 0.0
    say(share, "Lecture des sources…")
    while chunk := proc.stdout.read1(4096):
        buffer += chunk
        *parts, buffer = re.split(rb"(\r|\n)", buffer)
        for part, end in zip(parts[::2], parts[1::2], strict=True):
            line = part.decode("utf-8", errors="replace")
            output.append(line)
            found = _PROGRESS.match(line.strip())
            if not found or found.group(1) not in names:
                continue
            n = names.index(found.group(1)) + (1 if end == b"\n" else 0)
            if n / steps > share:
                share = n / steps
                text = (
                    "Fusion des doublons et écriture de la base…"
                    if n == len(names)
                    else f"Lecture de la source « {names[n]} »"
                )
                say(share, text)
    output.append(buffer.decode("utf-8", errors="replace"))
    try:
        code = proc.wait(timeout=BUILD_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = 70
    if code == 0:
        say(1.0, "Base publiée")
    return BuildOutcome(code, "\n".join(line for line in output if line.strip()))
