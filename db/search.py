"""The search grammar (``fever_desk.search``) as SQL: one bounded, index-driven list query per search.

The screening and purchase tables carry the same search keys, each indexed together with
``created_at``, so :func:`list_query` serves the day lists of both counters and "Find a person".  Each
kind of match is an *index range*, never a ``LIKE '%…%'`` scan, and every query ends in ``LIMIT``:

* no search: the ``created_at`` index, read backwards from the end of the window;
* numbers: the ID, phone and reversed-phone indexes (``key, created_at``), one range each;
* a name: for one character (a surname) or a short window (a day list), the index
  ``(name_initial, created_at, name_key)``: an equality, then the time range read newest first, the
  rest of the prefix checked inside the index, so the cost is the rows of that surname *in the
  window* and stops at the limit.  The older ``(name_key, created_at)`` range had to visit every
  row of that surname ever saved and sort them (191,672 for 王 in the 1M-row benchmark: 27 ms).  For
  a longer prefix over a long window (a person's whole history) the ``(name_key, created_at)`` range
  is the smaller one and is used instead.

A prefix becomes ``key >= p AND key < p || U+10FFFF``: valid for byte-ordered collations (SQLite
BINARY, PostgreSQL "C", which the key columns use), it needs no ``LIKE`` escaping.  SQLite's planner
has no histograms and would sometimes pick the wrong index, so the terms that must *not* drive the
query are written ``+column`` on SQLite (its documented "don't use an index for this term"), via
:class:`NotIndexed`; PostgreSQL's planner, which has statistics, sees plain columns.  (Without it,
SQLite scanned the whole window by ``created_at`` for a number: a full ID over 60 days took 360 ms
on 1M rows that way, 0.7 ms from the ID's index.)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import Grouping

from fever_desk.search import Key, Query, parse

_TOP = "\U0010ffff"
#: A window up to this long is a "day list": a name is then looked up by its initial within the window.
SHORT_WINDOW = timedelta(days=7)


class NotIndexed(Grouping[Any]):
    """A column the SQLite planner must not pick an index for: rendered ``+column`` on SQLite (the
    documented way to disqualify a term), plain elsewhere."""

    inherit_cache = True


@compiles(NotIndexed)
def _render_plain(element: NotIndexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.element, **kw)


@compiles(NotIndexed, "sqlite")
def _render_unary_plus(element: NotIndexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.element, **kw)


def prefix(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` starts with ``text``, as an index range."""
    return and_(column >= text, column < text + _TOP)


def _by_initial(query: Query, start: datetime, end: datetime) -> bool:
    name = query.terms[0].prefix
    return len(name) == 1 or end - start <= SHORT_WINDOW


def search_terms(table: Table, query: Query, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """The WHERE terms for ``query`` over [start, end) on ``table`` (the window included)."""
    created = table.c.created_at
    if query.everything:
        return [created >= start, created < end]
    if query.terms[0].key is Key.NAME:
        name = query.terms[0].prefix
        if _by_initial(query, start, end):
            terms = [table.c.name_initial == name[:1], created >= start, created < end]
            if len(name) > 1:
                terms.append(prefix(NotIndexed(table.c.name_key), name))
            return terms
        return [prefix(table.c.name_key, name), NotIndexed(created) >= start, NotIndexed(created) < end]
    keys = or_(*(prefix(table.c[term.key.value], term.prefix) for term in query.terms))
    return [keys, NotIndexed(created) >= start, NotIndexed(created) < end]


def list_query(
    table: Table, start: datetime, end: datetime, search: str, limit: int, columns: Any = None
) -> Select[Any]:
    """Rows of ``table`` created in [start, end) that match ``search``, newest first, at most ``limit``;
    ``columns`` (default: the whole row) is what is selected."""
    query = select(table) if columns is None else select(*columns)
    terms = search_terms(table, parse(search), start, end)
    return query.where(*terms).order_by(table.c.created_at.desc()).limit(limit)
