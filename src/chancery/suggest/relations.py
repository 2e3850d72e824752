"""Relations a text states to other documents, with what the archive needs to find them:
"a copy of the note ... is included here" (encloses), "Reference your telegram 123",
"Your 123", "Deptel 2478" opening a telegram (reply to), "see Document 303" (related).
The findings carry the reference as data (``kind``, ``number``, ``reference``); resolving it
to a stored document is the linking's work, against the archive."""

from __future__ import annotations

import re
from collections.abc import Iterator

from chancery.domain.relations import RelationType
from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext

NAME = "relations"
VERSION = "1"

_KINDS = r"telegram|tel|cable|letter|memorandum|despatch|dispatch|note|airgram|airtel|message"
_ENCLOSES = re.compile(
    r"\b(?:a\s+)?cop(?:y|ies)\s+of\s+(?P<what>[^.;]{3,160}?)\s+(?:is|are)\s+(?:\w+\s+)?"
    r"(?:included|enclosed|attached|transmitted)\b"
    r"|\b(?:enclosed|attached)\s+(?:herewith\s+)?(?:is|are)\s+(?:a\s+cop(?:y|ies)\s+of\s+)?"
    r"(?P<what2>[^.;]{3,160}?)(?=[.;])", re.I)
_REPLY = re.compile(
    rf"\b(?:Reference|Ref|Re|Refs)\s*[:.]?\s*(?:your|ur)\s+(?P<kind>{_KINDS})\.?\s+(?:No\.\s*)?"
    r"(?P<num>\d{1,6})\b"
    r"|\b(?:Reference|Ref)\s*[:.]?\s*(?P<kind2>" + _KINDS + r")\s+(?:No\.\s*)?(?P<num2>\d{1,6})\b"
    r"|\bYour\s+(?:(?P<kind3>" + _KINDS + r")\s+)?(?:No\.\s*)?(?P<num3>\d{1,6})\b"
    r"|\b(?P<kind4>Urtel|Deptel|Embtel|Depcirtel|Circtel|Reftel)\s+(?P<num4>\d{1,6})\b", re.I)
_DOCUMENT = re.compile(r"\bDocuments?\s+(?P<num>\d{1,4})(?!\d|[.,]\d)")
_OPENING = 400  # a telegram's references stand in its first lines


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """Each stated relation once, in reading order."""
    found = sorted([*_encloses(text), *_replies(text), *_documents(text)], key=lambda f: f.start)
    seen: set[tuple[str, str]] = set()
    out = []
    for f in found:
        key = (f.data["relation"], f.data["reference"].casefold())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _finding(m: re.Match[str], relation: RelationType, reference: str, confidence: float,
             **data: str) -> Finding:
    return Finding(Kind.RELATION, f"{relation.label}: {reference}", confidence,
                   evidence=m.group(0), start=m.start(), end=m.end(),
                   data={"relation": relation.value, "reference": reference, **data},
                   stage=f"{NAME}/{VERSION}")


def _encloses(text: str) -> Iterator[Finding]:
    for m in _ENCLOSES.finditer(text):
        what = " ".join((m.group("what") or m.group("what2")).split())
        # "a copy of X is enclosed" names a document; "enclosed are ..." may be anything
        yield _finding(m, RelationType.ENCLOSES, what, 0.6 if m.group("what") else 0.4)


def _replies(text: str) -> Iterator[Finding]:
    for m in _REPLY.finditer(text):
        groups = m.groupdict()
        kind = next((groups[k] for k in ("kind", "kind2", "kind3", "kind4") if groups[k]), "")
        number = next(groups[k] for k in ("num", "num2", "num3", "num4") if groups[k])
        lowered = kind.casefold()
        if lowered in ("deptel", "embtel", "depcirtel", "circtel", "reftel", "urtel"):
            relation = RelationType.REPLY_TO if m.start() < _OPENING else RelationType.RELATED
        else:
            relation = RelationType.REPLY_TO
        reference = f"{kind or 'telegram'} {number}"
        yield _finding(m, relation, reference, 0.7 if relation is RelationType.REPLY_TO else 0.4,
                       kind=lowered or "telegram", number=number)


def _documents(text: str) -> Iterator[Finding]:
    for m in _DOCUMENT.finditer(text):
        reference = f"Document {m.group('num')}"
        yield _finding(m, RelationType.RELATED, reference, 0.6, kind="document",
                       number=m.group("num"))
