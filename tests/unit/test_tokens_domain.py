"""The token rules on their own: reading the Authorization header, scopes, names, and which
role may take which step."""

from __future__ import annotations

import pytest

from chancery.domain.accounts import AccountError, Role
from chancery.domain.tokens import Scope, bearer_token, clean_name, may_embargo, may_take, parse_scope
from chancery.domain.workflow import Step


@pytest.mark.parametrize(("header", "token"), [
    ("Bearer chancery_abc", "chancery_abc"), ("bearer  chancery_abc ", "chancery_abc"),
    ("BEARER x", "x"), ("Bearer", None), ("Bearer ", None), ("Basic YTpi", None),
    ("Bearer a b", None), ("", None), ("Bearerx abc", None)])
def test_the_bearer_token_is_read_from_the_header(header: str, token: str | None) -> None:
    """RFC 6750: the scheme in any case, one token; anything else is no bearer token."""
    assert bearer_token(header) == token


def test_the_role_matrix() -> None:
    """Editors submit; reviewers and admins take every step and set embargoes; a reader
    nothing (written out here, not read from the rule)."""
    allowed = {role: {s.value for s in Step if may_take(role, s)} | (
        {"embargo"} if may_embargo(role) else set()) for role in Role}
    every = {s.value for s in Step} | {"embargo"}
    assert allowed == {Role.READER: set(), Role.EDITOR: {"submit"},
                       Role.REVIEWER: every, Role.ADMIN: every}


def test_scopes_and_names_are_checked() -> None:
    """read and write in any case; a name trimmed, at most 100 characters, no control ones."""
    assert parse_scope(" WRITE ") is Scope.WRITE
    assert clean_name("  nightly sync ") == "nightly sync"
    for bad in (lambda: parse_scope("admin"), lambda: clean_name("x" * 101),
                lambda: clean_name("a\tb")):
        with pytest.raises(AccountError):
            bad()
