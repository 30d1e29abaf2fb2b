"""Benchmarks of the resident search (``python -m bench.search``)."""
