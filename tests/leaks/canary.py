"""The leak suite's archive: two public documents, and beside them a canary document in each
state the public may not see, with records and collections that only those documents name;
a public document whose scan shows the canary under a redacted box; and a published document
whose canary words are all redacted.

Everything hidden carries the word ``quokka`` (in its id, title, text, names, collection key
and title), so a channel leaks when ``quokka`` appears in what it answers. The public
documents relate to every hidden one, mention the same city, and share a collection with them,
so that counts, facets, relations and collection pages all have something to leak."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.accounts import Role
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.redactions import parse_box, redacted_key
from chancery.domain.suggestions import Decision, Finding, Kind
from chancery.domain.words import PageWords, Word
from chancery.domain.workflow import Acting, Step
from chancery.services import search
from chancery.services.clock import today
from chancery.services.imports import import_paths
from chancery.services.redacting import Wanted
from chancery.storage.words import SqlWordLayers
from tests.scan_pdfs import text_pdf, word_box
from tests.scan_words import pdf_words

CANARY = "quokka"
# the one word of the hidden texts a reader might search for (it never names anything)
HIDDEN_WORD = "zanzibarite"
HIDDEN = {  # public id -> publication
    "quokkadraft": {"state": "draft"},
    "quokkareview": {"state": "in-review"},
    "quokkawithdrawn": {"state": "withdrawn"},  # withdrawn before it was ever public
    "quokkaembargo": {"state": "published", "embargo_until": "2999-01-01"},
}
PUBLIC = ["open0001", "open0002"]
# public, with a scan whose text layer names the canary under a box: the public may have the
# scan only burned, by its redacted key; the original, by its hash, never
REDACTED = "redacted1"
SCAN_LINES = [(72, 650, "Memorandum for the record."), (72, 600, "Agent Quokka left the embassy.")]
# its text as the OCR stage read it from the scan (the canary in it, under the box)
REDACTED_TEXT = "en-ocr"
# public, with a scan whose own text layer (a publisher's OCR) names the canary, and no box:
# a redaction of the words in the transcription must reach the scan too (served rasterised,
# by a redacted key; the original, with its text layer, never)
LAYERED = "layered1"
LAYER_LINES = [(72, 650, "Minutes of the meeting."), (72, 600, "Agent Quokka left the embassy.")]
LAYER_REDACTION = Wanted("(b)(6)", text="Quokka", version="en")
# a published document with an edit waiting for review that brings the canary into its title,
# summary, text, names and collections: the public keeps the published version
PENDING_EDIT = PUBLIC[1]
# public once, then withdrawn: its 410 page and deletion record may name it, nothing else
FORMER = "former01"

# a public document with suggestions an editor has not accepted (one rejected): none of
# them is public; SUGGESTED_WORD is in one of them only (never in the record or the index)
SUGGESTED = PUBLIC[0]
SUGGESTED_WORD = "wallabyite"
SUGGESTIONS = [
    Finding(Kind.PERSON, "Quokka Suggested, Canary", 0.9, "QUOKKA SUGGESTED", stage="entities/1"),
    Finding(Kind.SUMMARY, f"The quokka suggested summary, {SUGGESTED_WORD}.", 0.5,
            stage="summary/1"),
    Finding(Kind.DATE, "quokka suggested date", 0.4, "20 Jul 60",
            data={"display": "20 Jul 60", "start": "1960-07-20", "precision": "day"}),
    Finding(Kind.PLACE, "Quokka Suggested Bay", 0.7, "QUOKKA BAY", stage="entities/1")]

SEALED_PERSON = {"ref": "quokka-sealed", "kind": "person", "name": "Quokka, Sealed",
                 "variants": ["S. Quokka"]}

MANIFEST = {
    "format": "chancery-bundle", "version": 1,
    "collections": [
        {"key": "open-papers", "title": "Open papers", "description": "Public documents."},
        {"key": "open-papers/quokka-box", "parent": "open-papers", "title": "Quokka box",
         "description": "A quokka box of drafts."},
        {"key": "quokka-papers", "title": "Quokka papers", "description": "Quokka canary."},
    ],
    "authorities": [
        {"ref": "herter", "kind": "person", "name": "Herter, Christian A."},
        {"ref": "berlin", "kind": "place", "name": "Berlin"},
        {"ref": "quokka-person", "kind": "person", "name": "Quokka, Canary",
         "description": "A quokka only drafts name", "variants": ["C. Quokka"]},
        {"ref": "quokka-org", "kind": "organization", "name": "Quokka Bureau"},
        {"ref": "quokka-place", "kind": "place", "name": "Quokkaville"},
        {"ref": "quokka-subject", "kind": "subject", "name": "Quokkagate"},
        SEALED_PERSON,
    ],
}
# the slugs a reader could guess from the names
HIDDEN_RECORDS = {"people": "quokka-canary", "organizations": "quokka-bureau",
                  "places": "quokkaville", "subjects": "quokkagate"}

# A published document whose every canary word is redacted: some words of its title, all of
# its summary, a span of its text (twice, across a line break and in another case), and its
# link to a person only it names. The public reads it, and nothing of what is withheld.
SEALED = "sealed01"
SEALED_WORD = "vienna"  # what a reader finds it by
SEALED_RECORD = ("people", "quokka-sealed")
SEALED_REDACTIONS = [
    Wanted("(b)(6)", text="quokka source", version="en"),
    Wanted("privacy", text="Quokka", field="title"),
    Wanted("(b)(1)", field="summary"),
    Wanted("privacy", link="person/quokka-sealed"),
]


def _sealed() -> dict[str, Any]:
    return {"public_id": SEALED, "title": "Cable on the Quokka arrangements in Vienna",
            "type": "telegram", "date": "1960-07-23", "summary": "The quokka informant.",
            "authors": ["herter"], "mentioned": ["quokka-sealed"],
            "collections": ["open-papers"],
            "texts": [{"language": "en", "file": f"{SEALED}.en.txt"}],
            "media": [{"file": f"{SEALED}.png", "label": "Scan"}],
            # open0001's page lists it as related, open0002's as the next in its collection
            "relations": [{"type": "related", "target": PUBLIC[0]}]}


def _public(public_id: str, n: int) -> dict[str, Any]:
    return {"public_id": public_id, "title": f"Memorandum {n} on Berlin", "type": "memorandum",
            "date": f"1960-07-2{n}", "summary": "A public memorandum on Berlin.",
            "authors": ["herter"], "places": ["berlin"], "collections": ["open-papers"],
            "texts": [{"language": "en", "file": f"{public_id}.en.txt"}],
            "media": [{"file": f"{public_id}.png", "label": "Scan"}],
            "relations": [{"type": "related", "target": h} for h in HIDDEN] +
                         [{"type": "related", "target": FORMER}]}


def _hidden(public_id: str, publication: dict[str, str]) -> dict[str, Any]:
    return {"public_id": public_id, "title": f"Quokka telegram ({publication['state']})",
            "type": "telegram", "date": "1960-07-20", "summary": "The quokka affair in Berlin.",
            "authors": ["quokka-person"], "recipients": ["quokka-org"], "mentioned": ["herter"],
            "places": ["quokka-place", "berlin"], "subjects": ["quokka-subject"],
            "collections": ["quokka-papers", "open-papers/quokka-box"],
            "texts": [{"language": "en", "file": f"{public_id}.en.txt"}],
            "media": [{"file": f"{public_id}.png", "label": "Quokka scan"}],
            "relations": [{"type": "related", "target": PUBLIC[0]}],
            "publication": publication}


def _former(state: str) -> dict[str, Any]:
    # its title was public once; only its text carries the canary
    return {"public_id": FORMER, "title": "Formerly public letter", "type": "letter",
            "date": "1960-07-19", "places": ["berlin"], "collections": ["open-papers"],
            "texts": [{"language": "en", "file": f"{FORMER}.en.txt"}],
            "publication": {"state": state}}


def _write(folder: Path, name: str, data: dict[str, Any], text: str) -> None:
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    (folder / f"{name}.en.txt").write_text(text, encoding="utf-8")


def scan_png(public_id: str) -> bytes:
    """A small scan of its own for each document (so each has its own hash)."""
    out = io.BytesIO()
    Image.new("RGB", (120 + len(public_id), 160), (200, 190, 170)).save(out, format="PNG")
    return out.getvalue()


def scan_pdf() -> bytes:
    """The redacted document's scan: a PDF whose text layer carries the canary."""
    return text_pdf([SCAN_LINES])


def redaction_box() -> str:
    """The box over the canary on the scan's first page, as `redact-scan --box` takes it."""
    box = word_box(scan_pdf(), 1, "Quokka")
    return f"pct:{box.x * 100},{box.y * 100},{box.w * 100},{box.h * 100}"


def redacted_scan_keys() -> tuple[str, str]:
    """(the original's hash, the redacted key the public reads the scan by)."""
    sha = hashlib.sha256(scan_pdf()).hexdigest()
    return sha, redacted_key(sha, [(1, parse_box(redaction_box()))])


def layered_pdf() -> bytes:
    """The scan of ``LAYERED``: a PDF whose text layer carries the canary."""
    return text_pdf([LAYER_LINES])


def layered_keys() -> tuple[str, str]:
    """(the original's hash, the redacted key the public reads ``LAYERED``'s scan by)."""
    sha = hashlib.sha256(layered_pdf()).hexdigest()
    return sha, redacted_key(sha, [])


def _layered() -> dict[str, Any]:
    return {"public_id": LAYERED, "title": "Minutes with a name withheld", "type": "memorandum",
            "date": "1960-07-26", "texts": [{"language": "en", "file": f"{LAYERED}.en.txt"}],
            "media": [{"file": f"{LAYERED}.pdf", "label": "Scan"}],
            "publication": {"state": "published"}}


def _redacted() -> dict[str, Any]:
    return {"public_id": REDACTED, "title": "Memorandum with a name withheld", "type": "memorandum",
            "date": "1960-07-25", "media": [{"file": f"{REDACTED}.pdf", "label": "Scan"}],
            "publication": {"state": "published"}}


def write_bundle(folder: Path, former_state: str) -> Path:
    """The canary bundle; the formerly public document in the given state."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bundle.yaml").write_text(yaml.safe_dump(MANIFEST, allow_unicode=True))
    for n, public_id in enumerate(PUBLIC, start=1):
        _write(folder, public_id, _public(public_id, n),
               "The situation in Berlin was discussed at length." + " Berlin." * (3 - n) + "\n")
        (folder / f"{public_id}.png").write_bytes(scan_png(public_id))
    for public_id, publication in HIDDEN.items():
        _write(folder, public_id, _hidden(public_id, publication),
               f"The quokka {HIDDEN_WORD} report on Berlin, Quokkaville and Quokkagate.\n")
        (folder / f"{public_id}.png").write_bytes(scan_png(public_id))
    (folder / f"{REDACTED}.yaml").write_text(yaml.safe_dump(_redacted()))
    (folder / f"{REDACTED}.pdf").write_bytes(scan_pdf())
    _write(folder, LAYERED, _layered(), " ".join(line for _, _, line in LAYER_LINES) + "\n")
    (folder / f"{LAYERED}.pdf").write_bytes(layered_pdf())
    _write(folder, FORMER, _former(former_state),
           f"Berlin: the quokka {HIDDEN_WORD} letter, later withdrawn.\n")
    _write(folder, SEALED, _sealed(),
           "In Vienna the quokka source met the consul. Later the QUOKKA\n  Source left "
           "Vienna.\n")
    (folder / f"{SEALED}.png").write_bytes(scan_png(SEALED))
    return folder


def build_archive(root: Path) -> App:
    """The canary archive, indexed: the formerly public document imported published, then
    withdrawn; the second public document with a change waiting for review."""
    # the suite asks every channel many times from one address; rate limits are tested
    # elsewhere (tests/e2e/test_limits.py), and a 429 here would hide what an answer holds
    app = build_app(load_settings(data=str(root / "data"), database_url="",
                                  **{f"{kind}_rate_limit": "100000"
                                     for kind in ("api", "search", "oai", "export")}))
    result = import_paths([write_bundle(root / "bundle", "published")], app.import_context())
    assert not result.failed, result.failed
    _word_layers(app)
    app.scan_redacting.redact_box(REDACTED, 1, redaction_box(), "(b)(6)", Acting.operator())
    _corrections(app)
    for wanted in SEALED_REDACTIONS:
        app.redacting.redact(SEALED, wanted, Acting.operator())
    app.redacting.redact(LAYERED, LAYER_REDACTION, Acting.operator())
    # withdrawn as an archivist would: through the workflow, once it had been public
    assert app.publishing.take_step([FORMER], Step.WITHDRAW, Acting.operator()).changed
    _pending_edit(app)
    _suggestions(app)
    search.rebuild_index(app.catalogue, app.index)
    return app


def _suggestions(app: App) -> None:
    """The suggested document's suggestions, one of them rejected."""
    stored = app.catalogue.get_document(SUGGESTED, Actor.EDITOR, today())
    assert stored is not None
    app.suggestion_review.store(stored.id, SUGGESTIONS)
    editor = Acting("canary-editor@example.org", Role.EDITOR)
    [place] = [s for g in app.suggestion_review.suggested(SUGGESTED, editor).groups for s in g.open
               if s.finding.kind is Kind.PLACE]
    app.suggestion_review.decide(SUGGESTED, place.id, Decision.REJECTED, editor)


# the words read on a PNG scan of each document (made by hand: a picture has no text layer)
SCAN_WORDS = {public_id: f"The quokka {HIDDEN_WORD} report on Berlin" for public_id in HIDDEN}
SCAN_WORDS |= {p: "Memorandum on Berlin" for p in PUBLIC}
SCAN_WORDS[SEALED] = "In Vienna the quokka source met the consul"


def _png_words(public_id: str, text: str) -> list[PageWords]:
    words = tuple(Word(t, 1, 4 + 14 * i, 20, 12, 8) for i, t in enumerate(text.split()))
    with Image.open(io.BytesIO(scan_png(public_id))) as img:
        return [PageWords(0, 1, img.width, img.height, words)]


def _word_layers(app: App) -> None:
    """Every document with a scan gets the words read on it, as an OCR stage stores them: the
    canary among them wherever the document holds it. The redacted document's scan is read
    by the OCR stage itself (its own text layer: no Tesseract), which keeps an OCR text too."""
    layers, editor = SqlWordLayers(app.catalogue.engine), Reader.editor()
    for public_id in [*SCAN_WORDS, REDACTED, LAYERED]:
        stored = app.catalogue.get_document(public_id, editor.actor, editor.today)
        assert stored is not None, public_id
        media = stored.document.media[0]
        if public_id == REDACTED:
            app.ocr.run(stored.id, {"mode": "never"})
            continue
        if public_id in SCAN_WORDS:
            pages = _png_words(public_id, SCAN_WORDS[public_id])
        else:
            pages = pdf_words(layered_pdf(), app.pages.sizes(media.sha256, media.media_type))
        layers.replace(stored.id, pages, "text-layer")


def _pending_edit(app: App) -> None:
    """The published document's change waiting for review, full of the canary."""
    editor = Acting("canary-editor@example.org", Role.EDITOR)
    record, seen, _ = app.editing.draft_of(PENDING_EDIT, editor)
    texts = [{**t, "body": f"The quokka {HIDDEN_WORD} version of the memorandum."}
             for t in record["texts"]]
    links = [*record["links"], {"ref": "person/quokka-canary", "role": "mentioned"},
             {"name": "Quokka, Pending", "kind": "person", "role": "mentioned"}]
    saved = app.editing.edit(PENDING_EDIT, {
        "title": "Memorandum 2 on the quokka", "summary": f"A quokka {HIDDEN_WORD} summary.",
        "texts": texts, "links": links,
        "collections": [*record["collections"], {"key": "quokka-papers", "position": 0}]},
        editor, seen, "quokka corrections", note=f"quokka {HIDDEN_WORD} pending note")
    assert saved.pending


# a public note the public never reads: typed on a change a reviewer then rejected
REJECTED_NOTE = f"Quokka {HIDDEN_WORD} rejected note"


def _corrections(app: App) -> None:
    """Public notes: one on a change of a public document that a reviewer rejects (never
    shown), and one approved on the sealed document before its redactions that names what
    they withhold (shown without it)."""
    editor = Acting("canary-editor@example.org", Role.EDITOR)
    reviewer = Acting("canary-reviewer@example.org", Role.REVIEWER)
    _, seen, _ = app.editing.draft_of(PUBLIC[0], editor)
    app.editing.edit(PUBLIC[0], {"title": "Memorandum 1 on the quokka"}, editor, seen,
                     note=REJECTED_NOTE)
    app.editing.reject(PUBLIC[0], reviewer, "not in the source")
    _, seen, _ = app.editing.draft_of(SEALED, editor)
    app.editing.edit(SEALED, {"rights": "Public domain"}, editor, seen,
                     note="Rights as the quokka source's cable gives them.")
    app.editing.approve(SEALED, reviewer)
