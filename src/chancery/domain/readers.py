"""Who is reading, and on which day: the one value every read is made with.

An entry point makes a Reader once per request or command (the public for the web, the API,
OAI-PMH and IIIF; the operator as editor for the CLI) and hands it to the services, which
alone talk to the catalogue and the index. Nothing else chooses an actor or reads the date,
so no channel can forget the embargo date or read as the wrong person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chancery.domain import clock
from chancery.domain.accounts import User, actor_of
from chancery.domain.publication import Actor, Publication, can_view


@dataclass(frozen=True)
class Reader:
    """A reader: their role and the date their reading is judged on (embargoes end on it)."""

    actor: Actor
    today: date

    @classmethod
    def public(cls) -> Reader:
        """An anonymous reader today: the web, the API, OAI-PMH, IIIF."""
        return cls(Actor.PUBLIC, clock.today())

    @classmethod
    def editor(cls) -> Reader:
        """The operator at the command line, who sees everything."""
        return cls(Actor.EDITOR, clock.today())

    @classmethod
    def account(cls, user: User | None) -> Reader:
        """An account reading today (an API token's, a login's): an enabled editor, reviewer
        or admin sees what editors see; anyone else, or no one, what the public sees."""
        return cls(actor_of(user), clock.today())

    @classmethod
    def of(cls, who: Reader | Actor) -> Reader:
        """A Reader as given, or an actor reading today (for callers that name only a role)."""
        return who if isinstance(who, Reader) else cls(who, clock.today())

    @property
    def is_editor(self) -> bool:
        """Whether this reader sees drafts, reviews, withdrawals and embargoes."""
        return self.actor is Actor.EDITOR

    def can_view(self, publication: Publication) -> bool:
        """The access rule for this reader on their date."""
        return can_view(self.actor, publication, self.today)
