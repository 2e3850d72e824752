"""The API's response schema (published as /api/v1/openapi.json). Field names are part of
the contract: add fields freely, never rename or remove one within v1."""

from __future__ import annotations

from datetime import date as Date
from typing import Literal

from pydantic import BaseModel, Field


class Error(BaseModel):
    """Every error answer: what went wrong, in words."""

    error: str = Field(examples=["no document 'x1'"])


class DateOut(BaseModel):
    """A date as printed, with the span it stands for and how precise it is."""

    display: str
    start: Date | None
    end: Date | None
    precision: str = Field(description="day, month, year, decade, circa, range or unknown")
    note: str = Field(description="where the date comes from, when the source says")


class ClassificationOut(BaseModel):
    """The security marking as printed, and its normalized level."""

    marking: str
    level: str
    caveats: list[str]


class IdentifierOut(BaseModel):
    """The record's identifier in another authority file."""

    scheme: str = Field(description="wikidata, viaf, gnd or lc (Library of Congress)")
    value: str = Field(examples=["Q295642"])
    uri: str = Field(description="the URI the file gives it (an owl:sameAs of the record)",
                     examples=["http://www.wikidata.org/entity/Q295642"])


class AgentOut(BaseModel):
    """A person, organization, place or subject a document names, in one role."""

    key: str
    name: str
    kind: str
    role: str
    as_written: str
    url: str
    identifiers: list[IdentifierOut] = Field(default_factory=list)


class TextSummaryOut(BaseModel):
    """A text version: an original, a translation, an OCR text."""

    key: str
    language: str
    kind: str
    label: str
    translators: list[str]
    url: str


class NoteOut(BaseModel):
    """A footnote of a text."""

    mark: str
    text: str


class TextOut(TextSummaryOut):
    """A text version with its body and footnotes."""

    made_by: str
    body: str
    notes: list[NoteOut]


class MediaOut(BaseModel):
    """A file of the document (a scan)."""

    filename: str
    media_type: str
    sha256: str
    url: str
    # the scan's served pages with the words read on them as a text layer (none unread)
    searchable_pdf: str | None = None


class ProvenanceOut(BaseModel):
    """Where the document is held and who publishes it."""

    holding_archive: str
    collection: str
    reference_code: str
    archive_place: str
    publishing_archive: str
    source_note: str
    rights: str
    funders: list[str]
    url: str


class CollectionRef(BaseModel):
    """A collection a document belongs to."""

    key: str
    title: str
    url: str


class RelationOut(BaseModel):
    """Another document this one relates to ("Encloses", "Enclosed in")."""

    label: str
    type: str
    public_id: str
    title: str
    url: str


class ReleaseOut(BaseModel):
    """One release of a declassified document: when, by whom, under what authority."""

    released: str = Field(description='"2025", "2017-10" or "2017-10-26"; empty if unknown')
    agency: str = Field(description="the releasing agency or programme")
    authority: str = Field(description="the declassification authority or review case number")
    note: str


class DocumentSummaryOut(BaseModel):
    """A document as a list shows it."""

    public_id: str
    source_id: str
    title: str
    date: str
    type: str
    url: str


class RedactionOut(BaseModel):
    """That part of a record is withheld from the public ("[redacted: reason]" in its place)."""

    date: str | None = Field(description="when it was redacted (YYYY-MM-DD)")
    reason: str = Field(description="an exemption such as (b)(6), or privacy")
    kind: str = Field(description="text, title, summary, date, classification, source_note, "
                                  "reference_code, link or scan")


class CorrectionOut(BaseModel):
    """The record was corrected after it was published ("Corrected on DATE: NOTE")."""

    date: str = Field(description="when the correction was made public (YYYY-MM-DD)")
    note: str = Field(description="what was corrected, as the archive says it; \"\" for no note")


class DocumentOut(BaseModel):
    """A document's full public record."""

    public_id: str
    source_id: str
    number: str
    title: str
    type: str
    date: DateOut
    summary: str
    classification: ClassificationOut
    languages: list[str]
    agents: list[AgentOut]
    texts: list[TextSummaryOut]
    media: list[MediaOut]
    provenance: ProvenanceOut
    collections: list[CollectionRef]
    relations: list[RelationOut]
    releases: list[ReleaseOut] = Field(description="its release history, in order")
    citation: str = Field(description="the house citation")
    html_url: str
    updated_at: str | None
    redactions: list[RedactionOut] = Field(
        default_factory=list, description="what is withheld from this record: when, why, and "
                                          "what kind (text, a field, link or scan), never the words")
    corrections: list[CorrectionOut] = Field(
        default_factory=list, description="corrections made after it was published, oldest "
                                          "first; the citation's revised date is the latest "
                                          "of these and the redactions")


class DocumentPageOut(BaseModel):
    """A page of documents; pass ``next_cursor`` as ``cursor`` for the next one."""

    total: int
    items: list[DocumentSummaryOut]
    next_cursor: str | None


class FragmentOut(BaseModel):
    """A piece of snippet text; ``highlighted`` when it matched the query."""

    text: str
    highlighted: bool


class SnippetOut(BaseModel):
    """Matching text from one text version."""

    version: str
    language: str
    fragments: list[FragmentOut]


class HitOut(DocumentSummaryOut):
    """A search hit."""

    classification: str
    rank: int = Field(description="Place in the whole result list, from 1. Raw relevance scores "
                                  "are not given: they depend on the whole index (docs/security.md).")
    snippets: list[SnippetOut]
    record: DocumentOut | None = Field(
        None, description="The document's full record (as /documents/{id}) with records=full")
    matched_by: Literal["words", "meaning", "both"] = Field(
        "words", description="What found it: the query's words, its meaning (a passage near the "
                             "query in any language), or both")
    passage: MeaningPassageOut | None = Field(
        None, description="For a hit found by meaning: the passage nearest the query")


class MeaningPassageOut(BaseModel):
    """The passage of a document nearest a query by meaning, cut to a snippet."""

    where: str = Field(description="'<text version>#<paragraph>', or 'summary#0' for the title "
                                   "and summary")
    text: str


class SimilarOut(BaseModel):
    """Documents like one (more like this), nearest first; only those the reader may see."""

    items: list[DocumentSummaryOut]


class BucketOut(BaseModel):
    """A facet value with its count over the whole result set."""

    value: str
    label: str
    count: int
    selected: bool
    approximate: bool = Field(
        False, description="The count is estimated from a fixed sample of a broad result and "
                           "rounded to two significant figures; exact=true counts exactly")


class SuggestionOut(BaseModel):
    """A query to try when a search found nothing, with how many documents it finds."""

    query: str
    total: int
    reason: str = Field(description="spelling: the words as the archive spells them (did you "
                                    "mean); fewer-words: without the rarest word; unfiltered: "
                                    "the query without the filters")
    filters_kept: bool = Field(description="whether the count is with the search's filters")


class NameSuggestionOut(BaseModel):
    """An authority record offered as a reader types, best known first."""

    key: str
    kind: str = Field(examples=["person"])
    name: str = Field(examples=["Chou En-lai (Zhou Enlai)"])
    matched: str | None = Field(None, description="The spelling the typing matched, when it "
                                                  "is not the name (e.g. Zhou Enlai)")
    documents: int = Field(description="Documents the reader may see that name the record")
    query: str = Field(description="A search for the record's documents by this name")
    url: str


class NameSuggestionsOut(BaseModel):
    """Authority records whose spellings have words starting with each word typed; only
    records a document the reader may see names."""

    query: str
    names: list[NameSuggestionOut]


class SearchOut(BaseModel):
    """A page of search results with facet counts."""

    query: str
    total: int = Field(description="How many documents match: always exact")
    hits: list[HitOut]
    facets: dict[str, list[BucketOut]]
    approximate: dict[str, bool] = Field(
        default_factory=dict,
        description="Per facet: whether its counts are estimated (a facet with many values, "
                    "such as people or places, over more than ~200,000 documents); "
                    "exact=true makes every count exact")
    suggestions: list[str] = Field(description="When nothing was found: queries to try, as "
                                             "the page shows them (details in suggested)")
    suggested: list[SuggestionOut] = []
    next_cursor: str | None
    all_words_total: int | None = Field(
        None, description="When a query of three or more ordinary words was relaxed: how many "
                          "documents have every word (they rank first); null when every word "
                          "was required")
    notice: str | None = Field(
        None, description="What a reader should know about how the words were matched, e.g. "
                          "'Showing documents that match most of your words; ...'")
    by_meaning: int = Field(
        0, description="Of the total, documents found by meaning and not by the words (0 with "
                       "meaning=0 or explicit syntax: quotes, fields, -, OR)")
    bridged: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Words typed in another language or script, each with the archive's own "
                    "words also searched for it (by meaning, or by sound for Cyrillic names); "
                    "empty with meaning=0")


class CollectionOut(BaseModel):
    """A collection with its place in the tree."""

    key: str
    title: str
    description: str
    parent: str | None
    children: list[CollectionRef]
    documents_url: str
    url: str


class CollectionListOut(BaseModel):
    """Every collection, parents before children."""

    items: list[CollectionOut]


class AuthorityOut(BaseModel):
    """A person, organization, place or subject with every name it is known by."""

    key: str
    kind: str
    name: str
    description: str
    names: list[str]
    documents_url: str
    url: str
    identifiers: list[IdentifierOut] = Field(default_factory=list)


class AuthorityPageOut(BaseModel):
    """A page of authority records in key order."""

    items: list[AuthorityOut]
    next_cursor: str | None


class CitationOut(BaseModel):
    """A document cited in one style."""

    style: str
    title: str
    text: str
    html: str
