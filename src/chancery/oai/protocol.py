"""The OAI-PMH 2.0 request rules: verbs, their arguments, dates, resumption tokens, and the
protocol's error codes. Nothing here reads the catalogue."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

VERBS: dict[str, tuple[set[str], set[str]]] = {  # verb -> (required, optional) arguments
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_ROW_IDS = 2**63  # row ids and positions are 64-bit integers in SQL
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")


class OaiError(Exception):
    """An OAI-PMH error: its code and a message for the harvester's operator."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class ListRequest:
    """A ListIdentifiers / ListRecords request, first page or resumed."""

    prefix: str
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    set_spec: str | None = None
    after: tuple[datetime, int] | None = None
    cursor: int = 0
    args: tuple[tuple[str, str], ...] = ()  # as the harvester sent them (for <request>)


def check_arguments(params: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments; raises OaiError(badVerb | badArgument)."""
    seen: dict[str, str] = {}
    for name, value in params:
        if name in seen:
            raise OaiError("badVerb" if name == "verb" else "badArgument",
                           f"the argument {name!r} is given more than once")
        seen[name] = value
    verb = seen.pop("verb", "")
    if verb not in VERBS:
        raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb" if verb else "no verb given")
    required, optional = VERBS[verb]
    if "resumptionToken" in seen:
        if set(seen) != {"resumptionToken"}:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument")
        return verb, seen
    unknown = sorted(set(seen) - required - optional)
    if unknown:
        raise OaiError("badArgument", f"{verb} takes no argument {unknown[0]!r}")
    missing = sorted(required - set(seen))
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument {missing[0]!r}")
    return verb, seen


def _moment(value: str, name: str) -> tuple[datetime, bool]:
    """(the moment, whether it was given to the day)."""
    try:
        if _DAY.match(value):
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC), True
        if _SECOND.match(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), False
    except ValueError:
        pass
    raise OaiError("badArgument", f"{name}={value!r}: use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")


def list_request(args: dict[str, str], prefixes: set[str]) -> ListRequest:
    """A first-page list request; raises OaiError."""
    prefix = args["metadataPrefix"]
    if prefix not in prefixes:
        raise OaiError("cannotDisseminateFormat", f"no metadata format {prefix!r}; see ListMetadataFormats")
    since = until = None
    granularity: set[bool] = set()
    if "from" in args:
        since, day = _moment(args["from"], "from")
        granularity.add(day)
    if "until" in args:
        moment, day = _moment(args["until"], "until")
        # until is inclusive: the whole day, or the whole second (to the end of time at most)
        try:
            until = moment + (timedelta(days=1) if day else timedelta(seconds=1))
        except OverflowError:
            until = None
        granularity.add(day)
    if len(granularity) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity")
    if since and until and since >= until:
        raise OaiError("badArgument", "from is later than until")
    set_spec = args.get("set")
    if set_spec is not None and not SET_SPEC.match(set_spec):
        raise OaiError("badArgument", f"set={set_spec!r} is not a setSpec")
    return ListRequest(prefix, since, until, set_spec, args=tuple(sorted(args.items())))


def make_token(req: ListRequest, after: tuple[datetime, int], cursor: int) -> str:
    """A resumption token holding the whole state: it works after a restart, on any worker."""
    state: dict[str, Any] = {"m": req.prefix, "a": [after[0].isoformat(), after[1]], "c": cursor,
                             "f": req.since.isoformat() if req.since else None,
                             "u": req.until.isoformat() if req.until else None, "s": req.set_spec}
    raw = json.dumps(state, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(token: str, prefixes: set[str]) -> ListRequest:
    """The request a resumption token continues; raises OaiError(badResumptionToken)."""
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        at, last_id = state["a"]
        last_id, cursor = int(last_id), int(state["c"])
        if not (0 <= last_id < _ROW_IDS and 0 <= cursor < _ROW_IDS):  # a huge one was a 500
            raise ValueError("a position no list of ours reaches")
        req = ListRequest(state["m"], _iso(state["f"]), _iso(state["u"]), state["s"],
                          (datetime.fromisoformat(at), last_id), cursor)
        if not isinstance(req.prefix, str) or req.prefix not in prefixes or (
                req.set_spec is not None and not SET_SPEC.match(req.set_spec)):
            raise ValueError("not a token of ours")
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise OaiError("badResumptionToken", "this resumptionToken was not made here") from exc
    return req


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def set_spec(collection_key: str) -> str:
    """A collection key as a setSpec: "frus/frus1958-60v19" -> "frus:frus1958-60v19"."""
    return collection_key.replace("/", ":")


def collection_key(spec: str) -> str:
    """The collection key of a setSpec."""
    return spec.replace(":", "/")
