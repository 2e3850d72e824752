"""Cutting a document into the passages search by meaning embeds."""

from __future__ import annotations

from chancery.domain.documents import Document
from chancery.domain.passages import PASSAGE_WORDS, passages_of
from chancery.domain.texts import TextVersion


def _doc(body: str, summary: str = "") -> Document:
    return Document(public_id="d1", title="Note from the Soviet Government", summary=summary,
                    texts=(TextVersion("en", body=body, key="en-translation"),))


def test_title_and_summary_come_first_then_paragraph_runs() -> None:
    body = "\n\n".join(["First paragraph " * 20, "Second one " * 30, "Third " * 100])
    got = passages_of(_doc(body, summary="On Berlin."))
    assert got[0].where == "summary#0"
    assert got[0].text == "Note from the Soviet Government On Berlin."
    # 40 + 60 words fit one run; the 100-word paragraph would overflow it, so starts its own
    assert [p.where for p in got[1:]] == ["en-translation#0", "en-translation#2"]
    assert all(len(p.text.split()) <= PASSAGE_WORDS for p in got)


def test_a_long_paragraph_is_cut_and_a_short_tail_joins_the_run_before() -> None:
    body = "\n\n".join(["word " * (PASSAGE_WORDS * 2 + 3), "Secret."])
    got = passages_of(_doc(body))
    assert [p.where for p in got[1:]] == ["en-translation#0", "en-translation#0"]
    assert sum(len(p.text.split()) for p in got[1:]) == PASSAGE_WORDS * 2 + 4
    assert got[-1].text.endswith("Secret.")


def test_empty_text_gives_only_the_title() -> None:
    got = passages_of(_doc(""))
    assert [p.where for p in got] == ["summary#0"]
