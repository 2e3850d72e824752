"""What a FRUS TEI volume says, read with lxml and XPath only: the expected values the
corpus tests compare the archive with, computed without the importer's code."""

from __future__ import annotations

import calendar
import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from chancery.domain.authorities import Role, fold
from chancery.domain.classification import Level

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CHAPTERS = "tei:div[@type='chapter' or @type='compilation' or @type='subchapter']"


def xpath(el: Any, path: str, **variables: str) -> list[Any]:
    """XPath with the tei: prefix bound."""
    return list(el.xpath(path, namespaces=NS, **variables))


def text_of(el: Any) -> str:
    """An element's text without its notes, whitespace folded; a line break is a space."""
    copy = deepcopy(el)
    for lb in copy.iter(f"{{{TEI}}}lb"):
        lb.tail = " " + (lb.tail or "")
    etree.strip_elements(copy, f"{{{TEI}}}note", with_tail=False)
    return " ".join("".join(copy.itertext()).split())


def _all_text(el: Any) -> str:
    """Every text inside, notes included, whitespace folded."""
    return " ".join("".join(el.itertext()).split())


def _heading(div: Any) -> str:
    head = xpath(div, "./tei:head")
    title = text_of(head[0]) if head else ""
    return re.sub(rf"^{re.escape(div.get('n') or '')}\.\s*", "", title)


@dataclass
class Chapter:
    """A chapter, compilation or subchapter that holds documents."""

    parent: str  # the enclosing chapter's xml:id, "" for the volume
    title: str
    documents: set[str]


@dataclass
class Volume:
    """What the TEI file of one volume says, counted with XPath."""

    id: str
    path: Path
    documents: list[str]  # xml:ids in order
    editorial: set[str]  # headed "Editorial Note"
    dated: list[str]  # documents with a dateline (historical documents): the sample pool
    chapters: dict[str, Chapter]
    herter: str  # List of Persons id of Christian A. Herter, "" when he is not listed


def _chapters(root: Any) -> dict[str, Chapter]:
    found = {}
    for div in xpath(root, f"//{CHAPTERS}[.//tei:div[@type='document']]"):
        parents = xpath(div, f"ancestor::{CHAPTERS}[1]")
        found[div.get(XML_ID)] = Chapter(
            parents[0].get(XML_ID) if parents else "", text_of(xpath(div, "./tei:head")[0]),
            {d.get(XML_ID) for d in xpath(div, ".//tei:div[@type='document']")})
    return found


def read_volume(path: Path) -> Volume:
    """Document ids, editorial notes, chapters and Herter's id in one volume file."""
    root = etree.parse(str(path)).getroot()
    divs = xpath(root, "//tei:div[@type='document']")
    herter = xpath(root, "//tei:div[@xml:id='persons']//tei:persName"
                         "[starts-with(normalize-space(.), 'Herter, Christian A.')]/@xml:id")
    return Volume(
        path.stem, path, [d.get(XML_ID) for d in divs],
        {d.get(XML_ID) for d in divs if _heading(d).casefold() == "editorial note"},
        [d.get(XML_ID) for d in divs if xpath(d, "./tei:dateline")],
        _chapters(root), str(herter[0]) if herter else "")


# --- expected fields of one document ----------------------------------------------------

_LEVELS = (("top secret", Level.TOP_SECRET), ("secret", Level.SECRET),
           ("confidential", Level.CONFIDENTIAL), ("limited official use", Level.RESTRICTED),
           ("official use only", Level.RESTRICTED), ("unclassified", Level.UNCLASSIFIED),
           ("no classification marking", Level.UNKNOWN))


def marking_sentence(text: str) -> tuple[str, Level] | None:
    """The first sentence of a source note that is a classification marking ("Secret; Niact.")."""
    for sentence in re.split(r"(?<=\.)\s+", text):
        for phrase, level in _LEVELS:
            if re.match(rf"\[?{phrase}\b", sentence.strip(), re.I):
                return phrase, level
    return None


def source_note(div: Any) -> Any | None:
    """note[@type="source"], else the heading's note that reads "Source: ..."."""
    typed = xpath(div, ".//tei:note[@type='source']")
    if typed:
        return typed[0]
    return next((n for n in xpath(div, "./tei:head/tei:note")
                 if _all_text(n).lstrip("[").casefold().startswith("source:")), None)


def _when(el: Any) -> tuple[date, date, str] | None:
    start, end = el.get("when") or el.get("from"), el.get("to") or el.get("when")
    if not start or not end:
        return None
    if len(start) == 7:  # YYYY-MM: the whole month
        year, month = map(int, start.split("-"))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), text_of(el)
    return date.fromisoformat(start[:10]), date.fromisoformat(end[:10]), text_of(el)


def _listed(root: Any, pid: str) -> Any | None:
    found = xpath(root, "//tei:div[@xml:id='persons']//tei:persName[@xml:id=$pid]", pid=pid)
    return found[0] if found else None


@dataclass
class Expected:
    """A document's fields as its TEI states them."""

    source_id: str
    title: str
    date: tuple[date, date, str] | None
    place: str
    agents: set[tuple[Role, str, str]]  # (role, kind, as printed) of head from/to
    listed: dict[str, str]  # as printed -> List of Persons source id, for from/to persons
    source_note: str
    source_full: str  # with the text of notes inside it
    marking: tuple[str, Level] | None
    footnotes: list[tuple[str, str]]
    signers: set[str]
    paragraphs: list[str]


def _agents(root: Any, div: Any, volume: str) -> tuple[set[tuple[Role, str, str]], dict[str, str]]:
    agents, listed = set(), {}
    roles = {"from": Role.AUTHOR, "to": Role.RECIPIENT}
    for el in xpath(div, "./tei:head//*[@type='from' or @type='to'][not(ancestor::tei:note)]"):
        is_person = el.tag == f"{{{TEI}}}persName"
        written = text_of(el)
        agents.add((roles[el.get("type")], "person" if is_person else "organization", written))
        entry = _listed(root, (el.get("corresp") or "").lstrip("#")) if is_person else None
        # An entry that refers elsewhere ("Home, see Douglas-Home") is tested on its own.
        if entry is not None and not xpath(entry, "ancestor::tei:item[1]//tei:persName[@type='alt']"):
            listed[written] = f"{volume}#{entry.get(XML_ID)}"
    return agents, listed


def _signers(div: Any) -> set[str]:
    """Each person signing, once, as first printed ("A. J. Goodpaster", not his "Colonel")."""
    found: dict[str, str] = {}
    for signed in xpath(div, ".//tei:closer/tei:signed"):
        people = xpath(signed, ".//tei:persName[not(ancestor::tei:note)]") or [signed]
        for p in people:
            found.setdefault(p.get("corresp") or fold(text_of(p)), text_of(p))
    return {name for name in found.values() if name}


def expected_fields(root: Any, div: Any, volume: str) -> Expected:
    """Every field the tests check, for one div[@type="document"] of a parsed volume."""
    source = source_note(div)
    dates = [w for d in xpath(div, "./tei:dateline//tei:date[not(ancestor::tei:note)]")
             if (w := _when(d))]
    places = xpath(div, "./tei:dateline//tei:placeName[not(ancestor::tei:note)]")
    notes = xpath(div, ".//tei:note[not(@target)][not(ancestor::tei:note)]")
    agents, listed = _agents(root, div, volume)
    return Expected(
        f"{volume}/{div.get(XML_ID)}", _heading(div), dates[0] if dates else None,
        text_of(places[0]) if places else "", agents, listed,
        text_of(source) if source is not None else "",
        _all_text(source) if source is not None else "",
        marking_sentence(text_of(source)) if source is not None else None,
        [(n.get("n") or "", _all_text(n)) for n in notes if n is not source],
        _signers(div), [text_of(p) for p in xpath(div, ".//tei:p[not(ancestor::tei:note)]")])


def first_citing(volume: Volume, pid: str) -> str:
    """The first document naming the person outside its source note ("" if none does)."""
    root = etree.parse(str(volume.path)).getroot()
    found = xpath(root, "(//tei:div[@type='document'][.//tei:persName[@corresp=$ref]"
                        "[not(ancestor::tei:note[@type='source' or @n='0'])]])[1]/@xml:id",
                  ref=f"#{pid}")
    return f"{volume.id}/{found[0]}" if found else ""
