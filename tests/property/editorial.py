"""The property test's editorial rules (#11): edits of a document's title or text, through the
service or PATCH /api/v1/documents/{id} with If-Match, written at once or pending on a
published document; approving or rejecting a pending change (four eyes); redacting a word of
the title (a field redaction) or of the text, asking for a redaction to be lifted and
approving that (four eyes). Each rule checks the service's answer (what it did, or why it
refused) against the model's, then the words it touched on the cheap channels: the public's
and an editor's search, the public API record, and the editor's draft."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, precondition, rule

from chancery.bootstrap import App
from chancery.domain.accounts import Role
from chancery.domain.readers import Reader
from chancery.domain.workflow import Acting, Refused
from chancery.services import search
from chancery.services.redacting import Wanted
from tests.property.archive import EDITOR, Tokens
from tests.property.archive import PEOPLE as ACCOUNTS
from tests.property.channels import Channels, words_in
from tests.property.model import PLACES, SHARED, ArchiveModel, Content, Place

DOCS = Bundle("docs")  # the documents imported so far (one bundle for every rule, by name)
PEOPLE = [Acting(email, role) for email, role in ACCOUNTS.items()]
EVE = Acting(EDITOR, ACCOUNTS[EDITOR])
# each change through the service or the API, some days after the one before: Hypothesis
# enables a few rules per example (swarm testing), so a rule of its own for each would leave
# most examples without the clock moving, or without the API
VIA = st.sampled_from(["service", "api"])
LATER = st.integers(0, 2)
WHO = st.sampled_from(PEOPLE)
PICK = st.integers(0, 7)  # which of the candidates (a document, a word, a redaction)
# the model's reasons for a refusal, as the services word them
WHY = {"role": " is an editor; ", "nothing waiting": "no change is waiting",
       "four eyes": "four eyes", "not there": "do not occur", "already": "redacted already",
       "wrong state": "this needs one that is"}
EXEMPTIONS = st.sampled_from(["(b)(6)", "privacy"])
ASKER = "the one who asked"


def _person(email: str) -> Acting:
    return Acting(email, ACCOUNTS[email])


def changed(record: dict[str, Any], place: Place, word: str,
            replacing: bool) -> dict[str, Any]:
    """The change an editor makes to the draft they opened: ``word`` in the title or the
    text, in place of what is there (the text keeps the shared word) or after it."""
    if place == "title":
        return {"title": f"On the {word} question" if replacing
                else f"{record['title']} {word}"}
    texts = [dict(t) for t in record["texts"]]
    body = texts[0]["body"]
    texts[0]["body"] = (f"The {SHARED} affair: the {word} report." if replacing
                        else f"{body.rstrip()} {word}.")
    return {"texts": texts}


def content_of(record: dict[str, Any], vocabulary: set[str]) -> Content:
    """The test's words a record (the editor's draft) holds, by place."""
    return Content(frozenset(words_in(record["title"]) & vocabulary),
                   frozenset(words_in(" ".join(t["body"] for t in record["texts"]))
                             & vocabulary))


class EditorialRules(RuleBasedStateMachine):
    """Edits, reviews and redactions; the machine that runs them (test_channels_agree.py)
    gives the archive, the model and the clock."""

    app: App
    client: TestClient
    seen: Channels
    model: ArchiveModel
    tokens: Tokens
    wait: Callable[[int], None]  # the clock and the model move on some days

    @rule(doc=DOCS, place=st.sampled_from(PLACES), replacing=st.booleans(), who=WHO,
          via=VIA, later=LATER)
    def edit(self, doc: str, place: Place, replacing: bool, who: Acting, via: str,
             later: int) -> None:
        """An editor or a reviewer opens the draft and puts a new word in; a published
        document's change waits for review."""
        self.wait(later)
        word = self.model.coin()
        pending = self.model.edit(doc, place, word, replacing, who.name)
        if via == "api":
            token = self.tokens.writers[who.name]
            record, etag = self.seen.draft(doc, token)
            answer = self.client.patch(
                f"/api/v1/documents/{doc}", json={**changed(record, place, word, replacing),
                                                  "comment": "as the test says"},
                headers={"Authorization": f"Bearer {token}", "If-Match": etag})
            assert answer.status_code == 200, answer.text
            assert answer.json()["pending"] is pending
        else:
            record, seen, _ = self.app.editing.draft_of(doc, who)
            saved = self.app.editing.edit(doc, changed(record, place, word, replacing), who,
                                          seen, "as the test says")
            assert saved.pending is pending
            search.refresh_index(self.app.catalogue, self.app.index)
        self.agrees_on(doc, {word})

    @rule(pick=PICK, who=WHO, author=st.booleans(), approving=st.booleans(), later=LATER)
    def review(self, pick: int, who: Acting, author: bool, approving: bool,
               later: int) -> None:
        """A reviewer approves or rejects a pending change (of a document with one, if any
        has): approved, it is what everyone reads; rejected, the stored version stays. Now
        and then (``author``) by the person who last worked on it: four eyes refuse that."""
        self.wait(later)
        docs = sorted(p for p, d in self.model.docs.items() if d.pending) or sorted(
            self.model.docs)
        doc = docs[pick % len(docs)]
        waiting = self.model.docs[doc].pending
        if author and waiting and waiting.authors[-1] in ACCOUNTS:
            who = _person(waiting.authors[-1])
        words = self._words(doc)
        role = who.role or Role.ADMIN
        if approving:
            why = self.model.approve(doc, who.name, role)
            self._done(why, lambda: self.app.editing.approve(doc, who, "checked"))
        else:
            why = self.model.reject(doc, role)
            self._done(why, lambda: self.app.editing.reject(doc, who, "not so"))
        self.agrees_on(doc, words)

    @rule(doc=DOCS, place=st.sampled_from(PLACES), pick=PICK, who=WHO, reason=EXEMPTIONS,
          later=LATER)
    def redact(self, doc: str, place: Place, pick: int, who: Acting, reason: str,
               later: int) -> None:
        """A word of the stored title or text redacted (now and then, ``pick`` 0, one that
        is not there unless the revised source put it in the title)."""
        self.wait(later)
        d = self.model.docs[doc]
        choices = sorted(d.content.at(place))
        word = d.revised_word if pick == 0 or not choices else choices[pick % len(choices)]
        why = self.model.redact(doc, place, word)
        where = {"version": "en"} if place == "text" else {"field": "title"}
        made = self._done(why, lambda: self.app.redacting.redact(
            doc, Wanted(reason, text=word, **where), who))
        if made is not None:
            d.redactions[-1].id = made.redaction.id
        self.agrees_on(doc, {word})

    @precondition(lambda self: any(d.redactions for d in self.model.docs.values()))
    @rule(pick=PICK, asking=WHO, approving=st.sampled_from([None, ASKER, *PEOPLE]),
          later=LATER)
    def lift(self, pick: int, asking: Acting, approving: Acting | str | None,
             later: int) -> None:
        """Someone asks for a redaction to be lifted (it stays in force meanwhile), and
        perhaps someone approves that at once: a reviewer, not the one who asked (who tries
        now and then: ``ASKER``). It is asked for the redaction, or for one already asked."""
        self.wait(later)
        every = [(p, n) for p, d in sorted(self.model.docs.items())
                 for n in range(len(d.redactions))]
        doc, n = every[pick % len(every)]
        r = self.model.docs[doc].redactions[n]
        why = self.model.request_removal(doc, n, asking.name)
        self._done(why, lambda: self.app.redacting.request_removal(doc, r.id, asking, "asked"))
        if approving is not None:
            who = _person(r.asked_by or asking.name) if approving == ASKER else approving
            assert isinstance(who, Acting)
            why = self.model.approve_removal(doc, n, who.name, who.role or Role.ADMIN)
            self._done(why, lambda: self.app.redacting.approve_removal(doc, r.id, who,
                                                                       "lifted"))
        self.agrees_on(doc, {r.word})

    # -- the helpers -----------------------------------------------------------------------

    def _words(self, doc: str) -> set[str]:
        d = self.model.docs[doc]
        return set(d.content.words | d.draft.words | d.withheld())

    def _done(self, why: str | None, call: Callable[[], Any]) -> Any:
        """Call the service: it does what the model did, or refuses for the model's reason;
        then the index catches up, as every command and the workspace do."""
        try:
            out = call()
        except Refused as exc:
            assert why is not None and WHY[why] in str(exc), (why, str(exc))
            return None
        assert why is None, (why, out)
        search.refresh_index(self.app.catalogue, self.app.index)
        return out

    def agrees_on(self, doc: str, words: set[str]) -> None:
        """After a change of ``doc``: searches for the words it touched find what the model
        says, for the public and for editors; the public API record shows its public words
        and none it withholds; the editor's draft holds the model's."""
        for word in sorted(words):
            for reader, editor in ((Reader.public(), False), (Reader.editor(), True)):
                expect = self.model.finds(word, editor)
                assert self.seen.search(word, reader) == (len(expect), expect), (word, editor)
        d, vocabulary = self.model.docs[doc], self.model.vocabulary()
        if doc in self.model.public():  # the record has the title, the texts their own
            shown = words_in(self.client.get(f"/api/v1/documents/{doc}").text) & vocabulary
            assert shown == d.shown("title"), (doc, shown, d.words)
        record = self.app.editing.draft_of(doc, EVE)[0]
        assert content_of(record, vocabulary) == d.draft, (doc, record)
