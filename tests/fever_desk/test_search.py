"""The search grammar, as a table: what each kind of text typed at a counter means."""

from __future__ import annotations

import pytest

from fever_desk.search import Key, Query, Term, matches, name_initial, parse, person_keys

ID = Key.ID_NUMBER
PHONE = Key.PHONE
TAIL = Key.PHONE_TAIL
NAME = Key.NAME

GRAMMAR = [
    # blank: no filter
    ("", ()),
    ("   ", ()),
    # a name: its start, case-folded, inner spaces kept
    ("王", ((NAME, "王"),)),
    ("王小", ((NAME, "王小"),)),
    ("  WANG L ", ((NAME, "wang l"),)),
    ("欧阳", ((NAME, "欧阳"),)),
    ("O'Neil", ((NAME, "o'neil"),)),
    # digits: the ID's start; from three digits also the phone's start and end (reversed)
    ("4", ((ID, "4"),)),
    ("43", ((ID, "43"),)),
    ("138", ((ID, "138"), (PHONE, "138"), (TAIL, "831"))),
    ("5678", ((ID, "5678"), (PHONE, "5678"), (TAIL, "8765"))),
    ("139-0000-1111", ((ID, "13900001111"), (PHONE, "13900001111"), (TAIL, "11110000931"))),
    ("138 0013 8000", ((ID, "13800138000"), (PHONE, "13800138000"), (TAIL, "00083100831"))),
    # an ID ending in its check character X: the ID only, X upper-cased
    ("11010519851203002x", ((ID, "11010519851203002X"),)),
    ("1101X", ((ID, "1101X"),)),
    # letters with digits, starting with an ASCII character: a passport or permit number
    ("E12345678", ((ID, "E12345678"),)),
    ("h0123456701", ((ID, "H0123456701"),)),
    ("e-1234", ((ID, "E1234"),)),
    # letters with digits that do not start with an ASCII character: a name as typed
    ("王1", ((NAME, "王1"),)),
]


@pytest.mark.parametrize(("text", "terms"), GRAMMAR, ids=[repr(text) for text, _ in GRAMMAR])
def test_what_a_search_text_means(text: str, terms: tuple[tuple[Key, str], ...]) -> None:
    assert parse(text) == Query(text, tuple(Term(key, prefix) for key, prefix in terms))


PERSON = ("Wang Lei", "11010519851203002X", "13812345678")
PASSPORT_HOLDER = ("John Smith", "E12345678", "")

MATCHES = [
    (PERSON, "wang", True),
    (PERSON, "WANG L", True),
    (PERSON, "lei", False),  # the start of the name, not a word inside it
    (PERSON, "138", True),
    (PERSON, "5678", True),  # 尾号
    (PERSON, "1234", False),  # digits in the middle of a phone are not a match
    (PERSON, "12", False),  # too short for a phone, and not the ID's start
    (PERSON, "1101", True),
    (PERSON, "11010519851203002x", True),
    (PERSON, "", True),
    (PASSPORT_HOLDER, "e1234", True),
    (PASSPORT_HOLDER, "E9", False),
    (PASSPORT_HOLDER, "john", True),
]


@pytest.mark.parametrize(("person", "text", "expected"), MATCHES, ids=[f"{t!r}" for _, t, _ in MATCHES])
def test_who_a_search_finds(person: tuple[str, str, str], text: str, expected: bool) -> None:
    assert matches(parse(text), *person) is expected


def test_the_stored_keys_of_a_person() -> None:
    keys = person_keys("  Wang Lei ", "11010519851203002X", "0731-8888 1234")
    assert keys == {NAME: "wang lei", ID: "11010519851203002X", PHONE: "0731-8888 1234", TAIL: "432188881370"}
    assert name_initial("  Wang Lei ") == "w"
    assert name_initial("王芳") == "王"
    assert name_initial("") == ""
