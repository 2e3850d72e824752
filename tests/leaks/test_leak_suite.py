"""The leak suite: nothing the public may not see reaches it through any channel.

The canary archive (``canary.py``) holds a document in each non-public state, and records and
collections that only those documents name; everything hidden carries the word ``quokka``.
Every route of the application is listed below with the addresses that exercise it, and
``test_every_route_is_in_the_leak_suite`` fails when a route is added without joining this
list, so a new channel cannot ship unchecked."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount
from typer.testing import CliRunner

from chancery.bootstrap import App
from chancery.cli import app as cli
from chancery.domain.media import WIDTHS
from chancery.domain.readers import Reader
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.e2e.test_workspace_access import _account, _client, _log_in
from tests.leaks.canary import (
    CANARY,
    FORMER,
    HIDDEN,
    HIDDEN_RECORDS,
    HIDDEN_WORD,
    LAYERED,
    PENDING_EDIT,
    PUBLIC,
    REDACTED,
    REDACTED_TEXT,
    SEALED,
    SEALED_RECORD,
    SEALED_WORD,
    SUGGESTED_WORD,
    build_archive,
    layered_keys,
    redacted_scan_keys,
    scan_pdf,
    scan_png,
)
from tests.meaning_helpers import embedded
from tests.scan_pdfs import page_text

P = "open0001"  # a public document that relates to every hidden one
S = SEALED  # a public document with its canary words redacted
TEXT = "en-original"
OAI = "/oai?verb="
DC, OURS = "&metadataPrefix=oai_dc", "&metadataPrefix=chancery"
IDENT = "&identifier=oai:chancery.archive:"
# the formerly public document's title may be on its 410 page and nowhere else
FORMER_TITLE = "formerly public letter"
# the redacted scan: its original's hash (never public) and the key the public reads it by
ORIGINAL, BURNED = redacted_scan_keys()
# the scan whose own text layer names the canary, redacted in the transcription only
LAYER_ORIGINAL, LAYER_KEY = layered_keys()


# a question in Russian about what the hidden documents report (no word of theirs): meaning
# finds them; no channel may show them, count them or facet them
MEANING_QUERY = quote("отчёт о положении в Берлине")


# what a reader might look for on the scans beside the canary (the canary itself is echoed
# by the search box: test_no_withheld_word_reaches_the_scan_word_outputs looks for it)
WORD_QUERIES = ["agent", "berlin", "source", "vienna", "embassy", "%22the%20consul%22"]


def _sha(public_id: str) -> str:
    return hashlib.sha256(scan_png(public_id)).hexdigest()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The canary archive, built once for the module, with search by meaning over every
    document (hidden ones too, as the meaning service embeds them): whatever meaning finds,
    the channels must filter."""
    app = build_archive(tmp_path_factory.mktemp("leaks"))
    embedded(app)
    yield app
    app.catalogue.dispose()


@pytest.fixture(scope="module")
def site(archive: App) -> TestClient:
    return TestClient(create_app(archive), follow_redirects=True)


# what a reader might type towards the hidden records' names (Quokka, Canary; C. Quokka;
# Quokka Bureau; Quokkaville; Quokkagate; Quokka, Sealed; S. Quokka) and the public ones
NAME_TYPING = ["quokk", "Quokk", "can", "canary", "c", "c qu", "bur", "sealed", "s qu", "qu",
               "Her", "ber"]


def test_names_typed_offer_public_records_only(site: TestClient) -> None:
    """The records public documents name are offered as a reader types; those only hidden
    documents name, or a link a redaction withholds (Quokka, Sealed), never."""
    for route in ("/suggest", "/api/v1/names/suggest"):
        herter = site.get(route, params={"q": "her"}).json()["names"]
        assert [n["name"] for n in herter] == ["Herter, Christian A."], route
        for typed in NAME_TYPING:
            names = site.get(route, params={"q": typed}).json()["names"]
            assert not any(CANARY in json.dumps(n).lower() for n in names), (route, typed)


def clean_channels() -> dict[str, list[str]]:
    """Route -> public addresses whose whole answer must carry nothing hidden."""
    return {
        "/": ["/"],
        "/search": ["/search", f"/search?q={MEANING_QUERY}", "/search?q=Berlin",
                    f"/search?q={HIDDEN_WORD}",
                    "/search?q=Berlin&sort=date", "/search?q=Berlin&f=place:place/berlin",
                    f"/search?q={SEALED_WORD}", "/search?q=source", "/search?q=redacted",
                    f"/search?q={SUGGESTED_WORD}", "/search?q=embassy", "/search?q=agent"],
        # names as a reader types: the records only hidden documents (or a redacted link)
        # name, by every spelling and the start of each (the query is echoed: no "quokka")
        "/suggest": [f"/suggest?q={q}" for q in NAME_TYPING],
        "/browse": ["/browse"], "/browse/{year}": ["/browse/1960"],
        "/browse/{year}/{month}": ["/browse/1960/07"],
        "/browse/{year}/{month}/{day}": ["/browse/1960/07/20", "/browse/1960/07/21",
                                         "/browse/1960/07/23"],
        **{f"/{folder}": [f"/{folder}"] for folder in ("people", "organizations", "places", "subjects")},
        "/api/v1/docs": ["/api/v1/docs"],
        "/collections": ["/collections"],
        "/collections/{key:path}": ["/collections/open-papers"],
        "/{folder}/{slug}": ["/people/herter-christian-a", "/places/berlin"],
        "/documents/{ident:path}": [f"/documents/{d}" for d in (P, "open0002", S, REDACTED,
                                                                 LAYERED)]
                                   + [f"/documents/{d}?q={w}" for d in (P, S, REDACTED, LAYERED)
                                      for w in WORD_QUERIES],
        "/documents/{public_id}/scans/{scan}/searchable.pdf":
            [f"/documents/{d}/scans/1/searchable.pdf" for d in (P, S, REDACTED, LAYERED)],
        "/iiif/3/manifests/{public_id}/search": [f"/iiif/3/manifests/{d}/search?q={w}"
                                                 for d in (P, S, REDACTED, LAYERED)
                                                 for w in WORD_QUERIES],
        "/documents/{public_id}.json": [f"/documents/{d}.json" for d in (P, S, REDACTED)],
        "/documents/{public_id}/text/{version}.txt": [f"/documents/{d}/text/{TEXT}.txt"
                                                      for d in (P, S)]
                                                     + [f"/documents/{REDACTED}/text/"
                                                        f"{REDACTED_TEXT}.txt"],
        "/documents/{public_id}/cite.{ext}": [f"/documents/{d}/cite.{x}" for x in ("bib", "ris", "json")
                                              for d in (P, S)],
        "/documents/{public_id}/cite": [f"/documents/{d}/cite?style={y}" for d in (P, S)
                                        for y in ("apa", "chicago-note", "house")],
        "/documents/cite.{ext}": [f"/documents/cite.bib?id={P}&id=open0002&id={S}"],
        "/files/{sha256}/{filename}": [f"/files/{BURNED}/{REDACTED}.pdf",
                                       f"/files/{LAYER_KEY}/{LAYERED}.pdf"],
        "/scans/{sha256}/{page}-{width}.png": [f"/scans/{k}/1-{w}.png" for w in WIDTHS
                                               for k in (BURNED, LAYER_KEY)],
        "/iiif/3/{identifier}/info.json": [f"/iiif/3/{k}-1/info.json" for k in (BURNED, LAYER_KEY)],
        "/iiif/3/{identifier}/{region}/{size}/{rotation}/{quality_format}":
            [f"/iiif/3/{BURNED}-1/{cut}/0/default.jpg" for cut in
             ("full/max", "full/200,", "0,0,512,512/256,", "pct:20,10,50,20/max")],
        "/feeds/recent.atom": ["/feeds/recent.atom"],
        "/feeds/collections/{key:path}.atom": ["/feeds/collections/open-papers.atom"],
        "/feeds/search.atom": ["/feeds/search.atom?q=Berlin", f"/feeds/search.atom?q={HIDDEN_WORD}",
                               f"/feeds/search.atom?q={SEALED_WORD}",
                               "/feeds/search.atom?q=embassy"],
        "/downloads/documents.{ext}": [f"/downloads/documents.{x}" for x in ("jsonl", "csv")],
        "/search/cite.{ext}": ["/search/cite.bib?q=Berlin", "/search/cite.ris?q=Berlin",
                               f"/search/cite.ris?q={SEALED_WORD}"],
        "/oembed": [f"/oembed?url=http://testserver/documents/{d}" for d in (P, S)],
        "/embed/documents/{public_id}": [f"/embed/documents/{d}" for d in (P, S, REDACTED)],
        "/robots.txt": ["/robots.txt"], "/sitemap.xml": ["/sitemap.xml"],
        "/sitemaps/{n}.xml": ["/sitemaps/1.xml"], "/opensearch.xml": ["/opensearch.xml"],
        "/search-help": ["/search-help"], "/oai/chancery.xsd": ["/oai/chancery.xsd"],
        "/login": ["/login", "/login?next=/workspace"],
        "/oai": [OAI + "Identify", OAI + "ListSets", OAI + "ListIdentifiers" + DC,
                 OAI + "ListRecords" + DC, OAI + "ListRecords" + OURS,
                 OAI + "ListRecords" + DC + "&set=open-papers",
                 OAI + "GetRecord" + DC + IDENT + P, OAI + "GetRecord" + OURS + IDENT + P,
                 OAI + "GetRecord" + DC + IDENT + S, OAI + "GetRecord" + OURS + IDENT + S,
                 OAI + "GetRecord" + OURS + IDENT + FORMER,
                 OAI + "GetRecord" + OURS + IDENT + REDACTED,
                 OAI + "ListMetadataFormats" + IDENT + P],
        "/iiif/3/manifests/{public_id}": [f"/iiif/3/manifests/{d}" for d in (P, S, REDACTED,
                                                                            LAYERED)],
        "/iiif/3/collections/{key:path}": ["/iiif/3/collections/open-papers"],
        "/api/v1/openapi.json": ["/api/v1/openapi.json"],
        "/api/v1/documents": ["/api/v1/documents", "/api/v1/documents?collection=open-papers"],
        "/api/v1/documents/{public_id}": [f"/api/v1/documents/{d}" for d in (P, S, REDACTED)],
        "/api/v1/documents/{public_id}/texts": [f"/api/v1/documents/{d}/texts"
                                                for d in (P, S, REDACTED)],
        "/api/v1/documents/{public_id}/texts/{version}": [f"/api/v1/documents/{d}/texts/{TEXT}"
                                                          for d in (P, S)]
                                                         + [f"/api/v1/documents/{REDACTED}/"
                                                            f"texts/{REDACTED_TEXT}"],
        "/api/v1/documents/{public_id}/relations": [f"/api/v1/documents/{d}/relations"
                                                    for d in (P, S)],
        "/api/v1/documents/{public_id}/citation": [f"/api/v1/documents/{d}/citation?style=apa"
                                                   for d in (P, S)],
        "/api/v1/documents/{public_id}/similar": [f"/api/v1/documents/{d}/similar?limit=50"
                                                  for d in (P, "open0002", S, REDACTED)],
        "/api/v1/search": [f"/api/v1/search?q={MEANING_QUERY}",
                           f"/api/v1/search?q={MEANING_QUERY}&sort=date",
                           "/api/v1/search?q=Berlin", f"/api/v1/search?q={HIDDEN_WORD}",
                           "/api/v1/search?q=date:1960", f"/api/v1/search?q={SEALED_WORD}",
                           "/api/v1/search?q=source", f"/api/v1/search?q={SUGGESTED_WORD}",
                           "/api/v1/search?q=embassy"],
        "/api/v1/names/suggest": [f"/api/v1/names/suggest?q={q}" for q in NAME_TYPING],
        "/api/v1/collections": ["/api/v1/collections"],
        "/api/v1/collections/{key:path}": ["/api/v1/collections/open-papers"],
        **{f"/api/v1/{folder}": [f"/api/v1/{folder}"]
           for folder in ("people", "organizations", "places", "subjects")},
        "/api/v1/people/{slug}": ["/api/v1/people/herter-christian-a"],
        "/api/v1/places/{slug}": ["/api/v1/places/berlin"],
        # the public's answers only (status and one word; test_health_leaks.py)
        "/healthz": ["/healthz"], "/readyz": ["/readyz"],
    }


def absent_channels() -> dict[str, list[str]]:
    """Route -> addresses naming something hidden: each must answer as if it did not exist."""
    docs = list(HIDDEN)
    # the redacted scans' originals too
    shas = [_sha(h) for h in docs] + [ORIGINAL, LAYER_ORIGINAL]
    return {
        "/documents/{ident:path}": [f"/documents/{h}" for h in docs] + [f"/documents/{h}/slug" for h in docs],
        "/documents/{public_id}.json": [f"/documents/{h}.json" for h in [*docs, FORMER]],
        "/documents/{public_id}/text/{version}.txt": [f"/documents/{h}/text/{TEXT}.txt" for h in docs],
        "/documents/{public_id}/cite.{ext}": [f"/documents/{h}/cite.bib" for h in docs],
        "/documents/{public_id}/cite": [f"/documents/{h}/cite?style=apa" for h in docs],
        "/documents/cite.{ext}": [f"/documents/cite.ris?id={h}" for h in docs],
        "/embed/documents/{public_id}": [f"/embed/documents/{h}" for h in [*docs, FORMER]],
        "/oembed": [f"/oembed?url=http://testserver/documents/{h}" for h in docs],
        "/collections/{key:path}": ["/collections/quokka-papers", "/collections/open-papers/quokka-box"],
        "/feeds/collections/{key:path}.atom": ["/feeds/collections/quokka-papers.atom"],
        "/iiif/3/collections/{key:path}": ["/iiif/3/collections/quokka-papers",
                                           "/iiif/3/collections/open-papers/quokka-box"],
        "/iiif/3/manifests/{public_id}": [f"/iiif/3/manifests/{h}" for h in docs],
        "/iiif/3/manifests/{public_id}/search": [f"/iiif/3/manifests/{h}/search?q=quokka"
                                                 for h in docs],
        "/documents/{public_id}/scans/{scan}/searchable.pdf":
            [f"/documents/{h}/scans/1/searchable.pdf" for h in docs],
        "/iiif/3/{identifier}": [f"/iiif/3/{s}-1" for s in shas],
        "/iiif/3/{identifier}/info.json": [f"/iiif/3/{s}-1/info.json" for s in shas],
        "/iiif/3/{identifier}/{region}/{size}/{rotation}/{quality_format}":
            [f"/iiif/3/{s}-1/full/max/0/default.jpg" for s in shas],
        "/files/{sha256}/{filename}": [f"/files/{s}/scan.png" for s in shas]
                                      + [f"/files/{ORIGINAL}/{REDACTED}.pdf",
                                         f"/files/{LAYER_ORIGINAL}/{LAYERED}.pdf"],
        "/scans/{sha256}/{page}-{width}.png": [f"/scans/{s}/1-500.png" for s in shas],
        "/{folder}/{slug}": [f"/{folder}/{slug}" for folder, slug in [*HIDDEN_RECORDS.items(),
                                                                       SEALED_RECORD]],
        "/api/v1/documents/{public_id}": [f"/api/v1/documents/{h}" for h in [*docs, FORMER]],
        "/api/v1/documents/{public_id}/texts": [f"/api/v1/documents/{h}/texts" for h in docs],
        "/api/v1/documents/{public_id}/texts/{version}":
            [f"/api/v1/documents/{h}/texts/{TEXT}" for h in docs],
        "/api/v1/documents/{public_id}/relations": [f"/api/v1/documents/{h}/relations" for h in docs],
        "/api/v1/documents/{public_id}/similar": [f"/api/v1/documents/{h}/similar"
                                                  for h in [*docs, FORMER]],
        "/api/v1/documents/{public_id}/citation": [f"/api/v1/documents/{h}/citation" for h in docs],
        "/api/v1/collections/{key:path}": ["/api/v1/collections/quokka-papers"],
        "/set-password/{token}": ["/set-password/quokka-not-a-link"],
        **{f"/api/v1/{folder}/{{slug}}": [f"/api/v1/{folder}/{slug}"]
           for folder, slug in HIDDEN_RECORDS.items()},
        "/api/v1/people/{slug}": [f"/api/v1/people/{HIDDEN_RECORDS['people']}",
                                  f"/api/v1/people/{SEALED_RECORD[1]}"],
        "/metrics": ["/metrics"],  # an internal address's or the token's only
    }


# Routes reached only through other means, by method and path, with the reason. A route is
# listed once per method: a write route that shares its path with a checked GET is listed too.
_LOGIN = "login required; checked in tests/e2e/test_workspace_access.py"
_FORMS = "POST only, login, role and CSRF required; checked in tests/e2e/test_workspace_access.py"
_EDITOR = ("the document editor and its lookups: login, role and CSRF required; checked in "
           "tests/e2e/test_workspace_access.py and test_workspace_editor.py")
_RECORDS = ("login required (POST: role and CSRF too); checked in "
            "tests/e2e/test_workspace_access.py, test_workspace_authorities.py and "
            "test_workspace_collections.py")
_TOKEN = ("a write token only: without one the answer is the same 401 for any id "
          "(test_write_routes_answer_anonymous_alike); roles in tests/e2e/test_api_tokens.py, "
          "test_api_editing.py and test_api_reviewing.py")
_SUGGESTIONS = ("suggested metadata and OCR correction, for the staff only (login, role, CSRF); "
                "checked in tests/e2e/test_workspace_access.py and test_workspace_suggestions.py, "
                "and the canary's suggestions reach no public channel (every route above)")
ELSEWHERE = {
    "GET /static": "package assets, the same for every archive",
    "POST /oai": "the same answers as GET, checked in test_oai_post_answers_like_get",
    "POST /login": "a login form: checked in tests/e2e/test_workspace_access.py",
    "POST /logout": "ends a session; checked in tests/e2e/test_workspace_access.py",
    "POST /set-password/{token}": "a set-password form: checked in "
                                  "tests/e2e/test_workspace_access.py",
    "GET /workspace": _LOGIN,
    "GET /workspace/documents/{public_id}": _LOGIN,
    "GET /workspace/search": _LOGIN,
    "GET /workspace/files/{sha256}/{filename}": "login or a staff account's token required (the "
                                                "original of a redacted scan); checked in "
                                                "test_workspace_access.py, test_api_originals.py "
                                                "and test_a_redacted_scan_region_reaches_no_"
                                                "public_channel",
    "GET /workspace/audit": "login and the admin role required; checked in "
                            "tests/e2e/test_workspace_access.py and test_workspace_audit.py",
    "POST /workspace/documents/{public_id}/{action}": _FORMS + " and test_workspace_documents.py",
    "POST /workspace/search/bulk": _FORMS + " and test_workspace_search.py",
    "POST /workspace/redactions/{public_id}": _FORMS + " and tests/leaks/test_redacted_document.py",
    "POST /workspace/redactions/{public_id}/{redaction_id}/{action}":
        _FORMS + " and tests/leaks/test_redacted_document.py",
    "GET /workspace/documents/{public_id}/history": "login required; checked in "
                                                    "tests/e2e/test_workspace_access.py and "
                                                    "test_workspace_history.py",
    "POST /workspace/documents/{public_id}/revert": _FORMS + " and test_workspace_history.py",
    **{f"{method} /workspace/documents/{{public_id}}/{page}": _SUGGESTIONS
       for method in ("GET", "POST") for page in ("suggestions", "transcription")},
    "GET /workspace/scans/{sha256}/{page}-{width}.png": "login required: a page of any scan "
                                                         "a staff account may read; checked in "
                                                         "tests/e2e/test_workspace_access.py "
                                                         "and test_workspace_suggestions.py",
    "GET /workspace/jobs": "login required (counts of jobs reveal how many drafts are being "
                           "read); checked in tests/e2e/test_workspace_access.py and "
                           "test_workspace_jobs.py",
    "POST /workspace/jobs/retry": _FORMS + " and test_workspace_jobs.py",
    "POST /workspace/documents/{public_id}/purge": "an admin's, with CSRF; checked in "
                                                   "tests/e2e/test_workspace_access.py and "
                                                   "tests/e2e/test_purge.py",
    **{f"{method} {path}": _EDITOR for method, path in (
        ("GET", "/workspace/documents/new"), ("POST", "/workspace/documents/new"),
        ("GET", "/workspace/documents/{public_id}/edit"),
        ("POST", "/workspace/documents/{public_id}/edit"),
        ("GET", "/workspace/lookup/authorities"), ("GET", "/workspace/lookup/documents"))},
    **{f"{method} {path}": _RECORDS for method, path in (
        ("GET", "/workspace/authorities"), ("GET", "/workspace/authorities/{kind}/{slug}"),
        ("POST", "/workspace/authorities/{kind}/{slug}"),
        *(("POST", f"/workspace/authorities/{{kind}}/{{slug}}/{a}")
          for a in ("names", "names/remove", "merge", "split")),
        ("GET", "/workspace/collections"), ("POST", "/workspace/collections"),
        ("GET", "/workspace/collections/{key:path}"),
        ("POST", "/workspace/collections/{key:path}"))},
    **{f"{method} /api/v1/documents{path}": _TOKEN for method, path in (
        ("POST", ""), ("PATCH", "/{public_id}"), ("GET", "/{public_id}/draft"),
        ("POST", "/{public_id}/state"), ("POST", "/{public_id}/embargo"),
        ("POST", "/{public_id}/changes/approve"), ("POST", "/{public_id}/changes/reject"),
        ("GET", "/{public_id}/redactions"), ("POST", "/{public_id}/redactions"),
        ("POST", "/{public_id}/redactions/{redaction_id}/request-removal"),
        ("POST", "/{public_id}/redactions/{redaction_id}/approve-removal"))},
}


def _routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[str]:
    """"METHOD /path" of every route, once per method (HEAD goes with GET; a mount is GET)."""
    for r in routes:
        if isinstance(r, Mount):
            inner = getattr(r.app, "routes", None) or getattr(getattr(r.app, "router", None),
                                                               "routes", None)
            yield from _routes(inner, prefix + r.path) if inner else iter([f"GET {prefix}{r.path}"])
        elif hasattr(r, "original_router"):  # FastAPI's included routers
            yield from _routes(r.original_router.routes, prefix)
        else:
            methods = set(getattr(r, "methods", None) or {"GET"}) - {"HEAD"}
            yield from (f"{m} {prefix}{getattr(r, 'path', '')}" for m in sorted(methods))


def _scrub(body: str, url: str) -> str:
    """The answer without the parts of the address it may echo."""
    for part in sorted(re.split(r"[/?=&:.]", url), key=len, reverse=True):
        if CANARY in part.lower():
            body = body.replace(part, "")
    return body


def test_every_route_is_in_the_leak_suite(archive: App) -> None:
    """A route that is neither checked here nor listed with a reason fails the suite, by
    method: the channels above are read with GET, so a POST or PATCH on one of their paths
    must be listed in ELSEWHERE too."""
    checked = {f"GET {path}" for path in [*clean_channels(), *absent_channels()]}
    covered = checked | set(ELSEWHERE)
    present = set(_routes(create_app(archive).router.routes))
    missing = sorted(present - covered)
    assert not missing, f"add these routes to the leak suite: {missing}"
    stale = sorted(set(ELSEWHERE) - present)  # a wrong method would otherwise cover nothing
    assert not stale, f"ELSEWHERE names routes the app does not have: {stale}"


@pytest.mark.parametrize("route", sorted(clean_channels()))
def test_public_channels_carry_nothing_hidden(site: TestClient, route: str) -> None:
    """Pages, search, snippets, counts, facets, feeds, downloads, citations, API, OAI-PMH and
    IIIF answer for the public without a word of what the public may not see."""
    for url in clean_channels()[route]:
        answer = site.get(url)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
        body = answer.content.decode("utf-8", "replace").lower()
        assert CANARY not in body, f"{url} leaks: ...{body[max(0, body.find(CANARY) - 120):][:240]}"
        assert FORMER_TITLE not in body, f"{url} names the withdrawn document"


@pytest.mark.parametrize("route", sorted(absent_channels()))
def test_hidden_things_answer_as_unknown(site: TestClient, route: str) -> None:
    """Every address naming a hidden document, scan, record or collection answers 404 (400
    for a cut of an image that is not there), saying nothing of it."""
    for url in absent_channels()[route]:
        answer = site.get(url)
        assert answer.status_code in (400, 404), (url, answer.status_code)
        body = _scrub(answer.text, url).lower()
        assert CANARY not in body and "telegram" not in body, (url, body[:300])


def test_hidden_documents_are_not_harvested(site: TestClient) -> None:
    """OAI-PMH: a hidden document is idDoesNotExist, a set of hidden documents has no records;
    the formerly public one is a deleted record that names no title."""
    for h in HIDDEN:
        for verb in ("GetRecord" + DC, "ListMetadataFormats"):
            answer = site.get(OAI + verb + IDENT + h).text
            assert 'code="idDoesNotExist"' in answer and "<title" not in _scrub(answer, h)
    sets = site.get(OAI + "ListRecords" + DC + "&set=quokka-papers").text
    assert 'code="noRecordsMatch"' in sets
    former = site.get(OAI + "GetRecord" + DC + IDENT + FORMER).text
    assert 'status="deleted"' in former and "<metadata" not in former


def test_write_routes_answer_anonymous_alike(site: TestClient) -> None:
    """POST to the write routes without a token, or with a bad one, is 401 with one and the
    same answer for a hidden, a withdrawn, a public and an unknown id: nothing to learn."""
    bodies = {"state": {"action": "publish", "comment": "x"}, "embargo": {"until": None},
              "changes/approve": {}, "changes/reject": {"comment": "x"},
              "redactions": {"kind": "text", "version": "en", "text": CANARY, "reason": "x"},
              "redactions/1/request-removal": {}, "redactions/1/approve-removal": {}}
    for headers in ({}, {"Authorization": "Bearer chancery_quokka"}):
        for route, body in bodies.items():
            answers = {site.post(f"/api/v1/documents/{h}/{route}", json=body, headers=headers)
                       for h in [*HIDDEN, FORMER, P, "nosuch001"]}
            seen = {(a.status_code, a.text, a.headers["www-authenticate"]) for a in answers}
            assert len(seen) == 1 and next(iter(seen))[0] == 401, seen
            assert CANARY not in next(iter(seen))[1].lower()
        # editing: the draft to edit, a change (PATCH) and a new draft (POST) alike
        answers = {site.get(f"/api/v1/documents/{h}/draft", headers=headers)
                   for h in [*HIDDEN, FORMER, P, "nosuch001"]}
        answers |= {site.patch(f"/api/v1/documents/{h}", json={"title": "x", "seen": None},
                               headers=headers) for h in [*HIDDEN, FORMER, P, "nosuch001"]}
        answers.add(site.post("/api/v1/documents", json={"title": "x"}, headers=headers))
        seen = {(a.status_code, a.text) for a in answers}
        assert len(seen) == 1 and next(iter(seen))[0] == 401, seen
        # the staff's list of redactions (with the words withheld) alike, redacted or not
        listed = {(a.status_code, a.text) for a in (
            site.get(f"/api/v1/documents/{h}/redactions", headers=headers)
            for h in [*HIDDEN, FORMER, P, S, "nosuch001"])}
        assert len(listed) == 1 and next(iter(listed))[0] == 401, listed


def test_an_editors_token_sees_what_the_public_may_not(archive: App, site: TestClient) -> None:
    """The other side of every check above: an editor's API token reads the hidden
    documents and finds their words (so the suite's absences are the access rule's doing)."""
    archive.accounts.add_user("leak-editor@example.org", "editor", None)
    _, secret = archive.tokens.create("leak-editor@example.org", "read")
    editor = {"Authorization": f"Bearer {secret}"}
    for h in HIDDEN:
        answer = site.get(f"/api/v1/documents/{h}", headers=editor)
        assert answer.status_code == 200 and CANARY in answer.text.lower(), h
        for media in answer.json()["media"]:  # scans the public cannot fetch: the staff's
            path = urlsplit(media["url"]).path
            assert path.startswith("/workspace/files/"), (h, path)
            assert site.get(path, headers=editor).status_code == 200, (h, path)
    assert site.get(f"/api/v1/search?q={HIDDEN_WORD}", headers=editor).json()["total"] > 0


def test_formerly_public_document_answers_410_with_its_title(site: TestClient) -> None:
    """Public once, withdrawn since: its address says so (citations to it stay explained)."""
    gone = site.get(f"/documents/{FORMER}")
    assert gone.status_code == 410 and "Formerly public letter" in gone.text
    assert CANARY not in gone.text.lower()


def test_counts_and_facets_count_only_public_documents(site: TestClient) -> None:
    """Totals, facet counts and collection counts are those of the two public documents."""
    found = site.get("/api/v1/search?q=Berlin").json()
    assert found["total"] == 2
    places = {b["value"]: b["count"] for b in found["facets"]["place"]}
    assert places == {"place/berlin": 2}
    assert site.get(f"/api/v1/search?q={HIDDEN_WORD}").json()["total"] == 0
    assert [d["public_id"] for d in site.get("/api/v1/documents").json()["items"]] == \
        ["open0001", "open0002", SEALED, REDACTED, LAYERED]
    assert [c["key"] for c in site.get("/api/v1/collections").json()["items"]] == ["open-papers"]


def test_spelling_suggestions_do_not_offer_hidden_words(site: TestClient) -> None:
    """A misspelt word only hidden documents hold is not suggested back."""
    for url in ("/search?q=quokkavill", "/api/v1/search?q=quokkavill", "/search?q=zanzibarit"):
        body = site.get(url).text.lower()
        assert "quokkaville" not in body and HIDDEN_WORD not in body, url


def test_a_spelling_only_hidden_documents_hold_is_not_offered(site: TestClient) -> None:
    """'zanzibrite OR Berlni' finds nothing; its corrected form with the hidden word would
    find the public Berlin documents (by the other word), so only the hidden word's own
    visible count keeps it out: Berlin is corrected, the hidden word is not."""
    found = site.get("/api/v1/search", params={"q": "zanzibrite OR Berlni"}).json()
    assert found["total"] == 0
    assert "zanzibrite OR Berlin" in found["suggestions"]
    assert HIDDEN_WORD not in json.dumps(found).lower()
    page = site.get("/search", params={"q": "zanzibrite OR Berlni"}).text.lower()
    assert "did you mean" in page and HIDDEN_WORD not in page


def test_oai_post_answers_like_get(site: TestClient) -> None:
    """POST is the same repository: a hidden identifier is unknown there too."""
    answer = site.post("/oai", data={"verb": "GetRecord", "metadataPrefix": "oai_dc",
                                     "identifier": f"oai:chancery.archive:{next(iter(HIDDEN))}"})
    assert 'code="idDoesNotExist"' in answer.text
    listed = site.post("/oai", data={"verb": "ListRecords", "metadataPrefix": "oai_dc"}).text
    assert CANARY not in listed.lower()


def test_public_exports_carry_nothing_hidden(archive: App, tmp_path: Path) -> None:
    """`chancery export --public` in every format: no hidden document, record, collection or
    relation target."""
    data = str(archive.settings.data)
    for fmt, out in (("bundle", tmp_path / "bundle"), ("jsonl", tmp_path / "d.jsonl"),
                     ("csv", tmp_path / "d.csv"), ("parquet", tmp_path / "d.parquet")):
        result = CliRunner().invoke(cli, ["--data", data, "export", "--public", "--format", fmt,
                                          "--out", str(out)])
        assert result.exit_code == 0, result.output
        files = [p for p in out.rglob("*") if p.is_file()] if out.is_dir() else [out]
        for f in files:
            assert CANARY.encode() not in f.read_bytes().lower(), f
    # and the operator's own export keeps everything
    full = tmp_path / "full.jsonl"
    CliRunner().invoke(cli, ["--data", data, "export", "--format", "jsonl", "--out", str(full)])
    ids = [json.loads(line)["public_id"] for line in full.read_text().splitlines()]
    assert sum(i.startswith(CANARY) for i in ids) == len(HIDDEN)


def test_a_redacted_scan_region_reaches_no_public_channel(archive: App, site: TestClient,
                                                          tmp_path: Path) -> None:
    """The scan whose text layer names the canary under a box: no public answer names the
    original's hash; the public PDF has no text layer and is black under the box; the public
    export carries only the burned file; an editor still gets the original, canary and all."""
    assert site.get(f"/api/v1/documents/{REDACTED}").json()["media"][0]["sha256"] == BURNED
    for route, urls in clean_channels().items():
        for url in urls:
            assert ORIGINAL not in site.get(url).text, (route, url)
    burned = site.get(f"/files/{BURNED}/{REDACTED}.pdf").content
    assert page_text(burned, 1).strip() == "" and CANARY in page_text(scan_pdf(), 1).lower()
    out = tmp_path / "bundle"
    result = CliRunner().invoke(cli, ["--data", str(archive.settings.data), "export", "--public",
                                      "--format", "bundle", "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = [p for p in out.rglob("*") if p.is_file()]
    assert not [p for p in exported if ORIGINAL in str(p) or ORIGINAL.encode() in p.read_bytes()]
    copy = out / "files" / BURNED / f"{REDACTED}.pdf"
    assert copy.read_bytes() == burned
    editor = _editor_browser(archive)
    original = editor.get(f"/workspace/files/{ORIGINAL}/{REDACTED}.pdf")
    assert original.status_code == 200 and CANARY in page_text(original.content, 1).lower()


def test_words_withheld_in_the_transcription_leave_no_text_layer(archive: App, site: TestClient,
                                                                tmp_path: Path) -> None:
    """A text redaction and no box: the scan's own text layer (the publisher's OCR of the
    withheld name) reaches no public channel. The public reads the scan by a new key, as a
    rasterised PDF; the original's hash answers as unknown; the public export carries the
    rasterised copy only; an editor still gets the original."""
    assert site.get(f"/api/v1/documents/{LAYERED}").json()["media"][0]["sha256"] == LAYER_KEY
    for route, urls in clean_channels().items():
        for url in urls:
            assert LAYER_ORIGINAL not in site.get(url).text, (route, url)
    served = site.get(f"/files/{LAYER_KEY}/{LAYERED}.pdf")
    assert served.headers["content-type"] == "application/pdf"
    assert page_text(served.content, 1).strip() == ""
    assert site.get(f"/files/{LAYER_ORIGINAL}/{LAYERED}.pdf").status_code == 404
    out = tmp_path / "bundle"
    result = CliRunner().invoke(cli, ["--data", str(archive.settings.data), "export", "--public",
                                      "--format", "bundle", "--out", str(out)])
    assert result.exit_code == 0, result.output
    copy = out / "files" / LAYER_KEY / f"{LAYERED}.pdf"
    assert copy.read_bytes() == served.content
    assert not (out / "files" / LAYER_ORIGINAL).exists()
    original = _editor_browser(archive, "layer-browser@example.org").get(
        f"/workspace/files/{LAYER_ORIGINAL}/{LAYERED}.pdf")
    assert original.status_code == 200 and CANARY in page_text(original.content, 1).lower()


def _editor_browser(app: App, email: str = "leak-browser@example.org") -> TestClient:
    """A browser logged in as an editor."""
    password = "a long enough passphrase"
    app.accounts.add_user(email, "editor", password)
    client = TestClient(create_app(app), follow_redirects=False, client=("10.9.4.1", 50000))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf is not None
    client.post("/login", data={"csrf": csrf.group(1), "email": email, "password": password})
    return client


def _add_draft(app: App, root: Path) -> None:
    """One more draft on Berlin, imported and indexed into the archive built in ``root``."""
    extra = root / "bundle"  # the archive as it stands, and one more draft
    draft = yaml.safe_load((extra / "quokkadraft.yaml").read_text())
    draft["public_id"] = "quokkadraft2"
    (extra / "quokkadraft2.yaml").write_text(yaml.safe_dump(draft))
    assert not import_paths([extra], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)


def test_api_answers_do_not_move_when_a_draft_is_added(tmp_path: Path) -> None:
    """Public answers give ranks, never raw scores (which count hidden documents): adding a
    draft that matches the query leaves the public answer as it was."""
    app = build_archive(tmp_path)
    try:
        site = TestClient(create_app(app))
        before = site.get("/api/v1/search?q=Berlin").json()
        assert [h["rank"] for h in before["hits"]] == [1, 2] and "score" not in before["hits"][0]
        _add_draft(app, tmp_path)
        assert site.get("/api/v1/search?q=Berlin").json() == before
    finally:
        app.catalogue.dispose()


# answers a poller could watch for a change: pages, API, downloads
WATCHED = ["/", "/search?q=Berlin", "/browse/1960/07", "/collections/open-papers",
           "/people/herter-christian-a", "/feeds/recent.atom", "/api/v1/search?q=Berlin",
           f"/api/v1/documents/{P}", "/api/v1/collections", "/downloads/documents.jsonl",
           "/downloads/documents.csv"]


def test_validators_do_not_tell_when_a_draft_is_added(tmp_path: Path) -> None:
    """ETag and Last-Modified move only when the public answer does: importing a draft leaves
    them as they were, and a reader's old tag still gets 304 (tags made from the catalogue's
    change counter told anyone polling a page when unpublished work came in)."""
    app = build_archive(tmp_path)
    try:
        site = TestClient(create_app(app))
        before = {url: site.get(url).headers for url in WATCHED}
        _add_draft(app, tmp_path)
        for url in WATCHED:
            after = site.get(url).headers
            for name in ("etag", "last-modified"):
                assert after.get(name) == before[url].get(name), (url, name)
            if "etag" in after and not url.startswith("/downloads/"):  # files: no 304 here
                again = site.get(url, headers={"If-None-Match": before[url]["etag"]})
                assert again.status_code == 304, url
    finally:
        app.catalogue.dispose()


@pytest.mark.parametrize("word", ["Quokka", "Quokkaville", "Quokkagate", "Canary"])
def test_searching_a_hidden_name_finds_nothing_and_expands_to_nothing(site: TestClient,
                                                                      word: str) -> None:
    """A reader typing a name only hidden documents hold gets no hit, no count, no facet, and
    no other spelling of it (the name expansion reads only what the public may see)."""
    for url in (f"/search?q={word}", f"/api/v1/search?q={word}", f"/feeds/search.atom?q={word}"):
        answer = site.get(url)
        assert answer.status_code == 200
        body = _scrub(answer.text, url).lower()
        assert CANARY not in body and "c. quokka" not in body and "bureau" not in body, url
    assert site.get(f"/api/v1/search?q={word}").json()["total"] == 0


def test_a_public_search_by_state_says_nothing_of_drafts(site: TestClient) -> None:
    """state: is a workspace field: on the public search page, the API, the feed and the
    exports, state:draft (or f=state:draft) is refused exactly like an unknown field or facet
    (same status, same words once the name is swapped), with no hit, count or state facet."""
    for path in ("/search", "/api/v1/search", "/feeds/search.atom", "/search/cite.ris"):
        for state in ("draft", "in-review", "embargoed"):
            for asked in (f"q=state:{state}", f"f=state:{state}"):
                answer = site.get(f"{path}?{asked}")
                unknown = site.get(f"{path}?{asked.replace('state', 'nonsense')}")
                assert answer.status_code == unknown.status_code == 400, (path, asked)
                said = answer.text.replace("state", "FIELD")
                assert said == unknown.text.replace("nonsense", "FIELD"), (path, asked)
                assert CANARY not in answer.text.lower()
    facets = site.get("/api/v1/search?q=Berlin").json()["facets"]
    assert "state" not in facets


def test_a_pending_edit_is_for_editors_only(archive: App, site: TestClient) -> None:
    """The published document whose waiting change is full of the canary: every public view of
    it is the published version; an editor sees the change on its workspace page and API."""
    for url in (f"/documents/{PENDING_EDIT}", f"/documents/{PENDING_EDIT}.json",
                f"/api/v1/documents/{PENDING_EDIT}", f"/api/v1/documents/{PENDING_EDIT}/texts",
                f"/documents/{PENDING_EDIT}/text/{TEXT}.txt", f"/iiif/3/manifests/{PENDING_EDIT}",
                f"/documents/{PENDING_EDIT}/cite.bib", f"/search?q={HIDDEN_WORD}"):
        answer = site.get(url)
        assert answer.status_code == 200 and CANARY not in answer.text.lower(), url
    editor = _client(archive)
    assert _log_in(editor, _account(archive, "editor")).status_code == 303
    page = editor.get(f"/workspace/documents/{PENDING_EDIT}").text
    assert "A change waiting for review" in page and "Memorandum 2 on the quokka" in page
    _, secret = archive.tokens.create(_account(archive, "editor"), "write")
    draft = site.get(f"/api/v1/documents/{PENDING_EDIT}/draft",
                     headers={"Authorization": f"Bearer {secret}"}).json()
    assert draft["pending"] and HIDDEN_WORD in json.dumps(draft["record"])


def test_public_notes_show_only_approved_and_never_withheld_words(archive: App,
                                                                  site: TestClient) -> None:
    """A rejected change's note is kept nowhere the public reads (the leak channels above
    carry none of it); the sealed document's approved note shows, its withheld words not."""
    history = archive.publishing.history(PUBLIC[0])
    assert history is not None and "rejected: not in the source" in history.entries[-1].summary
    assert site.get(f"/api/v1/documents/{PUBLIC[0]}").json()["corrections"] == []
    [note] = site.get(f"/api/v1/documents/{SEALED}").json()["corrections"]
    assert note["note"] == "Rights as the [redacted: (b)(6)]'s cable gives them."
    assert "Corrected on" in site.get(f"/documents/{SEALED}").text


def test_no_withheld_word_reaches_the_scan_word_outputs(archive: App, site: TestClient) -> None:
    """The words read on the scans: the box over the canary on the redacted scan, the words a
    text redaction withholds (the layered and the sealed document) are in no searchable PDF's
    text, Content Search answer or hit box; an editor's read still has them (so their absence
    is the redaction rule's doing)."""
    for d in (P, S, REDACTED, LAYERED):
        pdf = site.get(f"/documents/{d}/scans/1/searchable.pdf")
        assert pdf.status_code == 200, d
        text = " ".join(page_text(pdf.content, n) for n in (1,)).lower()
        assert text.strip() and CANARY not in text, (d, text)
        found = site.get(f"/iiif/3/manifests/{d}/search?q=quokka%20agent%20source").json()
        assert CANARY not in json.dumps(found["items"] + found.get("annotations", [])).lower()
        for q in ("quokka", "quokk*", "%22quokka%20source%22"):
            page = site.get(f"/documents/{d}?q={q}").text
            assert 'class="hit-box"' not in page and "No word matching" in page, (d, q)
    assert "embassy" in page_text(site.get(f"/documents/{REDACTED}/scans/1/searchable.pdf")
                                .content, 1).lower()  # the words beside the box stay
    editor = Reader.editor()
    for d in (S, REDACTED, LAYERED):
        seen = archive.word_boxes.visible(d, editor)
        assert seen is not None and CANARY in " ".join(
            w.text for p in seen.pages for w in p.words).lower(), d

