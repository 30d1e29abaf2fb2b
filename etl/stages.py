"""Time spent in each stage of a build, for `bench.build`: read, normalise, resolve, link, publish, checks.

The build marks its stages with `stage(name)`; nothing is recorded unless a caller asked with
`timed()`, so a normal build pays one context-variable lookup per stage. Times are exclusive:
the normalising done while reading counts as "normalise", not as "read". Both the wall clock
and the process's CPU time are kept: on a shared machine the first depends on the neighbours.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

STAGES = ("read", "normalise", "resolve", "link", "publish", "checks")


@dataclass
class _Open:
    name: str
    started: float
    started_cpu: float
    inner: float = 0.0  # time already counted by stages inside this one
    inner_cpu: float = 0.0


class StageTimes:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.cpu_seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self._open: list[_Open] = []

    def start(self, name: str) -> None:
        self._open.append(_Open(name, time.perf_counter(), time.process_time()))

    def stop(self) -> None:
        done = self._open.pop()
        spent, cpu = time.perf_counter() - done.started, time.process_time() - done.started_cpu
        self.seconds[done.name] = self.seconds.get(done.name, 0.0) + spent - done.inner
        self.cpu_seconds[done.name] = self.cpu_seconds.get(done.name, 0.0) + cpu - done.inner_cpu
        if self._open:
            self._open[-1].inner += spent
            self._open[-1].inner_cpu += cpu


_CURRENT: ContextVar[StageTimes | None] = ContextVar("build_stage_times", default=None)


@contextmanager
def timed() -> Iterator[StageTimes]:
    """Record the stages of the builds run inside the block."""
    times = StageTimes()
    token = _CURRENT.set(times)
    try:
        yield times
    finally:
        _CURRENT.reset(token)


class stage:  # lower case: used as `with stage("read"):`, like a function
    """Mark a stage; a class rather than @contextmanager because it wraps every row's normalising."""

    __slots__ = ("name", "times")

    def __init__(self, name: str) -> None:
        self.name = name
        self.times = _CURRENT.get()

    def __enter__(self) -> None:
        if self.times is not None:
            self.times.start(self.name)

    def __exit__(self, *exc: object) -> None:
        if self.times is not None:
            self.times.stop()
