"""Which queries search by meaning too, and how a matched passage is cut (issue #13)."""

from __future__ import annotations

import pytest

from chancery.services.search_meaning import asks_meaning, cut


@pytest.mark.parametrize("text", [
    "Soviet experts leaving China", "Хрущёв Берлин", "Abzug der sowjetischen Experten",
    "苏联专家撤离中国", "Sino-Soviet split", "what did Kennedy say at Vienna", "Khrushchev",
])
def test_plain_words_in_any_language_ask_meaning(text: str) -> None:
    assert asks_meaning(text)


@pytest.mark.parametrize("text", [
    '"Soviet experts"', "author:Herter Berlin", "Berlin -wall", "Khrushchev OR Mao",
    "Berlin AND wall", "NOT Berlin", "diplomat*", "Khrushcev~", "(Berlin wall)",
    "Berlin date:1961", "", "   ", 'unclosed "quote',
])
def test_explicit_syntax_stays_with_the_words(text: str) -> None:
    assert not asks_meaning(text)


def test_a_passage_is_cut_at_a_word_boundary() -> None:
    text = "word " * 100
    shown = cut(text.strip(), 50)
    assert shown.endswith(" …") and len(shown) <= 52
    assert shown[:-2].split() == ["word"] * len(shown[:-2].split())
    assert cut("short passage") == "short passage"
