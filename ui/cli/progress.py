"""Progress of the long command-line jobs (demo data, backup, restore, purge) on a terminal.

A 200,000-row demo takes about 20 seconds and a backup of a large station longer: in silence, people
press Ctrl+C.  On a terminal the job shows a line with the count, the rate and the time left (tqdm, on
stderr); when stderr is not a terminal (a scheduled task, a pipe, a log file) nothing extra is printed,
so the output stays exactly what scripts parse.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Bar:
    """One progress line: :meth:`advance` by a count, or :meth:`at` a position (total known late)."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def advance(self, count: int) -> None:
        self._bar.update(count)

    def at(self, done: int, total: int) -> None:
        self._bar.total = total
        self._bar.update(done - self._bar.n)


def on_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def progress(
    total: int | Callable[[], int] | None, description: str, unit: str, *, in_bytes: bool = False
) -> Iterator[Bar | None]:
    """A progress line to report to, or None when there is no terminal to show it on.

    ``None`` rather than a line doing nothing, so a job can skip work done only for the display
    (copying in steps); a ``total`` that costs something to find (counting rows) can be given as a
    function, called only when the line is shown.  ``in_bytes`` shows kB/MB/GB.
    """
    if not on_terminal():
        yield None
        return
    from tqdm import tqdm

    # The size of the terminal, 80x24 when it reports none (0x0: a serial console, `script`), on which
    # tqdm would print nothing at all.
    size = shutil.get_terminal_size()
    with tqdm(
        total=total() if callable(total) else total,
        desc=description,
        unit=unit if in_bytes else f" {unit}",
        unit_scale=in_bytes,
        unit_divisor=1024 if in_bytes else 1000,
        file=sys.stderr,
        ncols=size.columns,
        nrows=size.lines,
        mininterval=0.2,
    ) as bar:
        yield Bar(bar)
