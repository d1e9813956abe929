"""What the user typed into a form after pressing save, so that a slow save's success never erases it.

A save runs on the database worker; against a slow or timing-out server it can take seconds, and the
nurse goes on typing meanwhile (the next patient's name, a correction of a digit).  When the save then
succeeds, the form used to clear itself for the next patient and took that typing with it.
:class:`TypedSincePress` remembers each field's value when save was pressed; after the save, the fields
whose value changed since are put back into the cleared form, and the caller says so.  Fields left as
they were belong to the saved record and are cleared as before.

Two kinds of value are compared finer than as a whole, because part of them belongs to the saved record:
a ``dict`` (a group of questions: question → answer) yields only the answers given or changed since the
press, and a ``tuple`` (lines such as medicines) only the lines added after the ones it had then (if a
line it had was removed or changed, the whole list now: nothing the user did is dropped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Getter = Callable[[], object]
Setter = Callable[[object], None]


@dataclass
class TypedSincePress:
    """``fields``: name → (read the field's value, set it back); values are compared with ``==``."""

    fields: dict[str, tuple[Getter, Setter]]

    def __post_init__(self) -> None:
        self._pressed: dict[str, object] | None = None

    def press(self) -> None:
        """Save was pressed: remember every field's value as the record being saved has it."""
        self._pressed = {name: get() for name, (get, _set) in self.fields.items()}

    def pressed(self, name: str) -> object:
        """The value ``name`` had when save was pressed (its current value if save was not pressed)."""
        if self._pressed is None or name not in self._pressed:
            return self.fields[name][0]()
        return self._pressed[name]

    def changed(self) -> dict[str, object]:
        """The fields whose value differs from the one saved, with their current value."""
        if self._pressed is None:
            return {}
        changed = {}
        for name, (get, _set) in self.fields.items():
            value, before = get(), self._pressed.get(name)
            if value != before:
                changed[name] = _since(before, value)
        return changed

    def restore(self, values: dict[str, object]) -> None:
        """Put ``values`` (from :meth:`changed`) back, after the form was cleared; forget the press."""
        for name, value in values.items():
            self.fields[name][1](value)
        self._pressed = None

    def forget(self) -> None:
        """The save failed or the form was cleared on purpose: nothing to compare any more."""
        self._pressed = None


def _since(before: object, now: object) -> object:
    """The part of ``now`` that is new since ``before`` (see the module's docstring)."""
    if isinstance(now, dict) and isinstance(before, dict):
        return {key: value for key, value in now.items() if key not in before or before[key] != value}
    if isinstance(now, tuple) and isinstance(before, tuple) and now[: len(before)] == before:
        return now[len(before) :]
    return now
