"""A scanned form's parties where the OCR has damaged its labels: "TO + OFRECTOR", "FROM
«LONDON pp OCr 24 21312 61", "TO Legat, Mexico (1053702)" (Optional Form 10 prints its
labels without a colon), "FR WASHINGTON: BRAZILIAN EMBASSY 26 NOV 63" (an intercepted
telegram), and, when no header names a sender, the agency whose letterhead heads the first
page ("CENTRAL INTELLIGENCE AGENCY" over an information report).

A label without its colon opens many lines of a cable's all-capitals text ("TO SOME ACTUAL
ASSISTANCE ..."), so it is read only among the first lines of the document, and its value
only up to the first word that cannot be part of a name (a file number, a date, a
precedence, the OCR's specks); a value of more than six words is a sentence, not a party."""

from __future__ import annotations

import re
from collections.abc import Iterator

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.covers import body_start
from chancery.suggest.ocrwords import nearest

_HEAD_LINES = 30
_LOOSE_LABEL = re.compile(r"^[^\w\n]*(?P<label>TOs?|FROM|FRO|FR)\b(?![:])[^\w\n]{0,4}"
                          r"(?P<value>[^\n]*)$", re.M)
# where a party's name ends: a file number "(105-3702)", a date or time, a precedence
_STOP = re.compile(r"\(\s*\d|\b\d|\b(?:URGENT|PRIORITY|ROUTINE|IMMEDIATE|FLASH|NIACT|INFO|CITE|"
                   r"ACTION|SUBJECT|DATE)\b|\s[|=]")
_PROSE_TOO = frozenset({"INFO", "CITE", "ACTION", "SUBJECT", "DATE"})  # words a sentence has too
_ADDRESSES = ("DIRECTOR",)  # an incoming cable's address, as damaged as any word
_AGENCIES = {"CENTRALINTELLIGENCEAGENCY": "CENTRAL INTELLIGENCE AGENCY",
             "FEDERALBUREAUOFINVESTIGATION": "FEDERAL BUREAU OF INVESTIGATION"}


def routing(text: str) -> Iterator[Finding]:
    """The TO and FROM of a form's first lines whose labels the OCR damaged."""
    start = body_start(text)
    head = _first_lines(text, start)
    for m in _LOOSE_LABEL.finditer(text, start, head):
        name, at = _value(m.group("value"), m.start("value"))
        if name:
            kind = Kind.TO if m.group("label").startswith("TO") else Kind.FROM
            yield Finding(kind, name, 0.6, evidence=text[at:at + len(name)], start=at,
                          end=at + len(name), data={"from": "routing"}, stage="parties/2")


# An outgoing CIA cable's CITE names its sender: "CITE DIRECTOR 92664", "CITE DIR 75338"
_CITE = re.compile(r"\bCITE\s+(?P<who>[A-Za-z]{3,10})\b", re.I)


def cited(text: str) -> Iterator[Finding]:
    """Headquarters as the sender of a cable it cites itself in ("cite pinectoa")."""
    start = body_start(text)
    for m in _CITE.finditer(text, start, _first_lines(text, start)):
        who = m.group("who")
        if who.upper() == "DIR" or nearest(who, _ADDRESSES):
            yield Finding(Kind.FROM, "DIRECTOR", 0.55, evidence=m.group(0), start=m.start(),
                          end=m.end(), data={"from": "cite"}, stage="parties/2")
            return


def letterhead(text: str) -> Iterator[Finding]:
    """The agency a letterhead names among the first lines, read through the OCR's specks
    ("‘CENT RAL. INTELLIGENCE AGENCY", "CEMTRAL INTELLIGENCE AGENCY,")."""
    start = body_start(text)
    for m in re.finditer(r"[^\n]+", text[:_first_lines(text, start, 8)]):
        if m.end() <= start:
            continue
        letters = re.sub(r"[^A-Z]", "", m.group(0).upper().replace("CEMTRAL", "CENTRAL"))
        for compact, name in _AGENCIES.items():
            if compact in letters:
                yield Finding(Kind.FROM, name, 0.5, evidence=m.group(0).strip(), start=m.start(),
                              end=m.end(), data={"from": "letterhead"}, stage="parties/2")
                return


def _first_lines(text: str, start: int, lines: int = _HEAD_LINES) -> int:
    at = start
    for _ in range(lines):
        at = text.find("\n", at + 1)
        if at < 0:
            return len(text)
    return at


def _value(value: str, offset: int) -> tuple[str, int]:
    """The party's name in a label's value, and where it starts."""
    lead = len(value) - len(value.lstrip(" \t+«»=#*~_-—.:;,'\"“‘|"))
    rest = value[lead:]
    stop = _STOP.search(rest)
    words = rest[:stop.start() if stop else len(rest)].split()
    if len(words) > 6 or (stop and stop.group(0) in _PROSE_TOO and len(rest.split()) > 6):
        return "", offset  # a sentence, not a party
    kept = []
    for word in words:
        if not _namelike(word):
            break
        kept.append(word)
    name = " ".join(kept).rstrip(" ,.;:")
    if len(kept) <= 2 and (address := nearest(name.replace(" ", ""), _ADDRESSES)):
        name = address  # "OFRECTOR", "OIE ECTOR": DIRECTOR
    return (name, offset + lead) if len(name) >= 3 else ("", offset)


def _namelike(word: str) -> bool:
    """A word that can be part of a party's name: capitalised, or "of", "de", "and"."""
    core = word.strip(",.;:'\"()")
    return bool(core) and (core[0].isupper() or core in ("of", "de", "and", "&"))
