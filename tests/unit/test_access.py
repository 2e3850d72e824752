"""The access rule: only published, un-embargoed documents are public."""

from datetime import date

import pytest

from chancery.domain.publication import Actor, Publication, PublicationState, can_view, is_public

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("pub", "public"), [
    (Publication(PublicationState.PUBLISHED), True),
    (Publication(PublicationState.PUBLISHED, date(2026, 11, 25)), True),
    (Publication(PublicationState.PUBLISHED, date(2026, 11, 26)), False),
    (Publication(PublicationState.DRAFT), False),
    (Publication(PublicationState.IN_REVIEW), False),
    (Publication(PublicationState.WITHDRAWN), False),
])
def test_public_visibility(pub: Publication, public: bool) -> None:
    """Each state and embargo date gives the expected public visibility."""
    assert is_public(pub, TODAY) is public
    assert can_view(Actor.PUBLIC, pub, TODAY) is public
    assert can_view(Actor.EDITOR, pub, TODAY)
