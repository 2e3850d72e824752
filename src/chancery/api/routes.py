"""The API's reading endpoints: thin over the services, read as the public or as the
account of a bearer token (api/auth.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from chancery.api import auth, convert
from chancery.api import models as m
from chancery.api.paging import make_cursor, read_cursor
from chancery.bootstrap import App
from chancery.citing.interface import CitationError, StyleNotFound
from chancery.domain.readers import Reader
from chancery.http.addresses import PATH_KINDS
from chancery.search.grammar import QueryError, parse_filters
from chancery.search.interface import IndexUnavailable
from chancery.services import citing, documents, reading
from chancery.services.export_audit import record_export
from chancery.services.search_meaning import MAX_SIMILAR

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.Error, "description": "A malformed query, option or cursor"},
    401: {"model": m.Error, "description": "A bearer token that is unknown, revoked or whose "
                                           "account is disabled (see WWW-Authenticate)"},
    404: {"model": m.Error, "description": "Nothing this reader may see here"},
    429: {"model": m.Error, "description": "Too many requests; see Retry-After"},
    503: {"model": m.Error, "description": "The search index cannot answer yet"},
}
MOVED: dict[int | str, dict[str, Any]] = {
    301: {"description": "A record merged into another, or a collection moved: Location is "
                        "where it is now"}}
_MAX_OFFSET = 100_000_000
Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
Meaning = Annotated[int, Query(ge=0, le=1, description="0: the words alone, no search by "
                                                       "meaning")]
Records = Annotated[Literal["none", "full"], Query(
    description="full: each hit also carries the document's full record, as /documents/{id}")]


def routes(app: App) -> APIRouter:
    """Every endpoint of /api/v1."""
    router = APIRouter(responses=ERRORS)
    urls = convert.Urls(app.settings.base_url)
    read = Depends(auth.reader_of(app))  # the token's account, or the public
    _documents(router, app, urls, read)
    _similar(router, app, urls, read)
    _finding(router, app, urls, read)
    _names(router, app, urls, read)
    return router


def _names(router: APIRouter, app: App, urls: convert.Urls, read: Any) -> None:
    @router.get("/names/suggest", response_model=m.NameSuggestionsOut,
                summary="Names as a reader types them", operation_id="suggest_names")
    def suggest_names(q: Annotated[str, Query(max_length=200, description=(
                          "What the reader has typed: each word is the start of a word of "
                          "any spelling of the record, case and accents aside"))] = "",
                      limit: Annotated[int, Query(ge=1, le=20)] = 10,
                      reader: Reader = read) -> m.NameSuggestionsOut:
        found = app.name_suggester.suggest(q, reader, limit)
        return m.NameSuggestionsOut(query=q, names=[
            m.NameSuggestionOut.model_validate(s.as_json(urls.authority(s.key))) for s in found])


def _position(cursor: str | None, name: str, first: int) -> int:
    """The offset or page a cursor holds, within bounds a cursor of ours never leaves."""
    value = int(read_cursor(cursor, **{name: first})[name])
    if not first <= value <= _MAX_OFFSET:
        raise HTTPException(400, "this cursor was not made by this API; start again without one")
    return value


def _stored(app: App, public_id: str, reader: Reader) -> Any:
    stored = documents.show_document(app.catalogue, public_id, reader)
    if stored is None:
        raise HTTPException(404, f"no document {public_id!r}")
    return stored


def _record(app: App, stored: documents.StoredDocument, urls: convert.Urls, reader: Reader) -> m.DocumentOut:
    """A document's record; for the staff, the scans the public cannot fetch are linked at
    /workspace/files (which answers their token), not at a public address that 404s."""
    staff_only = documents.staff_only_scans(app.catalogue, stored, reader)
    record = convert.document(stored, urls, app.settings.archive_name, staff_only)
    if not reader.is_editor:  # the PDF is made for the public: the staff read the originals
        for n in app.word_boxes.searchable_scans(stored, reader):
            record.media[n - 1].searchable_pdf = urls.site(
                f"/documents/{stored.document.public_id}/scans/{n}/searchable.pdf")
    return record


def _documents(router: APIRouter, app: App, urls: convert.Urls, read: Any) -> None:
    @router.get("/documents", response_model=m.DocumentPageOut, summary="List documents by date")
    def list_documents(cursor: Cursor = None, limit: Limit = 20,
                       collection: str | None = None, reader: Reader = read) -> m.DocumentPageOut:
        offset = _position(cursor, "offset", 0)
        rows = documents.list_documents(app.catalogue, reader, collection, limit + 1, offset)
        more = len(rows) > limit
        return m.DocumentPageOut(
            total=documents.count_documents(app.catalogue, reader) if collection is None
            else -1,
            items=[m.DocumentSummaryOut(public_id=r.public_id, source_id=r.source_id,
                                        title=r.title, date=r.date_display, type=r.doc_type,
                                        url=urls.api(f"/documents/{r.public_id}"))
                   for r in rows[:limit]],
            next_cursor=make_cursor(offset=offset + limit) if more else None)

    @router.get("/documents/{public_id}", response_model=m.DocumentOut, summary="A document")
    def get_document(public_id: str, reader: Reader = read) -> m.DocumentOut:
        return _record(app, _stored(app, public_id, reader), urls, reader)

    @router.get("/documents/{public_id}/texts", response_model=list[m.TextSummaryOut],
                summary="A document's text versions")
    def list_texts(public_id: str, reader: Reader = read) -> list[m.TextSummaryOut]:
        doc = _stored(app, public_id, reader).document
        return [convert.text_summary(doc.public_id, t, urls) for t in doc.texts]

    @router.get("/documents/{public_id}/texts/{version}", response_model=m.TextOut,
                summary="One text version, with its footnotes")
    def get_text(public_id: str, version: str, reader: Reader = read) -> m.TextOut:
        doc = _stored(app, public_id, reader).document
        found = next((t for t in doc.texts if t.version_key == version), None)
        if found is None:
            raise HTTPException(404, f"document {public_id!r} has no text {version!r}")
        return convert.text(doc.public_id, found, urls)

    @router.get("/documents/{public_id}/relations", response_model=list[m.RelationOut],
                summary="Documents this one relates to")
    def list_relations(public_id: str, reader: Reader = read) -> list[m.RelationOut]:
        return convert.document(_stored(app, public_id, reader), urls, "").relations

    @router.get("/documents/{public_id}/citation", response_model=m.CitationOut,
                summary="A document cited in any installed CSL style")
    def get_citation(public_id: str, style: str = "chicago-note",
                     reader: Reader = read) -> m.CitationOut:
        stored = _stored(app, public_id, reader)
        try:
            found = citing.cite_item(app.citer, citing.csl_for(stored, app.citer), style)
        except StyleNotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except CitationError as exc:
            raise HTTPException(404, f"citation styles are not available here: {exc}") from None
        return m.CitationOut(style=style, title=found.style.title, text=found.text, html=found.html)


def _similar(router: APIRouter, app: App, urls: convert.Urls, read: Any) -> None:
    @router.get("/documents/{public_id}/similar", response_model=m.SimilarOut,
                summary="Documents like this one (more like this), nearest by meaning first")
    def list_similar(public_id: str, limit: Annotated[int, Query(ge=1, le=MAX_SIMILAR)] = 10,
                     reader: Reader = read) -> m.SimilarOut:
        found = app.search.similar(public_id, limit=limit, reader=reader)
        if found is None:  # as the document itself answers
            raise HTTPException(404, f"no document {public_id!r}")
        return m.SimilarOut(items=[convert.similar(s.hit, urls) for s in found])


def _finding(router: APIRouter, app: App, urls: convert.Urls, read: Any) -> None:
    @router.get("/search", response_model=m.SearchOut, summary="Search (the query grammar of "
                "docs/search.md), with facet counts over the whole result set")
    def search(request: Request, q: str = "", f: Annotated[list[str] | None, Query(
                   description="facet:value, repeatable")] = None,
               sort: str = "relevance", cursor: Cursor = None, limit: Limit = 20,
               records: Records = "none", meaning: Meaning = 1,
               exact: Annotated[bool, Query(
                   description="count every facet exactly, also over a broad result")] = False,
               reader: Reader = read) -> m.SearchOut:
        page = _position(cursor, "page", 1)
        try:
            found = app.search.documents(q, filters=parse_filters(f or []), sort=sort,
                                         page=page, per_page=limit, reader=reader, exact=exact,
                                         meaning=bool(meaning))
        except QueryError as exc:
            raise HTTPException(400, exc.message) from None
        except IndexUnavailable as exc:
            raise HTTPException(503, str(exc)) from None
        full = (documents.show_documents(app.catalogue, [h.public_id for h in found.results.hits],
                                         reader) if records == "full" else {})
        if records == "full":
            _audit_records(app, request, reader, q, f or [], len(full), page)
        hits = [convert.hit(h, (page - 1) * limit + i, urls,
                            _record(app, full[h.public_id], urls, reader)
                            if h.public_id in full else None, found.passages.get(h.public_id))
                for i, h in enumerate(found.results.hits, start=1)]
        more = page < found.pages
        return m.SearchOut(
            query=q, total=found.results.total, hits=hits,
            facets={k: [m.BucketOut(value=b.value, label=b.label or b.value, count=b.count,
                                    selected=b.selected, approximate=b.approximate) for b in v]
                    for k, v in found.results.facets.items()},
            approximate={k: k in found.results.estimated for k in found.results.facets},
            suggestions=[s.label for s in found.suggestions],
            suggested=[m.SuggestionOut(query=s.query, total=s.total, reason=s.reason,
                                       filters_kept=s.keeps_filters) for s in found.suggestions],
            all_words_total=found.all_words, notice=found.notice or None,
            by_meaning=found.results.by_meaning,
            bridged={k: list(v) for k, v in found.bridged.items()},
            next_cursor=make_cursor(page=page + 1) if more else None)

    @router.get("/collections", response_model=m.CollectionListOut, summary="Every collection")
    def list_collections(reader: Reader = read) -> m.CollectionListOut:
        every = reading.collections(app.catalogue, reader)
        return m.CollectionListOut(items=[
            convert.collection(c, [x for x in every if x.parent_key == c.key], urls) for c in every])

    @router.get("/collections/{key:path}", response_model=m.CollectionOut, summary="A collection",
                responses=MOVED)
    def get_collection(key: str, reader: Reader = read) -> Any:
        found = reading.collection_record(app.catalogue, key, reader)
        if found is None:
            moved = app.collections.moved_to(key)
            if moved and reading.collection_record(app.catalogue, moved, reader):
                return RedirectResponse(urls.api(f"/collections/{moved}"), status_code=301)
            raise HTTPException(404, f"no collection {key!r}")
        return convert.collection(found[0], found[2], urls)

    for folder in PATH_KINDS:
        _authorities(router, app, urls, folder, read)


def _audit_records(app: App, request: Request, reader: Reader, q: str, f: list[str],
                   count: int, page: int) -> None:
    """A page of whole records read with a staff token is an export (services/export_audit):
    one audit line a page, with the token, since a cursor can start a walk anywhere."""
    caller = getattr(request.state, "caller", None)
    if caller is not None:
        record_export(app.accounts.record, caller.user.email, reader, "api-records", count, q,
                      f, via="api", token=caller.token_id, page=page)


def _authorities(router: APIRouter, app: App, urls: convert.Urls, folder: str, read: Any) -> None:
    kind = PATH_KINDS[folder]

    @router.get(f"/{folder}", response_model=m.AuthorityPageOut, summary=f"List {folder}",
                operation_id=f"list_{folder}")
    def list_records(cursor: Cursor = None, limit: Limit = 50,
                     reader: Reader = read) -> m.AuthorityPageOut:
        after = read_cursor(cursor, after="")["after"]
        rows = reading.authority_list(app.catalogue, kind, after, limit + 1, reader)
        items = [convert.authority(r, [], urls) for r in rows[:limit]]
        return m.AuthorityPageOut(items=items, next_cursor=make_cursor(after=rows[limit - 1].key)
                                  if len(rows) > limit else None)

    @router.get(f"/{folder}/{{slug}}", response_model=m.AuthorityOut, summary=f"One of the {folder}",
                operation_id=f"get_{folder}", responses=MOVED)
    def get_record(slug: str, reader: Reader = read) -> Any:
        key = f"{kind}/{slug}"
        found = reading.authority_record(app.catalogue, key, reader)
        if found is None:
            target = app.authorities.moved_to(key)
            if target and reading.authority_record(app.catalogue, target, reader):
                return RedirectResponse(urls.authority(target), status_code=301)
            raise HTTPException(404, f"no {kind} {slug!r}")
        return convert.authority(found[0], found[1], urls)
