"""Every route of the site, walked from the application itself (pages, feeds, OAI-PMH, IIIF,
the API): HEAD answers as GET does, and over-long or huge arguments get an answer, never a
500. A route added without an example here fails the first test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.search.interface import FACETS
from chancery.services.downloads import PublicDownloads
from chancery.storage.words import SqlWordLayers
from chancery.web.server import create_app
from tests.e2e.test_web import _site
from tests.scan_words import pdf_words

DOC, SCANNED = "7da35b31", "jfk-104-10216-10046"
# one address per route that answers on the demo archive plus the reference pair
EXAMPLES = {
    "/api/v1/openapi.json": "/api/v1/openapi.json",
    "/api/v1/documents": "/api/v1/documents?limit=2",
    "/api/v1/documents/{public_id}": f"/api/v1/documents/{DOC}",
    "/api/v1/documents/{public_id}/texts": f"/api/v1/documents/{DOC}/texts",
    "/api/v1/documents/{public_id}/texts/{version}": f"/api/v1/documents/{DOC}/texts/en-translation",
    "/api/v1/documents/{public_id}/relations": f"/api/v1/documents/{DOC}/relations",
    "/api/v1/documents/{public_id}/similar": f"/api/v1/documents/{DOC}/similar?limit=5",
    "/api/v1/documents/{public_id}/citation": f"/api/v1/documents/{DOC}/citation",
    "/api/v1/documents/{public_id}/draft": f"/api/v1/documents/{DOC}/draft",  # 401: no token
    "/api/v1/documents/{public_id}/redactions": f"/api/v1/documents/{DOC}/redactions",  # 401
    "/api/v1/search": "/api/v1/search?q=Khrushchev",
    "/api/v1/collections": "/api/v1/collections",
    "/api/v1/collections/{key:path}": "/api/v1/collections/frus/frus1958-60v19",
    "/api/v1/people": "/api/v1/people?limit=2",
    "/api/v1/people/{slug}": "/api/v1/people/allen-george-v",
    "/api/v1/organizations": "/api/v1/organizations?limit=2",
    "/api/v1/organizations/{slug}": "/api/v1/organizations/central-intelligence-agency",
    "/api/v1/places": "/api/v1/places?limit=2",
    "/api/v1/places/{slug}": "/api/v1/places/beijing",
    "/api/v1/subjects": "/api/v1/subjects?limit=2",
    "/api/v1/subjects/{slug}": "/api/v1/subjects/soviet-experts-in-china",
    "/": "/",
    "/search": "/search?q=Taiwan",
    "/suggest": "/suggest?q=Khru",
    "/api/v1/names/suggest": "/api/v1/names/suggest?q=Khru",
    "/browse": "/browse",
    "/browse/{year}": "/browse/1960",
    "/browse/{year}/{month}": "/browse/1960/07",
    "/browse/{year}/{month}/{day}": "/browse/1960/07/18",
    "/people": "/people", "/organizations": "/organizations", "/places": "/places",
    "/subjects": "/subjects", "/api/v1/docs": "/api/v1/docs",
    "/documents/cite.{ext}": f"/documents/cite.ris?id={DOC}",
    "/documents/{public_id}/cite.{ext}": f"/documents/{DOC}/cite.bib",
    "/documents/{public_id}/cite": f"/documents/{DOC}/cite",
    "/feeds/recent.atom": "/feeds/recent.atom",
    "/feeds/collections/{key:path}.atom": "/feeds/collections/frus/frus1958-60v19.atom",
    "/feeds/search.atom": "/feeds/search.atom?q=Taiwan",
    "/downloads/documents.{ext}": "/downloads/documents.csv",
    "/search/cite.{ext}": "/search/cite.ris?q=Khrushchev",
    "/oembed": f"/oembed?url=http://127.0.0.1:8000/documents/{DOC}",
    "/embed/documents/{public_id}": f"/embed/documents/{DOC}",
    "/documents/{public_id}.json": f"/documents/{DOC}.json",
    "/documents/{public_id}/text/{version}.txt": f"/documents/{DOC}/text/en-translation.txt",
    "/files/{sha256}/{filename}": "/files/{sha}/scan.pdf",
    "/scans/{sha256}/{page}-{width}.png": "/scans/{sha}/1-400.png",
    "/documents/{ident:path}": f"/documents/{DOC}",
    "/robots.txt": "/robots.txt",
    "/healthz": "/healthz", "/readyz": "/readyz",
    "/metrics": "/metrics",  # 404: the test client is no internal address
    "/sitemap.xml": "/sitemap.xml",
    "/sitemaps/{n}.xml": "/sitemaps/1.xml",
    "/opensearch.xml": "/opensearch.xml",
    "/search-help": "/search-help",
    "/oai": "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    "/oai/chancery.xsd": "/oai/chancery.xsd",
    "/iiif/3/manifests/{public_id}": f"/iiif/3/manifests/{SCANNED}",
    "/iiif/3/manifests/{public_id}/search": f"/iiif/3/manifests/{SCANNED}/search?q=Cuba",
    "/documents/{public_id}/scans/{scan}/searchable.pdf":
        f"/documents/{SCANNED}/scans/1/searchable.pdf",
    "/iiif/3/collections/{key:path}": "/iiif/3/collections/jfk-assassination-records-2025-release",
    "/iiif/3/{identifier}": "/iiif/3/{sha}-1",
    "/iiif/3/{identifier}/info.json": "/iiif/3/{sha}-1/info.json",
    "/iiif/3/{identifier}/{region}/{size}/{rotation}/{quality_format}":
        "/iiif/3/{sha}-1/full/200,/0/default.jpg",
    "/collections": "/collections",
    "/collections/{key:path}": "/collections/frus/frus1958-60v19",
    "/{folder}/{slug}": "/people/allen-george-v",
    "/static": "/static/chancery.css",
    "/login": "/login",
    "/set-password/{token}": "/set-password/{link}",
    "/workspace": "/workspace",
    "/workspace/documents/{public_id}": f"/workspace/documents/{DOC}",
    "/workspace/authorities": "/workspace/authorities?q=allen",
    "/workspace/authorities/{kind}/{slug}": "/workspace/authorities/person/allen-george-v",
    "/workspace/collections": "/workspace/collections",
    "/workspace/collections/{key:path}": "/workspace/collections/frus/frus1958-60v19",
    "/workspace/search": "/workspace/search?q=state:draft",
    "/workspace/audit": "/workspace/audit?action=login",
    "/workspace/jobs": "/workspace/jobs",
    "/workspace/files/{sha256}/{filename}": "/workspace/files/{sha}/scan.pdf",
    "/workspace/documents/new": "/workspace/documents/new",
    "/workspace/documents/{public_id}/edit": f"/workspace/documents/{DOC}/edit",
    "/workspace/documents/{public_id}/history": f"/workspace/documents/{DOC}/history",
    "/workspace/lookup/authorities": "/workspace/lookup/authorities?q=Khrushchev",
    "/workspace/lookup/documents": "/workspace/lookup/documents?q=Taiwan",
    "/workspace/documents/{public_id}/suggestions": f"/workspace/documents/{SCANNED}/suggestions",
    "/workspace/documents/{public_id}/transcription":
        f"/workspace/documents/{SCANNED}/transcription?version=en-ocr",
    "/workspace/scans/{sha256}/{page}-{width}.png": "/workspace/scans/{sha}/1-200.png",
}
# GET routes for a token only (a write token, a staff account's): anonymous, they answer 401 (HEAD too)
TOKEN_ONLY = {"/api/v1/documents/{public_id}/draft", "/api/v1/documents/{public_id}/redactions"}
INTERNAL_ONLY = {"/metrics"}  # an internal address's or the metrics token's: 404 to others
LONG = "a" * 50_001  # SQLite refuses LIKE patterns over 50,000 bytes
NUMBERS = ("9" * 30, "-" + "9" * 30)  # beyond 64 bits either way
# arguments a route reads itself, not declared as parameters
FREE = {"/search": ["f=year:{v}", "f=collection:{v}"], "/oai": [
    "verb=ListRecords&metadataPrefix=oai_dc&set={v}",
    "verb=ListIdentifiers&metadataPrefix=oai_dc&set={v}",
    "verb=GetRecord&metadataPrefix=oai_dc&identifier={v}",
    "verb=ListRecords&metadataPrefix=oai_dc&from={v}", "verb=ListRecords&resumptionToken={v}"]}
for _searching in ("/search", "/api/v1/search", "/feeds/search.atom", "/search/cite.{ext}"):
    FREE[_searching] = [f"f={facet}:{{v}}" for facet in FACETS] + ["q=date:{v}", "q={v}"]


def routes(routes_: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str], list[str]]]:
    """(path template, methods, declared query parameters) of every route, mounts included."""
    for route in routes_:
        if isinstance(route, Mount):
            inner = getattr(route.app, "routes", None)
            yield from routes(inner, prefix + route.path) if inner else [
                (prefix + route.path, {"GET"}, [])]
        elif hasattr(route, "original_router"):  # an included router
            yield from routes(route.original_router.routes, prefix)
        else:
            dependant = getattr(route, "dependant", None)
            query = [p.name for p in dependant.query_params] if dependant else []
            yield prefix + route.path, set(route.methods or ()), query


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, TestClient]]:
    """The demo archive plus the reference pair; a 500 is answered, not raised."""
    app, _ = _site(tmp_path_factory.mktemp("routes"))
    _read_words(app, SCANNED)
    # made now, as a server's start makes them: a download waits only 5 s for its file, less
    # than making it takes on a busy machine (503 "being brought up to date")
    PublicDownloads(app.catalogue, app.settings.derived_path / "downloads").refresh()
    yield app, TestClient(create_app(app), raise_server_exceptions=False, follow_redirects=False)
    app.catalogue.dispose()


def _read_words(app: App, public_id: str) -> None:
    """The words of a scan's own text layer, stored as an OCR stage would (for the routes
    made from them: the searchable PDF, IIIF Content Search)."""
    editor = Reader.editor()
    stored = app.catalogue.get_document(public_id, editor.actor, editor.today)
    assert stored is not None and stored.document.media
    media = stored.document.media[0]
    data = app.blobs.path_of(media.sha256).read_bytes()
    SqlWordLayers(app.catalogue.engine).replace(
        stored.id, pdf_words(data, app.pages.sizes(media.sha256, media.media_type)), "text-layer")


def _get_routes(app: App) -> list[tuple[str, list[str]]]:
    found = routes(create_app(app).routes)
    return [(path, query) for path, methods, query in found if "GET" in methods]


def _example(app: App, template: str) -> str:
    url = EXAMPLES[template].replace("{sha}", sorted(app.catalogue.media_hashes())[0])
    return url.replace("{link}", _link(app)) if "{link}" in url else url


def _link(app: App) -> str:
    """A set-password link token that works (a new one each time: older ones stop)."""
    email = "routes@example.org"
    if not any(u.email == email for u in app.accounts.list_users()):
        return app.accounts.add_user(email, "editor", None)[1]
    return app.accounts.reset(email)


def test_every_route_has_an_example(site: tuple[App, TestClient]) -> None:
    """The walk sees every GET route, and each has an address below (so a new route is
    checked for HEAD and hostile arguments as soon as it exists)."""
    app, _ = site
    templates = {path for path, _ in _get_routes(app)}
    assert len(templates) > 50 and {"/oai", "/api/v1/search", "/iiif/3/{identifier}"} <= templates
    assert templates == set(EXAMPLES)


def test_head_answers_as_get_on_every_route(site: tuple[App, TestClient]) -> None:
    """HEAD gives GET's status and headers (type, length, caching) and no body, on pages,
    feeds, downloads, OAI-PMH, IIIF, the API and static files."""
    app, client = site
    for template, _ in _get_routes(app):
        url = _example(app, template)
        get, head = client.get(url), client.head(url)
        assert get.status_code < 400 or (template in TOKEN_ONLY and get.status_code == 401) \
            or (template in INTERNAL_ONLY and get.status_code == 404), url
        assert head.status_code == get.status_code and head.content == b"", url
        for name in ("content-type", "content-length", "etag", "cache-control", "location"):
            assert head.headers.get(name) == get.headers.get(name), (url, name)


_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _fill(template: str, name: str, value: str) -> str:
    """The template with parameter ``name`` set to ``value`` and every other to "1"."""
    return _PARAM.sub(lambda m: value if m.group(1) == name else "1", template)


def _hostile(template: str, query: list[str], value: str) -> Iterator[str]:
    """The route's addresses with one argument at a time set to ``value``."""
    for name in _PARAM.findall(template):
        yield _fill(template, name, value)
    base = _PARAM.sub("csv", template)  # ext-like parameters
    for name in query:
        yield f"{base}?{name}={value}"
    for argument in FREE.get(template, []):
        yield f"{base}?{argument.replace('{v}', value)}"


def test_no_argument_however_long_or_large_is_a_500(site: tuple[App, TestClient]) -> None:
    """Every path part and every query argument of every route, 50,001 characters long or a
    number beyond 64 bits, gets an answer, never a 500 (found: an OAI set, the API's
    collection, sitemap numbers, year and decade filters, a month without a year)."""
    app, client = site
    failed = []
    for template, query in _get_routes(app):
        for value in (LONG, *NUMBERS):
            for url in _hostile(template, query, value):
                answer = client.get(url)
                if answer.status_code == 500:  # 501 is oEmbed's answer to format=xml
                    failed.append((url[:100], answer.status_code))
    assert failed == []


def _check_security_headers(url: str, headers: Any) -> None:
    csp = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["object-src"] == "'none'", url
    assert headers["x-content-type-options"] == "nosniff", url
    # a set-password link's address is its secret: that page sends no Referer at all
    referrer = "no-referrer" if url.startswith("/set-password/") else "strict-origin-when-cross-origin"
    assert headers["referrer-policy"] == referrer, url
    if url.startswith("/embed/"):  # the oEmbed card is made to be framed by other sites
        assert csp["frame-ancestors"] == "*" and "x-frame-options" not in headers, url
    else:
        assert csp["frame-ancestors"] == "'self'" and headers["x-frame-options"] == "SAMEORIGIN", url


def test_every_response_carries_the_security_headers(site: tuple[App, TestClient]) -> None:
    """Pages, feeds, OAI-PMH, IIIF, the API, static files, redirects and error pages all say
    nosniff, a referrer policy and a CSP that runs only the site's own scripts; only the
    embed card may be framed by another site."""
    app, client = site
    urls = [_example(app, template) for template, _ in _get_routes(app)]
    for url in [*urls, "/nowhere/at-all", "/api/v1/documents/nope", "/search?q=%22open",
                "/documents/frus1958-60v19/d3"]:
        _check_security_headers(url, client.get(url).headers)


def test_pages_run_no_inline_script(site: tuple[App, TestClient]) -> None:
    """Every HTML page loads its script from /static (the CSP allows nothing else): no
    inline <script> but JSON-LD data, no onclick-style attributes, no javascript: links."""
    app, client = site
    for template, _ in _get_routes(app):
        url = _example(app, template)
        answer = client.get(url, follow_redirects=True)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        for attributes in re.findall(r"<script\b([^>]*)>", answer.text):
            assert "src=" in attributes or 'type="application/ld+json"' in attributes, url
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", answer.text), url
        assert "javascript:" not in answer.text, url
