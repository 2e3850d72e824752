"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106's second recommendation:
64 MiB, 3 passes; measured 0.16 s a hash or a check on the 2-core development machine)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()


@cache
def _dummy() -> str:
    """Checked against when an email has no account or no password, so that a login takes
    as long either way (the time would otherwise tell which emails have accounts). Made on
    first use, not at import: a hash costs 0.16-0.6 s, which every command would pay."""
    return _HASHER.hash("not a password of anyone's")


def hash_password(password: str) -> str:
    """The Argon2id hash to store (salted; never logged)."""
    return _HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from; a missing hash never matches
    but costs the same time."""
    try:
        return _HASHER.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
