"""Reports from web pages: a saved HTML file or a URL, read with trafilatura.

:func:`page_extract` returns the article's text and metadata (headline, publication date,
author, site name, canonical URL, language) for the editor to confirm before ingestion.
:func:`url_fetch` fetches a page safely: http and https only, every address the host
resolves to must be public (no loopback, private, link-local or reserved network: SSRF),
the connection goes to the address that was checked, redirects are followed only a few
times and each is checked again, and the time and size are capped. Tests set
``PAGE_FETCH_ALLOW_LOOPBACK`` to reach their local server; nothing else may.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_PAGE_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 10
MAX_REDIRECTS = 3
HTML_LANG = re.compile(r"<html[^>]*\blang=[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)", re.I)


@dataclass(frozen=True)
class PageExtract:
    """What a page says about itself, for the editor to confirm."""

    text: str
    headline: str = ""
    published_on: dt.date | None = None
    author: str = ""
    site_name: str = ""
    canonical_url: str = ""
    language: str = ""


def page_extract(*, html: str, url: str = "") -> PageExtract:
    """The article text (paragraphs apart) and metadata of an HTML page."""
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url or None, with_metadata=True)
    if document is None or not (document.text or "").strip():
        raise ValidationError({"upload": "No article text was found in this page."})
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    headline = (document.title or "").strip()
    if lines and headline and lines[0] == headline:
        lines = lines[1:]  # the page's own heading repeats the headline
    published = None
    if document.date:
        try:
            published = dt.date.fromisoformat(document.date[:10])
        except ValueError:
            published = None
    language = HTML_LANG.search(html[:5000])
    canonical = document.url or url or ""
    if not canonical.startswith(("http://", "https://")):
        canonical = url or ""
    return PageExtract(
        text="\n\n".join(lines),
        headline=headline[:300],
        published_on=published,
        author=(document.author or "")[:200],
        site_name=(document.sitename or "")[:200],
        canonical_url=canonical[:500],
        language=language.group(1).lower() if language else "",
    )


def page_read_upload(*, name: str, content: bytes) -> str:
    """The HTML of an uploaded saved page (.html/.htm), refused clearly otherwise."""
    if not name.lower().endswith((".html", ".htm")):
        raise ValidationError({"upload": "Upload a saved web page (.html or .htm)."})
    if len(content) > MAX_PAGE_BYTES:
        raise ValidationError({"upload": "The page is larger than 5 MB."})
    return _decode(content, "")


def _decode(content: bytes, declared: str) -> str:
    charset = declared or "utf-8"
    meta = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", content[:2048], re.I)
    if not declared and meta:
        charset = meta.group(1).decode("ascii", "replace")
    try:
        return content.decode(charset, errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


def _check_address(host: str, port: int) -> str:
    """The first address ``host`` resolves to, if every one of them is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ValidationError({"url": f"The host {host} cannot be found."}) from None
    allow_loopback = getattr(settings, "PAGE_FETCH_ALLOW_LOOPBACK", False)
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_global or (allow_loopback and ip.is_loopback):
            continue
        raise ValidationError(
            {"url": "This address is on a private or local network; only public pages."}
        )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def url_fetch(url: str) -> tuple[str, str]:
    """The HTML at ``url`` and the URL it was finally read from (after redirects)."""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError({"url": "Give an http:// or https:// address."})
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _check_address(parts.hostname, port)
        kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        connection = kind(parts.hostname, port, address, timeout=FETCH_TIMEOUT_SECONDS)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "GET", target, headers={"User-Agent": "newsbase", "Accept": "text/html"}
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status != 200:
                raise ValidationError({"url": f"The page answered HTTP {response.status}."})
            content_type = response.getheader("Content-Type", "")
            if "html" not in content_type:
                raise ValidationError({"url": f"This is not a web page ({content_type})."})
            body = response.read(MAX_PAGE_BYTES + 1)
        except (OSError, http.client.HTTPException) as exc:
            raise ValidationError({"url": f"The page could not be fetched ({exc})."}) from None
        finally:
            connection.close()
        if len(body) > MAX_PAGE_BYTES:
            raise ValidationError({"url": "The page is larger than 5 MB."})
        declared = re.search(r"charset=([\w-]+)", content_type)
        return _decode(body, declared.group(1) if declared else ""), url
    raise ValidationError({"url": "Too many redirects."})
