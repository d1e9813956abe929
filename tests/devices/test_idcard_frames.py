"""The GA 467 codec and the text block, from recorded frames (tests/devices/fixtures/ga467.hex) and by hand.

The fixture holds a reader's replies as the station receives them; ``>`` lines name the command they
answer, ``=`` lines the item each reply must give.  The capture is decoded whole and byte by byte, which
must agree.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from devices.idcard import frame
from devices.idcard.card import (
    ETHNIC_GROUPS,
    LAYOUT,
    REASONS,
    CardDataError,
    IdCard,
    encode_text_block,
    parse_text_block,
)
from devices.idcard.reader import CardRead, CardReadError, decode_read_reply
from devices.idcard.simulator import SAMPLE_CARDS, read_reply
from fever_desk.identity import mask_name
from fever_desk.model import Sex
from tests.devices.conftest import FIXTURES

TODAY = date(2026, 12, 1)


def _load() -> tuple[list[tuple[str, bytes]], list[str], dict[str, int]]:
    chunks: list[tuple[str, bytes]] = []
    expected: list[str] = []
    counters: dict[str, int] = {}
    command = ""
    for line in (FIXTURES / "ga467.hex").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(">"):
            command = line[1:].strip()
        elif line.startswith("="):
            expected.append(line[1:].strip())
        elif line.startswith("!"):
            name, value = line[1:].split()
            counters[name] = int(value)
        else:
            chunks.append((command, bytes.fromhex(line)))
    return chunks, expected, counters


def _describe(reply: frame.Frame, command: str) -> str:
    if command != "read":
        return f"status {reply.sw3:02X}"
    item = decode_read_reply(reply, today=TODAY)
    if isinstance(item, CardReadError):
        return f"error {item.code:02X}" if item.code else f"error 0 {item.reason}"
    card = item.card
    until = "长期" if card.valid_until is None else card.valid_until.isoformat()
    return (
        f"card {card.id_number} {card.name} {card.sex.value} {card.ethnic_group} {card.birth_date} "
        f"{card.address} | {card.authority} {card.valid_from} {until}"
    )


def _decode(chunks: list[tuple[str, bytes]], bytewise: bool) -> tuple[list[str], frame.FrameParser]:
    parser = frame.FrameParser()
    out: list[str] = []
    for command, chunk in chunks:
        pieces = [chunk[i : i + 1] for i in range(len(chunk))] if bytewise else [chunk]
        for piece in pieces:
            out += [_describe(f, command) for f in parser.feed(piece)]
    parser.flush()
    return out, parser


def test_recorded_replies_decode_as_annotated() -> None:
    chunks, expected, counters = _load()
    described, parser = _decode(chunks, bytewise=False)
    assert described == expected
    for counter, value in counters.items():
        assert getattr(parser.stats, counter) == value, counter
    assert _decode(chunks, bytewise=True)[0] == described


def test_recorded_good_card_has_the_reference_header_and_length() -> None:
    """The 1295-byte read reply starts exactly as GA 467 documents it."""
    good = next(chunk for command, chunk in _load()[0] if command == "read")
    assert len(good) == 1295
    assert good[:14] == bytes.fromhex("AAAAAA9669050800009001000400")


def test_codec_round_trip_and_known_frames() -> None:
    assert frame.command(frame.CMD_FIND) == bytes.fromhex("AAAAAA9669000320 0122".replace(" ", ""))
    assert frame.command(frame.CMD_SELECT) == bytes.fromhex("AAAAAA96690003200221")
    assert frame.command(frame.CMD_READ) == bytes.fromhex("AAAAAA96690003300132")
    (parsed,) = frame.FrameParser().feed(frame.command(frame.CMD_READ))
    assert parsed.body == bytes([0x30, 0x01])


def test_a_cut_frame_at_the_end_is_counted_as_truncated() -> None:
    parser = frame.FrameParser()
    assert parser.feed(read_reply(SAMPLE_CARDS[0])[:700]) == []
    parser.flush()
    assert parser.stats.truncated == 1 and parser.stats.frames == 0


def test_an_impossible_length_is_skipped_without_waiting_for_it() -> None:
    parser = frame.FrameParser()
    (found,) = parser.feed(frame.PREAMBLE + b"\xff\xff" + frame.reply(frame.SW_NO_CARD))
    assert found.sw3 == frame.SW_NO_CARD and parser.stats.malformed == 1


# --- the text block -----------------------------------------------------------------------------------


def _block(card: IdCard, **fields: str) -> bytes:
    """The card's block with some fields replaced by raw text (padded as the reader pads them)."""
    block = bytearray(encode_text_block(card))
    offset = 0
    for name, width in LAYOUT:
        if name in fields:
            raw = fields[name].encode("utf-16-le")
            block[offset : offset + width] = raw + " ".encode("utf-16-le") * ((width - len(raw)) // 2)
        offset += width
    return bytes(block)


def test_block_layout_is_256_bytes() -> None:
    assert sum(width for _, width in LAYOUT) == 256


@pytest.mark.parametrize("card", SAMPLE_CARDS, ids=lambda c: c.ethnic_code)
def test_every_sample_card_survives_its_block(card: IdCard) -> None:
    assert parse_text_block(encode_text_block(card), today=TODAY) == card


def test_fields_of_a_card() -> None:
    card = parse_text_block(encode_text_block(SAMPLE_CARDS[1]), today=TODAY)
    assert card.name == "阿依古丽·买买提" and card.sex is Sex.FEMALE
    assert card.ethnic_group == "维吾尔" and card.birth_date == date(1985, 11, 20)
    assert card.valid_until == date(2036, 6, 1) and not card.long_term


def test_ethnic_groups_are_the_56_and_97_98() -> None:
    assert len(ETHNIC_GROUPS) == 58
    assert (ETHNIC_GROUPS["01"], ETHNIC_GROUPS["02"], ETHNIC_GROUPS["56"]) == ("汉", "蒙古", "基诺")
    assert (ETHNIC_GROUPS["97"], ETHNIC_GROUPS["98"]) == ("其他", "外国血统")
    assert "57" not in ETHNIC_GROUPS and "00" not in ETHNIC_GROUPS


def test_expiry_is_inclusive_of_the_last_day_and_long_term_never_expires() -> None:
    card = SAMPLE_CARDS[3]  # valid to 2021-08-20
    assert not card.expired_on(date(2021, 8, 20))
    assert card.expired_on(date(2021, 8, 21))
    assert not SAMPLE_CARDS[2].expired_on(date(2099, 1, 1)) and SAMPLE_CARDS[2].long_term


def test_unknown_sex_codes_are_accepted_as_unknown() -> None:
    card = parse_text_block(_block(SAMPLE_CARDS[0], sex="9"), today=TODAY)
    assert card.sex is Sex.UNKNOWN and card.sex_code == "9"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"name": ""}, "the card has no name"),
        ({"name": "王\x07明"}, "a field of the card contains control characters"),
        ({"sex": "3"}, "the card's sex code is unknown"),
        ({"sex": "2"}, "the card's birth date or sex disagrees with its ID number"),
        ({"ethnic": "57"}, "the card's ethnic group code is unknown"),
        ({"birth": "19900230"}, "the card's birth date is not a date"),
        ({"id_number": "110101199003070012"}, "the card's ID number failed the check"),
        ({"id_number": "110101900307001"}, "the card's ID number failed the check"),
        ({"authority": ""}, "the card has no issuing authority"),
        ({"valid_from": "2015041"}, "the card's validity dates are not dates"),
        ({"valid_until": "永久"}, "the card's validity dates are not dates"),
        ({"valid_until": "20150401"}, "the card's validity ends before it starts"),
    ],
)
def test_each_bad_field_is_a_reported_error(fields: dict[str, str], reason: str) -> None:
    assert reason in REASONS
    with pytest.raises(CardDataError) as caught:
        parse_text_block(_block(SAMPLE_CARDS[0], **fields), today=TODAY)
    assert caught.value.reason == reason


def test_a_lone_surrogate_is_not_text() -> None:
    block = bytearray(encode_text_block(SAMPLE_CARDS[0]))
    block[0:2] = b"\x00\xd8"
    with pytest.raises(CardDataError, match="UCS-2"):
        parse_text_block(bytes(block), today=TODAY)


def test_a_rare_character_in_the_private_use_area_is_kept() -> None:
    card = replace(SAMPLE_CARDS[0], name="王\ue000明")
    assert parse_text_block(encode_text_block(card), today=TODAY).name == "王\ue000明"


def test_a_read_reply_with_the_wrong_inner_lengths_is_an_error() -> None:
    block = encode_text_block(SAMPLE_CARDS[0])
    bad = frame.FrameParser().feed(frame.reply(0x90, b"\x01\x00\x04\x00" + block + bytes(10)))
    item = decode_read_reply(bad[0], today=TODAY)
    assert isinstance(item, CardReadError) and item.code == 0


def test_a_good_reply_gives_a_card_read() -> None:
    (reply,) = frame.FrameParser().feed(read_reply(SAMPLE_CARDS[0]))
    item = decode_read_reply(reply, today=TODAY)
    assert isinstance(item, CardRead) and item.card == SAMPLE_CARDS[0]


def test_repr_of_a_card_masks_name_and_number() -> None:
    text = repr(CardRead(SAMPLE_CARDS[0]))
    assert "王小明" not in text and "110101199003070011" not in text
    assert "王*明" in text and "1101**********0011" in text


@pytest.mark.parametrize(
    ("name", "masked"), [("", ""), ("王", "*"), ("王明", "王*"), ("王小明", "王*明"), ("欧阳小明", "欧**明")]
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked
