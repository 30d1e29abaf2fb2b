"""Streamlit's own interface words in French, and the page declared as French.

Streamlit writes its chrome in English and offers no setting for it: the skip link, the
sidebar's buttons, "Help for …" on help icons, "Select all" and "No results" in drop-downs,
"Press Enter to apply" under text boxes, "Previous page"… A screen reader reads them aloud in
the middle of a French page, and ``<html lang="en">`` makes it read the French in an English
voice (RGAA 8.3: the page's default language). This module puts one fixed script on every page
(see :func:`french_chrome`) that sets ``lang`` to the interface's language and, in French,
replaces those exact texts and accessible names (aria-label, title, placeholder) as Streamlit
draws them.

Only the fixed table below reaches the script: nothing from the data or the URL. Widgets we
own get French placeholders in Python (``placeholder=``); the table is for what Streamlit does
not let us change. Streamlit's frontend strings are listed in its bundle (grep the
``static/js`` files for ``aria-label``) — check this table when upgrading Streamlit.
"""

from __future__ import annotations

import json

import streamlit as st

# Exact texts and accessible names from Streamlit's frontend → French.
FRENCH: dict[str, str] = {
    "Skip to main content": "Aller au contenu principal",
    "App pages": "Pages du site",
    "Navigate to home page": "Aller à l'accueil",
    "Sidebar": "Panneau latéral",
    "Collapse sidebar": "Replier le panneau latéral",
    "Expand sidebar": "Ouvrir le panneau latéral",
    "Main menu": "Menu principal",
    "Link to heading": "Lien vers ce titre",
    "Copy to clipboard": "Copier",
    "Open": "Ouvrir la liste",
    "Close": "Fermer",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Selected values": "Choix",
    "Select all": "Tout sélectionner",
    "No results": "Aucun résultat",
    "No options": "Aucun choix",
    "No options to select": "Aucun choix",
    "Choose an option": "Choisissez",
    "Choose options": "Choisissez",
    "Type to search": "Tapez pour chercher",
    "Previous page": "Page précédente",
    "Next page": "Page suivante",
    "Pagination": "Pages",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    "Scroll tabs left": "Onglets précédents",
    "Scroll tabs right": "Onglets suivants",
    "Running...": "Chargement…",
    "Stop script": "Arrêter",
    "Choose date": "Choisir une date",
    "Previous month": "Mois précédent",
    "Next month": "Mois suivant",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Close Search": "Fermer la recherche",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Dataframe column menu": "Menu de la colonne",
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Hide column": "Masquer la colonne",
    "Copy column name": "Copier le nom de la colonne",
    "Copy Vega-Lite spec": "Copier la description du graphique (Vega-Lite)",
    "Show data": "Afficher les données",
    "Show chart": "Afficher le graphique",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "Download as PNG": "Télécharger en PNG",
    "Open in Vega Editor": "Ouvrir dans l'éditeur Vega",
    "Press Enter to apply": "Entrée pour valider",
    "Press Enter to submit form": "Entrée pour envoyer",
    "Press Ctrl+Enter to apply": "Ctrl+Entrée pour valider",
    "Press ⌘+Enter to apply": "⌘+Entrée pour valider",
    "Press Ctrl+Enter to submit form": "Ctrl+Entrée pour envoyer",
    "Press ⌘+Enter to submit form": "⌘+Entrée pour envoyer",
}
# Texts with a part that varies: (regular expression, French replacement with $1…).
FRENCH_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^Help for (.+)$", "Aide : $1"),
    (r"^Remove (.+)$", "Retirer $1"),
    (r"^Select (\d+) matches$", "Sélectionner les $1 résultats"),
    # Vega (st.altair_chart) describes axes and legends to screen readers in English.
    (r"^([XY])-axis titled '(.+)' for a (\w+) scale with (.+)$", "Axe $1 « $2 », échelle $3, $4"),
    (r"^([XY])-axis for a (\w+) scale with (.+)$", "Axe $1, échelle $2, $3"),
    (r"^\w+ legend titled '(.+)' for .+? with (.+)$", "Légende « $1 », $2"),
    (r"^\w+ mark container$", "Éléments du graphique"),
)
# Then, inside a text a pattern above has put in French: Vega's varying parts.
FRENCH_FRAGMENTS: tuple[tuple[str, str], ...] = (
    (r"\b(\d+) values?: ", "$1 valeurs : "),
    (r"\bvalues from (.+) to (.+)$", "valeurs de $1 à $2"),
    (r", ending with ", ", jusqu'à "),
    (r"échelle discrete", "échelle discrète"),
    (r"échelle linear", "échelle linéaire"),
    (r"échelle (time|utc)", "échelle de temps"),
    (r"échelle log", "échelle logarithmique"),
    (r"échelle (ordinal|band|point)", "échelle ordonnée"),
)

_SCRIPT = """
<span id="cc-french"></span>
<style>
/* this element only carries the script: it takes no room in the sidebar */
[data-testid="stElementContainer"]:has(#cc-french) { display: none; }
</style>
<script>
(() => {
  const doc = document;  // st.html is not in an iframe: this is the app's page
  doc.documentElement.lang = "__LANG__";
  // One observer per browser tab, across reruns and pages; each run only redoes the whole page
  // (words drawn while the interface was English turn French when it switches back).
  if (doc.defaultView.__ccFrench) { doc.defaultView.__ccFrench(doc.body); return; }
  const exact = new Map(Object.entries(__EXACT__));
  const patterns = __PATTERNS__.map(([re, to]) => [new RegExp(re), to]);
  const fragments = __FRAGMENTS__.map(([re, to]) => [new RegExp(re), to]);
  const ATTRIBUTES = ["aria-label", "title", "placeholder", "aria-placeholder"];
  const french = (text) => {
    if (doc.documentElement.lang !== "fr") return null;  // the English interface keeps Streamlit's words
    const trimmed = text.trim();
    if (exact.has(trimmed)) return text.replace(trimmed, exact.get(trimmed));
    for (const [re, to] of patterns) {
      if (!re.test(trimmed)) continue;
      let fr = trimmed.replace(re, to);
      for (const [part, partTo] of fragments) fr = fr.replace(part, partTo);
      return text.replace(trimmed, fr);
    }
    return null;
  };
  const fixElement = (el) => {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (value) { const fr = french(value); if (fr !== null && fr !== value) el.setAttribute(name, fr); }
    }
  };
  const fixText = (node) => {
    const fr = french(node.nodeValue || "");
    if (fr !== null && fr !== node.nodeValue) node.nodeValue = fr;
  };
  const fixTree = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    for (const el of root.querySelectorAll("*")) fixElement(el);
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) fixText(n);
  };
  doc.defaultView.__ccFrench = fixTree;
  fixTree(doc.body);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "childList") r.addedNodes.forEach(fixTree);
      else if (r.type === "characterData") fixText(r.target);
      else if (r.type === "attributes") fixElement(r.target);
    }
  }).observe(doc.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES,
  });
})();
</script>
"""


def script(lang: str = "fr") -> str:
    """The page script, with the tables above as JSON (fixed text, never user input)."""
    if lang not in ("fr", "en"):
        raise ValueError(f"langue inconnue : {lang!r}")  # the only value put in the script
    return (
        _SCRIPT.replace("__LANG__", lang)
        .replace("__EXACT__", json.dumps(FRENCH, ensure_ascii=False))
        .replace("__PATTERNS__", json.dumps([list(p) for p in FRENCH_PATTERNS], ensure_ascii=False))
        .replace("__FRAGMENTS__", json.dumps([list(p) for p in FRENCH_FRAGMENTS], ensure_ascii=False))
    )


def french_chrome(lang: str = "fr") -> None:
    """Once per run, in the sidebar (hidden there): the page's language, and in French,
    Streamlit's interface words in French."""
    st.sidebar.html(script(lang), unsafe_allow_javascript=True)
