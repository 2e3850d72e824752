"""Actions on many documents at once from the workspace's search: on a selection of results,
or on everything a search finds.

A selection is a list of ids from the browser, so it is taken only as far as the account may
see those documents. A whole result is never a list from the browser: the search is run
again here, as the account, and capped at MAX_WHOLE documents, so one click cannot start an
hour's work inside a web request (the command line has no cap: `chancery publish --query`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chancery.domain.accounts import Role, User
from chancery.domain.readers import Reader
from chancery.domain.workflow import EMBARGO_NEEDS, NEEDS, Acting, Refused, Step
from chancery.services.publishing import Outcome, Publishing
from chancery.services.search import Search

MAX_WHOLE = 500  # documents a whole-result action takes (about 10 ms each on SQLite)
MAX_SELECTION = 100  # ids a selection may name: more than one page of results shows
# action -> what the result page says was done
ACTIONS = {"submit": "submitted for review", "publish": "published", "withdraw": "withdrawn",
           "embargo": "embargoed", "clear-embargo": "embargo cleared",
           "add-to-collection": "added to the collection"}


@dataclass(frozen=True)
class BulkOrder:
    """What a bulk form asks: an action, on the selected ids or (``whole``) on every
    document the search ``query`` with ``filters`` finds."""

    action: str
    ids: tuple[str, ...] = ()
    whole: bool = False
    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    until: str = ""  # the embargo's end, YYYY-MM-DD
    collection: str = ""  # the collection's key
    comment: str = ""


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: how many documents it was given, which changed, which were
    refused and why."""

    action: str
    asked: int
    outcome: Outcome

    @property
    def done(self) -> str:
        """The action as the result page says it ("published")."""
        return ACTIONS[self.action]


def run_bulk(search: Search, publishing: Publishing, user: User, order: BulkOrder) -> BulkResult:
    """Take the action on the documents the order names, as the account. Refused (nothing
    changed) for an unknown action, a form that is not right, a result over MAX_WHOLE, or a
    state) is in the result. PermissionError (nothing changed) for a role that does not take
    the action at all."""
    if order.action not in ACTIONS:
        raise Refused("choose an action: " + ", ".join(ACTIONS))
    acting = Acting.of(user)
    try:
        acting.check(f"to {order.action}", _needs(order.action))
    except Refused as exc:
        raise PermissionError(exc.message) from None
    until = _until(order) if order.action == "embargo" else None
    if order.action == "add-to-collection" and not order.collection.strip():
        raise Refused("give the key of the collection to add the documents to")
    ids, unseen = _chosen(search, Reader.account(user), order)
    if not ids and not unseen:
        raise Refused("no document is selected: tick some results, or choose all found")
    if order.action == "add-to-collection":
        outcome = publishing.add_to_collection(ids, order.collection.strip(), acting, order.comment)
    elif order.action in ("embargo", "clear-embargo"):
        outcome = publishing.set_embargo(ids, until, acting, order.comment)
    else:
        outcome = publishing.take_step(ids, Step(order.action), acting, order.comment)
    outcome.refused += [(i, "no such document") for i in unseen]
    return BulkResult(order.action, len(ids) + len(unseen), outcome)


def _needs(action: str) -> Role:
    if action in ("embargo", "clear-embargo"):
        return EMBARGO_NEEDS
    return Role.EDITOR if action == "add-to-collection" else NEEDS[Step(action)]


def _chosen(search: Search, reader: Reader, order: BulkOrder) -> tuple[list[str], list[str]]:
    """The ids to act on, and those named that the reader may not see (or that are not)."""
    if order.whole:
        found = search.select(order.query, filters=order.filters, reader=reader)
        if found.total > MAX_WHOLE:
            raise Refused(f"the search finds {found.total:,} documents; an action on a whole "
                          f"result takes at most {MAX_WHOLE:,} here: narrow the search, or "
                          "use the command line (chancery publish --query …)")
        return [pid for chunk in found.chunks for pid in chunk], []
    if len(order.ids) > MAX_SELECTION:
        raise Refused(f"at most {MAX_SELECTION} documents may be selected at once")
    wanted = list(dict.fromkeys(i.strip() for i in order.ids if i.strip()))
    seen = {s.document.public_id for s in
            search.catalogue.documents_seen_by(wanted, reader.actor, reader.today)}
    return [i for i in wanted if i in seen], [i for i in wanted if i not in seen]


def _until(order: BulkOrder) -> date:
    try:
        return date.fromisoformat(order.until.strip())
    except ValueError:
        raise Refused("give the day the embargo ends as a date (YYYY-MM-DD)") from None
