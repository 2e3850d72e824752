"""Following and reusing the archive: Atom feeds of newly published documents (overall, per
collection, per search), the dataset downloads, oEmbed cards, and citation exports of a whole
search result. Downloads and exports are streamed: nothing is held whole in memory."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlparse

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from lxml import etree

from chancery.bootstrap import App
from chancery.domain.authorities import Role
from chancery.domain.readers import Reader
from chancery.domain.texts import xml_safe
from chancery.search.grammar import QueryError, parse_filters
from chancery.search.interface import IndexUnavailable
from chancery.services import citing, datasets, documents, harvesting, reading
from chancery.services.clock import utc_stamp
from chancery.services.documents import StoredDocument
from chancery.services.downloads import PublicDownloads
from chancery.services.search import MAX_OFFSET
from chancery.web.pages import doc_url, render

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
_DOC_PATH = re.compile(r"^/documents/([A-Za-z0-9_-]+)(?:/[^/]*)?/?$")
_MEDIA = {"jsonl": "application/jsonl; charset=utf-8", "csv": "text/csv; charset=utf-8"}
_DOWNLOAD_WAIT_S = 5.0  # a small archive's files are made within this; a large one's take minutes
_CITE = {"bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
         "ris": ("ris", "application/x-research-info-systems; charset=utf-8")}


def _stored(app: App, public_ids: list[str], reader: Reader) -> dict[str, StoredDocument]:
    # read again with the access rule: the index may lag behind a document just hidden
    return documents.show_documents(app.catalogue, public_ids, reader)


def _atom(app: App, request: Request, title: str, q: str, filters: dict[str, tuple[str, ...]],
          html_url: str) -> Response:
    reader = Reader.public()
    try:
        found = app.search.documents(q, filters=filters, sort="recent", per_page=FEED_SIZE,
                                     facets=False, reader=reader)
    except (QueryError, IndexUnavailable) as exc:
        return Response(str(exc), status_code=400, media_type="text/plain")
    base = app.settings.base_url
    docs = _stored(app, [h.public_id for h in found.results.hits], reader)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    # the feed's own address is the public one too (its id must not move with the host asked)
    self_url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    etree.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    etree.SubElement(feed, f"{{{ATOM}}}title").text = xml_safe(f"{app.settings.archive_name}: {title}")
    times = [harvesting.published_at(s) for s in docs.values()] or [datetime.now(UTC)]
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = utc_stamp(max(times))
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url,
                     type="application/atom+xml")
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=base + html_url,
                     type="text/html")
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    etree.SubElement(author, f"{{{ATOM}}}name").text = app.settings.archive_name
    for hit in found.results.hits:
        stored = docs.get(hit.public_id)
        if stored is not None:
            _entry(feed, stored, base, app.settings.archive_name)
    body = etree.tostring(feed, xml_declaration=True, encoding="UTF-8")
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _search_feed(app: App, request: Request, q: str) -> Response:
    try:
        filters = parse_filters(request.query_params.getlist("f"))
    except QueryError as exc:
        return Response(exc.message, status_code=400, media_type="text/plain")
    html = "/search?" + urlencode([("q", q), *[("f", f"{k}:{v}") for k, vs in filters.items()
                                              for v in vs], ("sort", "recent")])
    return _atom(app, request, f"search “{q}”", q, filters, html)


def _entry(feed: etree._Element, stored: StoredDocument, base: str, archive: str) -> None:
    d = stored.document
    url = base + doc_url(d.public_id, d.title)
    entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
    etree.SubElement(entry, f"{{{ATOM}}}id").text = f"{base}/documents/{d.public_id}"
    etree.SubElement(entry, f"{{{ATOM}}}title").text = xml_safe(d.title)
    # a document released from an embargo is newly published on its release day
    etree.SubElement(entry, f"{{{ATOM}}}updated").text = utc_stamp(harvesting.datestamp(stored))
    etree.SubElement(entry, f"{{{ATOM}}}published").text = utc_stamp(harvesting.published_at(stored))
    etree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url, type="text/html")
    authors = stored.names(Role.AUTHOR)
    for name in authors or [d.provenance.publishing_archive or archive]:
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        etree.SubElement(author, f"{{{ATOM}}}name").text = xml_safe(name)
    etree.SubElement(entry, f"{{{ATOM}}}category", term=d.doc_type.value)
    summary = " · ".join(x for x in (d.date.display, d.classification.marking, d.summary) if x)
    etree.SubElement(entry, f"{{{ATOM}}}summary").text = xml_safe(summary or d.title)


def routes(app: App) -> APIRouter:
    """Feeds, downloads, oEmbed and search exports."""
    files = PublicDownloads(app.catalogue, app.settings.derived_path / "downloads")
    router = APIRouter(lifespan=_kept_current(files))

    @router.get("/feeds/recent.atom", include_in_schema=False)
    def recent(request: Request) -> Response:
        return _atom(app, request, "newly published", "", {}, "/search?sort=recent")

    @router.get("/feeds/collections/{key:path}.atom", include_in_schema=False)
    def collection_feed(request: Request, key: str) -> Response:
        found = reading.collection_record(app.catalogue, key, Reader.public())
        if found is None:
            return Response("No such collection", status_code=404, media_type="text/plain")
        return _atom(app, request, found[0].title, "", {"collection": (key,)},
                     f"/collections/{key}")

    @router.get("/feeds/search.atom", include_in_schema=False)
    def search_feed(request: Request, q: str = "") -> Response:
        return _search_feed(app, request, q)

    @router.get("/downloads/documents.{ext}", include_in_schema=False)
    def download(request: Request, ext: str, q: str = "") -> Response:
        f = request.query_params.getlist("f")
        return _download_search(app, ext, q, f) if q or f else _download(files, ext)

    @router.get("/search/cite.{ext}", include_in_schema=False)
    def search_citations(request: Request, ext: str, q: str = "") -> Response:
        return _search_citations(app, ext, q, request.query_params.getlist("f"))

    @router.get("/oembed", include_in_schema=False)
    def oembed(request: Request, url: str = "", format: str = "json", maxwidth: int = 0,
               maxheight: int = 0) -> Response:
        return _oembed(app, request, url, format, maxwidth, maxheight)

    @router.get("/embed/documents/{public_id}", include_in_schema=False)
    def embed(request: Request, public_id: str) -> Response:
        page = reading.document_page(app.catalogue, public_id, app.settings.archive_name,
                                     Reader.public())
        if page is None or isinstance(page, reading.Withdrawn):
            return render(app, request, "404.html", {"what": "document"}, status=404, cache=False)
        return render(app, request, "embed.html", {"p": page, "d": page.stored.document})

    return router


def _kept_current(files: PublicDownloads) -> Callable[[object], AbstractAsyncContextManager[None]]:
    """The server's lifespan: the download files are made at start and after every change."""
    @asynccontextmanager
    async def lifespan(_: object) -> AsyncIterator[None]:
        files.start()
        yield
        files.stop()
    return lifespan


def _download(files: PublicDownloads, ext: str) -> Response:
    """The whole archive from the file made ahead of time (never made per request)."""
    if ext not in _MEDIA:
        return Response("Not found (documents.jsonl or documents.csv)", status_code=404)
    path = files.current(ext, wait_s=_DOWNLOAD_WAIT_S)
    if path is None:
        return Response("The download is being brought up to date with a change to the "
                        "archive. Please try again in a minute.", status_code=503,
                        media_type="text/plain", headers={"Retry-After": "60"})
    return FileResponse(path, media_type=_MEDIA[ext], filename=f"documents.{ext}")


_DATA = {"jsonl": (datasets.jsonl_lines, "application/jsonl; charset=utf-8"),
         "csv": (datasets.csv_lines, "text/csv; charset=utf-8")}


def _download_search(app: App, ext: str, q: str, f: list[str]) -> Response:
    """What a search finds (the query and facets of /search), as JSON lines or CSV."""
    if ext not in _DATA:
        return Response("Not found (documents.jsonl or documents.csv)", status_code=404)
    reader = Reader.public()
    try:  # a malformed query is answered now, not halfway through a download
        chosen = app.search.select(q, filters=parse_filters(f), reader=reader)
    except (QueryError, IndexUnavailable) as exc:
        return Response(str(exc), status_code=400, media_type="text/plain")
    lines, media = _DATA[ext]
    only = datasets.selected(app.catalogue, chosen.chunks, reader)
    return StreamingResponse(lines(app.catalogue, reader, None, only), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="search.{ext}"',
                                      "X-Total-Count": str(chosen.total)})


def _search_citations(app: App, ext: str, q: str, f: list[str]) -> Response:
    if ext not in _CITE:
        return Response("Not found (cite.bib or cite.ris)", status_code=404)
    reader = Reader.public()
    try:  # a malformed query is answered now, not halfway through a download
        filters = parse_filters(f)
        app.search.documents(q, filters=filters, per_page=1, facets=False, reader=reader)
    except (QueryError, IndexUnavailable) as exc:
        return Response(str(exc), status_code=400, media_type="text/plain")
    fmt, media = _CITE[ext]
    return StreamingResponse(_cite_all(app, q, filters, fmt, reader), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="search.{ext}"'})


def _cite_all(app: App, q: str, filters: dict[str, tuple[str, ...]], fmt: str,
              reader: Reader) -> Iterator[str]:
    """Every hit of a search (up to the paging limit), a page of 100 at a time."""
    per_page = 100
    for page in range(1, MAX_OFFSET // per_page + 2):
        found = app.search.documents(q, filters=filters, sort="date", page=page,
                                     per_page=per_page, facets=False, reader=reader)
        ids = [h.public_id for h in found.results.hits]
        docs = _stored(app, ids, reader)
        items = [citing.csl_for(docs[i], app.citer) for i in ids if i in docs]
        if items:
            yield citing.export(items, fmt)
        if page >= found.pages:
            break


def _oembed(app: App, request: Request, url: str, fmt: str, maxwidth: int,
            maxheight: int) -> Response:
    if fmt != "json":
        return Response("Only format=json is offered", status_code=501, media_type="text/plain")
    m = _DOC_PATH.match(urlparse(url).path)
    page = reading.document_page(app.catalogue, m.group(1), app.settings.archive_name,
                                 Reader.public()) if m else None
    if page is None or isinstance(page, reading.Withdrawn):
        return JSONResponse({"error": "no document at that address"}, status_code=404)
    d = page.stored.document
    base = app.settings.base_url
    width = min(maxwidth, 560) if maxwidth > 0 else 560  # a negative size means none given
    height = min(maxheight, 220) if maxheight > 0 else 220
    src = f"{base}/embed/documents/{quote(d.public_id)}"
    html = (f'<iframe src="{src}" width="{width}" height="{height}" loading="lazy" '
            f'style="border:1px solid #ccc" title="{_attr(d.title)}"></iframe>')
    return JSONResponse({"version": "1.0", "type": "rich", "title": d.title, "html": html,
                         "width": width, "height": height,
                         "provider_name": app.settings.archive_name, "provider_url": base + "/",
                         "author_name": d.provenance.publishing_archive or app.settings.archive_name})


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))
