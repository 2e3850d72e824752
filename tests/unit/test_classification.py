"""Markings as printed map onto normalised levels, with caveats kept."""

import pytest

from chancery.domain.classification import Level, classify_marking


@pytest.mark.parametrize(("marking", "level"), [
    ("Strictly confidential", Level.CONFIDENTIAL),
    ("Completely Secret", Level.TOP_SECRET),
    ("Совершенно секретно", Level.TOP_SECRET),
    ("Streng geheim", Level.TOP_SECRET),
    ("Secret; Niact", Level.SECRET),
    ("Top Secret; Eyes Only", Level.TOP_SECRET),
    ("Limited Official Use", Level.RESTRICTED),
    ("Unclassified", Level.UNCLASSIFIED),
    ("", Level.UNKNOWN),
    ("Secretary of State", Level.UNKNOWN),
])
def test_levels(marking: str, level: Level) -> None:
    """Each marking gets its level; 'Secretary' is not 'Secret'."""
    assert classify_marking(marking).level is level


def test_caveats_and_marking_as_printed() -> None:
    """Handling caveats are listed and the marking is kept verbatim (whitespace folded)."""
    c = classify_marking("Secret;  Niact; Eyes Only")
    assert c.marking == "Secret; Niact; Eyes Only"
    assert c.caveats == ("Eyes Only", "Niact")


def test_levels_are_ordered() -> None:
    """Top secret outranks secret, which outranks confidential."""
    assert Level.TOP_SECRET.rank > Level.SECRET.rank > Level.CONFIDENTIAL.rank > Level.UNKNOWN.rank
