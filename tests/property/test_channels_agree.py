"""The property test of #11: random sequences of workflow steps (by different people, so four
eyes refusals happen too), embargoes, days passing, re-imports of a changed bundle and new
imports keep the model (model.py), the catalogue, the public search and every channel in
agreement on what the public sees; editors see everything.

After every step the cheap checks run (the catalogue against the model, search and the API
list); at the end of each sequence, every channel (API and reading-room pages per document,
OAI-PMH, sitemap, the Atom feed, a search per word). SQLite and a real Tantivy index; the clock
is the domain's, moved by the test.

Extension point for edits and redactions (#11): add a rule below that calls the service and
the matching ArchiveModel method (see model.py), then ``self._written()``. For example:

    @rule(doc=docs, n=st.integers(0, 5))
    def edit_title(self, doc, n):          # a pending revision: editors find the word at once
        word = f"edited{n}"
        self.app.editing.edit(doc, title=..., actor=ANN)
        self.model.edit(doc, word)         # extra_words += word; public once approved
        self._written()
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
    Bundle,
    RuleBasedStateMachine,
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
from chancery.web.server import create_app
from tests.integration.sources import Clock
from tests.property.archive import (
    BASE,
    NEW,
    SHARED,
    build_template,
    copy_template,
    import_bundle,
    starting_files,
    word_of,
)
from tests.property.channels import Channels
from tests.property.model import ArchiveModel, Source

# two reviewers and an editor: four eyes and role refusals happen as often as steps taken
PEOPLE = [Acting("ann@archive.test", Role.REVIEWER), Acting("ben@archive.test", Role.REVIEWER),
          Acting("eve@archive.test", Role.EDITOR)]
STATES = list(PublicationState)
EMBARGO_DAYS = [None, 0, 1, 2, 3]  # None clears; 0 (today) is refused: not in the future
# the clock starts far ahead of the real one: a write stamped by the real time instead of the
# domain clock's then lands on another day than readers read on, and the test sees it
START = datetime(2100, 3, 1, 9, tzinfo=UTC)
# archives in memory where the machine has it: a write's commits (SQLite's, Tantivy's) wait
# for the disk, 160 ms a step on /tmp here against 25 ms on /dev/shm
RAM = Path("/dev/shm")

# derandomized in CI, so the suite never flakes; locally new sequences every run (a failure
# prints its steps). No example database: it would write .hypothesis/ into the checkout.
SETTINGS = settings(max_examples=int(os.environ.get("CHANCERY_PROPERTY_EXAMPLES", "25")),
                    stateful_step_count=20, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                    derandomize=os.environ.get("CI") == "true")


class ChannelsAgree(RuleBasedStateMachine):
    """One archive, one model, and the rules that change both."""

    docs = Bundle("docs")
    # set by the test: where the template lies, where examples go, the clock to reset
    template: Path
    root: Path
    clock: Clock
    runs = 0

    def __init__(self) -> None:
        super().__init__()
        type(self).runs += 1
        self.clock.now = START
        self.folder = self.root / f"run{self.runs}"
        self.app = copy_template(self.template, self.folder / "data")
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

    @rule(doc=docs, step=st.sampled_from(list(Step)), who=st.sampled_from(PEOPLE))
    def take_step(self, doc: str, step: Step, who: Acting) -> None:
        expected = self.model.step(doc, step, who.name, who.role or Role.ADMIN)
        try:
            out = self.app.publishing.take_step([doc], step, who, comment="as the test says")
        except Refused:  # the role does not take this step: refused before anything
            assert expected == "role"
            return
        assert out.changed == ([doc] if expected is None else []), (expected, out)
        self._written()

    @rule(doc=docs, days=st.sampled_from(EMBARGO_DAYS), who=st.sampled_from(PEOPLE))
    def embargo(self, doc: str, days: int | None, who: Acting) -> None:
        until = None if days is None else self.model.today + timedelta(days=days)
        expected = self.model.set_embargo(doc, until, who.role or Role.ADMIN)
        try:
            out = self.app.publishing.set_embargo([doc], until, who, "as the test says")
        except Refused:
            assert expected == "role"
            return
        assert out.changed == ([doc] if expected is None else []), (expected, out)
        self._written()

    @rule(days=st.integers(1, 3))
    def days_pass(self, days: int) -> None:
        self.clock.now += timedelta(days=days)
        self.model.advance(days)

    @rule(doc=st.sampled_from(BASE), state=st.sampled_from(STATES),
          days=st.sampled_from([None, -1, 1, 3]), revised=st.booleans())
    def reimport_changed(self, doc: str, state: PublicationState, days: int | None,
                         revised: bool) -> None:
        self.files[doc] = self._source(state, days, revised)
        written = self.model.reimport(self.files)
        updated = import_bundle(self.app, self.folder / "bundle", self.files).updated
        assert updated == len(written), (updated, written)
        self._written()

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

    def teardown(self) -> None:
        try:
            if sys.exc_info()[0] is None:  # the sequence ran to its end: now every channel
                self.every_channel_agrees()
        finally:
            self.client.close()
            self.app.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def every_channel_agrees(self) -> None:
        """Pages and API per document, OAI-PMH, sitemap, feed, and a search per word."""
        public, gone = self.model.public(), self.model.tombstones()
        for doc in self.model.docs:
            assert self.seen.api_status(doc) == (200 if doc in public else 404), doc
            assert self.seen.page_status(doc) == (
                301 if doc in public else 410 if doc in gone else 404), doc
        assert self.seen.tombstones(set(self.model.docs)) == gone
        oai = self.seen.oai()
        assert {d for d, (deleted, _) in oai.items() if not deleted} == public
        assert {d for d, (deleted, _) in oai.items() if deleted} == gone
        # one date for one document everywhere: the sitemap's lastmod, the feed's updated
        stamps = {d: oai[d][1] for d in public}
        assert self.seen.sitemap() == stamps
        assert self.seen.feed() == stamps
        for word in sorted(self.model.vocabulary()):
            expect, every = self.model.finds(word), self.model.finds(word, editor=True)
            assert self.seen.search(word, Reader.public()) == (len(expect), expect), word
            assert self.seen.search(word, Reader.editor()) == (len(every), every), word


def test_every_channel_agrees_with_the_model(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Random sequences of steps, embargoes, days passing and imports: after each, the public
    sees the same documents everywhere, the ones the model says."""
    clock = Clock()
    clock.now = START
    monkeypatch.setattr(domain_clock, "utc_now", clock)
    with tempfile.TemporaryDirectory(dir=RAM if RAM.is_dir() else tmp_path) as root:
        template = build_template(Path(root) / "template", START.date())
        machine = type("Run", (ChannelsAgree,), {"template": template, "root": Path(root),
                                                 "clock": clock})
        run_state_machine_as_test(machine, settings=SETTINGS)
