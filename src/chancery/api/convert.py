"""Records of the archive as the API's response models."""

from __future__ import annotations

from collections.abc import Set
from urllib.parse import urlencode

from chancery.api import models as m
from chancery.domain.citations import house_citation
from chancery.domain.collections import Collection
from chancery.domain.identifiers import identifier_uri, known
from chancery.domain.texts import TextVersion
from chancery.http.addresses import KIND_PATHS, doc_url
from chancery.search.interface import Hit
from chancery.services.documents import StoredDocument
from chancery.services.reading import AuthorityRow
from chancery.services.search_meaning import MatchedPassage


class Urls:
    """Absolute addresses under the archive's public URL."""

    def __init__(self, public_url: str) -> None:
        self.base = public_url.rstrip("/")

    def api(self, path: str) -> str:
        """An API address."""
        return f"{self.base}/api/v1{path}"

    def site(self, path: str) -> str:
        """A reading-room address."""
        return self.base + path

    def authority(self, key: str) -> str:
        """The API address of an authority record."""
        kind, _, slug = key.partition("/")
        return self.api(f"/{KIND_PATHS.get(kind, 'subjects')}/{slug}")


def text_summary(public_id: str, t: TextVersion, urls: Urls) -> m.TextSummaryOut:
    return m.TextSummaryOut(key=t.version_key, language=t.language, kind=t.kind.value,
                            label=t.label, translators=list(t.translators),
                            url=urls.api(f"/documents/{public_id}/texts/{t.version_key}"))


def text(public_id: str, t: TextVersion, urls: Urls) -> m.TextOut:
    summary = text_summary(public_id, t, urls)
    return m.TextOut(**summary.model_dump(), made_by=t.made_by, body=t.body,
                     notes=[m.NoteOut(mark=n.mark, text=n.text) for n in t.notes])


def document(stored: StoredDocument, urls: Urls, archive_name: str,
             staff_only: Set[str] = frozenset()) -> m.DocumentOut:
    """The full record of a document as its reader may see it; ``staff_only``: the hashes
    of scans the public cannot fetch, linked at their address for the staff instead."""
    d, p = stored.document, stored.document.provenance
    return m.DocumentOut(
        public_id=d.public_id, source_id=d.source_id, number=d.number, title=d.title,
        type=d.doc_type.value,
        date=m.DateOut(display=d.date.display, start=d.date.start, end=d.date.end,
                       precision=d.date.precision.value, note=d.date.note),
        summary=d.summary,
        classification=m.ClassificationOut(marking=d.classification.marking,
                                           level=d.classification.level.value,
                                           caveats=list(d.classification.caveats)),
        languages=d.languages,
        agents=[m.AgentOut(key=la.authority.key, name=la.authority.name,
                           kind=la.authority.kind.value, role=la.role.value,
                           as_written=la.as_written, url=urls.authority(la.authority.key),
                           identifiers=identifiers(la.authority))
                for la in stored.authorities],
        texts=[text_summary(d.public_id, t, urls) for t in d.texts],
        media=[m.MediaOut(filename=f.filename, media_type=f.media_type, sha256=f.sha256,
                          url=urls.site(f"{'/workspace' if f.sha256 in staff_only else ''}"
                                        f"/files/{f.sha256}/{f.filename}")) for f in d.media],
        provenance=m.ProvenanceOut(holding_archive=p.holding_archive, collection=p.collection,
                                   reference_code=p.reference_code, archive_place=p.archive_place,
                                   publishing_archive=p.publishing_archive,
                                   source_note=p.source_note, rights=p.rights,
                                   funders=list(p.funders), url=p.url),
        collections=[collection_ref(c, urls) for c in stored.collections],
        relations=[m.RelationOut(label=r.label, type=r.type.value, public_id=r.public_id,
                                 title=r.title, url=urls.api(f"/documents/{r.public_id}"))
                   for r in stored.related],
        releases=[m.ReleaseOut(released=r.released, agency=r.agency, authority=r.authority,
                               note=r.note) for r in d.releases],
        citation=house_citation(d, archive_name, stored.revised),
        html_url=urls.site(doc_url(d.public_id, d.title)),
        updated_at=stored.updated_at.isoformat() if stored.updated_at else None,
        redactions=[m.RedactionOut(date=n.at.date().isoformat() if n.at else None,
                                   reason=n.reason, kind=n.kind) for n in stored.notices],
        corrections=[m.CorrectionOut(date=c.at.date().isoformat(), note=c.note)
                     for c in stored.corrections])


def collection_ref(c: Collection, urls: Urls) -> m.CollectionRef:
    return m.CollectionRef(key=c.key, title=c.title, url=urls.api(f"/collections/{c.key}"))


def collection(c: Collection, children: list[Collection], urls: Urls) -> m.CollectionOut:
    return m.CollectionOut(key=c.key, title=c.title, description=c.description,
                           parent=c.parent_key or None,
                           children=[collection_ref(x, urls) for x in children],
                           documents_url=urls.api(_search(f"collection:{c.key}")),
                           url=urls.api(f"/collections/{c.key}"))


_FACET_OF_KIND = {"person": "person", "organization": "person", "place": "place",
                  "subject": "subject"}


def authority(row: AuthorityRow, names: list[str], urls: Urls) -> m.AuthorityOut:
    facet = _FACET_OF_KIND.get(row.kind.value, "person")
    return m.AuthorityOut(key=row.key, kind=row.kind.value, name=row.name,
                          description=row.description, names=names or [row.name],
                          documents_url=urls.api(_search(f"{facet}:{row.key}")),
                          url=urls.authority(row.key), identifiers=identifiers(row))


def identifiers(row: AuthorityRow) -> list[m.IdentifierOut]:
    """The record's identifiers in other authority files, with their URIs."""
    return [m.IdentifierOut(scheme=s.value, value=v, uri=identifier_uri(s, v))
            for s, v in known(row.identifiers)]


def _search(facet_value: str) -> str:
    return "/search?" + urlencode({"f": facet_value, "sort": "date"})


def hit(h: Hit, rank: int, urls: Urls, record: m.DocumentOut | None = None,
        passage: MatchedPassage | None = None) -> m.HitOut:
    """A search hit at its place in the result list, with its highlighted snippets (and the
    full record when asked for), and how it matched. Its raw score is not given
    (docs/security.md)."""
    return m.HitOut(public_id=h.public_id, source_id=h.source_id, title=h.title,
                    date=h.date_display, type=h.doc_type, classification=h.classification,
                    url=urls.api(f"/documents/{h.public_id}"), rank=rank, record=record,
                    matched_by=h.matched_by,  # type: ignore[arg-type]  # words|meaning|both
                    passage=m.MeaningPassageOut(where=passage.where, text=passage.text)
                    if passage else None,
                    snippets=[m.SnippetOut(version=s.version, language=s.language,
                                           fragments=[m.FragmentOut(text=x.text,
                                                                    highlighted=x.highlighted)
                                                      for x in s.fragments])
                              for s in h.snippets])


def similar(h: Hit, urls: Urls) -> m.DocumentSummaryOut:
    """A document like another, as a list shows it."""
    return m.DocumentSummaryOut(public_id=h.public_id, source_id=h.source_id, title=h.title,
                                date=h.date_display, type=h.doc_type,
                                url=urls.api(f"/documents/{h.public_id}"))
