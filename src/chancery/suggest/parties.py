"""Who wrote a document and to whom, as its form states it: a memorandum's header
("MEMORANDUM FOR: ...", "FROM: ...", "TO: ..."), a cable's routing line ("TO: DIRECTOR
FROM: MEXICO CITY"), a letter's salutation ("Dear Mr. Khrushchev:") and its signature (the
name under "Sincerely yours," or, as State telegrams end, the sender's name on the last line).
Names are kept as written; linking them to authority records is the linking's work."""

from __future__ import annotations

import re
from collections.abc import Iterator

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext
from chancery.suggest.covers import body_start
from chancery.suggest.doctype import first_document_end
from chancery.suggest.routing import cited, letterhead, routing

NAME = "parties"
VERSION = "3"

_TOP = 3000
# "TO" opens many lines of an all-capitals cable's text: only a label with its colon counts
_LABEL = re.compile(r"^[ \t|*]*(?:(?P<label>TO|FROM|To|From)[ \t]*:|(?P<memo>\w{0,2}EMORAND\w{1,3}"
                    r"\s+FOR|Memorandum\s+for)[ \t]*:?)[ \t]*(?P<value>[^\n]*)$", re.M)
_NEXT_LABEL = re.compile(r"\s(?:FROM|TO|SUBJECT|SUBJ|INFO|REF|ACTION|DATE|CITE)\s*:?\s")
_ANY_LABEL = re.compile(r"^\W*[A-Z][A-Za-z ]{1,24}:\s*$")
_SALUTATION = re.compile(r"^[ \t]*(?:My\s+)?(?:Dear|DEAR)\s+(?P<name>[^:,\n]{2,60})[:,]", re.M)
_CLOSER = re.compile(r"^[ \t]*(?:Sincerely(?:\s+yours)?|Faithfully\s+yours|Yours\s+(?:sincerely|"
                     r"faithfully|truly)|Respectfully(?:\s+yours)?|Very\s+truly\s+yours|"
                     r"Best\s+regards)\s*,?[ \t]*$", re.M | re.I)
_NAME_LINE = re.compile(r"^(?:[A-ZА-Я][\w'’-]*\.?|[A-Z]\.)(?:\s+(?:[A-ZА-Я][\w'’-]*\.?|[A-Z]\.|"
                        r"de|van|von|du)){0,4}$")
_MARK = re.compile(r"\[\d+\]|\[[a-z]\]")
_NOT_NAMES = frozenset({"the record", "the files", "record", "incoming", "outgoing", "secret",
                        "top secret", "confidential", "unclassified", "subject", "participants",
                        "copy", "end"})


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """Senders (Kind.FROM) and recipients (Kind.TO), each name once."""
    found = [*_headers(text), *routing(text), *_salutation(text), *_signature(text)]
    if not any(f.kind is Kind.FROM for f in found):
        found.extend(list(cited(text)) or list(_typed_signature(text)) or list(letterhead(text)))
    seen: set[tuple[Kind, str]] = set()
    out = []
    for f in found:
        key = (f.kind, f.value.casefold())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _finding(kind: Kind, value: str, confidence: float, text: str, start: int,
             how: str) -> Finding:
    return Finding(kind, value, confidence, evidence=value, start=start, end=start + len(value),
                   data={"from": how}, stage=f"{NAME}/{VERSION}")


def _headers(text: str) -> Iterator[Finding]:
    """A header's parties, on the document's first page (a later page's TO and FROM are an
    attachment's)."""
    start = body_start(text)
    page_end = text.find("\f", start)
    for m in _LABEL.finditer(text, 0, min(start + _TOP, page_end if page_end > 0 else len(text))):
        kind = Kind.FROM if (m.group("label") or "").casefold() == "from" else Kind.TO
        value, start = m.group("value"), m.start("value")
        cut = _NEXT_LABEL.search(" " + value)
        if cut:  # a cable's routing line: "TO: DIRECTOR FROM: MEXICO CITY"
            rest = value[cut.start():]
            yield from _headers_in(rest, start + cut.start(), text)
            value = value[:max(cut.start() - 1, 0)]
        if not value.strip():
            value, start = _next_line(text, m.end())
        name = _clean(value)
        if name:
            yield _finding(kind, name, 0.8, text, text.find(name, start), "header")


def _headers_in(fragment: str, offset: int, text: str) -> Iterator[Finding]:
    """The second label of a routing line ("FROM: MEXICO CITY")."""
    m = re.match(r"\s*(FROM|TO)\s*:?\s*(.+)$", fragment)
    if m and (name := _clean(m.group(2))):
        kind = Kind.FROM if m.group(1) == "FROM" else Kind.TO
        yield _finding(kind, name, 0.8, text, offset + fragment.find(name), "header")


def _next_line(text: str, after: int) -> tuple[str, int]:
    """The value of a label printed alone on its line: the next line, unless a label."""
    for m in re.finditer(r"[^\n]+", text[after:after + 200]):
        line = m.group(0)
        if not line.strip():
            continue
        if _ANY_LABEL.match(line) or _LABEL.match(line):
            return "", after
        return line, after + m.start()
    return "", after


# not a person or an office: an archive's stamp ("Photocopy from Gerald R. Ford Library"),
# the OCR's reading of a smudge ("WHLLULLULULULLLLLLLLE": no vowel, a letter run)
_NOT_PARTY = re.compile(r"\b(?:Library|LIBRARY|Archives|ARCHIVES)\b|(\w)\1\1|\b[^\WAEIOUYaeiouy\d]{5,}\b")


def _clean(value: str) -> str:
    name = _MARK.sub("", value)
    name = re.split(r"\s{3,}|\t|\(\s*\d", name.strip())[0].strip(" .,;:|*-—")
    if (len(name) < 3 or len(name) > 80 or len(name.split()) > 6 or not name[0].isupper()
            or name.casefold() in _NOT_NAMES or _NOT_PARTY.search(name)):
        return ""
    return name


def _salutation(text: str) -> Iterator[Finding]:
    m = _SALUTATION.search(text, 0, body_start(text) + _TOP)
    if m and (name := _clean(m.group("name"))):
        yield _finding(Kind.TO, name, 0.6, text, m.start("name"), "salutation")


def _signature(text: str) -> Iterator[Finding]:
    """The name under the closing words, else a lone name closing the body."""
    closers = list(_CLOSER.finditer(text))
    if closers:
        line, start = _next_line(text, closers[-1].end())
        name = _clean(line)
        if name and _NAME_LINE.match(name):
            yield _finding(Kind.FROM, name, 0.7, text, text.find(name, start), "signature")
        return
    last = _last_body_line(text)
    if last is not None:
        yield _finding(Kind.FROM, last[0], 0.45, text, last[1], "signature")


# A typed signature block: the signer's name in capitals with a middle initial, closing its
# line ("DANIEL J, HOGAN": the OCR reads the initial's dot as a comma), after at most a few
# characters of the handwritten signature's smudge
_TYPED = re.compile(r"^[^\n]{0,10}?(?<![A-Za-z])(?P<name>[A-Z][A-Z'-]{2,}[ \t]+[A-Z][.,][ \t]?"
                    r"(?:[A-Z][.,][ \t]?)?[A-Z][A-Z'-]{2,})[ \t]*$", re.M)


def _typed_signature(text: str) -> Iterator[Finding]:
    """The last typed signature block of the first document (a memorandum for the record
    has no FROM line: its signer is its author)."""
    blocks = list(_TYPED.finditer(text, body_start(text), first_document_end(text)))
    if blocks:
        m = blocks[-1]
        name = m.group("name").replace(",", ".")
        yield _finding(Kind.FROM, name, 0.5, text, m.start("name"), "typed signature")


def _last_body_line(text: str) -> tuple[str, int] | None:
    """The body's last line when it is a name alone ("Thompson"), footnotes ("[1] ...") left out."""
    body = text.split("\n\n[1]", 1)[0].rstrip()
    start = body.rfind("\n") + 1
    name = _clean(body[start:])
    if name and _NAME_LINE.match(name) and name.casefold() not in _NOT_NAMES:
        return name, text.find(name, start)
    return None
