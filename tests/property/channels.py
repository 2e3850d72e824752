"""Each channel's answer to "which documents does this reader see?", read the way a reader
or a harvester reads it (the catalogue and search through their services, everything else over
HTTP), in a form the property test can compare with the model and with each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
