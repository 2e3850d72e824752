"""The leak suite's other side, as a table: for each hidden state of the canary archive and
each channel an editor reaches, the editor is shown the canary (so every absence the public
side checks is the access rule's doing, not a channel that shows nothing to anyone).

A cell is either checked or named in ``NOT_SHOWN`` with the reason the channel does not carry
that state's canary, for editors either (a decision, pinned by asserting the absence);
``test_the_table_is_whole`` fails when a state or channel is added without its cells. Search
cells ask for words only the hidden part holds (the public's answer to them is checked empty
by test_leak_suite.py); the editor's answer must have the document."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App
from chancery.cli import app as cli
from chancery.web.server import create_app
from tests.e2e.test_workspace_access import _account, _client, _log_in
from tests.leaks.canary import (
    HIDDEN_WORD,
    PENDING_EDIT,
    REDACTED,
    SEALED,
    SUGGESTED,
    SUGGESTED_WORD,
    build_archive,
    redacted_scan_keys,
    scan_png,
)
from tests.leaks.test_leak_suite import absent_channels, clean_channels
from tests.scan_pdfs import page_text

ORIGINAL, _ = redacted_scan_keys()
FORMATS = ("bundle", "jsonl", "csv", "parquet")


@dataclass(frozen=True)
class State:
    """A hidden state as the canary archive holds it: the document, the words only its hidden
    part answers to (for the searches), and what only its hidden part reads (lower case)."""

    doc: str
    words: str
    marks: tuple[str, ...]
    facet: str = ""  # its value of the workspace's state facet

    def shows(self, answer: str) -> bool:
        low = answer.lower()
        return any(m in low for m in self.marks)


def _hidden(doc: str, state: str, title: str) -> State:
    return State(doc, HIDDEN_WORD, (f"quokka telegram ({title})", HIDDEN_WORD), state)


STATES = {
    "draft": _hidden("quokkadraft", "draft", "draft"),
    "in review": _hidden("quokkareview", "in-review", "in-review"),
    "withdrawn": _hidden("quokkawithdrawn", "withdrawn", "withdrawn"),
    "embargoed": _hidden("quokkaembargo", "embargoed", "published"),
    "pending edit": State(PENDING_EDIT, HIDDEN_WORD, ("memorandum 2 on the quokka", HIDDEN_WORD)),
    "redacted span": State(SEALED, "source", ("quokka source",)),
    "redacted field": State(SEALED, "informant", ("the quokka informant",)),
    "redacted link": State(SEALED, "sealed", ("quokka, sealed", "quokka-sealed")),
    "redacted scan region": State(REDACTED, "", (ORIGINAL,)),
    "open suggestion": State(SUGGESTED, SUGGESTED_WORD, ("quokka suggested",)),
}


@dataclass
class Editor:
    """An editor's ways in: a logged-in browser, a read token and a write token, the archive's
    data folder for the CLI, and the exports made once."""

    app: App
    browser: TestClient
    api: TestClient
    exports: Path
    made: dict[str, Path] = field(default_factory=dict)
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def read(self, path: str) -> str:
        return self.api.get(path, headers=self.token("read")).text

    def token(self, scope: str) -> dict[str, str]:
        """The Authorization header of the editor's token of this scope (read, write)."""
        if scope not in self.tokens:
            secret = self.app.tokens.create(EMAIL, scope)[1]
            self.tokens[scope] = {"Authorization": f"Bearer {secret}"}
        return self.tokens[scope]

    def export(self, fmt: str) -> Path:
        """`chancery export` without --public (the staff's export), made once per format."""
        if fmt not in self.made:
            out = self.exports / (fmt if fmt == "bundle" else f"all.{fmt}")
            done = CliRunner().invoke(cli, ["--data", str(self.app.settings.data), "export",
                                            "--format", fmt, "--out", str(out)])
            assert done.exit_code == 0, done.output
            self.made[fmt] = out
        return self.made[fmt]


EMAIL = "table-editor@example.org"


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    root = tmp_path_factory.mktemp("editor-side")
    app = build_archive(root)
    app.accounts.add_user(EMAIL, "editor", None)
    browser = _client(app)
    assert _log_in(browser, _account(app)).status_code == 303
    yield Editor(app, browser, TestClient(create_app(app)), root / "exports")
    app.catalogue.dispose()


# the channels: (editor, state) -> whether the editor is shown the state's canary

def _workspace_page(e: Editor, s: State) -> bool:
    return s.shows(e.browser.get(f"/workspace/documents/{s.doc}").text)


def _workspace_hits(e: Editor, s: State) -> bool:
    page = e.browser.get(f"/workspace/search?q={s.words}").text
    return f'href="/workspace/documents/{s.doc}"' in page


def _workspace_counts(e: Editor, s: State) -> bool:
    """The state facet counts the document (hidden states); the total counts the words only
    the withheld part holds (redacted ones)."""
    page = e.browser.get(f"/workspace/search?q={s.words}").text
    if s.facet:
        found = re.search(rf'f=state%3A{s.facet}"[^>]*>\s*<span class="label">[^<]*</span> '
                          r'<span class="count">(\d+)</span>', page)
        return found is not None and int(found[1]) >= 1
    total = re.search(r'<p class="total" role="status"><strong>([\d,]+)</strong>', page)
    return total is not None and int(total[1].replace(",", "")) >= 1


def _api_detail(e: Editor, s: State) -> bool:
    return s.shows(e.read(f"/api/v1/documents/{s.doc}"))


def _api_texts(e: Editor, s: State) -> bool:
    return s.shows(e.read(f"/api/v1/documents/{s.doc}/texts/en-original"))


def _api_search(e: Editor, s: State) -> bool:
    hits = json.loads(e.read(f"/api/v1/search?q={s.words}&per_page=100"))["hits"]
    return s.doc in [h["public_id"] for h in hits]


def _api_list(e: Editor, s: State) -> bool:
    items = json.loads(e.read("/api/v1/documents?per_page=100"))["items"]
    return any(s.shows(json.dumps(i)) for i in items if i["public_id"] == s.doc)


def _api_draft(e: Editor, s: State) -> bool:
    answer = e.api.get(f"/api/v1/documents/{s.doc}/draft", headers=e.token("write"))
    return s.shows(answer.text)


def _exported(fmt: str) -> Callable[[Editor, State], bool]:
    def channel(e: Editor, s: State) -> bool:
        return s.shows(_record(e.export(fmt), fmt, s.doc))
    return channel


def _record(out: Path, fmt: str, doc: str) -> str:
    """What an export holds of one document: its line, row, or files."""
    if fmt == "jsonl":
        return "".join(line for line in out.read_text().splitlines()
                       if json.loads(line)["public_id"] == doc)
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(out.read_text()))
        return "".join(json.dumps(r) for r in rows if r["public_id"] == doc)
    if fmt == "parquet":
        rows = pq.read_table(out).to_pylist()
        return "".join(json.dumps(r, default=str) for r in rows if r["public_id"] == doc)
    # a bundle: the document's record and texts, and the scans it carries, text layers too
    said = [p.read_text() for p in (out / "documents").glob(f"{doc}.*")]
    media = re.findall(r"[0-9a-f]{64}", "".join(said))
    said += [str(p) + page_text(p.read_bytes(), 1) for sha in media
             for p in (out / "files" / sha).glob("*.pdf")]
    return "".join(said)


def _cli_search(e: Editor, s: State) -> bool:
    done = CliRunner().invoke(cli, ["--data", str(e.app.settings.data), "search", s.words,
                                    "--json"])
    assert done.exit_code == 0, done.output
    return s.doc in [h["public_id"] for h in json.loads(done.output)["hits"]]


def _original_scan(e: Editor, s: State) -> bool:
    """The original file, by its own hash: the scan as it came in (its text layer names the
    canary under the redacted box)."""
    [media] = json.loads(e.read(f"/api/v1/documents/{s.doc}"))["media"]
    answer = e.browser.get(f"/workspace/files/{media['sha256']}/{media['filename']}")
    if answer.status_code != 200:
        return False
    if s.doc == REDACTED:
        return media["sha256"] == ORIGINAL and "quokka" in page_text(answer.content, 1).lower()
    return answer.content == scan_png(s.doc)


def _suggestions_page(e: Editor, s: State) -> bool:
    return s.shows(e.browser.get(f"/workspace/documents/{s.doc}/suggestions").text)


CHANNELS: dict[str, Callable[[Editor, State], bool]] = {
    "workspace page": _workspace_page, "workspace search": _workspace_hits,
    "workspace facets and counts": _workspace_counts, "API record": _api_detail,
    "API text": _api_texts, "API search": _api_search, "API list": _api_list,
    "API draft (write token)": _api_draft,
    **{f"export {fmt}": _exported(fmt) for fmt in FORMATS},
    "chancery search": _cli_search, "original scan": _original_scan,
    "workspace suggestions": _suggestions_page,
}

# Cells where the channel does not show the state's canary to editors either, by decision
# (asserted absent, so a change of mind changes the table)
_WAITING = ("an edit waiting for review is not yet the record: it is read on the workspace "
            "page, in the editor and at /draft; search, records, lists and exports give the "
            "version in force (the published one) until a reviewer approves")
_SUMMARY = ("a redacted document is public: a list item shows it as the public reads it, "
            "[redacted: …] and all; the editor reads the withheld words on its page and record")
_SUGGESTED = ("a suggestion is not the record until an editor accepts it: only the "
              "workspace's suggestions page reads it (nor is it indexed or exported)")
NOT_SHOWN: dict[tuple[str, str], str] = {
    **{("pending edit", c): _WAITING for c in (
        "workspace search", "API record", "API text", "API search", "API list",
        "chancery search", *(f"export {f}" for f in FORMATS))},
    **{(s, "API list"): _SUMMARY for s in ("redacted span", "redacted field", "redacted link")},
    **{("open suggestion", c): _SUGGESTED for c in CHANNELS
       if c not in ("workspace suggestions", "original scan")},
}
# Cells where the channel has nothing of the state to show anyone (not asserted)
_SCAN_PUBLIC = "the document's scan is public as it is: it is not what this state hides"
_NO_TEXT = "the canary is in a field, a link or a scan, not in a text version"
_PIXELS = "a scan's pixels and text layer are not indexed: the document has no text version"
NOTHING_THERE: dict[tuple[str, str], str] = {
    **{(s, "original scan"): _SCAN_PUBLIC for s in ("pending edit", "redacted span",
                                                    "redacted field", "redacted link")},
    **{(s, "API text"): _NO_TEXT for s in ("redacted field", "redacted link",
                                           "redacted scan region")},
    ("redacted span", "API record"): "a record links to its texts: the span is the API text cell",
    **{("redacted scan region", c): _PIXELS for c in (
        "workspace search", "workspace facets and counts", "API search", "chancery search")},
    ("redacted scan region", "API list"): "a list item names no scan",
    **{("redacted scan region", f"export {f}"): "a row names its scans by file name; the file "
       "itself is in the bundle" for f in ("csv", "parquet")},
    ("pending edit", "workspace facets and counts"): "its words are not indexed (see the "
                                                     "pending edit's workspace search cell)",
    ("open suggestion", "original scan"): _SCAN_PUBLIC,
    **{(s, "workspace suggestions"): "the page shows the document's title as stored and its "
       "suggestions: this state's canary is in neither" for s in (
           "pending edit", "redacted span", "redacted field", "redacted link",
           "redacted scan region")},
}
CELLS = [(s, c) for s in STATES for c in CHANNELS]


@pytest.mark.parametrize(("state", "channel"),
                         [c for c in CELLS if c not in NOT_SHOWN and c not in NOTHING_THERE])
def test_an_editor_is_shown_the_canary(editor: Editor, state: str, channel: str) -> None:
    """The editor's channel shows what the state hides from the public."""
    assert CHANNELS[channel](editor, STATES[state]), f"{channel} hides the {state} from editors"


@pytest.mark.parametrize(("state", "channel"), sorted(NOT_SHOWN))
def test_what_editors_are_not_shown_either(editor: Editor, state: str, channel: str) -> None:
    """The decisions in NOT_SHOWN hold: the channel carries none of the state's canary."""
    assert not CHANNELS[channel](editor, STATES[state]), f"{channel} shows the {state}"


def test_the_table_is_whole() -> None:
    """Every cell is checked or has its reason; the size goes into the issue's closing note:
    the public side checks every state on every public route and export format."""
    assert set(NOT_SHOWN) <= set(CELLS) and set(NOTHING_THERE) <= set(CELLS)
    assert not set(NOT_SHOWN) & set(NOTHING_THERE)
    public = len(set(clean_channels()) | set(absent_channels())) + len(FORMATS)
    shown = len(CELLS) - len(NOT_SHOWN) - len(NOTHING_THERE)
    print(f"\nleak suite: {len(STATES)} states; absent for the public: {len(STATES)} x "
          f"{public} channels (routes and export formats) = {len(STATES) * public}; for an "
          f"editor: {len(STATES)} x {len(CHANNELS)} = {len(CELLS)} cells, {shown} shown, "
          f"{len(NOT_SHOWN)} not shown by decision, {len(NOTHING_THERE)} with nothing there")
