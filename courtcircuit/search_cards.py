"""The search page's result cards from memory (no Streamlit): what a card shows, per listing.

With the counts in memory (courtcircuit.search_index), a page search at 10^6 listings spent
most of its time reading its 20 rows through DuckDB (bench/search.py). These columns
(courtcircuit.schema.CARD_COLUMNS) are kept beside the search index, in its order: about 70
bytes a listing (70 MB at 10^6, read in 0.75 s), read at the first search around a place, not
at the home page.

The rows are those SQL gives (courtcircuit.search._rows): the counting pass gives every match
within the farthest wanted distance; their distances are DuckDB's own
(courtcircuit.point_grid.exact_distances) and they are ordered as ``ORDER BY distance_km,
name, id`` orders them. Both paths make their data frame with :func:`as_frame`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from courtcircuit.geo import Area
from courtcircuit.point_grid import PointGrid, exact_distances
from courtcircuit.schema import CARD_COLUMNS, FACET_BITS

# Columns with a value of their own for almost every listing: kept whole, not coded.
_OWN_VALUES = ("id", "name")


class NotTheIndexFile(RuntimeError):
    """The cards read are not the search index's listings (the file changed between the two)."""


def as_frame(table: pa.Table) -> pd.DataFrame:
    """The search's rows as a data frame, by pyarrow's conversion: each column's pandas type
    follows its SQL type. (DuckDB's ``.df()`` also looks at the values: a text column that is
    NULL in every row comes out as objects, a list column mixing NULLs gives ``<NA>``.)"""
    return table.to_pandas(date_as_object=False)


@dataclass(frozen=True)
class _Column:
    values: pa.Array  # one per listing, or the distinct values when ``codes`` says which
    codes: np.ndarray | None  # per listing, its value's position in ``values``

    @classmethod
    def coded(cls, column: pa.ChunkedArray, order: np.ndarray, key: pa.ChunkedArray | None = None) -> _Column:
        """The column as codes into its distinct values, the codes taken in ``order``. ``key``:
        a text that tells its values apart, when pyarrow cannot encode them (a list)."""
        encoded = pc.dictionary_encode(column if key is None else key).combine_chunks()
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        if encoded.null_count:  # a NULL: its own code, after the values
            codes = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy()
        values = encoded.dictionary
        if key is not None:  # each distinct key's value (the NULL's last), from its first listing
            values = column.combine_chunks().take(np.unique(codes, return_index=True)[1])
        elif encoded.null_count:
            values = pa.concat_arrays([values, pa.nulls(1, values.type)])
        return cls(values, codes.astype(np.int32)[order])

    def take(self, rows: np.ndarray) -> pa.Array:
        return self.values.take(rows if self.codes is None else self.codes[rows])

    @property
    def nbytes(self) -> int:
        return self.values.nbytes + (0 if self.codes is None else self.codes.nbytes)


@dataclass(frozen=True, eq=False)
class SearchCards:
    """CARD_COLUMNS of the active listings, in the order of a search index's grid."""

    columns: dict[str, _Column]

    @staticmethod
    def shows(columns: Sequence[str]) -> bool:
        """Whether these columns are all a card's."""
        return set(columns) <= set(CARD_COLUMNS)

    @classmethod
    def load(
        cls, cur: duckdb.DuckDBPyConnection, grid: PointGrid, bits: dict[str, np.ndarray]
    ) -> SearchCards:
        """Read the cards of the listings of ``grid`` (a search index's) and its facet ``bits``.

        The index was read by the same SELECT of the same file, which DuckDB returns in the
        table's order (``preserve_insertion_order``): sorted the same way, the rows are the
        same. That is checked: a position or a facet bit out of place raises NotTheIndexFile (a
        cursor on a newer file than the index's, when a rebuild swaps it between the two)."""
        bits_columns = [column for column, *_ in FACET_BITS.values()]
        table = cur.execute(
            f"SELECT lat, lon, {', '.join(bits_columns)}, {', '.join(CARD_COLUMNS)}, "  # noqa: S608 - schema names
            "to_json(channels) AS channels_key FROM listings WHERE status = 'active'"
        ).to_arrow_table()

        mine, order = PointGrid.of_table(table)
        same = np.array_equal(mine.lat, grid.lat, equal_nan=True) and np.array_equal(
            mine.lon, grid.lon, equal_nan=True
        )
        for facet, column in zip(FACET_BITS, bits_columns, strict=True):
            same = same and np.array_equal(
                pc.fill_null(table.column(column), 0).to_numpy()[order], bits[facet]
            )
        if not same:
            raise NotTheIndexFile("the directory's cards are not its search index's listings")
        columns = {}
        for name in CARD_COLUMNS:  # coded in the file's order, then put in the grid's (cheaper)
            if name in _OWN_VALUES:
                columns[name] = _Column(table.column(name).combine_chunks().take(order), None)
                continue
            key = table.column("channels_key") if name == "channels" else None
            columns[name] = _Column.coded(table.column(name), order, key)
        return cls(columns)

    @property
    def nbytes(self) -> int:
        return sum(column.nbytes for column in self.columns.values())

    def page(
        self,
        cur: duckdb.DuckDBPyConnection,
        area: Area,
        grid: PointGrid,
        rows: np.ndarray,
        columns: Sequence[str],
        limit: int,
        offset: int,
    ) -> pd.DataFrame:
        """``columns`` and distance_km of the matches ranked ``offset`` to ``offset + limit``
        around ``area``, given ``rows``: every match up to the last of them (ties included), as
        rows of ``grid``."""
        distance = exact_distances(cur, area, grid.lat[rows], grid.lon[rows])
        names = self.columns["name"].take(rows).to_pylist()
        ids = self.columns["id"].take(rows).to_pylist()

        def rank(i: int) -> tuple[float, bool, str, bool, str]:  # ORDER BY … NULLS LAST, bytes as code points
            return (distance[i], names[i] is None, names[i] or "", ids[i] is None, ids[i] or "")

        kept = sorted(range(len(rows)), key=rank)[offset : offset + limit]
        at = rows[kept]
        table = pa.table(
            {
                **{name: self.columns[name].take(at) for name in columns},
                "distance_km": pa.array(distance[kept], type=pa.float64()),
            }
        )
        return as_frame(table)
