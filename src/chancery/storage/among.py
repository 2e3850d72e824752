"""``column IN (values)`` with one array parameter on PostgreSQL.

An IN list binds a parameter per value: SQLAlchemy expands it at every execution and psycopg
converts the query's placeholders in Python, uncached past 50 parameters (~4 s of the three
processes' CPU in an import of the 42 FRUS volumes, whose reads and key look-ups bind up
to 2,000 values at a time). ``= ANY(%(values)s)`` binds the whole list as one array: the
query's text stays the same whatever the count, so both caches hold it. SQLite has no
arrays and runs IN lists in C: there it stays an IN list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.sqltypes import NULLTYPE
from sqlalchemy.sql.visitors import InternalTraversal


class Among(ColumnElement[Any]):
    """Whether ``column`` is one of ``values`` (a condition for ``where``)."""

    inherit_cache = True
    # NULLTYPE, not Boolean: a Boolean condition gets an "= 1" appended on SQLite
    type = NULLTYPE
    # what the statement cache keys on (SQLAlchemy declares it a list)
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),  # noqa: RUF012
                           ("values", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any], values: Iterable[Any]) -> None:
        self.column = column
        # one parameter: the cache key leaves its value out, so every count shares a plan
        self.values: BindParameter[Any] = bindparam(None, list(values))


def among(column: ColumnElement[Any], values: Iterable[Any]) -> Among:
    """``column IN values``: an IN list on SQLite, ``= ANY(array)`` on PostgreSQL."""
    return Among(column, values)


@compiles(Among)
def _in_list(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(element.values), **kw)


@compiles(Among, "postgresql")
def _any_array(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY({compiler.process(element.values, **kw)})"
