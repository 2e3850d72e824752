"""The search grammar: what readers type becomes the tree the engine compiles."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest

from chancery.search.grammar import (
    And,
    DateRange,
    MatchAll,
    Not,
    Or,
    Phrase,
    QueryError,
    Word,
    parse_filters,
    parse_query,
    positive_words,
)


@pytest.mark.parametrize(("text", "tree"), [
    ("soviet experts", And((Word("soviet"), Word("experts")))),
    ('"Soviet experts"', Phrase("Soviet experts")),
    ("Khrushchev OR Mao", Or((Word("Khrushchev"), Word("Mao")))),
    ("berlin -wall", And((Word("berlin"), Not(Word("wall"))))),
    ("berlin NOT wall", And((Word("berlin"), Not(Word("wall"))))),
    ("berlin AND wall", And((Word("berlin"), Word("wall")))),
    ("diplomat*", Word("diplomat", prefix=True)),
    ("Khrushcev~", Word("Khrushcev", fuzzy=1)),
    ("Khrushcev~2", Word("Khrushcev", fuzzy=2)),
    ("Sino-Soviet", Word("Sino-Soviet")),
    ("(a OR b) c", And((Or((Word("a"), Word("b"))), Word("c")))),
    ('place:"Taiwan Strait"', Phrase("Taiwan Strait", "place")),
    ("author:(Herter OR Dulles)", Or((Word("Herter", "author"), Word("Dulles", "author")))),
    ("Title:Berlin", Word("Berlin", "title")),
    ("date:1958..1960", DateRange(date(1958, 1, 1), date(1960, 12, 31))),
    ("date:1960-07", DateRange(date(1960, 7, 1), date(1960, 7, 31))),
    ("date:1960-07-18", DateRange(date(1960, 7, 18), date(1960, 7, 18))),
    ("date:..1959", DateRange(None, date(1959, 12, 31))),
    ("date:1961..", DateRange(date(1961, 1, 1), None)),
    ("", MatchAll()),
    ("   ", MatchAll()),
])
def test_queries_parse_to_their_tree(text: str, tree: object) -> None:
    """Each construct of docs/search.md parses to the tree it stands for."""
    assert parse_query(text) == tree


@pytest.mark.parametrize(("text", "message"), [
    ('"Soviet experts', "quotation mark is never closed"),
    ("(a OR b", "'(' is never closed"),
    ("a OR", "OR needs something on both sides"),
    ("OR a", "OR needs something on both sides"),
    ("a)", "')'"),
    ("foo:bar", "unknown field 'foo:'"),
    ("date:July", "date:July is not a date"),
    ("date:1960..1958", "ends before it starts"),
    ("a*", "at least two letters"),
    ('""', "empty quotation marks"),
    ("x" * 1001, "limit is 1,000"),
    (" ".join(["w"] * 65), "limit is 64"),
])
def test_malformed_queries_get_a_helpful_message(text: str, message: str) -> None:
    """A malformed query raises QueryError saying what is wrong, never anything else."""
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert message in caught.value.message


def test_positive_words_leave_out_exclusions() -> None:
    """Highlighting and name lookup see the wanted words, not the excluded ones."""
    tree = parse_query('Khrushchev "Soviet experts" -Mao date:1960')
    assert positive_words(tree) == [Word("Khrushchev"), Phrase("Soviet experts")]


def test_any_input_parses_or_raises_query_error() -> None:
    """Random strings of the grammar's own characters never raise anything but QueryError."""
    import random

    rng = random.Random(7)
    alphabet = ['"', "(", ")", "-", "*", "~", ":", " ", "OR", "NOT", "date:", "title:", "..",
                "1960", "a", "Хрущёв", "外交部", "\\", "\x00"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        with contextlib.suppress(QueryError):
            parse_query(text)


def test_facet_selections_are_read_one_way() -> None:
    """f=facet:value (web, API, feeds, downloads, CLI): values of a facet collect in order,
    spaces around the parts are dropped, and a selection without facet or value is refused
    (the web used to drop it silently)."""
    assert parse_filters(["type:letter", " year : 1960", "type:note",
                          "collection:frus/frus1958-60v19"]) == {
        "type": ("letter", "note"), "year": ("1960",), "collection": ("frus/frus1958-60v19",)}
    assert parse_filters(["place:place/taiwan-strait"]) == {"place": ("place/taiwan-strait",)}
    for bad in ("type", "type:", ":letter", "type=letter"):
        with pytest.raises(QueryError, match="facet:value"):
            parse_filters([bad])
