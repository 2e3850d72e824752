"""The property test of #11: random sequences of workflow steps (by different people, so four
eyes refusals happen too), embargoes, days passing, re-imports of a changed bundle (over
edits: a conflict) and new imports, edits (in force, or pending on a published document),
approvals and rejections, redactions of a title's or a text's word and their reviewed
removal (editorial.py) keep the model (model.py), the catalogue, the public search and every
channel in agreement on what the public sees and by which words; editors see everything
stored (the catalogue, search, the API with an editor's token) and a pending change in their
draft only. The service's answers (what it changed, what it refused and why) are checked
against the model's too.

After every step the cheap checks run (the catalogue against the model, search, the API list,
tombstones; the words a step touched); at the end of each sequence, every channel (API
records, texts and reading-room pages per document, OAI-PMH records in both formats with
their deleted ones, sitemap, the Atom feed, the same datestamp in all three, a search per
word, no withheld word in the feed, a search's answer or page, or the sitemap). SQLite and
PostgreSQL, a real Tantivy index; the clock is the domain's, moved by the test. Set
CHANCERY_PROPERTY_EXAMPLES to run more (200 is 3-4 minutes).

Adding a rule: a method with ``@rule`` that calls the service (or the API) and the model's
method for it, checks the two agree (``_done`` in editorial.py), then ``agrees_on`` the
words it touched; a rule the model lacks needs its method there first (test_model.py).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from chancery.domain import clock as domain_clock
from chancery.domain.accounts import Role
from chancery.domain.publication import PublicationState
from chancery.domain.readers import Reader
from chancery.domain.workflow import Acting, Refused, Step
from chancery.services import search
from chancery.services.publishing import Outcome
from chancery.web.server import create_app
from chancery.web.views import citations as citations_view
from chancery.web.views.citations import settle
from tests.conftest import IN_CI, PG_URL, need
from tests.integration.sources import Clock
from tests.property.archive import (
    BASE,
    NEW,
    SHARED,
    Archives,
    import_bundle,
    postgres_archives,
    sqlite_archives,
    starting_files,
    word_of,
)
from tests.property.channels import Channels, words_in
from tests.property.editorial import (
    DOCS,
    EVE,
    LATER,
    PEOPLE,
    VIA,
    EditorialRules,
    content_of,
)
from tests.property.model import ArchiveModel, Source

STATES = list(PublicationState)
EMBARGO_DAYS = [None, 0, 1, 2, 3]  # None clears; 0 (today) is refused: not in the future
# the model's reasons for a refusal, as the service words them, and as the API answers them
REASONS = {"already": "already", "wrong state": "takes a document that is",
           "four eyes": "four eyes", "not in the future": "not in the future"}
STATUS = {None: 200, "role": 403, **dict.fromkeys(REASONS, 409)}
# the clock starts far ahead of the real one: a write stamped by the real time instead of the
# domain clock's then lands on another day than readers read on, and the test sees it
START = datetime(2100, 3, 1, 9, tzinfo=UTC)
# archives in memory where the machine has it: a write's commits (SQLite's, Tantivy's) wait
# for the disk, 160 ms a step on /tmp here against 25 ms on /dev/shm
RAM = Path("/dev/shm")

# derandomized in CI, so the suite never flakes; locally new sequences every run (a failure
# prints its steps, shrunk: that takes minutes, each example being a real archive). No example
# database: it would write .hypothesis/ into the checkout. PostgreSQL builds each example's
# archive afresh (1.2 s against SQLite's copy, 0.01 s), so it runs a third as many.
EXAMPLES = int(os.environ.get("CHANCERY_PROPERTY_EXAMPLES", "20"))
SETTINGS = {backend: settings(max_examples=n, stateful_step_count=20, deadline=None,
                              database=None, derandomize=IN_CI,
                              suppress_health_check=[HealthCheck.too_slow,
                                                     HealthCheck.data_too_large])
            for backend, n in (("sqlite", EXAMPLES), ("postgresql", max(1, EXAMPLES // 3)))}


class ChannelsAgree(EditorialRules):
    """One archive, one model, and the rules that change both (more in editorial.py)."""

    docs = DOCS
    # set by the test: how an example gets its archive, where examples go, the clock to reset
    archives: Archives
    root: Path
    clock: Clock
    runs = full_checks = 0

    def __init__(self) -> None:
        super().__init__()
        type(self).runs += 1
        self.clock.now = START
        self.folder = self.root / f"run{self.runs}"
        self.app, self.tokens = self.archives(self.folder, START.date())
        self.client = TestClient(create_app(self.app))
        self.seen = Channels(self.app, self.client)
        self.model = ArchiveModel(self.clock.now.date())
        self.files = starting_files(self.model.today)
        for public_id, src in self.files.items():
            self.model.add(public_id, *word_of(public_id), src)

    @initialize(target=docs)
    def the_first_bundle(self) -> Any:
        return multiple(*BASE)

    # -- the rules -----------------------------------------------------------------------

    @rule(chosen=st.lists(docs, min_size=1, max_size=3), step=st.sampled_from(list(Step)),
          who=st.sampled_from(PEOPLE), via=VIA, later=LATER)
    def take_step(self, chosen: list[str], step: Step, who: Acting, via: str, later: int) -> None:
        """``later`` days on, a step on one document or several (a bulk action), through the
        service or through /api/v1 with the person's write token."""
        self.wait(later)
        chosen = list(dict.fromkeys(chosen))
        expected = {d: self.model.step(d, step, who.name, who.role or Role.ADMIN) for d in chosen}
        if via == "api":
            for doc in chosen:
                self._post(f"/documents/{doc}/state", who, expected[doc],
                           {"action": step.value, "comment": "as the test says"})
            return
        try:
            out = self.app.publishing.take_step(chosen, step, who, comment="as the test says")
        except Refused:  # the role does not take this step: refused before anything
            assert set(expected.values()) == {"role"}
            return
        self._outcome(expected, out)

    @rule(chosen=st.lists(docs, min_size=1, max_size=2), days=st.sampled_from(EMBARGO_DAYS),
          who=st.sampled_from(PEOPLE), via=VIA, later=LATER)
    def embargo(self, chosen: list[str], days: int | None, who: Acting, via: str,
                later: int) -> None:
        """``later`` days on, an embargo set or cleared, by the service or the API."""
        self.wait(later)
        chosen = list(dict.fromkeys(chosen))
        until = None if days is None else self.model.today + timedelta(days=days)
        expected = {d: self.model.set_embargo(d, until, who.role or Role.ADMIN) for d in chosen}
        if via == "api":
            for doc in chosen:
                self._post(f"/documents/{doc}/embargo", who, expected[doc],
                           {"until": until.isoformat() if until else None})
            return
        try:
            out = self.app.publishing.set_embargo(chosen, until, who, "as the test says")
        except Refused:
            assert set(expected.values()) == {"role"}
            return
        self._outcome(expected, out)

    def _outcome(self, expected: dict[str, str | None], out: Outcome) -> None:
        """The service changed what the model took, and refused the rest for its reason."""
        assert out.changed == [d for d, why in expected.items() if why is None], (expected, out)
        refused = dict(out.refused)
        for doc, why in expected.items():
            if why is not None:
                assert REASONS[why] in refused[doc], (why, refused[doc])
        self._written()

    def _post(self, path: str, who: Acting, why: str | None, body: dict[str, Any]) -> None:
        """A change through the API; the route itself must catch the index up (no
        ``_written`` here: the invariants see whether it did)."""
        answer = self.client.post(f"/api/v1{path}", json=body, headers={
            "Authorization": f"Bearer {self.tokens.writers[who.name]}"})
        assert answer.status_code == STATUS[why], (why, answer.text)

    @rule(days=st.integers(1, 3))
    def days_pass(self, days: int) -> None:
        """The clock moves on, and embargoes end by themselves."""
        self.wait(days)

    def wait(self, days: int) -> None:
        """The clock and the model move on ``days`` days."""
        self.clock.now += timedelta(days=days)
        self.model.advance(days)

    @rule(doc=st.sampled_from(BASE), state=st.sampled_from(STATES),
          days=st.sampled_from([None, -1, 1, 3]), revised=st.booleans())
    def reimport_changed(self, doc: str, state: PublicationState, days: int | None,
                         revised: bool) -> None:
        """The first bundle again with one file changed: written over the document, or,
        over its edits, a conflict whose version waits for review."""
        self.files[doc] = self._source(state, days, revised)
        words = self._words(doc)
        written, conflicts = self.model.reimport(self.files)
        summary = import_bundle(self.app, self.folder / "bundle", self.files)
        assert summary.updated == len(written), (summary.updated, written)
        assert set(summary.conflicts) == conflicts, (summary.conflicts, conflicts)
        self._written()
        self.agrees_on(doc, words | self._words(doc))

    @precondition(lambda self: len(self.model.docs) < len(BASE) + len(NEW))
    @rule(target=docs, state=st.sampled_from(STATES), days=st.sampled_from([None, -1, 1, 3]))
    def import_new(self, state: PublicationState, days: int | None) -> str:
        public_id = NEW[len(self.model.docs) - len(BASE)]
        src = self._source(state, days, False)
        self.model.add(public_id, *word_of(public_id), src)
        import_bundle(self.app, self.folder / public_id, {public_id: src})
        return public_id

    def _source(self, state: PublicationState, days: int | None, revised: bool) -> Source:
        until = None if days is None else self.model.today + timedelta(days=days)
        return Source(state, until, revised)

    def _written(self) -> None:
        """After a write, the index catches up, as every command and the workspace do."""
        search.refresh_index(self.app.catalogue, self.app.index)

    # -- the invariants ----------------------------------------------------------------

    @invariant()
    def the_catalogue_and_search_agree_with_the_model(self) -> None:
        public, editor = Reader.public(), Reader.editor()
        assert public.today == self.model.today
        expect = self.model.public()
        assert set(self.seen.catalogue(public)) == expect
        assert self.seen.count(public) == len(expect)
        assert self.seen.search(SHARED, public) == (len(expect), expect)
        assert self.seen.catalogue(editor) == {p: (d.state, d.embargo)
                                               for p, d in self.model.docs.items()}
        assert self.seen.search(SHARED, editor)[1] == set(self.model.docs)
        assert self.seen.api_list() == (len(expect), expect)
        assert self.seen.tombstones(set(self.model.docs)) == self.model.tombstones()

    def teardown(self) -> None:
        try:
            if sys.exc_info()[0] is None:  # the sequence ran to its end: now every channel
                self.every_channel_agrees()
        finally:
            settle()  # the pages' citations are rendered in the background: let them end
            self.client.close()
            self.app.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def every_channel_agrees(self) -> None:
        """Pages and API per document, OAI-PMH, sitemap, feed, and a search per word."""
        type(self).full_checks += 1
        public, gone = self.model.public(), self.model.tombstones()
        for doc in self.model.docs:
            assert self.seen.api_status(doc) == (200 if doc in public else 404), doc
            assert self.seen.page_status(doc) == (
                301 if doc in public else 410 if doc in gone else 404), doc
            assert self.seen.api_status(doc, self.tokens.reader) == 200, doc
        assert self.seen.api_list(self.tokens.reader) == (len(self.model.docs),
                                                          set(self.model.docs))
        oai = self.seen.oai()
        assert {d for d, (deleted, _) in oai.items() if not deleted} == public
        assert {d for d, (deleted, _) in oai.items() if deleted} == gone
        # one date for one document everywhere: the sitemap's lastmod, the feed's updated
        stamps = {d: oai[d][1] for d in public}
        assert self.seen.sitemap() == stamps
        assert self.seen.feed() == stamps
        assert self.seen.search("", Reader.public()) == (len(public), public)
        for word in sorted(self.model.vocabulary()):
            expect, every = self.model.finds(word), self.model.finds(word, editor=True)
            assert self.seen.search(word, Reader.public()) == (len(expect), expect), word
            assert self.seen.search(word, Reader.editor()) == (len(every), every), word
        self.words_agree_everywhere()

    def words_agree_everywhere(self) -> None:
        """Per public document, its API record and texts, its page and its OAI-PMH records
        show its public words and no other of the test's (none pending, none redacted, none
        of another document); the feed, a search's answer and page and the sitemap show no
        word that no public document shows; editors read the stored words in the API and
        the pending change's in their draft."""
        vocabulary, secret = self.model.vocabulary(), self.model.secret()
        oai = {fmt: self.seen.records(fmt) for fmt in ("oai_dc", "chancery")}
        for doc in sorted(self.model.public()):
            d = self.model.docs[doc]
            shown = {**self.seen.shown(doc), **{f"oai {f}": r[doc] for f, r in oai.items()}}
            for channel, text in shown.items():  # each has the title (some the text), or
                found = words_in(text) & vocabulary  # is a text (the API's texts)
                least = set() if channel.startswith("api text") else d.shown("title")
                assert least <= found <= d.words, (doc, channel, found, d.words)
            assert words_in(shown["page"]) & vocabulary == d.words, doc
            texts = " ".join(t for c, t in shown.items() if c.startswith("api text"))
            assert words_in(texts) & vocabulary == d.shown("text"), doc
        for channel, text in self.seen.everywhere(SHARED).items():
            assert not words_in(text) & secret, (channel, words_in(text) & secret)
        for word in sorted(secret):  # a search's answer repeats what was asked, no more
            assert not words_in(self.seen.searched(word)) & (secret - {word}), word
        for doc, d in self.model.docs.items():
            assert words_in(self.seen.editors_record(doc, self.tokens.reader)) & vocabulary \
                == d.content.title, doc  # as stored: redacted words too, no pending one
            record = self.app.editing.draft_of(doc, EVE)[0]
            assert content_of(record, vocabulary) == d.draft, doc


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_channel_agrees_with_the_model(backend: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Random sequences of steps, embargoes, days passing and imports: after each, the public
    sees the same documents everywhere, the ones the model says."""
    if backend == "postgresql":
        need(bool(PG_URL), "PostgreSQL not configured: set CHANCERY_TEST_PG_URL")
    clock = Clock()
    clock.now = START
    monkeypatch.setattr(domain_clock, "utc_now", clock)
    # a page queues the citation styles it lacks for pandoc, in the background: 0.9 s an
    # example, a third of the budget. The page's own (house) citation is checked here, the
    # styles, made from the same public view, by the leak suite.
    monkeypatch.setattr(citations_view, "_BACKLOG_MAX", 0)
    with tempfile.TemporaryDirectory(dir=RAM if RAM.is_dir() else tmp_path) as folder:
        root = Path(folder)
        archives = (sqlite_archives(root, START.date()) if backend == "sqlite"
                    else postgres_archives(PG_URL))
        machine = type("Run", (ChannelsAgree,), {"archives": staticmethod(archives),
                                                 "root": root, "clock": clock})
        run_state_machine_as_test(machine, settings=SETTINGS[backend])
    assert machine.full_checks > 0  # teardown's every_channel_agrees really ran
