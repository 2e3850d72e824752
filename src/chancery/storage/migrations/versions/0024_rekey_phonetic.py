"""authority_names.phonetic recomputed with the surname sound key of issue #13 (the old key,
jellyfish's Match Rating codex, gave Krushchev another key than Khrushchev); searching by an
unlisted spelling reads this column, so rows keyed the old way would find nothing

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

from collections.abc import Callable

import jellyfish
import sqlalchemy as sa
from alembic import op

from chancery.domain.authorities import fold, name_tokens
from chancery.domain.spellings import sound_key

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

_NAMES = sa.table('authority_names', sa.column('id', sa.Integer()), sa.column('name', sa.Text()),
                  sa.column('phonetic', sa.String(40)))
_BATCH = 5000  # rows per UPDATE round trip: names run to the hundred thousands


def upgrade() -> None:
    _rekey(sound_key)


def downgrade() -> None:
    _rekey(_match_rating_key)


def _rekey(key: Callable[[str], str]) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_NAMES.c.id, _NAMES.c.name, _NAMES.c.phonetic)).all()
    changed = [{'row_id': i, 'key': k} for i, n, old in rows if (k := key(n)) != old]
    update = (_NAMES.update().where(_NAMES.c.id == sa.bindparam('row_id'))
              .values(phonetic=sa.bindparam('key')))
    for start in range(0, len(changed), _BATCH):
        conn.execute(update, changed[start:start + _BATCH])


def _match_rating_key(name: str) -> str:
    """The key before 0024 (enrich/names.py until #13), for the code a downgrade goes back to."""
    tokens = name_tokens(name)
    if not tokens:
        return ""
    surname = fold(tokens[-1]) if "," not in name else fold(name.split(",")[0])
    latin = "".join(ch for ch in surname if "a" <= ch <= "z")
    return str(jellyfish.match_rating_codex(latin)) if latin else ""
