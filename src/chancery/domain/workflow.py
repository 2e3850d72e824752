"""The editorial workflow: which steps move a document between publication states, who may
take them, and what each leaves in the document's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from chancery.domain.accounts import OPERATOR, Role, User, can_use_workspace, has_role
from chancery.domain.publication import Publication, PublicationState

# who acts when no account is named (no --as, no CHANCERY_USER): one person for four eyes
LOCAL_OPERATOR = "local operator"
_ACTOR_LENGTH = 120  # what the catalogue keeps of a name (revisions.actor)

_S = PublicationState


class Step(StrEnum):
    """A move in the workflow, as the command that takes it is named."""

    SUBMIT = "submit"  # draft -> in review: asks a reviewer to look
    PUBLISH = "publish"  # in review -> published: a reviewer approves
    WITHDRAW = "withdraw"  # published -> withdrawn: taken down at once, a tombstone stays
    REINSTATE = "reinstate"  # withdrawn -> in review: back to a reviewer, never straight out
    REQUEST_CHANGES = "request-changes"  # in review -> draft, with the reviewer's comment

    @property
    def done(self) -> str:
        """The step as a history line says it ("submitted for review")."""
        return _DONE[self]


_MOVES: dict[Step, tuple[PublicationState, PublicationState]] = {
    Step.SUBMIT: (_S.DRAFT, _S.IN_REVIEW),
    Step.PUBLISH: (_S.IN_REVIEW, _S.PUBLISHED),
    Step.WITHDRAW: (_S.PUBLISHED, _S.WITHDRAWN),
    Step.REINSTATE: (_S.WITHDRAWN, _S.IN_REVIEW),
    Step.REQUEST_CHANGES: (_S.IN_REVIEW, _S.DRAFT),
}
_DONE = {Step.SUBMIT: "submitted for review", Step.PUBLISH: "published",
         Step.WITHDRAW: "withdrawn", Step.REINSTATE: "reinstated for review",
         Step.REQUEST_CHANGES: "changes requested"}


# the least role each change needs (each role may do what the ones below it may); the local
# operator, who runs `chancery` on the server itself, may take every step
NEEDS: dict[Step, Role] = {
    Step.SUBMIT: Role.EDITOR,
    Step.PUBLISH: Role.REVIEWER,
    Step.WITHDRAW: Role.REVIEWER,
    Step.REINSTATE: Role.REVIEWER,
    Step.REQUEST_CHANGES: Role.REVIEWER,
}
EMBARGO_NEEDS = Role.REVIEWER  # an embargo decides when the public sees a document
_WHO_MAY = {Role.EDITOR: "an editor, a reviewer or an admin",
            Role.REVIEWER: "a reviewer or an admin", Role.ADMIN: "an admin"}


class Refused(Exception):
    """A step the workflow does not allow; the message says why, in words for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WorkflowEvent:
    """One step taken: who moved the document from which state to which, when, and why."""

    at: datetime
    actor: str
    from_state: PublicationState
    to_state: PublicationState
    comment: str = ""


@dataclass(frozen=True)
class Acting:
    """Who takes a step: an account (its email and role), or the local operator (no role),
    who may take every step."""

    name: str
    role: Role | None = None
    # how the step came in, for the audit log: (("via", "api"), ("token", 7)) for a token
    via: tuple[tuple[str, object], ...] = ()

    @classmethod
    def operator(cls) -> Acting:
        """The person at the server's own command line, with no --as."""
        return cls(LOCAL_OPERATOR)

    @classmethod
    def of(cls, user: User) -> Acting:
        """An account acting; Refused for one that is disabled or not on the staff."""
        if user.disabled:
            raise Refused(f"the account {user.email} is disabled")
        if not can_use_workspace(user):
            raise Refused(f"{user.email} has the {user.role.value} role, which takes no "
                          "editorial step (an admin can give it another: chancery user role)")
        return cls(actor_name(user.email), user.role)

    @property
    def audit_name(self) -> str:
        """The name the audit log gives: the account's email, or the operator's."""
        return OPERATOR if self.role is None else self.name

    def may(self, needed: Role) -> bool:
        """Whether this person's role includes ``needed``."""
        return self.role is None or has_role(self.role, needed)

    def check(self, what: str, needed: Role) -> None:
        """Refused when this person may not do ``what``, which needs the role ``needed``."""
        if not self.may(needed):
            role = self.role.value if self.role else ""
            raise Refused(f"{self.name} is {_article(role)} {role}; {what} is for "
                          f"{_WHO_MAY[needed]}")


def revert_needs(state: PublicationState) -> Role:
    """The role a revert needs: an editor's while no reader has seen the document; once it
    is published or withdrawn, changing what readers saw (or see) is a reviewer's call."""
    return Role.EDITOR if state in (_S.DRAFT, _S.IN_REVIEW) else Role.REVIEWER


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def actor_name(given: str | None) -> str:
    """Who acts: the account named, else the local operator."""
    name = (given or "").strip()
    if len(name) > _ACTOR_LENGTH:
        raise Refused(f"an account name is at most {_ACTOR_LENGTH} characters")
    return name or LOCAL_OPERATOR


def next_state(step: Step, current: PublicationState, actor: str, comment: str,
               last_submitter: str | None, allow_self_approval: bool) -> PublicationState:
    """The state a step leads to from ``current``; Refused when the workflow forbids it."""
    start, target = _MOVES[step]
    if current is target:
        raise Refused(f"it is already {current.value}")
    if current is not start:
        raise Refused(f"it is {current.value}; {step.value} takes a document that is "
                      f"{start.value}{_way_from(current)}")
    if step is Step.REQUEST_CHANGES and not comment.strip():
        raise Refused("requesting changes needs a comment (--comment) saying what to change")
    if step is Step.PUBLISH and last_submitter == actor and not allow_self_approval:
        raise Refused(f"{actor} submitted it for review, so someone else must publish it "
                      "(four eyes; the setting allow_self_approval lifts this)")
    return target


def steps_from(current: PublicationState) -> list[Step]:
    """The steps that lead on from a state."""
    return [s for s, (start, _) in _MOVES.items() if start is current]


def _way_from(current: PublicationState) -> str:
    """The steps that do lead on from a state, as a hint."""
    ways = [s.value for s in steps_from(current)]
    return f" (from {current.value}: {' or '.join(ways)})" if ways else ""


def embargoed(publication: Publication, until: date | None, today: date) -> Publication:
    """The publication with an embargo set (public from ``until`` on) or cleared (None)."""
    if until is not None and until <= today:
        raise Refused(f"the embargo date {until.isoformat()} is not in the future; to make it "
                      "public now, use --clear")
    if until == publication.embargo_until:
        raise Refused("the embargo is already " + (f"until {until.isoformat()}" if until
                                                   else "clear"))
    return Publication(publication.state, until)


def last_submitter(events: list[WorkflowEvent]) -> str | None:
    """Who last sent the document to review (a submission or a reinstatement), if anyone."""
    sent = [e for e in events if e.to_state is PublicationState.IN_REVIEW]
    return sent[-1].actor if sent else None
