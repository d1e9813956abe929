"""What a typed search means: the one grammar behind every search box of the station.

The day list of the screening desk, the pharmacy register, "Find a person" and the offline outbox's
pending saves all read a search text the same way; only *how* the answer is found differs (an index
range in SQL, a string comparison in Python).  So the meaning lives here, pure, and each caller turns a
:class:`Query` into its own terms:

* blank → no filter;
* spaces and hyphens inside are ignored for numbers ("138 0013-8000" is "13800138000");
* digits, optionally ending in X (an ID's check character) → the ID number starts with them; with at
  least :data:`MIN_PHONE_DIGITS` digits (and no X) also the phone starts with them or ends with them
  ("尾号 5678");
* letters together with digits, starting with an ASCII character ("E12345678", "h0123456701") → a
  passport or a Hong Kong/Macau/Taiwan permit: the document number starts with it (upper-cased);
* anything else → the name starts with it, ignoring case ("wang" finds "Wang Fang"; "王" every 王…).

Every match is a *prefix* of a stored key (:class:`Key`), which is what lets SQL answer it from an
index: the name key is the case-folded name, the phone tail key the phone's digits reversed.  Digits
in the middle of a phone number are deliberately not matched: no index can serve that.

Where the three earlier copies differed, and what was decided: the screening list read a passport
number as a name (finding nothing) while the pharmacy register and its outbox read it as a document
number; it is now a document number everywhere, so "Find a person" also finds a passport holder's
screenings.  Nothing else differed.  Pinyin ("wf" for 王芳) is not matched: names are stored as typed and
no pinyin key exists yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

#: Fewer digits would match a large share of all phones: not a useful search, so only the ID is tried.
MIN_PHONE_DIGITS = 3

_NUMBER = re.compile(r"^\d+[Xx]?$")
_IGNORED_IN_NUMBERS = re.compile(r"[\s-]")


class Key(StrEnum):
    """A stored search key; the value is the column that holds it in both tables."""

    NAME = "name_key"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    PHONE_TAIL = "phone_rev"


@dataclass(frozen=True)
class Term:
    """ "``key`` starts with ``prefix``" (for :attr:`Key.PHONE_TAIL` the prefix is reversed digits)."""

    key: Key
    prefix: str


@dataclass(frozen=True)
class Query:
    """A record matches when any term does; no terms means every record matches."""

    text: str
    terms: tuple[Term, ...]

    @property
    def everything(self) -> bool:
        return not self.terms


def name_key(name: str) -> str:
    """Case-folded, trimmed name: Latin names match regardless of case, Chinese names are unchanged."""
    return name.strip().casefold()


def name_initial(name: str) -> str:
    """The first character of the name key: stored beside it so that "surname in a day" is an equality
    followed by a time range in one index (see ``db/search.py``), however common the surname."""
    return name_key(name)[:1]


def phone_rev(phone: str) -> str:
    """The phone's digits reversed, so "ends with 5678" becomes a prefix ("8765…")."""
    digits = phone if phone.isdigit() else "".join(ch for ch in phone if ch.isdigit())
    return digits[::-1]


def person_keys(name: str, id_number: str, phone: str) -> Mapping[Key, str]:
    """The stored keys of one person, as the database holds them."""
    return {
        Key.NAME: name_key(name),
        Key.ID_NUMBER: id_number,
        Key.PHONE: phone,
        Key.PHONE_TAIL: phone_rev(phone),
    }


def _is_document_number(compact: str) -> bool:
    """Letters and digits together, starting with an ASCII character: a passport or a permit number."""
    has_letters = compact.upper() != compact.lower()
    return has_letters and compact[0].isascii() and any(c.isdigit() for c in compact)


def parse(text: str) -> Query:
    """The meaning of a search text (see the module docstring)."""
    stripped = text.strip()
    if not stripped:
        return Query(text, ())
    compact = _IGNORED_IN_NUMBERS.sub("", stripped)
    if _NUMBER.match(compact):
        terms = [Term(Key.ID_NUMBER, compact.upper())]
        if compact.isdigit() and len(compact) >= MIN_PHONE_DIGITS:
            terms.append(Term(Key.PHONE, compact))
            terms.append(Term(Key.PHONE_TAIL, compact[::-1]))
        return Query(text, tuple(terms))
    if _is_document_number(compact):
        return Query(text, (Term(Key.ID_NUMBER, compact.upper()),))
    return Query(text, (Term(Key.NAME, name_key(stripped)),))


def matches(query: Query, name: str, id_number: str, phone: str) -> bool:
    """Whether this person matches ``query``: the same answer the database gives, in Python (for the
    few records that are not in the database yet, such as saves waiting in the offline outbox)."""
    if query.everything:
        return True
    keys = person_keys(name, id_number, phone)
    return any(keys[term.key].startswith(term.prefix) for term in query.terms)
