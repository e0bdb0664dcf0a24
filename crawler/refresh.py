"""Scrapy's meta-refresh redirect (`<meta http-equiv="refresh">`), reading only
the head of the page.

Scrapy's own middleware reads the first 4,096 characters of `response.text`,
which decodes the whole page first and keeps the decoded copy with the response:
on real news pages (145 KB on average, ../shared/eval) that decoding was a
twentieth of the crawler's CPU, for text nobody reads (the workers decode the
bytes themselves). Here the same middleware reads a response cut to the bytes
those characters can take; what it decides is unchanged. A head with no
"refresh" in its bytes, in any case, declares none (w3lib rules pages out the
same way before decoding them), and goes through without being decoded; a head
with NUL bytes (UTF-16 or UTF-32, where the word is spelled in other bytes) is
always read.
"""

from __future__ import annotations

from scrapy import Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response

SCANNED_CHARS = 4096  # what scrapy.utils.response.get_meta_refresh reads
HEAD_BYTES = 4 * SCANNED_CHARS  # UTF-8 spends at most 4 bytes a character


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    # `spider` keeps Scrapy's signature; Scrapy 2.19 no longer passes it
    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if not isinstance(response, HtmlResponse):
            return super().process_response(request, response)
        cut = response.body[:HEAD_BYTES]
        if b"refresh" not in cut.lower() and b"\x00" not in cut:
            return response  # short pages too: the same test, no decoding
        longer = len(response.body) > HEAD_BYTES
        head = response.replace(body=cut) if longer else response
        found = super().process_response(request, head)
        return response if found is head else found
