"""What the wider web asks of a site: sitemaps, robots.txt, OpenSearch, and the search help."""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.services import documents
from chancery.services.clock import utc_stamp
from chancery.web.pages import doc_url, render

PER_SITEMAP = 50_000  # the sitemap protocol's limit per file
_XML = "application/xml"


def routes(app: App) -> APIRouter:
    """Sitemaps, robots.txt, OpenSearch description, search help."""
    router = APIRouter()

    @router.get("/robots.txt", include_in_schema=False)
    def robots(request: Request) -> Response:
        base = app.settings.base_url
        return PlainTextResponse(f"User-agent: *\nDisallow: /search\nDisallow: /scans/\n"
                                 f"Allow: /\nSitemap: {base}/sitemap.xml\n")

    @router.get("/sitemap.xml", include_in_schema=False)
    def sitemap_index(request: Request) -> Response:
        base = app.settings.base_url
        parts = "".join(f"<sitemap><loc>{base}/sitemaps/{n}.xml</loc></sitemap>"
                        for n in range(1, _sitemaps(app, Reader.public()) + 1))
        return Response('<?xml version="1.0" encoding="UTF-8"?>'
                        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f"{parts}</sitemapindex>", media_type=_XML)

    @router.get("/sitemaps/{n}.xml", include_in_schema=False)
    def sitemap(request: Request, n: int) -> Response:
        base = app.settings.base_url
        reader = Reader.public()
        if not 1 <= n <= _sitemaps(app, reader):  # past the last one (a huge n overflowed SQL: 500)
            return PlainTextResponse("Not found", status_code=404)
        rows = documents.list_documents(app.catalogue, reader, None, PER_SITEMAP,
                                        (n - 1) * PER_SITEMAP)
        urls = "".join(f"<url><loc>{escape(base + doc_url(r.public_id, r.title))}</loc>"
                       f"{_lastmod(r.datestamp)}</url>" for r in rows)
        return Response('<?xml version="1.0" encoding="UTF-8"?>'
                        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f"{urls}</urlset>", media_type=_XML)

    @router.get("/opensearch.xml", include_in_schema=False)
    def opensearch(request: Request) -> Response:
        base = app.settings.base_url
        name = escape(app.settings.archive_name)
        return Response(
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">'
            f"<ShortName>{name[:16]}</ShortName><Description>Search {name}</Description>"
            f'<Url type="text/html" template="{base}/search?q={{searchTerms}}"/>'
            "</OpenSearchDescription>", media_type="application/opensearchdescription+xml")

    @router.get("/search-help", include_in_schema=False)
    def search_help(request: Request) -> Response:
        return render(app, request, "search_help.html", {})

    return router


def _lastmod(at: datetime | None) -> str:
    """The page's datestamp, as OAI-PMH gives it (a release counts as a change on its day)."""
    return f"<lastmod>{utc_stamp(at)}</lastmod>" if at is not None else ""


def _sitemaps(app: App, reader: Reader) -> int:
    """How many sitemap files the index lists (one even for an empty archive)."""
    return max(1, -(-documents.count_documents(app.catalogue, reader) // PER_SITEMAP))
