"""What the public should see, worked out by hand: a small model of an archive that the
property test runs beside the real one. It knows nothing of the catalogue, the index or any
channel; it follows the rules as the issue states them, and as the services settled what the
issue left open (said where they are): the workflow's moves and roles, four eyes, embargoes,
a re-import's overwrite or conflict, edits with pending revisions, redactions and their
reviewed removal. It says, per document, whether the public sees it, whether a withdrawal
leaves a tombstone, which words a reader can find it by, which an editor's search finds,
and which the editor's draft holds.

A document's content is kept as the test's own words it holds, per place (its title, its one
text version): a word is unique to the document or to the edit that put it in, so a set of
words is all a channel needs to be compared by."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from chancery.domain.accounts import Role
from chancery.domain.publication import PublicationState as S
from chancery.domain.redactions import RedactionState as R
from chancery.domain.workflow import Step

SHARED = "pangolin"  # in every document's text: a public search for it finds what is public
IMPORT = "import:bundle"  # who a re-import's pending revision is by
Place = Literal["title", "text"]
PLACES: tuple[Place, ...] = ("title", "text")
# the moves as the issue lists them (start, end); any other start is refused
MOVES = {Step.SUBMIT: (S.DRAFT, S.IN_REVIEW), Step.PUBLISH: (S.IN_REVIEW, S.PUBLISHED),
         Step.WITHDRAW: (S.PUBLISHED, S.WITHDRAWN), Step.REINSTATE: (S.WITHDRAWN, S.IN_REVIEW),
         Step.REQUEST_CHANGES: (S.IN_REVIEW, S.DRAFT)}
# an editor only submits; every other step, and any embargo, is a reviewer's
NEEDS_REVIEWER = {Step.PUBLISH, Step.WITHDRAW, Step.REINSTATE, Step.REQUEST_CHANGES}
# words edits put in: same length, letters only, "zq" in no other word, so none is a part of
# another (a redaction matches words inside words) and no stemmer changes one
COINED = [f"zq{a}{b}" for a in "bdfgkmprtv" for b in "aeiou"]


@dataclass(frozen=True)
class Source:
    """What a document's source file says: its state, embargo and whether its title carries
    the revised word (a changed file, re-imported)."""

    state: S
    embargo: date | None = None
    revised: bool = False


@dataclass(frozen=True)
class Content:
    """The test's words a document's title and its text hold (besides the shared word)."""

    title: frozenset[str]
    text: frozenset[str]

    def at(self, place: Place) -> frozenset[str]:
        return self.title if place == "title" else self.text

    def with_(self, place: Place, words: frozenset[str]) -> Content:
        return replace(self, **{place: words})

    @property
    def words(self) -> frozenset[str]:
        return self.title | self.text


def source_content(word: str, revised_word: str, revised: bool) -> Content:
    """What a source file puts in (archive.py writes the same)."""
    return Content(frozenset({word, revised_word} if revised else {word}), frozenset({word}))


@dataclass
class Change:
    """A pending revision: what it would make, who put something in, and the source file it
    came from while a re-import is its last author (the content hash approval stores)."""

    content: Content
    authors: list[str]
    source: Source | None = None

    @property
    def from_import(self) -> bool:
        return self.authors[-1].startswith("import:")


@dataclass
class Withheld:
    """One redaction: a word of the title (a field redaction) or of the text (a text one)."""

    place: Place
    word: str
    state: R = R.ACTIVE
    asked_by: str = ""  # who asked for its removal (four eyes on approving it)
    id: int = 0  # the service's, once made

    @property
    def in_force(self) -> bool:
        return self.state is not R.REMOVED


@dataclass
class DocModel:
    """One document as the model knows it."""

    public_id: str
    word: str  # in its title and text from the start, and in no other document
    revised_word: str  # in its title once a revised source is imported
    state: S
    embargo: date | None
    source: Source  # the source as last written (the stored content hash)
    content: Content  # as stored: what every channel shows (less what is redacted)
    was_public: bool = False
    submitter: str | None = None  # who last sent it to review (four eyes)
    steered: bool = False  # someone set its publication (a step, an embargo): imports keep it
    edited: bool = False  # fields changed outside an import since its last: imports wait
    pending: Change | None = None
    redactions: list[Withheld] = field(default_factory=list)

    def withheld(self, place: Place | None = None) -> frozenset[str]:
        """The words redactions in force withhold (in one place, or anywhere)."""
        return frozenset(r.word for r in self.redactions
                         if r.in_force and place in (None, r.place))

    def shown(self, place: Place) -> frozenset[str]:
        """The words the public reads in a place, when it may see the document at all."""
        return self.content.at(place) - self.withheld(place)

    @property
    def words(self) -> frozenset[str]:
        """The words the public can find it by: the stored content's, less the redacted
        (never a pending change's)."""
        return self.shown("title") | self.shown("text")

    @property
    def editor_words(self) -> frozenset[str]:
        """What an editor's search finds it by: the stored content and the words redactions
        withhold (services/search.py indexes those for editors, even once an edit took them
        out of the text), not a pending change: that is only in the editor (the draft)."""
        return self.content.words | self.withheld()

    @property
    def draft(self) -> Content:
        """What the editor opens: the pending change, or else the stored content."""
        return self.pending.content if self.pending else self.content

    def is_public(self, today: date) -> bool:
        """Published, and past any embargo."""
        return self.state is S.PUBLISHED and (self.embargo is None or self.embargo <= today)


def _joined(authors: list[str], who: str) -> list[str]:
    return [a for a in authors if a != who] + [who]


@dataclass
class ArchiveModel:
    """Every document, by public id, the day the clock says, and the words edits put in."""

    today: date
    docs: dict[str, DocModel] = field(default_factory=dict)
    coined: list[str] = field(default_factory=list)

    def add(self, public_id: str, word: str, revised_word: str, source: Source) -> None:
        """A document imported for the first time."""
        self.docs[public_id] = DocModel(public_id, word, revised_word, source.state,
                                        source.embargo, source,
                                        source_content(word, revised_word, source.revised))
        self.observe()

    def observe(self) -> None:
        """Remember who the public has seen (a withdrawal of those leaves a tombstone)."""
        for d in self.docs.values():
            d.was_public = d.was_public or d.is_public(self.today)

    def public(self) -> set[str]:
        """Documents the public sees today."""
        return {p for p, d in self.docs.items() if d.is_public(self.today)}

    def tombstones(self) -> set[str]:
        """Withdrawn documents the public once saw (a 410 page, a deleted OAI-PMH record)."""
        return {p for p, d in self.docs.items() if d.state is S.WITHDRAWN and d.was_public}

    def finds(self, word: str, editor: bool = False) -> set[str]:
        """Documents a search for ``word`` should find, for the public or an editor."""
        if editor:
            return {p for p, d in self.docs.items() if word in d.editor_words}
        return {p for p, d in self.docs.items() if d.is_public(self.today) and word in d.words}

    def vocabulary(self) -> set[str]:
        """Every word any document has or had."""
        return {w for d in self.docs.values() for w in (d.word, d.revised_word)} | set(
            self.coined)

    def secret(self) -> set[str]:
        """The words no public channel may show anywhere: in no public document's public
        words (a draft's, a pending change's, a redacted one)."""
        shown = set().union(*(self.docs[p].words for p in self.public()))
        return self.vocabulary() - shown

    def coin(self) -> str:
        """A word no document has had."""
        self.coined.append(COINED[len(self.coined)])
        return self.coined[-1]

    # -- the workflow, embargoes, the clock ----------------------------------------------

    def step(self, public_id: str, step: Step, actor: str, role: Role) -> str | None:
        """Take a workflow step; returns why it is refused, or None when it was taken."""
        doc = self.docs[public_id]
        start, end = MOVES[step]
        if step in NEEDS_REVIEWER and role is Role.EDITOR:
            return "role"
        if doc.state is end:
            return "already"
        if doc.state is not start:
            return "wrong state"
        if step is Step.PUBLISH and doc.submitter == actor:
            return "four eyes"
        doc.state, doc.steered = end, True
        if end is S.IN_REVIEW:
            doc.submitter = actor
        self.observe()
        return None

    def set_embargo(self, public_id: str, until: date | None, role: Role) -> str | None:
        """Set or clear an embargo; returns why it is refused, or None."""
        doc = self.docs[public_id]
        if role is Role.EDITOR:
            return "role"
        if until is not None and until <= self.today:
            return "not in the future"
        if until == doc.embargo:
            return "already"
        doc.embargo, doc.steered = until, True
        self.observe()
        return None

    def advance(self, days: int) -> None:
        """The clock moves on; embargoes that end meanwhile release their documents."""
        self.today = date.fromordinal(self.today.toordinal() + days)
        self.observe()

    # -- edits: in force at once, or pending on a published document ------------------------

    def edit(self, public_id: str, place: Place, word: str, replacing: bool,
             actor: str) -> bool:
        """An edit of the draft (the pending change, if one waits) that puts ``word`` in the
        title or text, in place of its words or beside them; returns whether it waits for
        review. It waits when the document is published, and, the service adds, whenever a
        change waits already, whatever the state (one pending change per document)."""
        doc = self.docs[public_id]
        new = doc.draft.with_(place, frozenset({word}) if replacing
                              else doc.draft.at(place) | {word})
        if doc.pending is None and doc.state is not S.PUBLISHED:
            doc.content, doc.edited = new, True
            return False
        # an editor's change over a re-import's forgets the file's hash (storage/pending.py)
        doc.pending = Change(new, _joined(doc.pending.authors if doc.pending else [], actor))
        return True

    def approve(self, public_id: str, actor: str, role: Role) -> str | None:
        """A reviewer approves the pending change, not one they had a part in (four eyes);
        it is stored as a revision by its last author, the document's publication as it
        stands (a held re-import's state is not applied: see ``reimport``)."""
        doc = self.docs[public_id]
        if role is Role.EDITOR:
            return "role"
        if doc.pending is None:
            return "nothing waiting"
        if actor in doc.pending.authors:
            return "four eyes"
        change, doc.pending = doc.pending, None
        doc.edited = not change.from_import and (doc.edited or change.content != doc.content)
        doc.content, doc.source = change.content, change.source or doc.source
        return None

    def reject(self, public_id: str, role: Role) -> str | None:
        """A reviewer discards the pending change (anyone's but an editor's)."""
        doc = self.docs[public_id]
        if role is Role.EDITOR:
            return "role"
        if doc.pending is None:
            return "nothing waiting"
        doc.pending = None
        return None

    # -- redactions: at once; their removal asked for, then approved by someone else ---------

    def redact(self, public_id: str, place: Place, word: str) -> str | None:
        """Withhold a word of the stored title or text (not of a pending change: the service
        finds the words in what is stored); any editor, at once."""
        doc = self.docs[public_id]
        if word not in doc.content.at(place):
            return "not there"
        if word in doc.withheld(place):
            return "already"
        doc.redactions.append(Withheld(place, word))
        return None

    def request_removal(self, public_id: str, n: int, actor: str) -> str | None:
        """Ask for the ``n``th redaction to be lifted; it stays in force."""
        r = self.docs[public_id].redactions[n]
        if r.state is not R.ACTIVE:
            return "wrong state"
        r.state, r.asked_by = R.REMOVAL_REQUESTED, actor
        return None

    def approve_removal(self, public_id: str, n: int, actor: str, role: Role) -> str | None:
        """Lift the ``n``th redaction, asked for by someone else: the public reads it again."""
        r = self.docs[public_id].redactions[n]
        if role is Role.EDITOR:
            return "role"
        if r.state is not R.REMOVAL_REQUESTED:
            return "wrong state"
        if r.asked_by == actor:
            return "four eyes"
        r.state = R.REMOVED
        return None

    # -- imports -------------------------------------------------------------------------

    def reimport(self, files: dict[str, Source]) -> tuple[set[str], set[str]]:
        """Import source files again; returns the documents written and the conflicts.

        The rule (services/imports.py): a file whose content differs from the one last written
        overwrites the document, unless the document already equals what the file says (then
        nothing is written, and the stored hash stays the old file's); state and embargo come
        from the file only while no one has set them (a step, an embargo). Over a document
        whose fields someone changed since its last import, or with a change waiting, the
        file's version waits for review instead (a conflict): it replaces a re-import's
        pending change, never an editor's. Its state, for a document no one steered, is
        applied at once (a source's withdrawal is not held back); approving keeps it."""
        written, conflicts = set(), set()
        for public_id, src in files.items():
            doc = self.docs[public_id]
            state, embargo = (doc.state, doc.embargo) if doc.steered else (src.state,
                                                                             src.embargo)
            new = source_content(doc.word, doc.revised_word, src.revised)
            if src == doc.source or (state, embargo, new) == (doc.state, doc.embargo,
                                                              doc.content):
                continue
            if doc.edited or doc.pending is not None:
                conflicts.add(public_id)
                if doc.pending is None or (doc.pending.from_import and
                                           doc.pending.source != src):
                    authors = doc.pending.authors if doc.pending else []
                    doc.pending = Change(new, _joined(authors, IMPORT), src)
                doc.state, doc.embargo = state, embargo
                continue
            doc.state, doc.embargo, doc.content, doc.source = state, embargo, new, src
            written.add(public_id)
        self.observe()
        return written, conflicts
