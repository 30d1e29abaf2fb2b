"""A real HTTP server on 127.0.0.1 for the live connectors' tests: it answers with the recorded
files of tests/fixtures/connectors, and has a few misbehaving routes. No mock of urllib: the
requests go through sockets as they would to the real services.

`routes` maps a path to a recorded file name, or to a function of the query's parameters giving
one (None: 404; DOWN: 503). Fixed routes:
  /flaky/N/NAME   503 the first N times this path is asked, then the file NAME
  /down           always 503
  /hang           accepts the request and says nothing for 5 s (a timeout)
Every request is kept in `requests` as (method, path?query, body).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

RECORDED = Path(__file__).parent / "fixtures" / "connectors"
DOWN = "503"  # a route's value answering 503 Service Unavailable
Route = str | Callable[[dict[str, list[str]]], str | None]


@dataclass
class Recorded:
    url: str
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _handler(state: Recorded, routes: dict[str, Route]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

        def _name(self, path: str) -> str | None:
            parts = path.strip("/").split("/")
            if parts[0] == "flaky":
                return None if state.counts[path] <= int(parts[1]) else parts[2]
            route = routes.get(path)
            if callable(route):
                return route(parse_qs(urlsplit(self.path).query))
            return route

        def _answer(self, body: bytes) -> None:
            path = urlsplit(self.path).path
            state.requests.append((self.command, self.path, body))
            state.counts[path] = state.counts.get(path, 0) + 1
            if path == "/hang":
                time.sleep(5)
                return
            name = None if path == "/down" else self._name(path)
            if name == DOWN or (name is None and (path == "/down" or path.startswith("/flaky/"))):
                self.send_response(503, "Service Unavailable")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if name is None or not (RECORDED / name).is_file():
                self.send_error(404)
                return
            content = (RECORDED / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def do_GET(self) -> None:
            self._answer(b"")

        def do_POST(self) -> None:
            self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    return Handler


@contextmanager
def recorded_server(routes: dict[str, Route] | None = None) -> Iterator[Recorded]:
    state = Recorded("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state, routes or {}))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
