"""How the funder line names its funders."""

from __future__ import annotations

from chancery.domain.provenance import funder_phrase


def test_an_institution_is_named_with_the() -> None:
    assert funder_phrase(("Leon Levy Foundation",)) == "the Leon Levy Foundation"


def test_several_funders_are_joined_with_and() -> None:
    assert funder_phrase(("Leon Levy Foundation", "Korea Foundation", "Carnegie Corporation of "
                          "New York")) == ("the Leon Levy Foundation, the Korea Foundation and "
                                           "Carnegie Corporation of New York")


def test_a_name_that_has_its_article_keeps_one() -> None:
    assert funder_phrase(("The MacArthur Foundation",)) == "The MacArthur Foundation"
