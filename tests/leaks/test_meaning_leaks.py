"""The access rule for vectors (issue #13): search by meaning finds hidden documents and
redacted passages if anything does (a question in another language shares no word with them),
so these tests check that what it proposes is filtered, through every channel.

The meaning stand-in (tests/meaning_helpers.py) embeds every document, hidden ones too, as the
meaning service does, each as the public reads it (``passages_of`` the public view)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.domain.passages import passages_of
from chancery.domain.readers import Reader
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.services.meaning import Meaning
from chancery.services.redacting import Wanted
from chancery.services.search import Search
from chancery.web.server import create_app
from tests.leaks.canary import HIDDEN, PUBLIC, build_archive
from tests.meaning_helpers import embedded

GRAIN = "meaning01"  # published; its second paragraph is redacted in one test
PLOT = "meaning02"  # a draft about the same plot
SECRET = "The agents planned to poison the water supply of the city before the summit."
SECRET_RU = "Агенты планировали отравить водопровод города перед встречей на высшем уровне"
# a paragraph of 109 words: the plot's 14 do not fit beside it in a passage of 120, so the
# plot is a passage of its own (domain.passages)
GRAIN_TEXT = " ".join(["The delegation discussed grain purchases, the price of wheat and barley "
                       "for the coming year, the credits the bank would extend, shipping by "
                       "rail and by sea, and storage in the northern ports."] * 3
                      + ["The minister asked for a second meeting in the spring."]) + "\n\n"
PLOT_RU = "заговор с целью отравить водохранилища столицы"


def _bundle(folder: Path) -> Path:
    folder.mkdir()
    (folder / "bundle.yaml").write_text(yaml.safe_dump(
        {"format": "chancery-bundle", "version": 1, "collections": [
            {"key": "grain", "title": "Grain talks", "description": "Public papers."}]}))
    docs = {GRAIN: ("Memorandum on grain purchases", "published", GRAIN_TEXT + SECRET + "\n"),
            PLOT: ("Draft on the reservoirs", "draft",
                   "A plot to contaminate the reservoirs that supply the capital with drinking "
                   "water.\n")}
    for public_id, (title, state, text) in docs.items():
        (folder / f"{public_id}.yaml").write_text(yaml.safe_dump({
            "public_id": public_id, "title": title, "type": "memorandum", "date": "1961-03-01",
            "collections": ["grain"], "publication": {"state": state},
            "texts": [{"language": "en", "file": f"{public_id}.en.txt"}]}))
        (folder / f"{public_id}.en.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The canary archive with two more documents on a plot: one public (the plot in a
    paragraph of its own), one a draft."""
    root = tmp_path_factory.mktemp("meaning-leaks")
    app = build_archive(root)
    assert not import_paths([_bundle(root / "plot")], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


def _meaning(app: App) -> tuple[Search, Meaning]:
    """The search with meaning over the archive as it is now (after any redaction)."""
    near = embedded(app)
    return app.search, near


def _ids(found: Search, text: str, reader: Reader, **options: object) -> set[str]:
    page = found.documents(text, per_page=100, reader=reader, **options)  # type: ignore[arg-type]
    return {h.public_id for h in page.results.hits}


def test_a_hidden_document_is_never_a_hit_by_meaning_for_the_public(archive: App) -> None:
    """Meaning proposes the draft for a Russian question about its plot; the public never
    gets it (hits, date order, totals, facets), an editor does."""
    found, near = _meaning(archive)
    assert PLOT in {n.public_id for n in near.near_text(PLOT_RU, 10)}
    public, editor = Reader.public(), Reader.editor()
    assert PLOT in _ids(found, PLOT_RU, editor)
    for sort in ("relevance", "date", "-date", "recent"):
        assert PLOT not in _ids(found, PLOT_RU, public, sort=sort)
    page = found.documents(PLOT_RU, reader=public).results
    assert page.total == len(_ids(found, PLOT_RU, public))
    assert page.by_meaning == sum(1 for h in page.hits if h.matched_by == "meaning")
    collections = {b.value: b.count for b in page.facets.get("collection", [])}
    assert collections.get("grain", 0) <= 1  # the draft shares the collection: not counted
    archive.search = found  # type: ignore[misc]  # the pages and the API search with meaning
    client = TestClient(create_app(archive))
    answer = client.get("/api/v1/search", params={"q": PLOT_RU}).json()
    assert PLOT not in {h["public_id"] for h in answer["hits"]}
    assert PLOT not in client.get("/search", params={"q": PLOT_RU}).text


def test_hidden_documents_are_never_neighbours_for_the_public(archive: App) -> None:
    """More like this of a public document that the hidden ones resemble: the raw neighbours
    hold them, the public's list (service, page, API) never, an editor's does."""
    found, near = _meaning(archive)
    raw = {n.public_id for n in near.near_document(PUBLIC[0], 50)}
    assert raw & set(HIDDEN)
    public = found.similar(PUBLIC[0], limit=50, reader=Reader.public())
    assert public is not None and public and not {s.hit.public_id for s in public} & set(HIDDEN)
    staff = found.similar(PUBLIC[0], limit=50, reader=Reader.editor())
    assert staff is not None and {s.hit.public_id for s in staff} & set(HIDDEN)
    archive.search = found  # type: ignore[misc]  # the pages and the API search with meaning
    client = TestClient(create_app(archive))
    items = client.get(f"/api/v1/documents/{PUBLIC[0]}/similar?limit=50").json()["items"]
    assert items and not {i["public_id"] for i in items} & set(HIDDEN)
    page = client.get(f"/documents/{PUBLIC[0]}").text
    assert "More like this" in page and "quokka" not in page.lower()
    for hidden in [*HIDDEN, PLOT]:
        answer = client.get(f"/api/v1/documents/{hidden}/similar")
        document = client.get(f"/api/v1/documents/{hidden}")  # answers exactly as this
        assert (answer.status_code, answer.json()) == (404, document.json())
    assert found.similar(PLOT, reader=Reader.public()) is None


def test_a_redacted_passage_is_not_findable_by_meaning(archive: App) -> None:
    """A question in Russian about the plot (no word in common) finds the grain memorandum
    by its plot paragraph; once the paragraph is redacted, it is not embedded, and the same
    question finds the memorandum for nobody."""
    before, _ = _meaning(archive)
    hits = before.documents(SECRET_RU, per_page=100).results.hits
    assert {h.public_id: h.matched_by for h in hits}.get(GRAIN) == "meaning"
    archive.redacting.redact(GRAIN, Wanted("(b)(1)", text=SECRET, version="en"),
                             Acting.operator())
    search.refresh_index(archive.catalogue, archive.index)
    after, near = _meaning(archive)
    editor = Reader.editor()
    stored = archive.catalogue.get_document(GRAIN, editor.actor, editor.today)
    assert stored is not None
    assert not any("poison" in p.text for p in passages_of(stored.public().document))
    assert GRAIN not in {n.public_id for n in near.near_text(SECRET_RU, 3)}
    assert GRAIN not in _ids(after, SECRET_RU, Reader.public())


def test_a_word_only_hidden_documents_print_is_never_named_as_bridged(
        archive: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """The vocabulary is counted from every embedded document, the draft too: with every
    word counted (MIN_DOCUMENTS 1), "reservoirs" is a word only the draft prints. A Russian
    question is bridged to it for everyone, but the public is never told (page, API), and a
    word only the draft holds is treated for the public as a word no document holds."""
    from chancery.services import bridge_words

    monkeypatch.setattr(bridge_words, "MIN_DOCUMENTS", 1)
    _meaning(archive)
    archive.meaning.learn_words()
    question = "водохранилища"
    editor = archive.search.documents(question, reader=Reader.editor())
    assert "reservoirs" in editor.bridged.get(question, ())
    public = archive.search.documents(question, reader=Reader.public())
    assert "reservoirs" not in {w for words in public.bridged.values() for w in words}
    client = TestClient(create_app(archive))
    answer = client.get("/api/v1/search", params={"q": question}).json()
    assert "reservoirs" not in str(answer["bridged"]) and PLOT not in str(answer)
    assert "reservoirs" not in client.get("/search", params={"q": question}).text
    # "contaminate": held by the draft alone; the editor's search takes it as typed, the
    # public's as a word the archive does not print (bridged, like any unknown word)
    assert "contaminate" not in archive.search.documents("contaminate",
                                                         reader=Reader.editor()).bridged
    assert archive.index.held(["contaminate"], Reader.public().actor, Reader.public().today) == set()
    assert archive.index.held(["contaminate"], Reader.editor().actor,
                              Reader.editor().today) == {"contaminate"}
