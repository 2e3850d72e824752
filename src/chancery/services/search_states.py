"""The workspace's publication-state facet and filter, over the one search.

Staff select states with ``state:`` in the query or ``f=state:…``; either way the selection
becomes part of the query tree, so totals, facets and a whole-result action all see the same
documents. The state counts are five counting searches (the index keeps the state as a
searchable term, not as a column to aggregate on: see ``tantivy_query.in_state``), made only
for staff: for the public ``state`` is neither a field nor a facet."""

from __future__ import annotations

from dataclasses import replace

from chancery.domain.readers import Reader
from chancery.search.grammar import STATES, And, Node, Or, Word, state_word
from chancery.search.interface import Bucket, SearchIndex, SearchRequest

STATE_FACET = "state"
STATE_LABELS = {"draft": "Draft", "in-review": "In review", "published": "Published",
                "withdrawn": "Withdrawn", "embargoed": "Embargoed (published, not yet public)"}
Filters = dict[str, tuple[str, ...]]


def split_states(filters: Filters, reader: Reader) -> tuple[Filters, tuple[str, ...]]:
    """The facet selections but the state's, and the states selected. Only staff select by
    state: anyone else's ``f=state:…`` stays among the facets, which the search refuses as
    unknown, exactly as ``f=nonsense:…``."""
    if not reader.is_editor or STATE_FACET not in filters:
        return filters, ()
    rest = {k: v for k, v in filters.items() if k != STATE_FACET}
    return rest, tuple(dict.fromkeys(state_word(v).text for v in filters[STATE_FACET]))


def narrowed(tree: Node, states: tuple[str, ...]) -> Node:
    """The query limited to documents in any of ``states`` (all of them when none)."""
    if not states:
        return tree
    words = tuple(Word(s, STATE_FACET) for s in states)
    chosen = words[0] if len(words) == 1 else Or(words)
    # one level, so a relaxed query still reads as relaxed (grammar.is_relaxed)
    return And((*tree.children, chosen)) if isinstance(tree, And) else And((tree, chosen))


def count_states(index: SearchIndex, request: SearchRequest,
                 selected: tuple[str, ...]) -> list[Bucket]:
    """How many documents of the request (without its state selection) are in each state;
    states with none are left out, as other facets leave out values with none."""
    out = []
    for state in STATES:
        counting = replace(request, query=And((request.query, Word(state, STATE_FACET))),
                           limit=1, offset=0, snippets=False, facets=False, histograms=())
        total = index.search(counting).total
        if total:
            out.append(Bucket(state, total, STATE_LABELS[state], state in selected))
    return out
