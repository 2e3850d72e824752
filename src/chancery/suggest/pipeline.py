"""The stages in order, each one's findings cached, all the findings returned.

A stage is a module with NAME, VERSION and ``find(text, ctx) -> list[Finding]`` (a module
may set ``CACHED = False`` when its findings depend on more than the text and the language,
e.g. a lookup of authority records that changes). To add one, append its module to STAGES.

Order: the release stamp first, so that its words are blanked (replaced by spaces, offsets
kept) before any other stage reads the text, and the leading cover pages with them
(covers.py: an identification form's DATE and FROM are not the document's); then the
language, which later stages read from the context; then the rest. A fallback stage
(``FALLBACK = True``: coverform.py, what the identification form says) reads the text with
its covers and is kept only for the kinds no other stage found. The stamp is found the
same way in any language, and an English stamp on a Russian page would only mislead the
language guess."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Protocol

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest import (
    classification,
    coverform,
    covers,
    dating,
    doctype,
    entities,
    language,
    parties,
    relations,
    release,
    summary,
)
from chancery.suggest.cache import NoCache, StageCache
from chancery.suggest.context import KnownNames, SuggestContext

__all__ = ["STAGES", "KnownNames", "Stage", "SuggestContext", "content_hash", "suggest"]


class Stage(Protocol):
    """What the pipeline needs of a stage module."""

    NAME: str
    VERSION: str

    def find(self, text: str, ctx: SuggestContext) -> list[Finding]:
        """What the stage reads in the text."""


# The version of what every stage is handed (the release and the covers blanked): a change
# to it is a change to every stage's input, so it is part of every cache key.
PREPARED = "covers/1"

STAGES: list[Stage] = [release, language, dating, classification, doctype, parties, entities,
                       relations, summary, coverform]


def content_hash(text: str, ctx: SuggestContext) -> str:
    """The cache key's content part: the text, and the language when one is given (a stage
    reads a text differently in another language); what stages derive from these is the same
    every time."""
    return hashlib.sha256(f"{PREPARED}\0{ctx.language}\0{text}".encode()).hexdigest()


def suggest(text: str, ctx: SuggestContext | None = None, cache: StageCache | None = None,
            stages: list[Stage] | None = None) -> list[Finding]:
    """Every stage's findings on the text, in stage order."""
    ctx = ctx or SuggestContext()
    store = cache or NoCache()
    digest = content_hash(text, ctx)
    read, uncovered, found, fallback = text, text, [], []
    covered = False
    for stage in STAGES if stages is None else stages:
        if getattr(stage, "FALLBACK", False):  # reads the covers too, after every other stage
            fallback.extend(_run(stage, uncovered, ctx, store, digest))
            continue
        if stage is not release and not covered:
            uncovered, covered = read, True
            read = covers.blank_covers(read)
        findings = _run(stage, read, ctx, store, digest)
        found.extend(findings)
        for f in findings:
            if f.kind is Kind.RELEASE:
                read = release.blank(read, release.spans(f))
            elif f.kind is Kind.LANGUAGE and not ctx.language:
                ctx = replace(ctx, language=f.value)
    kinds = {f.kind for f in found}
    return found + [f for f in fallback if f.kind not in kinds]


def _run(stage: Stage, text: str, ctx: SuggestContext, cache: StageCache,
         digest: str) -> list[Finding]:
    cached = getattr(stage, "CACHED", True)
    kept = cache.get(digest, stage.NAME, stage.VERSION) if cached else None
    if kept is not None:
        return kept
    findings = stage.find(text, ctx)
    if cached:
        cache.put(digest, stage.NAME, stage.VERSION, findings)
    return findings
