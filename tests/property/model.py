"""What the public should see, worked out by hand: a small model of an archive that the
property test runs beside the real one. It knows nothing of the catalogue, the index or any
channel; it follows the rules as the issue states them (the workflow's moves and roles, four
eyes, embargoes, a re-import's overwrite) and says, per document, whether the public sees it,
whether a withdrawal leaves a tombstone, and which words a reader can find it by.

Extension point: edits with pending revisions and redactions are coming (#11, on other
branches). Their rules are here already, as the issue states them (``edit``, ``approve``,
``redact``, ``unredact``: they change ``words``, what the public can find, and
``editor_words``, what editors can find); joining them to the services is a rule of a few lines
each in test_channels_agree.py. Every invariant already compares both word sets on every
channel, so nothing else has to change. Where a service decides otherwise than the issue
(say, what an editor's search finds of a pending edit), change the method here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chancery.domain.accounts import Role
from chancery.domain.publication import PublicationState as S
from chancery.domain.workflow import Step

# the moves as the issue lists them (start, end); any other start is refused
MOVES = {Step.SUBMIT: (S.DRAFT, S.IN_REVIEW), Step.PUBLISH: (S.IN_REVIEW, S.PUBLISHED),
         Step.WITHDRAW: (S.PUBLISHED, S.WITHDRAWN), Step.REINSTATE: (S.WITHDRAWN, S.IN_REVIEW),
         Step.REQUEST_CHANGES: (S.IN_REVIEW, S.DRAFT)}
# an editor only submits; every other step, and any embargo, is a reviewer's
NEEDS_REVIEWER = {Step.PUBLISH, Step.WITHDRAW, Step.REINSTATE, Step.REQUEST_CHANGES}


@dataclass(frozen=True)
class Source:
    """What a document's source file says: its state, embargo and whether its title carries
    the revised word (a changed file, re-imported)."""

    state: S
    embargo: date | None = None
    revised: bool = False


@dataclass
class DocModel:
    """One document as the model knows it."""

    public_id: str
    word: str  # in its title and text from the start, and in no other document
    revised_word: str  # in its title once a revised source is imported
    state: S
    embargo: date | None
    source: Source  # the source as last written (the stored content hash)
    revised: bool = False
    was_public: bool = False
    submitter: str | None = None  # who last sent it to review (four eyes)
    steered: bool = False  # someone set its publication (a step, an embargo): imports keep it
    # extension point: the words edits and redactions add or hide (see ArchiveModel below)
    added: set[str] = field(default_factory=set)  # by edits in force: everyone who sees it
    pending: set[str] = field(default_factory=set)  # by an edit awaiting review: editors only
    redacted: set[str] = field(default_factory=set)  # hidden from the public, at once
    unredacting: set[str] = field(default_factory=set)  # a removal awaiting review: still hidden

    @property
    def editor_words(self) -> frozenset[str]:
        """Every word an editor can find it by (redacted words too: the issue keeps them
        findable for editors)."""
        own = {self.word, self.revised_word} if self.revised else {self.word}
        return frozenset(own | self.added | self.pending)

    @property
    def words(self) -> frozenset[str]:
        """The words the public can find it by, when it may see it at all."""
        return self.editor_words - self.pending - self.redacted

    def is_public(self, today: date) -> bool:
        """Published, and past any embargo."""
        return self.state is S.PUBLISHED and (self.embargo is None or self.embargo <= today)


@dataclass
class ArchiveModel:
    """Every document, by public id, and the day the clock says."""

    today: date
    docs: dict[str, DocModel] = field(default_factory=dict)

    def add(self, public_id: str, word: str, revised_word: str, source: Source) -> None:
        """A document imported for the first time."""
        self.docs[public_id] = DocModel(public_id, word, revised_word, source.state,
                                        source.embargo, source, source.revised)
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
        return {w for d in self.docs.values()
                for w in (d.word, d.revised_word, *d.added, *d.pending, *d.redacted)}

    # -- the rules ---------------------------------------------------------------------

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

    # -- edits and redactions (the extension point: not yet joined to services) -----------

    def edit(self, public_id: str, word: str) -> None:
        """An edit that puts ``word`` in: a published document's waits for review (the public
        keeps the published version); any other's is in force at once."""
        doc = self.docs[public_id]
        (doc.pending if doc.state is S.PUBLISHED else doc.added).add(word)

    def approve(self, public_id: str) -> None:
        """A reviewer approves what waits: pending edits, and the removal of redactions."""
        doc = self.docs[public_id]
        doc.added |= doc.pending
        doc.redacted -= doc.unredacting
        doc.pending, doc.unredacting = set(), set()

    def redact(self, public_id: str, word: str) -> None:
        """Redacting is taking away: at once."""
        self.docs[public_id].redacted.add(word)

    def unredact(self, public_id: str, word: str) -> None:
        """Removing a redaction gives back: it waits for review."""
        doc = self.docs[public_id]
        if word in doc.redacted:
            doc.unredacting.add(word)

    def reimport(self, files: dict[str, Source]) -> set[str]:
        """Import source files again; returns the documents written.

        The rule (services/imports.py): a file whose content differs from the one last written
        overwrites the document, unless the document already equals what the file says (then
        nothing is written, and the stored hash stays the old file's); state and embargo come
        from the file only while no one has set them (a step, an embargo). Field edits made
        in the workspace would turn the write into a pending revision: this model has none
        yet, so the one place to change is here."""
        written = set()
        for public_id, src in files.items():
            doc = self.docs[public_id]
            state, embargo = (doc.state, doc.embargo) if doc.steered else (src.state,
                                                                             src.embargo)
            if src == doc.source or (state, embargo, src.revised) == (
                    doc.state, doc.embargo, doc.revised):
                continue
            doc.state, doc.embargo, doc.revised, doc.source = (state, embargo, src.revised, src)
            written.add(public_id)
        self.observe()
        return written

