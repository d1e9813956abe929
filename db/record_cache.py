"""Records already read, so that reloading a list converts only the rows it has not seen.

A counter's day list is read again after every save, on every pause in typing a search and whenever
another counter's records arrive; nearly all of its rows are the same each time.  Finding 500 rows is
cheap for the database (an index range), but turning them into domain objects costs about 8 ms of
Python on a desk PC: each column's type conversion (JSON, UUIDs, times) and building the objects.  So
:func:`read_list` reads a list in up to two steps:

1. the list query for the keys only (``id`` and, for corrected records, ``version``);
2. only if some keys were not seen before: their whole rows, *unconverted* (:class:`RawRows`) — by id
   when they are few (the usual reload: the patient just saved), else by the list query itself (a
   first read) — and only those rows go through the columns' own result processors (exactly what
   SQLAlchemy would apply) and the mapping.  The others come from a :class:`RecordCache`.

The key includes the row's ``version``, which every correction raises, so a corrected record is
converted again; a purged one is no longer listed by step 1, so it is never served.  The cache is
bounded (least recently used out) and shared by the threads that use one repository.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Label, Row, Select, Table, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

V = TypeVar("V")

#: Two full day lists: room for today's rows and the searches within them.  A screening held here takes
#: about 2.8 KiB (measured with tracemalloc on the benchmark's records), so the cache stays under 3 MiB.
CAPACITY = 1000
#: Up to this many unseen rows are read by id (primary-key lookups); more, by the list query again.
BY_ID_AT_MOST = 50

_Processors = list[tuple[str, Callable[[Any], Any]]]


class RawRows:
    """A table's columns selected without conversion, and the conversion applied later, row by row."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns: list[Label[Any]] = [type_coerce(c, NullType()).label(c.key) for c in table.columns]
        self._processors: dict[tuple[str, tuple[Any, ...]], _Processors] = {}

    def read(self, session: Session, query: Select[Any]) -> RawResult:
        """Run ``query`` (selecting :attr:`columns`): its rows, and how to convert each of them."""
        result = session.execute(query)
        dialect = session.get_bind().dialect
        # The driver's type codes: PostgreSQL's float processor depends on them (SQLite gives None).
        codes = tuple(entry[1] for entry in result.cursor.description or ())
        processors = self._processors.get((dialect.name, codes))
        if processors is None:
            processors = []
            for column, code in zip(self.table.columns, codes, strict=True):
                process = column.type.dialect_impl(dialect).result_processor(dialect, code)
                if process is not None:
                    processors.append((column.key, process))
            self._processors[(dialect.name, codes)] = processors
        return RawResult(list(result.all()), [c.key for c in self.table.columns], processors)


@dataclass(frozen=True)
class RawResult:
    rows: list[Row[Any]]
    keys: list[str]
    processors: _Processors

    def values(self, row: Sequence[Any]) -> dict[str, Any]:
        """``row`` as SQLAlchemy would have returned it (each column type's own result processor)."""
        values = dict(zip(self.keys, row, strict=True))
        for key, process in self.processors:
            value = values[key]
            if value is not None:
                values[key] = process(value)
        return values

    def value(self, row: Row[Any], key: str) -> Any:
        """One converted column of ``row``."""
        raw = row._mapping[key]
        process = next((p for k, p in self.processors if k == key), None)
        return raw if process is None or raw is None else process(raw)


class RecordCache(Generic[V]):
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def known(self, keys: Iterable[Hashable]) -> dict[Hashable, V]:
        """The records held for ``keys`` (those missing are simply absent), marked as recently used."""
        found: dict[Hashable, V] = {}
        with self._lock:
            for key in keys:
                record = self._items.get(key)
                if record is not None:
                    self._items.move_to_end(key)
                    found[key] = record
        return found

    def keep(self, records: dict[Hashable, V]) -> None:
        """Hold ``records`` (key → record), dropping the least recently used beyond the capacity."""
        with self._lock:
            for key, record in records.items():
                self._items[key] = record
                self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


def read_list(
    session: Session,
    cache: RecordCache[V],
    raw: RawRows,
    listing: Callable[[Sequence[ColumnElement[Any]]], Select[Any]],
    key_columns: Sequence[ColumnElement[Any]],
    convert: Callable[[list[dict[str, Any]]], list[V]],
    key_of: Callable[[V], tuple[Any, ...]],
) -> list[V]:
    """The records of ``listing(columns)`` in its order (see the module docstring).  ``key_columns``
    start with the id; ``convert`` turns converted rows into records; ``key_of`` gives a record's key."""
    keys = [tuple(row) for row in session.execute(listing(key_columns))]
    known = cache.known(keys)
    missing = {key[0] for key in keys if key not in known}
    by_id: dict[Any, V] = {}
    if missing:
        table_id = raw.table.c.id
        if len(missing) <= BY_ID_AT_MOST:
            source = select(*raw.columns).where(table_id.in_(list(missing)))
        else:
            source = listing(raw.columns)
        result = raw.read(session, source)
        unseen = [row for row in result.rows if result.value(row, "id") in missing]
        records = convert([result.values(row) for row in unseen])
        cache.keep({key_of(record): record for record in records})
        by_id = {key_of(record)[0]: record for record in records}
    listed = (known.get(key) or by_id.get(key[0]) for key in keys)
    return [record for record in listed if record is not None]  # None: purged between the two steps
