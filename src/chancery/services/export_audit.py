"""Exports by editors in the audit log.

An export is a bulk read of whole records made with an editor's eyes — drafts, documents in
review, withdrawn and embargoed ones, redacted words, the original scans: `chancery export`
without --public, and the API's search with ``records=full`` under a staff token. Each
writes one line: who (the account, or the operator), the format, the query and facets, how
many documents, and for the API the token; never a word of what was exported. Reading one
document, a list of titles or a page of search hits is not an export (the workspace shows
the same to an editor), and what the public may read is not audited at all."""

from __future__ import annotations

from collections.abc import Sequence

from chancery.domain.readers import Reader
from chancery.services.publishing import AuditLog

EXPORT = "export"  # the audit log's action
MAX_QUERY = 500  # characters of a query kept: enough to see what was asked for


def record_export(audit: AuditLog, who: str, reader: Reader, fmt: str, count: int,
                  query: str | None = None, facets: Sequence[str] = (),
                  **where: object) -> bool:
    """Write the export to the audit log when ``reader`` reads as an editor; nothing for a
    public export. Returns whether a line was written."""
    if not reader.is_editor:
        return False
    asked: dict[str, object] = {}
    if query:
        asked["query"] = query[:MAX_QUERY]
    if facets:
        asked["facets"] = [f[:MAX_QUERY] for f in facets]
    audit(who, EXPORT, "", format=fmt, count=count, **asked, **where)
    return True
