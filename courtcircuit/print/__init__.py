"""The printed directory of a territory (PDF, A4 portrait): cover, map with numbered markers,
listings by commune or product family with a QR code each, index by product, sources.

``data`` picks and groups the listings, ``words`` says their hours in French, ``mapsvg`` draws
the map offline, ``render`` lays it all out with WeasyPrint; ``__main__`` is the command line.
"""

from __future__ import annotations

from courtcircuit.print.data import PrintChoice
from courtcircuit.print.render import directory_pdf, public_url

__all__ = ["PrintChoice", "directory_pdf", "public_url"]
