"""Each channel's answer to "which documents does this reader see?", read the way a reader
or a harvester reads it (the catalogue and search through their services, everything else over
HTTP), in a form the property test can compare with the model and with each other."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from lxml import etree

from chancery.bootstrap import App
from chancery.domain.publication import PublicationState
from chancery.domain.readers import Reader
from chancery.services import documents

OAI = "http://www.openarchives.org/OAI/2.0/"
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
PER_PAGE = 100  # more than the test ever has documents: one page is all of them


def _id_after(text: str, marker: str) -> str:
    """The public id in an address or identifier, just after ``marker``."""
    return text.split(marker, 1)[1].split("/")[0]


def words_in(text: str) -> set[str]:
    """The words of a text as a search would split them (an address's slug too)."""
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@dataclass
class Channels:
    """The archive as its readers reach it."""

    app: App
    client: TestClient

    # -- through the services ----------------------------------------------------------

    def catalogue(self, reader: Reader) -> dict[str, tuple[PublicationState, date | None]]:
        """Every document the catalogue lists for ``reader``, with its state and embargo."""
        return {s.document.public_id: (s.document.publication.state,
                                       s.document.publication.embargo_until)
                for s in self.app.catalogue.iter_documents(reader.actor, reader.today)}

    def count(self, reader: Reader) -> int:
        """How many documents the catalogue counts for ``reader`` (home page, API total)."""
        return documents.count_documents(self.app.catalogue, reader)

    def tombstones(self, public_ids: set[str]) -> set[str]:
        """Which of these the catalogue keeps a tombstone for."""
        return {p for p in public_ids if self.app.catalogue.withdrawn(p) is not None}

    def search(self, text: str, reader: Reader) -> tuple[int, set[str]]:
        """A search's total and the documents it finds."""
        found = self.app.search.documents(text, per_page=PER_PAGE, facets=False, reader=reader)
        return found.results.total, {h.public_id for h in found.results.hits}

    # -- over HTTP, as the public (or an editor's token) --------------------------------

    def api_list(self, token: str = "") -> tuple[int, set[str]]:
        """/api/v1/documents, as the public or with a token: its total and the documents on
        its one page."""
        body = self.client.get(f"/api/v1/documents?limit={PER_PAGE}", headers=_bearer(token)).json()
        assert body["next_cursor"] is None
        return body["total"], {item["public_id"] for item in body["items"]}

    def api_status(self, public_id: str, token: str = "") -> int:
        """What /api/v1/documents/{id} answers, to the public or with a token."""
        return self.client.get(f"/api/v1/documents/{public_id}", headers=_bearer(token)).status_code

    def page_status(self, public_id: str) -> int:
        """What the reading room's page answers: 301 to its canonical address when it is
        shown (not followed: the page itself would render citations), 404 or 410."""
        answer = self.client.get(f"/documents/{public_id}", follow_redirects=False)
        if answer.status_code == 301:
            assert _id_after(answer.headers["location"], "/documents/") == public_id
        return answer.status_code

    def oai(self) -> dict[str, tuple[bool, str]]:
        """OAI-PMH ListIdentifiers: public id -> (deleted?, datestamp)."""
        root = etree.fromstring(self.client.get(
            "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").content)
        error = root.find(f"{{{OAI}}}error")
        if error is not None:
            assert error.get("code") == "noRecordsMatch", etree.tostring(error)
            return {}
        assert root.find(f".//{{{OAI}}}resumptionToken") is None or not root.findtext(
            f".//{{{OAI}}}resumptionToken")
        return {str(h.findtext(f"{{{OAI}}}identifier")).rsplit(":", 1)[1]:
                (h.get("status") == "deleted", str(h.findtext(f"{{{OAI}}}datestamp")))
                for h in root.iter(f"{{{OAI}}}header")}

    def sitemap(self) -> dict[str, str]:
        """The sitemap's documents: public id -> lastmod."""
        index = etree.fromstring(self.client.get("/sitemap.xml").content)
        assert [loc.text for loc in index.iter(f"{{{SITEMAP}}}loc")] == [
            f"{self.app.settings.base_url}/sitemaps/1.xml"]
        urls = etree.fromstring(self.client.get("/sitemaps/1.xml").content)
        return {_id_after(str(u.findtext(f"{{{SITEMAP}}}loc")), "/documents/"):
                str(u.findtext(f"{{{SITEMAP}}}lastmod")) for u in urls.iter(f"{{{SITEMAP}}}url")}

    def feed(self) -> dict[str, str]:
        """The "newly published" Atom feed: public id -> updated."""
        root = etree.fromstring(self.client.get("/feeds/recent.atom").content)
        return {_id_after(str(e.findtext(f"{{{ATOM}}}id")), "/documents/"):
                str(e.findtext(f"{{{ATOM}}}updated")) for e in root.iter(f"{{{ATOM}}}entry")}

    # -- what the words are: a document's, each channel's answer as text ----------------

    def shown(self, public_id: str) -> dict[str, str]:
        """What the public reads of one document, channel by channel: the API's record and
        each of its texts, and the reading room's page (its title, text, citations, COinS,
        metadata and address)."""
        detail = self.client.get(f"/api/v1/documents/{public_id}")
        assert detail.status_code == 200, detail.text
        out = {"api": detail.text}
        for t in detail.json()["texts"]:
            out[f"api text {t['key']}"] = self.client.get(t["url"]).text
        page = self.client.get(f"/documents/{public_id}")
        assert page.status_code == 200, public_id
        out["page"] = f"{page.url} {page.text}"
        return out

    def records(self, prefix: str) -> dict[str, str]:
        """OAI-PMH ListRecords in a format: public id -> its record (header and metadata)."""
        root = etree.fromstring(self.client.get(
            f"/oai?verb=ListRecords&metadataPrefix={prefix}").content)
        return {str(r.findtext(f"{{{OAI}}}header/{{{OAI}}}identifier")).rsplit(":", 1)[1]:
                etree.tostring(r, encoding="unicode") for r in root.iter(f"{{{OAI}}}record")}

    def searched(self, word: str) -> str:
        """The API's search for ``word``: titles, snippets, facets, suggestions."""
        return self.client.get("/api/v1/search", params={"q": word}).text

    def everywhere(self, word: str) -> dict[str, str]:
        """The public answers that name many documents: the feed, the API's and the reading
        room's search for ``word``, the sitemap."""
        return {"feed": self.client.get("/feeds/recent.atom").text,
                "api search": self.searched(word),
                "search page": self.client.get("/search", params={"q": word}).text,
                "sitemap": self.client.get("/sitemaps/1.xml").text}

    def draft(self, public_id: str, token: str) -> tuple[dict[str, Any], str]:
        """The record an editor opens through the API (a pending change's, if one waits)
        and the ETag to name it by."""
        answer = self.client.get(f"/api/v1/documents/{public_id}/draft",
                                 headers=_bearer(token))
        assert answer.status_code == 200, answer.text
        return answer.json()["record"], answer.headers["ETag"]

    def editors_record(self, public_id: str, token: str) -> str:
        """/api/v1/documents/{id} as an editor's token reads it."""
        return self.client.get(f"/api/v1/documents/{public_id}", headers=_bearer(token)).text
