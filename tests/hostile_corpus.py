"""The hostile source files corpus (issue 8): each file, what it holds, and what the build must do.

Small files are committed in `tests/fixtures/hostile/`; big or binary ones (50 MB lines, a zip
bomb, 10,000 columns) are written by a generator into the case's folder at run time.

Each case runs `python -m etl build` (its `main`, in this process) over a copy of a previous
database, with a sources file declaring a sound source (`temoin`, 3 markets) and the hostile
one, or with the hostile file as the sources file itself. The outcome says: exit code, the
French message, rows read / rejected / lost, and whether the previous database stayed whole.

`python -m tests.hostile_corpus --write` runs every case and rewrites the outcome table in
docs/SECURITY.md (section 2), which `tests/test_hostile.py` compares row by row.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from courtcircuit.db import connect
from etl.__main__ import main

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SECURITY_DOC = Path(__file__).resolve().parents[1] / "docs" / "SECURITY.md"
TABLE_START, TABLE_END = "<!-- hostile-table:start -->", "<!-- hostile-table:end -->"
HOSTILE_SOURCE = "hostile"
WITNESS_ROWS = 3  # markets in temoin.csv, which must be published whole whenever a build publishes


# --- generated files ----------------------------------------------------------------------
GOOD_ELEMENT = b'{"type":"node","id":9001,"lat":45.6,"lon":3.7,"tags":{"shop":"farm","name":"Ferme OSM"}}'
MARKETS_HEADER = "ref;nom;adresse;code_postal;commune;latitude;longitude;jours;saison;type;producteurs\n"
FIFTY_MB = 50 * 1024 * 1024


def _osm_nested(path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    path.write_text('{"elements": [{"type": "node", "id": 1, "lat": 45.6, "lon": 3.7, '
                    f'"tags": {{"shop": "farm", "name": "Profonde", "x": {deep}}}}}]}}')  # fmt: skip


def _osm_fifty_mb_line(path: Path) -> None:
    count = FIFTY_MB // len(GOOD_ELEMENT) + 1
    elements = b",".join(GOOD_ELEMENT.replace(b"9001", str(i).encode()) for i in range(count))
    path.write_bytes(b'{"elements":[' + elements + b"]}")


def _osm_many_elements(path: Path) -> None:
    elements = [
        {
            "type": "node",
            "id": i,
            "lat": 45.5 + i / 1e5,
            "lon": 3.7,
            "tags": {"shop": "farm", "name": f"F{i}"},
        }
        for i in range(20_000)
    ]
    path.write_text(json.dumps({"elements": elements}))


def _csv_10000_columns(path: Path) -> None:
    extra = ";".join(f"c{i}" for i in range(10_000))
    path.write_text(f"ref;nom;commune;jours;{extra}\nK1;Marché de Cunlhat;Cunlhat;jeudi matin;\n")


def _csv_one_mb_cell(path: Path) -> None:
    path.write_text(
        MARKETS_HEADER
        + "B1;Marché de Cunlhat;;63590;Cunlhat;;;jeudi matin;;;\n"
        + f"B2;Marché d'Olliergues;;63880;Olliergues;;;mardi matin;;{'x' * 1_000_000};\n"
        + "B3;Marché de Viverols;;63840;Viverols;;;samedi matin;;;\n"
    )


def _csv_fifty_mb_line(path: Path) -> None:
    with path.open("w") as fh:
        fh.write(MARKETS_HEADER + "G1;Marché géant;;63590;Cunlhat;;;jeudi matin;;")
        chunk = "x" * 1024 * 1024
        for _ in range(50):
            fh.write(chunk)
        fh.write(";\n")


def _workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Commune"])
    communes = ["Cunlhat", "Olliergues", "Viverols", "Ambert", "Arlanc"]
    for i in range(rows):
        sheet.append([f"Ferme n° {i + 1}", communes[i % len(communes)]])
    book.save(path)


def _rewrite_sheet(path: Path, change: Callable[[bytes], bytes]) -> None:
    """Rewrite the first sheet's XML inside a workbook, keeping every other member."""
    with zipfile.ZipFile(path) as src:
        members = {info.filename: src.read(info) for info in src.infolist()}
    members["xl/worksheets/sheet1.xml"] = change(members["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)


def _xlsx_huge_dimension(path: Path) -> None:
    _workbook(path, 3)
    _rewrite_sheet(
        path, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    )


def _xlsx_understated_dimension(path: Path) -> None:
    _workbook(path, 50)
    _rewrite_sheet(path, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', xml))


def _xlsx_zip_bomb(path: Path) -> None:
    """A real workbook whose sheet inflates to 300 MB of rows (2 MB on disk)."""
    _workbook(path, 1)
    with zipfile.ZipFile(path) as src:
        members = {info.filename: src.read(info) for info in src.infolist()}
    row = b'<row><c t="inlineStr"><is><t>Ferme</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for name, data in members.items():
            if name != "xl/worksheets/sheet1.xml":
                out.writestr(name, data)
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = row * 16384
            for _ in range(300 * 1024 * 1024 // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")


def _xlsx_entity_bomb(path: Path) -> None:
    """A sheet whose XML declares entities expanding a billion times ("billion laughs")."""
    _workbook(path, 1)
    levels = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    doctype = f"<!DOCTYPE worksheet [{''.join(levels)}]>".encode()
    _rewrite_sheet(
        path,
        lambda xml: xml.replace(b"<worksheet", doctype + b"<worksheet", 1).replace(
            b"<t>Ferme n", b"<t>&l9;Ferme n", 1
        ),
    )


def _xlsx_truncated(path: Path) -> None:
    _workbook(path, 10)
    path.write_bytes(path.read_bytes()[:3000])


# --- cases --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    file: str  # as named in tests/fixtures/hostile, or written by `make`
    what: str  # what is hostile in it, in French, for the table
    exit_code: int
    expect: str  # found in the command's output or in the hostile source's rejections
    fmt: str | None = None  # the file is a source of this format; None: it is the sources file
    mapping: str | None = None
    make: Callable[[Path], None] | None = None
    rows: int | None = None  # data rows in the file, when each one must be read
    published: dict[str, int] = field(default_factory=dict)  # expected counts: loaded, rejected…
    env: dict[str, str] = field(default_factory=dict)
    label: str = ""  # shown instead of `file` when one file serves two cases

    @property
    def name(self) -> str:
        return self.label or self.file


STOPPED, REFUSED = 2, 1  # a source failed whole / the sources file was refused

CASES: tuple[Case, ...] = (
    # Overpass JSON
    Case("osm-vide.overpass.json", "fichier vide", STOPPED, "est vide", "osm-overpass"),
    Case("osm-tronque.overpass.json", "JSON tronqué", STOPPED, "n'est pas un JSON Overpass valide", "osm-overpass"),
    Case("osm-sans-elements.overpass.json", "réponse sans aucun élément", STOPPED, "aucune fiche lue",
         "osm-overpass"),
    Case("osm-utf16.overpass.json", "JSON en UTF-16", 0, "", "osm-overpass", rows=2, published={"loaded": 2}),
    Case("osm-types-faux.overpass.json", "éléments de types faux (liste, texte, lat en texte ou booléen, "
         "tags en liste, valeurs numériques)", 0, "position OSM non numérique", "osm-overpass", rows=12),
    Case("osm-imbrique.overpass.json", "JSON imbriqué sur 10 000 niveaux", STOPPED, "imbriqué trop profondément",
         "osm-overpass", make=_osm_nested),
    Case("osm-ligne-50mo.overpass.json", "une seule ligne de 50 Mo", STOPPED, "au-delà de la limite de 32,0 Mo",
         "osm-overpass", make=_osm_fifty_mb_line),
    Case("osm-20000-elements.overpass.json", "20 000 éléments, limite de temps abaissée à 0,2 s", STOPPED,
         "lecture arrêtée après 0,2 s", "osm-overpass", make=_osm_many_elements,
         env={"COURT_CIRCUIT_MAX_SOURCE_SECONDS": "0.2"}),
    Case("osm-coordonnees.overpass.json", "coordonnées NaN, Infinity, 1e308, latitude 91", 0,
         "pas des nombres finis", "osm-overpass", rows=7),
    Case("osm-ids-en-double.overpass.json", "identifiant OSM en double", 0, "en double dans la source",
         "osm-overpass", rows=4, published={"rejected": 2}),
    Case("osm-texte-hostile.overpass.json", "HTML, JS et Jinja dans chaque texte, site `javascript:`", 0,
         "syntaxe de gabarit", "osm-overpass", rows=7),
    Case("osm-invisibles.overpass.json", "caractères invisibles et inversion droite-à-gauche", 0,
         "caractères invisibles retirés", "osm-overpass", rows=3, published={"loaded": 3}),
    # tables (CSV)
    Case("marches-vide.csv", "fichier vide", STOPPED, "est vide", "markets-table"),
    Case("marches-octets-nuls.csv", "octets nuls", STOPPED, "octets nuls", "markets-table"),
    Case("marches-utf16.csv", "CSV en UTF-16", 0, "", "markets-table", rows=1, published={"loaded": 1}),
    Case("marches-nom-en-double.csv", "deux colonnes `nom`, l'une vide", 0, "colonne « nom » en double",
         "markets-table", rows=3, published={"loaded": 3}),
    Case("marches-sans-nom.csv", "colonne du nom absente", STOPPED, "obligatoire(s) absente(s) : nom",
         "markets-table"),
    Case("marches-10000-colonnes.csv", "10 000 colonnes", STOPPED, "au-delà de la limite de 500",
         "markets-table", make=_csv_10000_columns),
    Case("marches-formules.csv", "cellules formules (`=`, `+`, `@`, `-`)", 0, "", "markets-table", rows=4,
         published={"loaded": 4}),
    Case("marches-texte-hostile.csv", "HTML, JS et Jinja dans chaque colonne", 0, "balisage HTML",
         "markets-table", rows=7),
    Case("marches-coordonnees.csv", "coordonnées NaN, Infinity, 1e308, latitude 91", 0, "point hors de France",
         "markets-table", rows=4, published={"loaded": 4}),
    Case("marches-nom-5000.csv", "nom de 5 000 caractères", 0, "coupé à 200", "markets-table", rows=1,
         published={"loaded": 1}),
    Case("marches-invisibles.csv", "caractères invisibles et inversion droite-à-gauche", 0,
         "caractères invisibles retirés", "markets-table", rows=3, published={"loaded": 3}),
    Case("marches-cellule-1mo.csv", "une cellule de 1 Mo", 0, "cellule de 1000000 caractères",
         "markets-table", make=_csv_one_mb_cell, rows=3, published={"loaded": 2, "rejected": 1}),
    Case("marches-ligne-50mo.csv", "une ligne de 50 Mo", STOPPED, "au-delà de la limite de 32,0 Mo",
         "markets-table", make=_csv_fifty_mb_line),
    Case("marches-guillemet-ouvert.csv", "un guillemet jamais fermé", 0, "guillemet non fermé",
         "markets-table", rows=5, published={"loaded": 4, "rejected": 1}),
    Case("marches-une-ligne-cp1252.csv", "une ligne Windows-1252 dans un fichier UTF-8", 0,
         "codée en Windows-1252", "markets-table", rows=3, published={"loaded": 3}),
    Case("marches-refs-en-double.csv", "`ref` en double", 0, "référence « R1 » en double", "markets-table",
         rows=3, published={"loaded": 2, "rejected": 1}),
    # workbooks and mappings
    Case("producteurs-bombe.xlsx", "XLSX bombe de décompression (300 Mo)", STOPPED, "bombe de décompression",
         "producers-table", "mapping-simple.toml", make=_xlsx_zip_bomb),
    Case("producteurs-entites-xml.xlsx", "XLSX dont la feuille déclare des entités XML en cascade "
         "(« billion laughs »)", STOPPED, "feuille illisible", "producers-table", "mapping-simple.toml",
         make=_xlsx_entity_bomb),
    Case("producteurs-tronque.xlsx", "XLSX tronqué (archive incomplète)", STOPPED, "n'est pas un classeur XLSX",
         "producers-table", "mapping-simple.toml", make=_xlsx_truncated),
    Case("producteurs-csv-renomme.xlsx", "CSV renommé en .xlsx", 0, "lu comme CSV", "producers-table",
         "mapping-simple.toml", rows=2, published={"loaded": 2}),
    Case("producteurs-dimension-enorme.xlsx", "XLSX déclarant une feuille A1:XFD1048576", 0, "",
         "producers-table", "mapping-simple.toml", make=_xlsx_huge_dimension, rows=3, published={"loaded": 3}),
    Case("producteurs-dimension-fausse.xlsx", "XLSX dont `<dimension>` annonce 1 ligne pour 50", 0, "",
         "producers-table", "mapping-simple.toml", make=_xlsx_understated_dimension, rows=50,
         published={"loaded": 50}),
    Case("mapping-colonne-absente.toml", "correspondance nommant une colonne absente", 0,
         "colonne « Téléphone » absente", "producers-table", "mapping-colonne-absente.toml", rows=1),
    Case("mapping-nom-absent.toml", "correspondance dont la colonne du nom est absente", STOPPED,
         "colonne du nom « Raison sociale » absente", "producers-table", "mapping-nom-absent.toml"),
    Case("mapping-columns-nombre.toml", "`columns` donné comme un nombre", STOPPED,
         "[columns] doit être une table", "producers-table", "mapping-columns-nombre.toml"),
    Case("mapping-nom-nombre.toml", "`name` donné comme un nombre", STOPPED, "doit être un texte",
         "producers-table", "mapping-nom-nombre.toml"),
    # the sources file itself
    Case("sources-precedence-texte.toml", '`precedence = "haut"`', REFUSED, "doit être un nombre entier"),
    Case("sources-date-texte.toml", '`date = "hier"`', REFUSED, "doit être une date AAAA-MM-JJ"),
    Case("sources-demo-texte.toml", '`demo = "false"` (un texte, que Python prendrait pour vrai)', REFUSED,
         "doit valoir true ou false"),
    Case("sources-chemin-nombre.toml", "`path = 3`", REFUSED, "doit être un chemin entre guillemets"),
    Case("sources-nom-nombre.toml", "`name = 12`", REFUSED, "doit être un texte"),
    Case("sources-entree-pas-table.toml", "une entrée qui n'est pas une table", REFUSED,
         "chaque source s'écrit en table"),
    Case("sources-utf16.toml", "fichier de sources en UTF-16", REFUSED, "l'enregistrer en UTF-8"),
    Case("sources-binaire.toml", "fichier de sources binaire", REFUSED, "n'est pas un texte UTF-8"),
    Case("sources-pas-du-toml.toml", "pas du TOML du tout", REFUSED, "n'est pas un TOML valide"),
    Case("sources-vide.toml", "fichier de sources vide", REFUSED, "ne déclare aucune source"),
    Case("sources-absent.toml", "fichier de sources absent", REFUSED, "fichier de sources introuvable"),
    Case("sources-noms-en-double.toml", "deux sources du même nom", REFUSED, "noms de source en double"),
    Case("sources-remonte.toml", "chemin `../../etc/passwd`", REFUSED, "sort du dossier des sources"),
    Case("sources-dev-zero.toml", "chemin `/dev/zero`", REFUSED, "sort du dossier des sources"),
    Case("sources-dev-zero.toml", "chemin `/dev/zero` dans le dossier de données autorisé", STOPPED,
         "n'est pas un fichier ordinaire", env={"COURT_CIRCUIT_DATA_DIR": "/dev"},
         label="sources-dev-zero.toml (COURT_CIRCUIT_DATA_DIR=/dev)"),
    Case("sources-chemin-dossier.toml", "chemin vers un dossier", STOPPED, "est un dossier"),
)  # fmt: skip


# --- running a case -----------------------------------------------------------------------
@dataclass
class Outcome:
    case: Case
    exit_code: int
    output: str
    message: str
    read: int | None = None
    loaded: int | None = None
    merged: int | None = None
    rejected: int | None = None
    lost: int = 0
    previous_kept: bool = True  # the previous database is byte for byte the same (when not published)
    witness_loaded: int | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def handled(self) -> bool:
        """A French answer, no traceback, nothing lost, the previous database whole or rightly replaced."""
        return (
            self.exit_code == self.case.exit_code
            and "Traceback" not in self.output
            and self.lost == 0
            and self.previous_kept
            and (self.exit_code != 0 or self.witness_loaded == WITNESS_ROWS)
        )


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(text: str, folder: Path) -> str:
    text = text.replace(f"{folder}/", "").replace(str(folder), ".")
    return " ".join(text.split())


def run_case(case: Case, work: Path, previous_db: Path) -> Outcome:
    folder = work / "sources"
    folder.mkdir(parents=True)
    shutil.copy(HOSTILE / "temoin.csv", folder)
    target = folder / case.file
    if case.make is not None:
        case.make(target)
    elif (HOSTILE / case.file).exists():
        shutil.copy(HOSTILE / case.file, target)
    if case.fmt is None:
        sources = target
    else:
        if case.fmt == "producers-table" and case.file.endswith(".toml"):
            shutil.copy(HOSTILE / "producteurs.csv", folder)
            target = folder / "producteurs.csv"
        mapping = ""
        if case.mapping:
            shutil.copy(HOSTILE / case.mapping, folder)
            mapping = f'mapping = "{case.mapping}"\n'
        sources = folder / "sources.toml"
        sources.write_text(
            '[[source]]\nname = "temoin"\nformat = "markets-table"\npath = "temoin.csv"\n\n'
            f'[[source]]\nname = "{HOSTILE_SOURCE}"\nformat = "{case.fmt}"\npath = "{target.name}"\n{mapping}'
        )
    db = work / "annuaire.duckdb"
    shutil.copy(previous_db, db)
    before = _digest(db)
    out, err = io.StringIO(), io.StringIO()
    argv = ["build", "--db", str(db), "--sources", str(sources), "--quiet",
            "--decisions", str(work / "aucune-decision.csv")]  # fmt: skip
    with _environment(case.env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
    output = out.getvalue() + err.getvalue()
    outcome = Outcome(case, code, output, _message(err.getvalue(), folder))
    if code == 0:
        _count(outcome, db)
    else:
        outcome.previous_kept = _digest(db) == before
    return outcome


def _message(stderr: str, folder: Path) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("- source « ", "Échec de la construction")):
            return _one_line(re.sub(r"^- source « [^»]* » : ", "", line), folder)
    return _one_line(lines[0], folder) if lines else ""


def _count(outcome: Outcome, db: Path) -> None:
    """Counts of the published database, and rows lost: read but nowhere, or in the file but not read."""
    with connect(db, read_only=True) as con:
        sources = con.execute(
            "SELECT s.name, s.read, s.loaded, s.merged, s.rejected, "
            "(SELECT count(*) FROM listing_sources l WHERE l.source = s.name) "
            "+ (SELECT count(*) FROM rejected r WHERE r.source = s.name AND r.scope = 'record') FROM sources s"
        ).fetchall()
        outcome.reasons = [
            r
            for (r,) in con.execute(
                "SELECT reason FROM rejected WHERE source = ? GROUP BY reason ORDER BY min(record_ref), reason",
                [HOSTILE_SOURCE],
            ).fetchall()
        ]
    for name, read, loaded, merged, rejected, accounted in sources:
        outcome.lost += read - accounted + (read - loaded - merged - rejected)
        if name == "temoin":
            outcome.witness_loaded = loaded + merged
        if name == HOSTILE_SOURCE:
            outcome.read, outcome.loaded, outcome.merged, outcome.rejected = read, loaded, merged, rejected
            if outcome.case.rows is not None:
                outcome.lost += outcome.case.rows - read
    outcome.message = " ; ".join(r[:110] for r in outcome.reasons[:2]) or "chargé sans remarque"


# --- the table in docs/SECURITY.md --------------------------------------------------------
TABLE_HEADER = (
    "| fichier | ce qu'il contient | code | message (extrait) | lues | rejetées | perdues |\n"
    "|---|---|---|---|---|---|---|"
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def stable(message: str) -> str:
    """The message without what changes from run to run (rows read before a time limit)."""
    return re.sub(r"\d+ lignes lues", "N lignes lues", message)


def table_row(outcome: Outcome) -> str:
    c = outcome.case
    read = "—" if outcome.read is None else str(outcome.read)
    rejected = "—" if outcome.rejected is None else str(outcome.rejected)
    message = stable(outcome.message)[:200]
    return (
        f"| `{_cell(c.name)}` | {_cell(c.what)} | {outcome.exit_code} | {_cell(message)} | {read} | "
        f"{rejected} | {outcome.lost} |"
    )


def figures(outcomes: list[Outcome]) -> str:
    handled = sum(o.handled for o in outcomes)
    lost = sum(o.lost for o in outcomes)
    return (
        f"**{len(outcomes)} fichiers essayés, {handled} traités** (message en français, aucune trace Python, "
        f"base précédente intacte ou remplacée avec des comptes justes), **{lost} ligne perdue**."
    )


def render(outcomes: list[Outcome]) -> str:
    rows = "\n".join(table_row(o) for o in outcomes)
    return f"{TABLE_START}\n{figures(outcomes)}\n\n{TABLE_HEADER}\n{rows}\n{TABLE_END}"


def documented_table() -> str:
    text = SECURITY_DOC.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    return text[start : end + len(TABLE_END)] if start >= 0 and end > start else ""


def write_table(outcomes: list[Outcome]) -> None:
    """Replace the generated block only: other people edit the other sections of the file."""
    text = SECURITY_DOC.read_text(encoding="utf-8")
    old = documented_table()
    if not old:
        raise SystemExit(f"{SECURITY_DOC} n'a pas les marqueurs {TABLE_START} … {TABLE_END}")
    SECURITY_DOC.write_text(text.replace(old, render(outcomes)), encoding="utf-8")


def run_all(previous_db: Path) -> list[Outcome]:
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        for i, case in enumerate(CASES):
            outcomes.append(run_case(case, Path(tmp) / str(i), previous_db))
    return outcomes


def build_previous(where: Path) -> Path:
    """The database each case starts from: the small fixture sources, built once."""
    db = where / "precedente.duckdb"
    fixtures = HOSTILE.parent / "sources-small.toml"
    code = main(
        ["build", "--db", str(db), "--sources", str(fixtures), "--quiet", "--decisions", str(where / "-")]
    )
    if code != 0:
        raise SystemExit("la base de départ ne se construit pas")
    return db


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="hostile-previous-") as tmp:
        with contextlib.redirect_stdout(io.StringIO()):
            previous = build_previous(Path(tmp))
        results = run_all(previous)
    print(figures(results))
    for result in results:
        if not result.handled:
            print(
                f"NON TRAITÉ : {result.case.name} → {result.exit_code} {result.output[-400:]}",
                file=sys.stderr,
            )
    if "--write" in sys.argv:
        write_table(results)
        print(f"tableau réécrit dans {SECURITY_DOC}")
    else:
        print(render(results))
