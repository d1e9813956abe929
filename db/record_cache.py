"""Records already read, so that reloading a list reads only the rows it has not seen.

A counter's day list is read again after every save, on every pause in typing a search and whenever
another counter's records arrive; nearly all of its rows are the same each time.  Turning 500 rows into
domain objects costs about 8 ms of Python on a desk PC (type conversion and JSON decoding, not the
query), so the repositories read a list in two steps: the matching rows' ids and versions (the list query of
``db/search.py`` with two columns), then the whole row only for those not read before.

The key includes the row's ``version``, which every correction raises, so a corrected record is read
again; a purged one is no longer listed, so it is never served.  The cache is bounded (least recently
used out) and shared by the threads that use one repository.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

V = TypeVar("V")

#: Two full day lists: room for today's rows and the searches within them.  A screening held here takes
#: about 2.8 KiB (measured with tracemalloc on the benchmark's records), so the cache stays under 3 MiB.
CAPACITY = 1000
#: Bound parameters per ``IN (...)`` when reading the unseen rows.
IN_CHUNK = 500


class RecordCache(Generic[V]):
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def read(
        self,
        listed: Sequence[tuple[Any, Hashable]],
        load: Callable[[list[Any]], Iterable[tuple[Any, Hashable, V]]],
    ) -> list[V]:
        """The records of ``listed`` (``(id, key)`` pairs, in list order).  ``load(ids)`` reads those not
        cached and yields ``(id, key, record)``; the key it yields wins (a row corrected between the two
        steps is shown as it is now).  A row that vanished in between (purged) is left out."""
        found: dict[Any, V] = {}
        missing: list[Any] = []
        with self._lock:
            for record_id, key in listed:
                record = self._items.get(key)
                if record is None:
                    missing.append(record_id)
                else:
                    self._items.move_to_end(key)
                    found[record_id] = record
        for offset in range(0, len(missing), IN_CHUNK):
            loaded = list(load(missing[offset : offset + IN_CHUNK]))
            with self._lock:
                for record_id, key, record in loaded:
                    found[record_id] = record
                    self._items[key] = record
                    self._items.move_to_end(key)
                while len(self._items) > self._capacity:
                    self._items.popitem(last=False)
        return [found[record_id] for record_id, _key in listed if record_id in found]
