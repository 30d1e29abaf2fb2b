"""Live connectors: fetching a source's file from a web service (`python -m etl refresh`), and
the build-time use of saved answers (geocoding, closed businesses).

The build itself never goes online: each live fetch saves the service's raw answer next to the
sources file, and `python -m etl build` reads those files, so a build is reproducible.
"""
