"""Importer for Foreign Relations of the United States (FRUS) volumes in TEI.

One TEI file is one printed volume; every ``div[@type="document"]`` in it becomes one
item of the batch: a ParsedDocument, or a Failure naming the document when only that one
cannot be read. The volume and its chapters become nested collections under "frus", each
key extending its parent's ("frus/frus1958-60v19/comp1/ch1"), so that a collection's
documents include those of the chapters below it.

Authorities (``frus_persons``) are built once per volume, after every document has been
read, so that the records a batch carries agree with each other and list every form of a
name the volume prints.

Speed: the file is parsed once (``parse_xml_file``) and each document is walked on its
own subtree; nothing searches the whole tree per document. Field rules live in
``frus_fields``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from chancery.domain.authorities import Authority, Link, Role
from chancery.domain.classification import Classification
from chancery.domain.collections import Collection, Membership
from chancery.domain.dates import FuzzyDate
from chancery.domain.documents import (
    Document,
    DocumentType,
    ParsedDocument,
    guess_document_type,
    public_id_for,
)
from chancery.domain.provenance import Provenance
from chancery.domain.texts import TextKind, TextVersion, join_paragraphs
from chancery.ingest.base import Failure, ImportRefused, Limits, SourceBatch
from chancery.ingest.frus_fields import (
    DATE,
    FRUS_NAMESPACES,
    GLOSS,
    HEAD,
    NOTE,
    PERSNAME,
    PLACENAME,
    PUBLISHER,
    TEI_NS,
    URL_BASE,
    Element,
    NoteCollector,
    block_texts,
    catalogue_citation,
    catalogue_date,
    classification_of,
    date_of,
    datetime_range,
    first_sentence,
    inline_text,
    is_source_text,
    marking_in,
    norm,
    provenance_for,
    strip_number,
    tei,
)
from chancery.ingest.frus_persons import AuthorityRegistry, read_list
from chancery.ingest.xml import parse_xml_file

FORMAT = "frus-tei"
SERIES_KEY = "frus"
SERIES_TITLE = "Foreign Relations of the United States"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
DIV, SIGNED, DATELINE = tei("div"), tei("signed"), tei("dateline")
_CHAPTER_TYPES = frozenset({"chapter", "compilation", "subchapter"})
_ROLES = {"from": Role.AUTHOR, "to": Role.RECIPIENT}
_SNIFF_BYTES = 4096


class FrusImporter:
    """FRUS TEI volumes (history.state.gov), one batch per volume."""

    name = FORMAT

    def score(self, path: Path) -> float:
        """High for an .xml file whose start declares TEI and names FRUS; reads 4 KB only."""
        if path.suffix.lower() != ".xml" or not path.is_file():
            return 0.0
        try:
            with path.open("rb") as fh:
                head = fh.read(_SNIFF_BYTES)
        except OSError:
            return 0.0
        frus = b"history.state.gov" in head or b"frus" in head
        return 0.95 if TEI_NS.encode() in head and frus else 0.0

    def read(self, path: Path, limits: Limits) -> Iterator[SourceBatch]:
        """Parse one volume; ImportRefused when the file is not a FRUS TEI volume."""
        root = parse_xml_file(path, limits).getroot()
        if root.tag != tei("TEI"):
            raise ImportRefused(f"not a TEI file: the root element is {root.tag!r}")
        yield read_volume(root, path)


# --- volume ------------------------------------------------------------------------------

def read_volume(root: Element, path: Path) -> SourceBatch:
    """The batch of one parsed volume."""
    divs = [d for d in root.iter(DIV) if d.get("type") == "document"]
    if not divs:
        raise ImportRefused("no FRUS documents found (no div[@type='document'])")
    volume = _Volume.of(root, path)
    drafts = [volume.read_document(div, position) for position, div in enumerate(divs, 1)]
    authorities = volume.registry.authorities()
    items: list[ParsedDocument | Failure] = [
        d if isinstance(d, Failure) else ParsedDocument(d, _authorities_for(d, authorities))
        for d in drafts]
    return SourceBatch(str(path), FORMAT, volume.structure.collections, items,
                       volume.registry.held_back())


def _authorities_for(doc: Document, authorities: dict[str, Authority]) -> tuple[Authority, ...]:
    return tuple(authorities[ref] for ref in dict.fromkeys(link.ref for link in doc.links))


def _volume_id(root: Element, path: Path) -> str:
    # The volume's own idno equals the file name upstream; it survives a renamed file.
    idno = root.find(f"{tei('teiHeader')}//{tei('idno')}[@type='frus']")
    value = norm(idno.text or "") if idno is not None else ""
    return value if value.startswith("frus") and " " not in value else path.stem


def _header_text(root: Element, tag: str, title_type: str = "") -> str:
    where = f"[@type='{title_type}']" if title_type else ""
    el = root.find(f"{tei('teiHeader')}//{tei(tag)}{where}")
    return inline_text(el, None) if el is not None else ""


def _volume_collection(root: Element, volume_id: str) -> Collection:
    title = (_header_text(root, "title", "complete") or _header_text(root, "title", "volume")
             or volume_id)
    header = root.find(tei("teiHeader"))
    editors = [inline_text(e, None) for e in header.iter(tei("editor"))] if header is not None else []
    published = _header_text(root, "date")
    description = " ".join(filter(None, [
        f"Edited by {', '.join(editors)}." if editors else "",
        f"Published {published}." if published else ""]))
    return Collection(f"{SERIES_KEY}/{volume_id}", title, SERIES_KEY, 0, description)


class _Structure:
    """Series, volume and chapter collections, made as documents are met so that only
    chapters holding documents appear, in the order they are printed."""

    def __init__(self, volume: Collection) -> None:
        self.volume_key = volume.key
        self.collections = [Collection(SERIES_KEY, SERIES_TITLE), volume]
        self._titles: dict[str, str] = {}
        self._children: dict[str, int] = {}  # collection key -> children made so far
        self._documents: dict[str, int] = {}  # chapter key -> documents placed so far

    def place(self, div: Element, position: int) -> tuple[tuple[Membership, ...], str]:
        """The document's memberships (innermost chapter, then volume) and chapter title."""
        parent = self.volume_key
        for chapter in reversed([a for a in div.iterancestors(DIV)
                                 if a.get("type") in _CHAPTER_TYPES]):
            parent = self._chapter(chapter, parent)
        memberships = [Membership(self.volume_key, position)]
        if parent != self.volume_key:
            self._documents[parent] = self._documents.get(parent, 0) + 1
            memberships.insert(0, Membership(parent, self._documents[parent]))
        return tuple(memberships), self._titles.get(parent, "")

    def _chapter(self, div: Element, parent: str) -> str:
        local = div.get(XML_ID) or f"div-line{div.sourceline}"
        key = f"{parent}/{local}"
        if key not in self._titles:
            head = div.find(HEAD)
            title = (inline_text(head, None) if head is not None else "") or "Untitled section"
            self._children[parent] = self._children.get(parent, 0) + 1
            self.collections.append(Collection(key, title, parent, self._children[parent]))
            self._titles[key] = title
        return key


# --- documents ---------------------------------------------------------------------------

@dataclass
class _Volume:
    volume_id: str
    path: str
    registry: AuthorityRegistry
    structure: _Structure
    supplement: bool  # microfiche supplement: one-paragraph catalogue entries

    @classmethod
    def of(cls, root: Element, path: Path) -> _Volume:
        volume_id = _volume_id(root, path)
        registry = AuthorityRegistry(volume_id, read_list(root, "persons", "persName"),
                                     read_list(root, "terms", "term"))
        structure = _Structure(_volume_collection(root, volume_id))
        return cls(volume_id, str(path), registry, structure, "msupp" in volume_id.casefold())

    def read_document(self, div: Element, position: int) -> Document | Failure:
        """One document, or a Failure naming it: one bad document never sinks the volume."""
        xml_id = div.get(XML_ID)
        if not xml_id:
            return Failure(self.path, "document has no xml:id", f"#{position}")
        try:
            memberships, chapter = self.structure.place(div, position)
            return _DocumentReader(div, xml_id, self).read(memberships, chapter)
        except Exception as exc:  # any defect of this one document: report it, go on
            return Failure(self.path, f"{type(exc).__name__}: {exc}", xml_id)


class _DocumentReader:
    """Reads the fields of one ``div[@type="document"]`` from its own subtree."""

    def __init__(self, div: Element, xml_id: str, volume: _Volume) -> None:
        self.div, self.volume, self.registry = div, volume, volume.registry
        self.source_id = f"{volume.volume_id}/{xml_id}"
        self.url = f"{URL_BASE}/{self.source_id}"
        self.number = div.get("n") or ""
        self.head = div.find(HEAD)
        self.source = _source_note(div, self.head)
        self.notes = NoteCollector(self.source)
        heading = inline_text(self.head, self.notes, marks=False) if self.head is not None else ""
        self.heading = strip_number(heading, self.number)
        self.paragraphs = block_texts(div, self.notes, skip=self.head)
        self.catalogue = not self.paragraphs and (volume.supplement or _has_frus_children(div))

    def read(self, memberships: tuple[Membership, ...], chapter: str) -> Document:
        """The document record (its links' authorities are filled in per volume)."""
        title = first_sentence(self.heading) if self.catalogue else self.heading
        title = title or f"Untitled document {self.number}".strip()
        return Document(
            public_id=public_id_for(self.source_id), title=title, source_id=self.source_id,
            doc_type=self._type(title), date=self._date(title, chapter),
            classification=self._classification(), links=tuple(self._links()),
            texts=self._texts(), provenance=self._provenance(), collections=memberships,
            number=self.number)

    def _type(self, title: str) -> DocumentType:
        if self.catalogue:
            return DocumentType.CATALOGUE_ENTRY
        if self.div.get("subtype") == "editorial-note" or title.casefold() == "editorial note":
            return DocumentType.EDITORIAL_NOTE
        return guess_document_type(title)

    def _date(self, title: str, chapter: str) -> FuzzyDate:
        if self.catalogue:
            return catalogue_date(title, chapter)
        dates = [*_outside_notes(self._dateline(), (DATE,)), *_outside_notes(self.head, (DATE,))]
        found = [_safe_date(el) for el in dates]
        known = next((d for d in found if d.is_known), None)
        if known is not None:
            return known
        low, high = (_frus_attr(self.div, f"doc-dateTime-{end}") for end in ("min", "max"))
        printed = found[0] if found else FuzzyDate()  # "undated", as printed
        return datetime_range(low, high, printed.display) or printed

    def _dateline(self) -> Element | None:
        found = self.div.find(DATELINE)
        return found if found is not None else self.div.find(f"{tei('opener')}/{DATELINE}")

    def _classification(self) -> Classification:
        text = self.heading if self.catalogue else (
            inline_text(self.source, None) if self.source is not None else "")
        marking = marking_in(text)
        return classification_of(marking) if marking else Classification()

    def _provenance(self) -> Provenance:
        if self.catalogue:
            citation = catalogue_citation(self.heading)
            return provenance_for(citation, citation, self.url)
        note = inline_text(self.source, None) if self.source is not None else ""
        return provenance_for(note, note, self.url)

    def _texts(self) -> tuple[TextVersion, ...]:
        if not (self.catalogue or self.paragraphs or self.notes.notes):
            return ()
        # block_texts' paragraphs have their whitespace folded already (folding them again
        # was a twentieth of reading a volume); the heading may not
        body = join_paragraphs([self.heading]) if self.catalogue \
            else "\n\n".join(p for p in self.paragraphs if p)
        return (TextVersion(language="en", kind=TextKind.ORIGINAL, key="en-original",
                            label="English (original)", body=body,
                            made_by=PUBLISHER, notes=tuple(self.notes.notes)),)

    def _links(self) -> list[Link]:
        links: dict[tuple[str, Role], Link] = {}
        for ref, role, written in self._agents():
            links.setdefault((ref, role), Link(ref, role, written))
        linked = {ref for ref, _ in links}
        in_source = set(self.source.iter(PERSNAME)) if self.source is not None else set()
        for el in self.div.iter(PERSNAME):
            if el.get("corresp") and el not in in_source:
                found = self.registry.person(el)
                if found and found[0] not in linked:
                    linked.add(found[0])
                    links[(found[0], Role.MENTIONED)] = Link(found[0], Role.MENTIONED, found[1])
        return list(links.values())

    def _agents(self) -> Iterator[tuple[str, Role, str]]:
        for el in _outside_notes(self._dateline(), (PLACENAME,)):
            yield from _tagged(self.registry.place(el), Role.ORIGIN)
            break  # the first place is where the document was written
        for el in _outside_notes(self.head, (PERSNAME, GLOSS)):
            role = _ROLES.get(el.get("type") or "")
            if role is not None:
                found = self.registry.person(el) if el.tag == PERSNAME \
                    else self.registry.organization(el)
                yield from _tagged(found, role)
        for signed in self.div.iter(SIGNED):
            people = list(_outside_notes(signed, (PERSNAME,)))
            for el in people:
                yield from _tagged(self.registry.person(el), Role.SIGNER)
            if not people:  # a typed signature without markup ("K.L. Rankin", "JFD")
                yield from _tagged(self.registry.person(signed), Role.SIGNER)


def _tagged(found: tuple[str, str] | None, role: Role) -> Iterator[tuple[str, Role, str]]:
    if found is not None:
        yield found[0], role, found[1]


def _outside_notes(el: Element | None, tags: tuple[str, ...]) -> Iterator[Element]:
    """Descendants with the given tags that are not inside a note (a source note in a
    heading or dateline names people and dates that are not the document's own)."""
    if el is None:
        return
    for child in el:
        if child.tag == NOTE:
            continue
        if child.tag in tags:
            yield child
        yield from _outside_notes(child, tags)


def _source_note(div: Element, head: Element | None) -> Element | None:
    """The editors' source note: typed "source" (older volumes), else the heading's note
    numbered 0 or reading "Source: ..." (1961-63 v06, v22, most of v16)."""
    typed = next((n for n in div.iter(NOTE) if n.get("type") == "source"), None)
    if typed is not None or head is None:
        return typed
    notes: Iterable[Element] = head.iterchildren(NOTE)
    return next((n for n in notes if n.get("n") == "0" or is_source_text(
        inline_text(n, None))), None)


def _safe_date(el: Element) -> FuzzyDate:
    # A malformed value loses the span, not the document: the printed date stays.
    try:
        return date_of(el) or FuzzyDate()
    except ValueError as exc:
        return FuzzyDate(display=inline_text(el, None), note=f"unreadable date value ({exc})")


def _frus_attr(el: Element, name: str) -> str | None:
    return next((v for ns in FRUS_NAMESPACES if (v := el.get(f"{{{ns}}}{name}"))), None)


def _has_frus_children(div: Element) -> bool:
    return any(isinstance(c.tag, str) and c.tag.startswith("{http://history.state.gov/")
               for c in div)
