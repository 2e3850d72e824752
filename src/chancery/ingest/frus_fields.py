"""Field extraction for FRUS TEI documents: text with footnote marks, dates, source notes,
classification markings and catalogue entries.

Pure functions over lxml elements, kept apart from ``frus.py`` (which walks a volume and
assembles records) so each rule can be read and tested on its own. Everything here is
best effort on free text the editors wrote for readers, not for machines: a rule that
cannot tell leaves the field empty rather than guessing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TypeAlias

from lxml import etree

from chancery.domain.classification import Classification, classify_marking, level_of
from chancery.domain.dates import FuzzyDate, date_range, parse_iso_date
from chancery.domain.provenance import Provenance
from chancery.domain.texts import Note, NoteKind

Element: TypeAlias = etree._Element

TEI_NS = "http://www.tei-c.org/ns/1.0"
# The 2014-15 files declare the first; current upstream volumes use the second.
FRUS_NAMESPACES = ("http://history.state.gov/ns/1.0", "http://history.state.gov/frus/ns/1.0")


def tei(name: str) -> str:
    """The Clark-notation tag of a TEI element."""
    return f"{{{TEI_NS}}}{name}"


NOTE, LB, PB, ROW, HEAD = tei("note"), tei("lb"), tei("pb"), tei("row"), tei("head")
PERSNAME, GLOSS, DATE, PLACENAME = tei("persName"), tei("gloss"), tei("date"), tei("placeName")
# Encoders' to-do remarks in the microfiche supplements ("page 1 is not in the image
# sequence!"): workflow notes, not part of the published text.
_UHOH = tei("uh-oh")
# Elements that start a paragraph of their own when met at block level.
_BLOCKS = frozenset(tei(t) for t in (
    "p", "list", "item", "table", "row", "dateline", "signed", "closer", "opener", "head",
    "label", "quote", "ab", "salute", "trailer", "byline", "postscript", "floatingText", "lg", "l"))

PUBLISHER = "Office of the Historian, U.S. Department of State"
RIGHTS = "Public domain (U.S. Government work, 17 U.S.C. § 105)"
URL_BASE = "https://history.state.gov/historicaldocuments"


def norm(text: str) -> str:
    """Whitespace folded to single spaces."""
    return " ".join(text.split())


def _is_skipped(tag: object) -> bool:
    # Comments/PIs have non-string tags; frus:* elements name page images and page counts.
    return not isinstance(tag, str) or tag in (_UHOH, PB) or tag.startswith("{http://history.state.gov/")


class NoteCollector:
    """Collects a document's notes in reading order and hands out the marks printed in text.

    The source note becomes a SOURCE note without a mark in the body (it belongs to the
    heading); a note with ``@target`` repeats an earlier one (mark only)."""

    def __init__(self, source: Element | None) -> None:
        self.source = source
        self.notes: list[Note] = []

    def mark(self, note: Element) -> str:
        """Record the note (once) and return the marker to put in the text."""
        source = self.source
        if source is not None and note is source:
            self.notes.append(Note(note.get("n") or "", text_of(note), NoteKind.SOURCE))
            return ""
        mark = note.get("n") or str(len(self.notes) + 1)
        if not note.get("target"):
            self.notes.append(Note(mark, text_of(note), NoteKind.FOOTNOTE))
        return f"[{mark}]"


def text_of(el: Element) -> str:
    """All text of an element, whitespace folded (notes inside included)."""
    return norm(_all_text(el))


def _all_text(el: Element) -> str:
    """The text of an element and its descendants, as ``"".join(el.itertext())``."""
    return str(etree.tostring(el, method="text", encoding=str, with_tail=False))


def inline_text(el: Element, notes: NoteCollector | None, marks: bool = True) -> str:
    """An element's text with notes replaced by "[n]" (or dropped when ``marks`` is off);
    notes go to ``notes``. ``notes=None`` drops them silently (chapter headings)."""
    if next(el.iter(NOTE, LB, _UHOH), None) is None:  # most paragraphs have no notes:
        return norm(_all_text(el))  # the text in one call (a third of itertext's time)
    parts: list[str] = []
    _inline_into(el, parts, notes, marks)
    return norm("".join(parts))


def _inline_into(el: Element, parts: list[str], notes: NoteCollector | None, marks: bool) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if tag == NOTE:
            marker = notes.mark(child) if notes is not None else ""
            parts.append(marker if marks else "")
        elif tag == LB:
            parts.append(" ")
        elif not _is_skipped(tag):
            _inline_into(child, parts, notes, marks)
        if child.tail:
            parts.append(child.tail)


def block_texts(el: Element, notes: NoteCollector, skip: Element | None = None) -> list[str]:
    """The paragraphs of a block element, in reading order; ``skip`` (the document
    heading) is left out. Mixed content around nested blocks becomes paragraphs too."""
    out: list[str] = []
    run: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag
        if child is skip or _is_skipped(tag):
            pass
        elif tag == NOTE and not "".join(run).strip():
            notes.mark(child)  # a note standing between paragraphs: no mark to print
        elif tag in _BLOCKS:
            _flush(run, out)
            out.extend(_block(child, notes))
        else:
            run.append(inline_text(child, notes) if tag != NOTE else notes.mark(child))
        run.append(child.tail or "")
    _flush(run, out)
    return out


def _block(el: Element, notes: NoteCollector) -> list[str]:
    if el.tag == ROW:
        cells = (inline_text(c, notes) for c in el if isinstance(c.tag, str))
        return [" | ".join(c for c in cells if c)]
    if any(c.tag in _BLOCKS for c in el):
        return block_texts(el, notes)
    return [inline_text(el, notes)]


def _flush(run: list[str], out: list[str]) -> None:
    text = norm("".join(run))
    if text and text not in ".,;:":  # a closer's stray "." after </signed>
        out.append(text)
    run.clear()


# --- dates -------------------------------------------------------------------------------

def date_of(el: Element) -> FuzzyDate | None:
    """The date a TEI ``date`` element states, or None when it has no machine-readable
    value (printed "undated"). Raises ValueError on malformed values."""
    display = inline_text(el, None)
    start = el.get("when") or el.get("from") or el.get("notBefore")
    end = el.get("to") or el.get("notAfter")
    if start is None:
        return None  # a lone @to/@notAfter bounds only one side: not a span we can store
    if end is None:
        return parse_iso_date(start, display)
    first, last = parse_iso_date(start), parse_iso_date(end)
    assert first.start is not None and last.end is not None
    return date_range(first.start, last.end, display)


def datetime_range(low: str | None, high: str | None, display: str) -> FuzzyDate | None:
    """The newer encoding's ``@frus:doc-dateTime-min/max`` ("1958-02-11T00:00:00-05:00")."""
    if not low or not high:
        return None
    # The offset is the editors' normalisation to Washington time; the day is what counts.
    return date_range(date.fromisoformat(low[:10]), date.fromisoformat(high[:10]), display)


# --- source notes, archives, reference codes ----------------------------------------------

_SOURCE_PREFIX = re.compile(r"^\W*source:\s*", re.I)
# A sentence ends at ". " before a capital, unless the period closes an initial or an
# abbreviation ("U.S. Army", "K.L. Rankin", "Gen. Taylor").
_STOP = re.compile(r"\.\s+(?=[A-Z\[“\"(])")
_LAST_WORD = re.compile(r"(\S+)$")
_INITIALS = re.compile(r"^[(\[“]?(?:[A-Z]\.)*[A-Z]$")
_ABBREVIATIONS = frozenset({"Mr", "Mrs", "Dr", "Gen", "Adm", "Col", "Lt", "St", "No", "Nos", "Amb",
                            "Sen", "Gov", "Jr", "Sr", "Vol", "Maj", "Cdr", "Rep", "Capt", "Sgt", "Dept"})
_LOT = re.compile(r"\bLot\s+\d+\s*[A-Z]\s*\d+")
# State Department decimal files: "611.93/2-2458", "793.5-MSP/2-1158", "747C.00/12-2355".
_DECIMAL = re.compile(r"\b\d{3}[A-Z]?(?:\.[0-9A-Z]+)*(?:[–-][A-Z][\w()]*)*/\d{1,2}[–-]\d{3,6}\b")
_SUBJECT_FILE = re.compile(r"^[A-Z]{2,5}(?:\s+\(?[\w–-]+\)?){0,4}$")  # "POL 27 VIET S"
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})


def first_sentence(text: str) -> str:
    """The text up to its first full stop."""
    for stop in _STOP.finditer(text):
        word = _LAST_WORD.search(text, 0, stop.start())
        token = word.group(1) if word else ""
        if not (_INITIALS.match(token) or token in _ABBREVIATIONS):
            return text[:stop.start()]
    return text.rstrip(".")


def is_source_text(text: str) -> bool:
    """Whether a note reads as a source note ("Source: ...", "[Source: ...")."""
    return bool(_SOURCE_PREFIX.match(text))


def citation_parts(citation: str) -> tuple[str, str, str]:
    """Holding archive, file series and reference code of a citation
    ("Department of State, Central Files, 793.5-MSP/2-1158" -> "Department of State",
    "Central Files", "793.5-MSP/2-1158"); empty parts where the text does not say."""
    body = _SOURCE_PREFIX.sub("", citation, count=1)
    # "... 793.5-MSP/2-1158. Secret." : the marking, not a capital, ends the citation.
    sentence = _MARKING_STOP.split(first_sentence(body), 1)[0]
    parts = [p.strip() for p in sentence.split(",")]
    # "Department of State Press Release No. 634, Department of State, Conference Files": a
    # part with a number names a printed document, not the archive that holds it.
    while len(parts) > 1 and _HAS_NUMBER.search(parts[0]):
        parts = parts[1:]
    archive = archive_name(parts[0]) if len(parts[0]) <= 80 else ""
    series = parts[1].split(":")[0].strip() if len(parts) > 1 else ""
    return archive, series, _reference_code(sentence, parts).translate(_DASHES)


_HAS_NUMBER = re.compile(r"\d")
# lower case inside an archive's name (a second _SMALL_WORDS below, for titles, hid this one)
_NAME_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "at", "to", "de", "du",
                               "des", "la", "le", "und", "der", "die"})


def archive_name(name: str) -> str:
    """An archive's name with its words capitalised as the archive writes it, so that a
    misprint does not make a second archive ("Department of state" -> "Department of State")."""
    words = name.split()
    return " ".join(w if i and w in _NAME_SMALL_WORDS else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def _reference_code(sentence: str, parts: list[str]) -> str:
    found = [m for m in (_LOT.search(sentence), _DECIMAL.search(sentence)) if m]
    if found:
        return min(found, key=lambda m: m.start()).group(0)
    # 1963 onwards the Central Files are subject-numeric: "Central Files, POL 27 VIET S".
    if len(parts) > 2 and parts[1] == "Central Files" and _SUBJECT_FILE.match(parts[2]):
        return parts[2]
    return ""


def provenance_for(citation: str, source_note: str, url: str) -> Provenance:
    """Provenance of a FRUS document from its citation text."""
    archive, series, code = citation_parts(citation) if citation else ("", "", "")
    return Provenance(holding_archive=archive, collection=series, reference_code=code,
                      publishing_archive=PUBLISHER, source_note=source_note, rights=RIGHTS,
                      url=url)


# --- classification markings -------------------------------------------------------------

_LEVEL = (r"top\s+secret|strictly\s+confidential|secret|confidential|(?:for\s+)?official\s+use"
          r"\s+only|limited\s+official\s+use(?:\s+only)?|unclassified|administratively\s+"
          r"restricted|no\s+classification\s+marking")
_CAVEAT = (r"eyes\s+only(?:\s+for\s+[^.;,]+)?|niact|priority|noforn|nodis|exdis|limdis|"
           r"limit(?:ed)?\s+distribution|operational\s+immediate|immediate|flash|emergency|"
           r"routine|roger\s+channel|no\s+distribution\s+outside\s+(?:the\s+)?department|"
           r"no\s+foreign\s+dissem(?:ination)?|controlled\s+dissem(?:ination)?|verbatim\s+text|"
           r"presidential\s+handling|personal(?:\s+and\s+(?:private|confidential|secret))?|"
           r"private|official[\s–-]+informal|sensitive|background\s+use\s+only|"
           r"\[codeword not declassified\]")
_TOKEN = rf"(?:{_LEVEL}|{_CAVEAT})"
_SEP = r"(?:\s*[;,:/—–-]\s*|\s+and\s+|\s+)"
_MARKING = re.compile(rf"\[?(?P<m>{_TOKEN}(?:{_SEP}{_TOKEN})*)(?![\w-])(?P<rest>.*)", re.I | re.S)
_HAS_LEVEL = re.compile(rf"\b(?:{_LEVEL}|eyes\s+only)\b", re.I)
# Words that start the next sentence when the editors left out the full stop after a
# marking ("Secret 3 pp.", "Confidential Drafted by ...", "Top Secret; Immediate Prepared by").
_STARTERS = (r"Drafted|Repeated|Sent|Also|Transmitted|Received|Approved|Cleared|Initialed|"
             r"Printed|Pouched|Prepared|Passed|Relayed|Forwarded|According|Another|The|This|"
             r"A|An|Attached")
_REST_OK = re.compile(rf"^(?:$|\d|(?:{_STARTERS})\b)")
_STARTER = re.compile(rf"^(?:{_STARTERS})\b")
# A marking run into the end of the citation: "..., 762.0221/11-1558, Confidential."
_TAIL = re.compile(rf"(?:[,;]\s*|(?<=[A-Z0-9\])])\s+)(?P<m>(?:{_LEVEL})(?:{_SEP}{_TOKEN})*)$", re.I)
# Sentences end at ". " or "] ", and at a full stop run into the next word ("Secret.According").
_FRAGMENTS = re.compile(r"(?<=[.\]])(?:\s+|(?=[A-Z](?:[a-z]|\s)))")
_MARKING_STOP = re.compile(rf"\.\s+(?=(?:{_LEVEL})\b)", re.I)
# Between the parts of a marking: "; ", ", ", ": ", "/", a dash, " and "; or a space alone.
# ... except inside brackets: "[classification markings and dissemination indicators ...]".
_PART_SEP = re.compile(r"(\s*[;,:/—–]\s*|\s+and\s+|^\s+)(?![^\[\]]*\])")
_MAX_PART_WORDS = 8
_LEADING_LEVEL = re.compile(rf"^\[?(?:{_LEVEL})(?![\w-])", re.I)
_SMALL_WORDS = frozenset({"as", "by", "except", "for", "of", "only", "the", "to"})
_SEP_IN = re.compile(r"[;,:/—–]|\sand\s")


def marking_in(text: str) -> str:
    """The classification marking and handling caveats a source note or catalogue entry
    prints, as printed ("Secret; Niact"), or "" when it has none.

    Markings stand as short sentences of their own ("... 2-1158. Secret; Niact. Drafted
    by ..."); prose that merely mentions a level ("classified top secret") is not one."""
    found: list[str] = []
    for fragment in _FRAGMENTS.split(text):
        marking = _fragment_marking(_trim(fragment), first=not found)
        if marking:
            found.append(marking)
    return "; ".join(found)


def _trim(fragment: str) -> str:
    # "Secret.]" ends a bracketed source note; "[codeword not declassified]" keeps its "]".
    fragment = fragment.strip().rstrip(".")
    if fragment.endswith("]") and fragment.count("]") > fragment.count("["):
        fragment = fragment[:-1].rstrip(".")
    return fragment


def classification_of(marking: str) -> Classification:
    """A marking's classification; the level is the one it starts with, so that "Secret
    (With Top Secret Attachment)" is Secret."""
    found = classify_marking(marking)
    lead = _LEADING_LEVEL.match(marking)
    return replace(found, level=level_of(lead.group(0))) if lead else found


def _fragment_marking(fragment: str, first: bool) -> str:
    m = _MARKING.fullmatch(fragment)
    marking = _with_rest(m.group("m").strip(), m.group("rest")) if m else ""
    if marking:
        # A caveat alone ("Priority.") counts only after a level: "Top Secret. Priority."
        return marking if not first or _HAS_LEVEL.search(marking) else ""
    tail = _TAIL.search(fragment) if first and _SOURCE_PREFIX.match(fragment) else None
    return tail.group("m").strip() if tail else ""


def _with_rest(marking: str, rest: str) -> str:
    """The marking with the rest of its sentence when that continues it ("Secret; Literally
    Eyes Only", "Official Use Only (With Confidential Section)", "Secret Enclosure"); the
    marking alone when the next sentence follows ("Secret, Also sent to ..."); "" when the
    sentence is prose that merely starts with a level word."""
    stripped = rest.strip()
    if stripped.startswith("(") and stripped.endswith(")"):
        return f"{marking} {stripped}"
    if _REST_OK.match(stripped):
        return marking
    parts = _PART_SEP.split(rest)  # "", separator, part, separator, part, ...
    if parts[0].strip():
        return ""
    kept, last = "", len(parts) - 1
    for i in range(1, last, 2):
        sep, part = parts[i], parts[i + 1]
        # After a bare space only a last, capitalised part: "Secret Enclosure".
        if not _is_marking_part(part, spaced=not sep.strip(), last=i + 1 == last):
            break
        kept += sep + part
    if not kept and not parts[1].strip() and not _SEP_IN.search(marking):
        return ""  # a level word starting prose: "Secret talks were held ..."
    return marking + kept


def _is_marking_part(part: str, spaced: bool, last: bool) -> bool:
    """A caveat as printed ("Literally Eyes Only", "[distribution indicator not
    declassified]"): short, capitalised, no new sentence."""
    words = part.split()
    if not words or len(words) > _MAX_PART_WORDS or _STARTER.match(part):
        return False
    if spaced:
        return last and all(w[0].isupper() or w in _SMALL_WORDS for w in words)
    return part[0].isupper() or part.startswith("[")


# --- headings and catalogue entries ------------------------------------------------------

_NUMBER = re.compile(r"^\s*(\d+[A-Za-z]?)\.\s*")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")
_CATALOGUE_DATE = re.compile(rf"(?:^|,\s)({_MONTHS})\s+(\d{{1,2}})(?:,\s+(\d{{4}}))?(?=,|$)")
_MONTH_YEAR = re.compile(rf"^({_MONTHS})\s+(\d{{4}})$")
_PAGES = re.compile(r"\b\d+\s+pp?\.\s+(?=\S)")


def strip_number(title: str, number: str) -> str:
    """A heading without its printed number ("3. Letter From ..." -> "Letter From ...")."""
    m = _NUMBER.match(title)
    if m and m.group(1).casefold() == number.casefold():
        return title[m.end():]
    return title


def catalogue_date(title: str, chapter_title: str) -> FuzzyDate:
    """The date of a microfiche catalogue entry from its first sentence ("Memorandum from
    Kaysen to President Kennedy, March 9"). Without a year the chapter heading supplies
    it when it names the same month ("March 1962"); otherwise only the display is kept."""
    m = _CATALOGUE_DATE.search(title)
    if not m:
        return FuzzyDate()
    month, day, year = m.groups()
    display = f"{month} {day}" + (f", {year}" if year else "")
    chapter = _MONTH_YEAR.match(chapter_title)
    note = ""
    if year is None and chapter and chapter.group(1) == month:
        year, note = chapter.group(2), "year from the chapter heading"
    if year is None:
        return FuzzyDate(display=display, note="year not stated")
    number = _MONTHS.split("|").index(month) + 1
    return parse_iso_date(f"{year}-{number:02d}-{int(day):02d}", display, note)


def catalogue_citation(text: str) -> str:
    """The archival citation that follows the page count of a catalogue entry
    ("... Top Secret. 2 pp. Department of State, S/S-NSC Files: Lot 66 D 95, ...")."""
    m = _PAGES.search(text)
    return text[m.end():] if m else ""
