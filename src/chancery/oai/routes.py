"""/oai: the six OAI-PMH verbs over GET and POST, and the schema of our own format."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from lxml import etree

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.oai import records as x
from chancery.oai.protocol import (
    ListRequest,
    OaiError,
    check_arguments,
    collection_key,
    list_request,
    make_token,
    read_token,
    set_spec,
)
from chancery.services import documents, harvesting, reading
from chancery.services.clock import utc_stamp
from chancery.services.documents import StoredDocument
from chancery.services.harvesting import HarvestHeader, WithdrawnDocument

PAGE = 100
_MAX_BODY = 64 * 1024
_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
_DOMAIN = re.compile(r"^[A-Za-z][A-Za-z0-9\-]*(\.[A-Za-z][A-Za-z0-9\-]*)+$")
XML = "text/xml; charset=utf-8"


class Repository:
    """The archive as an OAI-PMH repository, answering one reader (made per request)."""

    def __init__(self, app: App, reader: Reader) -> None:
        self.app, self.reader = app, reader
        base = app.settings.base_url
        self.base_url = base + "/oai"
        host = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        self.namespace = app.settings.oai_namespace or (host if _DOMAIN.match(host) else "chancery.archive")
        self.schema_url = base + "/oai/chancery.xsd"

    def identifier(self, public_id: str) -> str:
        return f"oai:{self.namespace}:{public_id}"

    def public_id(self, identifier: str) -> str:
        prefix = f"oai:{self.namespace}:"
        if not identifier.startswith(prefix):
            raise OaiError("idDoesNotExist", f"{identifier!r} is not an identifier of this repository")
        return identifier[len(prefix):]

    def answer(self, params: list[tuple[str, str]]) -> bytes:
        """The XML answer to one request."""
        try:
            verb, args = check_arguments(params)
            if "metadataPrefix" in args and not _PREFIX.match(args["metadataPrefix"]):
                raise OaiError("badArgument", "metadataPrefix has characters no prefix has")
        except OaiError as exc:
            return self._error(None, exc)
        try:
            root, _ = x.envelope(self.base_url, {"verb": verb, **args})
            VERB_HANDLERS[verb](self, root, args)
        except OaiError as exc:
            keep = exc.code not in ("badArgument", "badVerb")
            return self._error({"verb": verb, **args} if keep else None, exc)
        return _bytes(root)

    def _error(self, args: dict[str, str] | None, exc: OaiError) -> bytes:
        root, _ = x.envelope(self.base_url, args)
        x.sub(root, "error", exc.message, code=exc.code)
        return _bytes(root)

    # -- verbs ---------------------------------------------------------------------------

    def identify(self, root: etree._Element, args: dict[str, str]) -> None:
        el = x.sub(root, "Identify")
        earliest = harvesting.earliest_datestamp(self.app.catalogue, self.reader) or datetime.now(UTC)
        for tag, value in (("repositoryName", self.app.settings.archive_name),
                           ("baseURL", self.base_url), ("protocolVersion", "2.0"),
                           ("adminEmail", self.app.settings.admin_email),
                           ("earliestDatestamp", utc_stamp(earliest)),
                           ("deletedRecord", "transient"),
                           ("granularity", "YYYY-MM-DDThh:mm:ssZ")):
            x.sub(el, tag, value)

    def list_metadata_formats(self, root: etree._Element, args: dict[str, str]) -> None:
        if "identifier" in args:
            self._find(args["identifier"])  # idDoesNotExist when it is not here
        el = x.sub(root, "ListMetadataFormats")
        for prefix, (schema, namespace) in x.FORMATS.items():
            fmt = x.sub(el, "metadataFormat")
            x.sub(fmt, "metadataPrefix", prefix)
            x.sub(fmt, "schema", self.schema_url if schema.startswith("/") else schema)
            x.sub(fmt, "metadataNamespace", namespace)

    def list_sets(self, root: etree._Element, args: dict[str, str]) -> None:
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "the list of sets comes whole; it has no tokens")
        every = reading.collections(self.app.catalogue, self.reader)
        if not every:
            raise OaiError("noSetHierarchy", "this archive has no collections yet")
        el = x.sub(root, "ListSets")
        for c in every:
            s = x.sub(el, "set")
            x.sub(s, "setSpec", set_spec(c.key))
            x.sub(s, "setName", c.title)

    def get_record(self, root: etree._Element, args: dict[str, str]) -> None:
        if args["metadataPrefix"] not in x.FORMATS:
            raise OaiError("cannotDisseminateFormat", f"no metadata format {args['metadataPrefix']!r}")
        found = self._find(args["identifier"])
        el = x.sub(x.sub(root, "GetRecord"), "record")
        if isinstance(found, StoredDocument):
            h = HarvestHeader(found.document.public_id, found.id,
                              harvesting.datestamp(found), False,
                              tuple(c.key for c in found.collections))
            self._record(el, h, args["metadataPrefix"], found)
        else:
            self._record(el, HarvestHeader(found.public_id, found.id, found.updated_at, True,
                                           self._shown(found.collections)),
                         args["metadataPrefix"], None)

    def list_identifiers(self, root: etree._Element, args: dict[str, str]) -> None:
        self._list(root, args, "ListIdentifiers", records=False)

    def list_records(self, root: etree._Element, args: dict[str, str]) -> None:
        self._list(root, args, "ListRecords", records=True)

    # -- helpers -------------------------------------------------------------------------

    def _find(self, identifier: str) -> StoredDocument | WithdrawnDocument:
        """A record as the public may see it (read as the public, so it names only what the
        public may see, relations included), or the tombstone of one the public once saw."""
        public_id = self.public_id(identifier)
        stored = documents.show_document(self.app.catalogue, public_id, self.reader)
        if stored is not None and stored.document.public_id == public_id:
            return stored
        gone = reading.withdrawn_document(self.app.catalogue, public_id)
        if gone is None or gone.public_id != public_id:
            raise OaiError("idDoesNotExist", f"no record {identifier!r}")
        return gone

    def _shown(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The sets of a deleted record that the public may still see."""
        shown = {c.key for c in reading.collections(self.app.catalogue, self.reader)} if keys else set()
        return tuple(k for k in keys if k in shown)

    def _list(self, root: etree._Element, args: dict[str, str], tag: str, records: bool) -> None:
        prefixes = set(x.FORMATS)
        req = read_token(args["resumptionToken"], prefixes) if "resumptionToken" in args \
            else list_request(args, prefixes)
        key = collection_key(req.set_spec) if req.set_spec else None
        headers = harvesting.harvest_headers(self.app.catalogue, self.reader, req.since,
                                             req.until, key, req.after, PAGE + 1)
        if not headers:
            raise OaiError("noRecordsMatch", "no records match these arguments")
        page, more = headers[:PAGE], len(headers) > PAGE
        if any(h.deleted for h in page):  # a deleted record names only sets still shown
            page = [replace(h, collections=self._shown(h.collections)) if h.deleted else h
                    for h in page]
        el = x.sub(root, tag)
        docs = self._documents([h for h in page if not h.deleted]) if records else {}
        for h in page:
            if records:
                self._record(x.sub(el, "record"), h, req.prefix, docs.get(h.public_id))
            else:
                x.header(el, h, self.identifier(h.public_id))
        self._token(el, req, page, more)

    def _token(self, el: etree._Element, req: ListRequest, page: list[HarvestHeader],
               more: bool) -> None:
        if more:
            last = page[-1]
            x.sub(el, "resumptionToken", make_token(req, (last.datestamp, last.id), req.cursor + len(page)),
                  cursor=str(req.cursor))
        elif req.after is not None:  # the last part of a list: an empty token says so
            x.sub(el, "resumptionToken", "", cursor=str(req.cursor))

    def _documents(self, headers: list[HarvestHeader]) -> dict[str, StoredDocument]:
        # read with the access rule: a document hidden since its header was read is left out
        return documents.show_documents(self.app.catalogue, [h.public_id for h in headers],
                                        self.reader)

    def _record(self, el: etree._Element, h: HarvestHeader, prefix: str,
                stored: StoredDocument | None) -> None:
        x.header(el, h, self.identifier(h.public_id))
        if stored is None or h.deleted:
            return
        metadata = x.sub(el, "metadata")
        url = f"{self.app.settings.base_url}/documents/{h.public_id}"
        archive = self.app.settings.archive_name
        if prefix == "oai_dc":
            x.oai_dc(metadata, stored, url, archive)
        else:
            x.chancery_record(metadata, stored, url, archive, self.schema_url)


VERB_HANDLERS: dict[str, Callable[[Repository, etree._Element, dict[str, str]], None]] = {
    "Identify": Repository.identify, "ListMetadataFormats": Repository.list_metadata_formats,
    "ListSets": Repository.list_sets, "GetRecord": Repository.get_record,
    "ListIdentifiers": Repository.list_identifiers, "ListRecords": Repository.list_records,
}


def _bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def routes(app: App) -> APIRouter:
    """/oai (GET and POST) and /oai/chancery.xsd."""
    router = APIRouter()

    @router.get("/oai", include_in_schema=False)
    def oai_get(request: Request) -> Response:
        repo = Repository(app, Reader.public())
        return Response(repo.answer(list(request.query_params.multi_items())), media_type=XML)

    @router.post("/oai", include_in_schema=False)
    async def oai_post(request: Request) -> Response:
        # the protocol's POST is application/x-www-form-urlencoded, nothing else
        chunks, size = [], 0
        async for chunk in request.stream():  # never more than the cap in memory
            chunks.append(chunk[:_MAX_BODY - size])
            size += len(chunks[-1])
            if size >= _MAX_BODY:
                break
        body = b"".join(chunks).decode("utf-8", "replace")
        params = parse_qsl(body, keep_blank_values=True)
        repo = Repository(app, Reader.public())
        return Response(await run_in_threadpool(repo.answer, params), media_type=XML)

    @router.get("/oai/chancery.xsd", include_in_schema=False)
    def schema() -> Response:
        return FileResponse(x.SCHEMA_FILE, media_type="application/xml")

    return router
