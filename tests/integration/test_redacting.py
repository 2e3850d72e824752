"""Redacting (services/redacting.py) on a real catalogue and index: a redaction takes effect
at once for every read, its words never reach the public index, refusals store nothing, and
a removal needs a request and a second person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import tantivy
import yaml

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.redactions import RedactionState
from chancery.domain.workflow import Acting, Refused
from chancery.search.index_folders import current
from chancery.search.tantivy_schema import EDITOR_FIELDS, NAME_ROLES, TEXT_FIELDS
from chancery.services import documents, search
from chancery.services.imports import import_paths
from chancery.services.redacting import Wanted

DOC = "memo0001"
SECRET = "wombatson"  # the name withheld: in the English text twice, the German once, the title


def memo_bundle(folder: Path) -> Path:
    """One published memorandum naming the secret in two versions, its title and a link."""
    folder.mkdir(parents=True)
    (folder / "bundle.yaml").write_text(yaml.safe_dump({
        "format": "chancery-bundle", "version": 1,
        "authorities": [{"ref": "w", "kind": "person", "name": "Wombatson, Jack"}]}))
    (folder / f"{DOC}.yaml").write_text(yaml.safe_dump({
        "public_id": DOC, "title": f"Memorandum on Mr. {SECRET.title()}", "type": "memorandum",
        "date": "1961-05-02", "summary": "A meeting in Geneva.", "mentioned": ["w"],
        "texts": [{"language": "en", "file": "en.txt"},
                  {"language": "de", "kind": "translation", "file": "de.txt"}]}))
    (folder / "en.txt").write_text(f"Geneva. Agent {SECRET} met\nthe consul; {SECRET.upper()} left.\n")
    (folder / "de.txt").write_text(f"Genf. Agent {SECRET} traf den Konsul.\n")
    return folder


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    built = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    assert not import_paths([memo_bundle(tmp_path / "b")], built.import_context()).failed
    search.rebuild_index(built.catalogue, built.index)
    for email, role in (("ed@example.org", "editor"), ("rev@example.org", "reviewer"),
                        ("rev2@example.org", "reviewer")):
        built.accounts.add_user(email, role, "a long enough passphrase")
    yield built
    built.catalogue.dispose()


def _as(app: App, email: str) -> Acting:
    return app.accounts.acting(email)


def _public_text(app: App) -> str:
    stored = documents.show_document(app.catalogue, DOC, Reader.public())
    assert stored is not None
    d = stored.document
    return " ".join([d.title, d.summary, *(t.body for t in d.texts),
                     *(la.authority.name for la in stored.authorities)]).lower()


def _public_title(app: App) -> str:
    return _public_text(app).split(" a meeting")[0]


def _hits(app: App, word: str, actor: Actor) -> int:
    return app.search.documents(word, actor=actor).results.total


def _index_terms(app: App, word: str) -> dict[str, int]:
    """How many documents of the index hold the word, per field, asked of Tantivy itself."""
    index = tantivy.Index.open(str(current(app.settings.index_dir)))
    for name, analyzer in app.index.analyzers.items():
        index.register_tokenizer(name, analyzer)
    searcher = index.searcher()
    fields = [*TEXT_FIELDS, *(f"n_{n}" for n in NAME_ROLES), *EDITOR_FIELDS]
    return {f: searcher.search(tantivy.Query.term_query(index.schema, f, word), 10).count
            for f in fields}


def _stored_fields(app: App) -> str:
    index = tantivy.Index.open(str(current(app.settings.index_dir)))
    searcher = index.searcher()
    found = searcher.search(tantivy.Query.all_query(), 100)
    return " ".join(str(searcher.doc(addr).to_dict()) for _, addr in found.hits).lower()


def _redact_everywhere(app: App) -> None:
    ed = _as(app, "ed@example.org")
    app.redacting.redact(DOC, Wanted("(b)(6)", text=SECRET, version="en"), ed)
    app.redacting.redact(DOC, Wanted("(b)(6)", text=SECRET, version="de-translation"), ed)
    app.redacting.redact(DOC, Wanted("privacy", text=SECRET, field="title"), ed)
    app.redacting.redact(DOC, Wanted("privacy", link="person/wombatson-jack"), ed)
    search.refresh_index(app.catalogue, app.index)


def test_a_redaction_takes_effect_at_once_for_the_public_and_not_for_editors(app: App) -> None:
    """After the index catches up (no rebuild), the public page, the public search and the
    index hold no redacted word; editors read the original and still find it."""
    assert SECRET in _public_text(app) and _hits(app, SECRET, Actor.PUBLIC) == 1
    _redact_everywhere(app)
    assert SECRET not in _public_text(app) and "[redacted: (b)(6)]" in _public_text(app)
    assert _hits(app, SECRET, Actor.PUBLIC) == 0 and _hits(app, "jack", Actor.PUBLIC) == 0
    assert _hits(app, SECRET, Actor.EDITOR) == 1 and _hits(app, "jack", Actor.EDITOR) == 1
    editor = documents.show_document(app.catalogue, DOC, Reader.editor())
    assert editor is not None and SECRET in editor.document.texts[0].body
    assert len(editor.redactions) == 4


def test_the_public_index_never_holds_the_words(app: App) -> None:
    """Asked directly, no public field of the index has the word (nor any stored field, so
    no snippet or hit can show it); only the editors' field does."""
    _redact_everywhere(app)
    held = _index_terms(app, SECRET)
    assert held.pop("withheld") == 1
    assert not any(held.values()), held
    assert SECRET not in _stored_fields(app)


def test_a_redaction_finds_every_occurrence_and_warns_of_the_others(app: App) -> None:
    """Every occurrence in the version (across a line break, in capitals) is counted; the
    other version and the title, which hold the words too, are named with their counts."""
    done = app.redacting.redact(DOC, Wanted("(b)(6)", text=SECRET, version="en"),
                                _as(app, "ed@example.org"))
    assert done.found == 2 and done.redaction.version == "en-original"
    assert done.elsewhere == [("de-translation", 1), ("title", 1)]


@pytest.mark.parametrize(("wanted", "said"), [
    (Wanted("privacy", text="Smith", version="en"), "do not occur in en-original"),
    (Wanted("privacy", text=SECRET, version="fr"), "no version 'fr'"),
    (Wanted("privacy", field="rights"), "no field 'rights'"),
    (Wanted("privacy", text="Smith", field="title"), "do not occur in the title"),
    (Wanted("privacy", link="person/nobody"), "links no record"),
    (Wanted("", text=SECRET, version="en"), "give a reason"),
    (Wanted("privacy", text=SECRET), "say what to redact"),
    (Wanted("privacy", page=3, box="pct:0,0,10,10"), "no page 3"),
])
def test_a_refused_redaction_says_why_and_stores_nothing(app: App, wanted: Wanted,
                                                         said: str) -> None:
    """No such words, version, field or link: a clear reason, and no redaction, revision,
    audit line or change number."""
    before = (app.catalogue.changes(), len(app.accounts.audit()),
              len(app.publishing.history(DOC).entries))  # type: ignore[union-attr]
    with pytest.raises(Refused, match=said):
        app.redacting.redact(DOC, wanted, _as(app, "ed@example.org"))
    assert app.redacting.redactions(DOC)[1] == []
    assert before == (app.catalogue.changes(), len(app.accounts.audit()),
                      len(app.publishing.history(DOC).entries))  # type: ignore[union-attr]


def test_redacting_leaves_a_revision_and_an_audit_line_without_the_words(app: App) -> None:
    """The history says "Redacted …" with the reason; the audit log names who, the document,
    the redaction and the reason; neither holds the words."""
    done = app.redacting.redact(DOC, Wanted("(b)(6)", text=SECRET, version="en"),
                                _as(app, "ed@example.org"))
    last = app.publishing.history(DOC).entries[-1]  # type: ignore[union-attr]
    assert last.actor == "ed@example.org" and last.summary == \
        "Redacted words in en-original ((b)(6))"
    line = app.accounts.audit()[-1]
    assert (line.actor, line.action, line.subject) == ("ed@example.org", "redact", DOC)
    assert line.detail["redaction"] == done.redaction.id and line.detail["reason"] == "(b)(6)"
    assert SECRET not in f"{last} {line}".lower()


def test_a_removal_needs_a_request_and_another_reviewer(app: App) -> None:
    """A request alone leaves the words withheld; the reviewer who asked may not approve
    (four eyes); another reviewer's approval brings them back to the page and the index."""
    r = app.redacting.redact(DOC, Wanted("privacy", text=SECRET, field="title"),
                             _as(app, "ed@example.org")).redaction
    with pytest.raises(Refused, match="is active"):
        app.redacting.approve_removal(DOC, r.id, _as(app, "rev@example.org"))
    app.redacting.request_removal(DOC, r.id, _as(app, "rev@example.org"), "released")
    search.refresh_index(app.catalogue, app.index)
    assert SECRET not in _public_title(app) and _index_terms(app, SECRET)["title"] == 0
    with pytest.raises(Refused, match="four eyes"):
        app.redacting.approve_removal(DOC, r.id, _as(app, "rev@example.org"))
    with pytest.raises(Refused, match="for a reviewer"):
        app.redacting.approve_removal(DOC, r.id, _as(app, "ed@example.org"))
    app.redacting.approve_removal(DOC, r.id, _as(app, "rev2@example.org"))
    search.refresh_index(app.catalogue, app.index)
    assert _public_title(app) == f"memorandum on mr. {SECRET}"
    assert _index_terms(app, SECRET)["title"] == 1
    states = [x.state for x in app.redacting.redactions(DOC)[1]]
    assert states == [RedactionState.REMOVED]
    assert [a.action for a in app.accounts.audit()[-2:]] == ["redaction-removal-requested",
                                                            "redaction-removed"]


def test_a_reader_account_may_not_redact(app: App) -> None:
    """Redacting is an editor's step at least; a reader account takes none."""
    app.accounts.add_user("reader@example.org", "editor", "a long enough passphrase")
    app.accounts.set_role("reader@example.org", "reader")
    with pytest.raises(Exception, match="reader"):
        app.redacting.redact(DOC, Wanted("privacy", field="summary"),
                             _as(app, "reader@example.org"))
