"""HTML to PDF with WeasyPrint, and nothing else: no request to ourselves, no file outside the static
directories, no network. User text reaches the HTML only through Django's autoescaping, and even if markup
slipped through, the URL fetcher below refuses to load anything it names."""

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint logs every layout step at INFO; the worker's log keeps its warnings (e.g. refused URLs) only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def static_roots() -> list[Path]:
    """Every directory static files are collected from (the project's, each app's, STATIC_ROOT)."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class StaticOnlyFetcher(URLFetcher):
    """Serves `file:` URLs that point inside a static directory; refuses every other URL (other files,
    http(s), data, ftp), so that nothing in a report can read the server's files or call out."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)
        self._roots = static_roots()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Refused to fetch {url!r}: reports only read static files.")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self._roots) or not path.is_file():
            raise ValueError(f"Refused to fetch {url!r}: not a static file.")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), status=200)


@dataclass
class Rendered:
    pdf: bytes
    pages: int


def render_pdf(html: str, *, on_layout=None) -> Rendered:
    """Lay out and write the PDF. `on_layout` is called between layout and writing (for progress)."""
    base = settings.BASE_DIR / "reports" / "static" / "reports"
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=StaticOnlyFetcher()).render()
    if on_layout is not None:
        on_layout(len(document.pages))
    return Rendered(pdf=document.write_pdf(), pages=len(document.pages))


def css_string(text: str) -> str:
    """A CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_counter_content(template: str) -> str:
    """CSS `content` for a translated "Page %(page)s of %(pages)s": the literal parts as strings, the
    placeholders as page counters, in the translation's order."""
    out, rest = [], template
    tokens = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    while rest:
        positions = [(rest.find(token), token) for token in tokens if token in rest]
        if not positions:
            out.append(css_string(rest))
            break
        index, token = min(positions)
        if index:
            out.append(css_string(rest[:index]))
        out.append(tokens[token])
        rest = rest[index + len(token) :]
    return " ".join(out)
