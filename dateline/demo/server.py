"""Serve a site's pages over HTTP on 127.0.0.1, from a daemon thread.

Keep-alive, ETags and 304s as news sites answer crawlers; an optional delay
makes a slow site for tests.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol


class Served(Protocol):
    pages: dict[str, tuple[str, bytes]]
    requests: list[str]
    delay: float


@functools.lru_cache(maxsize=4096)
def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def serve(site: Served, host: str, port: int) -> ThreadingHTTPServer:
    """Serve `site` from a daemon thread; returns the running server."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as news sites serve crawlers

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            site.requests.append(self.path)
            if site.delay:
                time.sleep(site.delay)
            found = site.pages.get(self.path.split("?")[0])
            if found is None:
                self.send_error(404)
                return
            ctype, body = found
            etag = _etag(body)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)  # feeds and sitemaps: unchanged since asked
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
