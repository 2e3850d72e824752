"""The workflow's rules, in the pure domain: which steps lead where, four eyes, embargo dates,
and what a revert writes back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chancery.domain.accounts import Role, User
from chancery.domain.history import HistoryEntry, values_at
from chancery.domain.publication import Publication
from chancery.domain.publication import PublicationState as S
from chancery.domain.workflow import (
    EMBARGO_NEEDS,
    LOCAL_OPERATOR,
    NEEDS,
    Acting,
    Refused,
    Step,
    WorkflowEvent,
    actor_name,
    embargoed,
    last_submitter,
    next_state,
    revert_needs,
)

ALLOWED = {(Step.SUBMIT, S.DRAFT): S.IN_REVIEW, (Step.PUBLISH, S.IN_REVIEW): S.PUBLISHED,
           (Step.WITHDRAW, S.PUBLISHED): S.WITHDRAWN, (Step.REINSTATE, S.WITHDRAWN): S.IN_REVIEW,
           (Step.REQUEST_CHANGES, S.IN_REVIEW): S.DRAFT}
AT = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _next(step: Step, state: S, actor: str = "b@example.org", comment: str = "why",
          submitter: str | None = "a@example.org", allow: bool = False) -> S:
    return next_state(step, state, actor, comment, submitter, allow)


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("state", list(S))
def test_each_step_leads_only_from_its_own_state(step: Step, state: S) -> None:
    """The five moves of the issue work; every other pair is refused, saying the state."""
    if (step, state) in ALLOWED:
        assert _next(step, state) is ALLOWED[(step, state)]
    else:
        with pytest.raises(Refused) as refused:
            _next(step, state)
        assert state.value in refused.value.message


def test_a_refusal_names_the_way_on() -> None:
    """Publishing a draft says it must be submitted first."""
    with pytest.raises(Refused, match=r"it is draft; publish takes a document that is in-review "
                                      r"\(from draft: submit\)"):
        _next(Step.PUBLISH, S.DRAFT)
    with pytest.raises(Refused, match="already published"):
        _next(Step.PUBLISH, S.PUBLISHED)


def test_requesting_changes_needs_a_comment() -> None:
    with pytest.raises(Refused, match="needs a comment"):
        _next(Step.REQUEST_CHANGES, S.IN_REVIEW, comment="  ")


def test_four_eyes_refuses_the_submitter_unless_the_setting_allows() -> None:
    """The submitter may not publish (the local operator is one person too), unless allowed."""
    for who in ("a@example.org", LOCAL_OPERATOR):
        with pytest.raises(Refused, match="four eyes"):
            _next(Step.PUBLISH, S.IN_REVIEW, actor=who, submitter=who)
        assert _next(Step.PUBLISH, S.IN_REVIEW, actor=who, submitter=who, allow=True) is S.PUBLISHED
    assert _next(Step.PUBLISH, S.IN_REVIEW, actor="b@example.org") is S.PUBLISHED
    assert _next(Step.PUBLISH, S.IN_REVIEW, submitter=None) is S.PUBLISHED  # imported in review


def test_the_last_submission_counts_reinstatement_too() -> None:
    events = [WorkflowEvent(AT, "a", S.DRAFT, S.IN_REVIEW), WorkflowEvent(AT, "b", S.IN_REVIEW, S.PUBLISHED),
              WorkflowEvent(AT, "b", S.PUBLISHED, S.WITHDRAWN),
              WorkflowEvent(AT, "c", S.WITHDRAWN, S.IN_REVIEW)]
    assert last_submitter(events) == "c"
    assert last_submitter(events[1:3]) is None


def test_who_acts() -> None:
    assert actor_name(None) == actor_name("  ") == LOCAL_OPERATOR
    assert actor_name(" a@example.org ") == "a@example.org"
    with pytest.raises(Refused, match="at most 120"):
        actor_name("a" * 121 + "@example.org")


# who may take each change: editors submit; reviewers and admins decide
MAY = {Role.EDITOR: {Step.SUBMIT}, Role.REVIEWER: set(Step), Role.ADMIN: set(Step)}


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER, Role.ADMIN])
def test_editors_submit_and_reviewers_decide(role: Role) -> None:
    """Editors submit (and edit); reviewers and admins also publish, withdraw, reinstate,
    request changes and set embargoes; the local operator may do all of it."""
    acting = Acting("x@example.org", role)
    for step in Step:
        assert acting.may(NEEDS[step]) is (step in MAY[role]), step
    assert acting.may(EMBARGO_NEEDS) is (role is not Role.EDITOR)
    assert all(Acting.operator().may(NEEDS[step]) for step in Step)
    assert Acting.operator().may(EMBARGO_NEEDS) and Acting.operator().audit_name == "operator"


def test_a_refusal_by_role_says_who_and_who_may() -> None:
    with pytest.raises(Refused) as refused:
        Acting("ed@example.org", Role.EDITOR).check("to publish", NEEDS[Step.PUBLISH])
    assert refused.value.message == ("ed@example.org is an editor; to publish is for a "
                                     "reviewer or an admin")
    assert (revert_needs(S.DRAFT), revert_needs(S.PUBLISHED)) == (Role.EDITOR, Role.REVIEWER)


def test_only_enabled_staff_accounts_act() -> None:
    """A disabled account, or one with the reader role, takes no step."""
    def user(role: Role, disabled: bool = False) -> User:
        return User(1, "u@example.org", role, disabled, AT)
    assert Acting.of(user(Role.REVIEWER)) == Acting("u@example.org", Role.REVIEWER)
    with pytest.raises(Refused, match="disabled"):
        Acting.of(user(Role.REVIEWER, disabled=True))
    with pytest.raises(Refused, match="reader role"):
        Acting.of(user(Role.READER))


def test_an_embargo_lies_in_the_future_and_changes_something() -> None:
    today = date(2026, 11, 30)
    pub = Publication(S.PUBLISHED)
    assert embargoed(pub, date(2026, 12, 1), today) == Publication(S.PUBLISHED, date(2026, 12, 1))
    with pytest.raises(Refused, match="not in the future"):
        embargoed(pub, today, today)
    with pytest.raises(Refused, match="already clear"):
        embargoed(pub, None, today)


def _entry(n: int, **changes: list[object]) -> HistoryEntry:
    return HistoryEntry(n, AT, "x", "", dict(changes))


def test_values_at_undoes_every_later_revision_but_not_publication() -> None:
    """Reverting to 1 brings back the first title and summary; the state stays the workflow's."""
    entries = [_entry(1), _entry(2, title=["One", "Two"]),
               _entry(3, title=["Two", "Three"], summary=["a", "b"],
                      publication=[{"state": "draft"}, {"state": "published"}])]
    now = {"title": "Three", "summary": "b", "publication": {"state": "published"}}
    assert values_at(now, entries, 1) == {"title": "One", "summary": "a"}
    assert values_at(now, entries, 2) == {"title": "Two", "summary": "a"}
    with pytest.raises(Refused, match="nothing to revert"):
        values_at(now, entries, 3)
    with pytest.raises(Refused, match="revisions 1 to 3"):
        values_at(now, entries, 0)
