"""URL identity: the one URL an article is known by, its key and its id.

Structure through w3lib (dot segments, percent-encoding, IDN, sorted query, no
fragment), then our rules: tracking parameters dropped (a per-source allow-list
wins), AMP and mobile variants folded onto the source's host, default ports gone.
`url_key` also ignores scheme, `www.` and a trailing slash; `article_id` hashes it.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "yclid",
    "msclkid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ocid",
    "smid",
    "cmp",
    "cmpid",
    "icid",
    "ito",
    "ref",
    "ref_src",
    "referrer",
    "s_cid",
    "taid",
    "mkt_tok",
    "_ga",
    "_gl",
    "spm",
    "share",
    "sharetype",
    "soc_src",
    "soc_trk",
    "fromref",
    "src",
    "source",
    "cid",
    "at_medium",
    "at_campaign",
    "outputtype",
    "amp",
    "__twitter_impression",
    "guccounter",
    "rss",
    "feed",
}
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "hsa_", "_hs")
FOLDED_HOST_PREFIXES = ("amp.", "m.", "mobile.")
DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=4096)  # a feed, a sitemap and a section may list one URL
def canonical_url(
    url: str, keep_params: tuple[str, ...] = (), home_host: str | None = None
) -> str:
    """The one URL an article is known by. `home_host` is the source's own host."""
    parts = urlsplit(canonicalize_url(url.strip(), keep_fragments=False))
    host = (parts.hostname or "").lower()
    for prefix in FOLDED_HOST_PREFIXES:
        if host.startswith(prefix):
            bare = host[len(prefix) :]
            host = home_host if home_host and _same_site(home_host, bare) else bare
            break
    netloc = (
        host
        if parts.port in (None, DEFAULT_PORTS.get(parts.scheme))
        else f"{host}:{parts.port}"
    )
    keep = {p.lower() for p in keep_params}
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() in keep or not _is_tracking(k)
    ]
    return urlunsplit(
        (parts.scheme, netloc, _fold_amp_path(parts.path), urlencode(query), "")
    )


def resolve_canonical(page_url: str, hint: str | None, source: Any) -> str:
    """rel=canonical/og:url when it stays on the source's domains, else the page URL."""
    home_host = urlsplit(source.homepage).hostname
    if hint:
        absolute = urljoin(page_url, hint.strip())
        if urlsplit(absolute).scheme in ("http", "https") and source.is_on_domain(
            absolute
        ):
            return canonical_url(absolute, source.keep_query_params, home_host)
    return canonical_url(page_url, source.keep_query_params, home_host)


def url_key(url: str) -> str:
    """Identity of a canonical URL: scheme, `www.` and a trailing slash ignored."""
    parts = urlsplit(url)
    host = (parts.netloc or "").removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def article_id(canonical: str) -> str:
    return article_id_of_key(url_key(canonical))


def article_id_of_key(key: str) -> str:
    """The article id of a URL key (`url_key` of its canonical URL)."""
    return hashlib.blake2b(key.encode(), digest_size=10).hexdigest()


def page_key(url: str, source: Any) -> str:
    """The key of a page URL of `source`: what the crawler checks before fetching."""
    home_host = urlsplit(source.homepage).hostname
    return url_key(canonical_url(url, source.keep_query_params, home_host))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _same_site(home_host: str, host: str) -> bool:
    return home_host.removeprefix("www.") == host.removeprefix("www.")


def _fold_amp_path(path: str) -> str:
    path = re.sub(r"/amp/?$", "", path)  # /story/amp -> /story
    path = re.sub(r"\.amp(\.html?)?$", r"\1", path)  # story.amp.html -> story.html
    return re.sub(r"^/amp/(?=.)", "/", path) or "/"  # /amp/story -> /story
