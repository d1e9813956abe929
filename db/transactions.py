"""Units of work: one transaction per desk operation, shared by the repositories that take part in it.

A desk action and its audit entry must commit together or not at all: a process killed between two
separate commits leaves a record the trail never saw.  So a repository method that writes takes the
caller's ``session=`` and then neither begins nor commits; the operation opens the unit with
:func:`unit_of_work` (or ``ResilientStore.unit_of_work`` on a shared server) and does the write(s) and
the audit append inside it.  Called without a session, the same method runs in a short transaction of
its own, as before, for the callers that write one thing only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def unit_of_work(session_factory: Callable[[], Session]) -> Iterator[Session]:
    """A session inside one transaction: committed when the block ends, rolled back when it raises."""
    with session_factory() as session, session.begin():
        yield session


@contextmanager
def joined(session_factory: Callable[[], Session], session: Session | None) -> Iterator[Session]:
    """The caller's ``session`` (its transaction; no commit here), or a fresh unit of work of our own."""
    if session is not None:
        yield session
        return
    with unit_of_work(session_factory) as own:
        yield own
