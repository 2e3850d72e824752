"""The search grammar: what readers type becomes the tree the engine compiles."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest

from chancery.search.grammar import (
    And,
    DateRange,
    MatchAll,
    Most,
    Not,
    Or,
    Phrase,
    QueryError,
    Word,
    every_word,
    is_relaxed,
    parse_filters,
    parse_query,
    positive_words,
    relax,
    required_words,
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


def test_a_query_of_ordinary_words_needs_most_of_them() -> None:
    """Three or more ordinary words: most must match, on a sliding scale; stop words are
    neither required nor counted; a repeated word counts once."""
    assert [required_words(n) for n in range(1, 11)] == [1, 2, 2, 3, 3, 4, 5, 5, 6, 6]
    tree = relax(parse_query("Soviet experts withdrawal 1960"))
    assert tree == Most((Word("Soviet"), Word("experts"), Word("withdrawal"), Word("1960")), 3)
    question = relax(parse_query("what did the Finnish president tell the Americans about "
                                 "Soviet pressure"))
    assert isinstance(question, Most) and question.minimum == 4
    assert [w.text for w in question.children] == ["Finnish", "president", "tell", "Americans",
                                                   "Soviet", "pressure"]
    assert relax(parse_query("the Berlin wall")) == And((Word("Berlin"), Word("wall")))
    assert relax(parse_query("Berlin Berlin wall")) == And((Word("Berlin"), Word("wall")))
    assert is_relaxed(question) and not is_relaxed(relax(parse_query("Berlin wall")))
    assert every_word(question) == And(question.children)


@pytest.mark.parametrize("text", [
    "Berlin wall", "Khrushchev", '"Soviet experts" withdrawal', "Taiwan OR Quemoy blockade",
    "diplomat* Soviet experts", "Khrushcev~ Berlin Vienna", "title:Berlin author:Herter place:Paris",
    "(Taiwan OR Quemoy) blockade Dulles", "the of and", ""])
def test_explicit_syntax_and_short_queries_keep_every_word_required(text: str) -> None:
    """Quotes, OR, -, fields, * and ~ keep their strict meaning; one or two ordinary words stay
    required; a query of stop words only is searched as typed."""
    tree = parse_query(text)
    assert relax(tree) == tree


def test_explicit_parts_stay_required_beside_relaxed_words() -> None:
    """In 'Kennedy Berlin visit Vienna date:1961 -Laos' the date and the exclusion hold for
    every result; only the four ordinary words are relaxed."""
    tree = relax(parse_query("Kennedy Berlin visit Vienna date:1961 -Laos"))
    assert isinstance(tree, And)
    assert tree.children[0] == DateRange(date(1961, 1, 1), date(1961, 12, 31))
    assert tree.children[1] == Not(Word("Laos"))
    assert tree.children[2] == Most((Word("Kennedy"), Word("Berlin"), Word("visit"),
                                     Word("Vienna")), 3)
    assert {w.text for w in positive_words(tree)} == {"Kennedy", "Berlin", "visit", "Vienna"}


@pytest.mark.parametrize(("text", "kept"), [
    ("отзыв специалистов в Китае", ("отзыв", "специалистов", "Китае")),
    ("Rückzug der sowjetischen Experten", ("Rückzug", "sowjetischen", "Experten")),
    ("le retrait des experts soviétiques", ("retrait", "experts", "soviétiques")),
])
def test_function_words_of_other_languages_are_not_required(text: str,
                                                            kept: tuple[str, ...]) -> None:
    relaxed = relax(parse_query(text))
    assert is_relaxed(relaxed)
    assert every_word(relaxed) == And(tuple(Word(w) for w in kept))
