"""Suggestions in the catalogue (migration 0021): what the suggest stages found in each
document, with what an editor decided. Only the workspace reads them; nothing public does.

A stage run again replaces the document's open suggestions and leaves the decided ones as
they are: a finding an editor rejected is not offered again, one accepted is not offered
twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from chancery.domain.editing import stamp
from chancery.domain.suggestion_fields import Suggestion, identity
from chancery.domain.suggestions import Decision, Finding, Kind
from chancery.storage.tables import metadata

MAX_KEY = 300  # characters of an authority key kept (keys are far shorter)
MAX_STAGE = 60

suggestions = Table(
    "suggestions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False),
    Column("kind", String(20), nullable=False),  # domain.suggestions.Kind
    Column("value", Text, nullable=False),  # as the workspace shows it ("18 Jul 63")
    Column("data", JSON, nullable=False),  # the parts a field needs: {"start": "1963-07-18"}
    Column("confidence", Float, nullable=False),  # 0-1
    Column("evidence", Text, nullable=False),  # the words it came from
    Column("evidence_start", Integer, nullable=False),  # offsets in the text read; -1: none
    Column("evidence_end", Integer, nullable=False),
    Column("authority_key", String(MAX_KEY), nullable=False),  # "" proposes a new record
    Column("stage", String(MAX_STAGE), nullable=False),  # "date/1"
    Column("decision", String(12), nullable=False),  # domain.suggestions.Decision
    Column("decided_by", String(320), nullable=False),  # "" while open
    Column("decided_at", DateTime, nullable=True),
    Column("corrected", Text, nullable=False),  # the value put in its place; "" if none
    Index("ix_suggestions_document", "document_id", "decision"),
)


def _row(document_id: int, f: Finding) -> dict[str, Any]:
    return {"document_id": document_id, "kind": f.kind.value, "value": f.value,
            "data": {str(k): str(v) for k, v in f.data.items()},
            "confidence": max(0.0, min(1.0, float(f.confidence))), "evidence": f.evidence,
            "evidence_start": f.start, "evidence_end": f.end,
            "authority_key": f.authority_key[:MAX_KEY], "stage": f.stage[:MAX_STAGE],
            "decision": Decision.OPEN.value, "decided_by": "", "decided_at": None,
            "corrected": ""}


def _suggestion(row: Any) -> Suggestion:
    finding = Finding(Kind(row.kind), row.value, row.confidence, row.evidence,
                      row.evidence_start, row.evidence_end, dict(row.data or {}),
                      row.authority_key, row.stage)
    return Suggestion(row.id, row.document_id, finding, Decision(row.decision), row.decided_by,
                      stamp(row.decided_at), row.corrected)


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per identity, the surest kept (a stage may read a name twice)."""
    best: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        key = identity(f)
        if key not in best or f.confidence > best[key].confidence:
            best[key] = f
    return list(best.values())


class SqlSuggestions:
    """The documents' suggestions, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def store(self, document_id: int, findings: Sequence[Finding]) -> int:
        """Put these findings in place of the document's open suggestions, leaving out any
        an editor has decided on already; how many are open now. One transaction: the
        workspace reads the old list or the new one."""
        with self.engine.begin() as conn:
            conn.execute(delete(suggestions).where(
                suggestions.c.document_id == document_id,
                suggestions.c.decision == Decision.OPEN.value))
            decided = {identity(s.finding) for s in map(_suggestion, conn.execute(
                select(suggestions).where(suggestions.c.document_id == document_id)))}
            fresh = [f for f in _unique(findings) if identity(f) not in decided]
            if fresh:
                conn.execute(insert(suggestions), [_row(document_id, f) for f in fresh])
        return len(fresh)

    def of_document(self, document_id: int) -> list[Suggestion]:
        """Every suggestion of a document, open and decided, surest first within a kind."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(suggestions)
                                .where(suggestions.c.document_id == document_id)
                                .order_by(suggestions.c.kind, suggestions.c.confidence.desc(),
                                          suggestions.c.id)).all()
        return [_suggestion(r) for r in rows]

    def decide(self, ids: Sequence[int], decision: Decision, by: str, at: datetime,
               corrected: str = "") -> list[int]:
        """Record the decision on those of ``ids`` still open; which they were (another
        editor may have decided on one in the meantime)."""
        if not ids:
            return []
        with self.engine.begin() as conn:
            still = [int(i) for i in conn.execute(select(suggestions.c.id).where(
                suggestions.c.id.in_(list(ids)),
                suggestions.c.decision == Decision.OPEN.value).with_for_update()).scalars()]
            if still:
                conn.execute(update(suggestions).where(suggestions.c.id.in_(still)).values(
                    decision=decision.value, decided_by=by[:320], decided_at=at,
                    corrected=corrected))
        return sorted(still)
