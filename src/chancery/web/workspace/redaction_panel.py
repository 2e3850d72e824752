"""What a document's workspace page shows of its redactions: each one with its state and the
buttons the account may press, the texts with the withheld words marked, and the choices of
the forms that add one (text versions, fields, linked records)."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.bootstrap import App
from chancery.domain.accounts import User
from chancery.domain.redactions import (
    LINK_PREFIX,
    REDACTABLE_FIELDS,
    Redaction,
    RedactionKind,
    RedactionState,
    marked,
)
from chancery.domain.workflow import Acting, Refused
from chancery.services.redacting import APPROVE_NEEDS, REDACT_NEEDS, REQUEST_NEEDS, field_value

REDACTION_DONE = {"redact": "Redacted: the public no longer reads it.",
                  "request-removal": "Removal asked for: the redaction stays in force until a "
                                     "reviewer approves.",
                  "approve-removal": "Redaction lifted: the public reads it again."}


@dataclass(frozen=True)
class MarkedText:
    """A text version with the pieces its redactions withhold marked."""

    key: str
    label: str
    pieces: list[tuple[str, Redaction | None]]


@dataclass(frozen=True)
class RedactionPanel:
    """The page's redactions section for one account."""

    redactions: list[Redaction]  # every one the document has had, oldest first
    texts: list[MarkedText]
    fields: list[tuple[str, str, list[Redaction]]]  # (name, value, redactions in force on it)
    links: list[tuple[str, str, bool]]  # (record key, name, withheld)
    scans: list[tuple[str, str, int]]  # (the original's sha256, file name, pages), in order
    may_redact: bool
    may_request: bool
    may_approve: bool


def redaction_panel(app: App, user: User, public_id: str) -> RedactionPanel | None:
    """The section for this account; None when the document cannot be read."""
    try:
        stored, every = app.redacting.redactions(public_id)
        acting = Acting.of(user)
    except Refused:
        return None
    live = [r for r in every if r.state is not RedactionState.REMOVED]
    texts = [MarkedText(t.version_key, t.shown_label,
                        marked(t.body, [r for r in live if r.kind is RedactionKind.TEXT
                                        and r.version == t.version_key]))
             for t in stored.document.texts]
    fields = [(name, field_value(stored, name), [r for r in live if r.field == name])
              for name in REDACTABLE_FIELDS]
    withheld = {r.field[len(LINK_PREFIX):] for r in live if r.field.startswith(LINK_PREFIX)}
    links = [(la.authority.key, la.authority.name, la.authority.key in withheld)
             for la in stored.authorities]
    return RedactionPanel(every, texts, [f for f in fields if f[1]],
                          list(dict.fromkeys(links)),
                          [(m.sha256, m.filename, max(1, m.pages or 1))
                           for m in stored.document.media],
                          acting.may(REDACT_NEEDS),
                          acting.may(REQUEST_NEEDS), acting.may(APPROVE_NEEDS))
