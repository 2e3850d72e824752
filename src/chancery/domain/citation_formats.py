"""A CSL-JSON item written as BibTeX (biblatex), RIS and COinS, so reference managers get
the same record the citation styles use.

The field choices follow what the readers' tools import: biblatex's ``@unpublished`` with
``library`` for the archive and call number (and ``archive``/``archive_location`` as Zotero's
Better BibTeX writes them), RIS ``MANSCPT`` with ``DB`` (archive) and ``AN`` (archive location)
as Zotero's RIS translator maps them, and COinS in the Dublin Core format."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from chancery.domain.csl import CslItem

_BIB_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
_BIB_ESCAPES = {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def _bib_text(text: str) -> str:
    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _bib_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + _bib_text(name["literal"]) + "}"  # braces: never split or reordered
    return _bib_text(f"{name['family']}, {name['given']}")


def _bib_names(names: list[dict[str, str]]) -> str:
    return " and ".join(_bib_name(n) for n in names)


def edtf_date(issued: dict[str, Any] | None) -> str:
    """An ISO/EDTF date with only the parts known: 1960-07-18, 1960-07, 1958/1960, 1962~."""
    if not issued:
        return ""
    parts = ["-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(d)) for d in issued["date-parts"]]
    return "/".join(parts) + ("~" if issued.get("circa") else "")


def bibtex(item: CslItem) -> str:
    """One biblatex entry: ``@unpublished`` for a manuscript, ``@inbook`` for a document in
    a published volume."""
    in_volume = item.get("type") == "document" and item.get("container-title")
    library = ", ".join(x for x in (item.get("archive"), item.get("archive_location")) if x)
    fields = [
        ("author", _bib_names(item.get("author", []))),
        ("title", "{" + _bib_text(item.get("title", "")) + "}"),
        ("date", edtf_date(item.get("issued"))),
        ("type", _bib_text(item.get("genre", ""))),
        ("translator", _bib_names(item.get("translator", []))),
        ("booktitle", _bib_text(item.get("container-title", "")) if in_volume else ""),
        ("number", _bib_text(item.get("number", "")) if in_volume else ""),
        ("publisher", _bib_text(item.get("publisher", "")) if in_volume else ""),
        ("howpublished", "" if in_volume else _bib_text(item.get("source", ""))),
        ("library", _bib_text(library)),
        ("archive", _bib_text(item.get("archive", ""))),
        ("archive_location", _bib_text(item.get("archive_location", ""))),
        ("langid", item.get("language", "")),
        ("abstract", _bib_text(item.get("abstract", ""))),
        ("url", item.get("URL", "")),
    ]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    kind = "inbook" if in_volume else "unpublished"
    key = re.sub(r"[^A-Za-z0-9_:-]", "_", str(item["id"]))
    return f"@{kind}{{{key},\n{body}\n}}\n"


def _ris_name(name: dict[str, str]) -> str:
    return name.get("literal") or f"{name['family']}, {name['given']}"


def _ris_date(issued: dict[str, Any] | None) -> tuple[str, str]:
    if not issued:
        return "", ""
    first = issued["date-parts"][0]
    padded = [str(first[0]), *(f"{p:02d}" for p in first[1:])]
    return str(first[0]), "/".join([*padded, *[""] * (3 - len(padded))]) + "/"


def ris(item: CslItem) -> str:
    """One RIS record (TY ... ER), as Zotero's RIS translator reads it."""
    in_volume = item.get("type") == "document" and item.get("container-title")
    year, full = _ris_date(item.get("issued"))
    lines = [("TY", "CHAP" if in_volume else "MANSCPT"), ("TI", item.get("title", ""))]
    lines += [("AU", _ris_name(n)) for n in item.get("author", [])]
    lines += [("A4", _ris_name(n)) for n in item.get("translator", [])]
    lines += [("PY", year), ("DA", full), ("M3", item.get("genre", "")),
              ("T2", item.get("container-title", "") if in_volume else ""),
              ("PB", item.get("publisher", "") or item.get("source", "")),
              ("DB", item.get("archive", "")), ("AN", item.get("archive_location", "")),
              ("LA", item.get("language", "")), ("AB", item.get("abstract", "")),
              ("UR", item.get("URL", "")),
              *[("N1", "Recipient: " + _ris_name(n)) for n in item.get("recipient", [])],
              ("ER", "")]
    return "".join(f"{tag}  - {' '.join(str(v).split())}".rstrip() + "\r\n"
                   for tag, v in lines if v or tag == "ER")


def coins(item: CslItem) -> str:
    """The ``title`` of a COinS span (OpenURL ContextObject in Dublin Core)."""
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
             ("rfr_id", "info:sid/chancery"), ("rft.type", "manuscript"),
             ("rft.title", item.get("title", ""))]
    pairs += [("rft.creator", _ris_name(n)) for n in item.get("author", [])]
    pairs += [("rft.date", edtf_date(item.get("issued")).rstrip("~")),
              ("rft.source", item.get("archive", "")),
              ("rft.publisher", item.get("source", "")),
              ("rft.identifier", item.get("URL", "")),
              ("rft.language", item.get("language", "")),
              ("rft.description", item.get("abstract", ""))]
    return urlencode([(k, v) for k, v in pairs if v])
