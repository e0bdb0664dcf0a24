"""Serve a site's pages over HTTP on 127.0.0.1, from a daemon thread.

Keep-alive, ETags and 304s, as news sites answer crawlers.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol


class Served(Protocol):
    pages: dict[str, tuple[str, bytes]]  # path -> (content type, body)


@functools.lru_cache(maxsize=4096)
def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


class SiteHandler(BaseHTTPRequestHandler):
    """Answers GETs from its server's site: 404 for unknown paths, 304 for an
    ETag the client already has."""

    protocol_version = "HTTP/1.1"  # keep-alive, as news sites serve crawlers
    site: Served  # set by `serve` on the handler class it makes

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        found = self.site.pages.get(self.path.split("?")[0])
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


def serve(
    site: Served, host: str, port: int, handler: type[SiteHandler] = SiteHandler
) -> ThreadingHTTPServer:
    """Serve `site` from a daemon thread; returns the running server."""
    bound = type("Handler", (handler,), {"site": site})
    server = ThreadingHTTPServer((host, port), bound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
