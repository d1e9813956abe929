"""A card read, in the user's language: the masked one-line summary and the reason a read failed; and the
audit entry of a card read into a form.

Qt-free, so ``fever-desk devices read`` (over SSH, without Qt) and the desk's forms say the same.  The
device layer speaks short fixed English reasons (``devices.idcard``); they are translated here, at the
edge, through literals so that the catalogue test sees each one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from devices.idcard.card import IdCard
from devices.idcard.reader import CardReadError
from fever_desk.audit import AuditAction, AuditEntry
from fever_desk.i18n import tr
from fever_desk.identity import mask_id, mask_name
from fever_desk.model import Sex


def card_summary(card: IdCard, today: date) -> str:
    """``王*明  男  汉  1101**********0011  有效期至 2035-04-01``: masked like every list of the station
    (name and ID number), with no address and no birth date; an expired card says so."""
    sex = {Sex.MALE: tr("Male"), Sex.FEMALE: tr("Female")}.get(card.sex, tr("Unknown"))
    if card.valid_until is None:
        validity = tr("valid for life")
    elif card.expired_on(today):
        validity = tr("expired on {date}", date=card.valid_until.isoformat())
    else:
        validity = tr("valid until {date}", date=card.valid_until.isoformat())
    return "  ".join((mask_name(card.name), sex, card.ethnic_group, mask_id(card.id_number), validity))


#: ``record_kind`` of the entry: what the card was read for (the record id is the form's next record id).
READ_INTO = ("screening", "purchase", "observation")


def record_card_read(
    ctx: Any, record_kind: str, record_id: str, *, expired: bool = False, other_person: bool = False
) -> AuditEntry:
    """A card read into a form, logged as a full-ID view (``view_full_id``) before the form shows it.

    An operation of its own (:func:`ui.services.audit_hooks.record`: one unit of work whose only write is
    the entry), not part of the save's: the full number is on the screen from the moment the form is
    filled, and a purchaser who leaves before the save has still had the card read.  ``record_id`` is the
    id the form will save its record under, so a saved record and its read are found together; a form
    that is never saved leaves the read with an id no record has.  The detail names neither the holder
    nor the number, not even masked: the log outlives the records (retention purges records, never the
    log), and the id is enough while the record exists.
    """
    from ui.services.audit_hooks import record

    if record_kind not in READ_INTO:
        raise ValueError(f"unknown record kind {record_kind!r}")
    detail = "read from ID card" + (" (expired card)" if expired else "")
    if other_person:
        detail += "; the person bought for"
    return record(ctx, AuditAction.VIEW_FULL_ID, record_kind, record_id, detail)


def check_reader(port: str, baud: int | None) -> str:
    """Settings → "Test the reader": one SAM status command on ``port``, the answer in a sentence.

    Blocking (up to about a second): the dialog runs it on a look-up thread.  Tells apart the three
    things clinic IT needs to know: the port is absent or held by another program (pyserial's reason,
    translated), the port opens but nothing answers (wrong port or baud rate), a reader answers.
    """
    import contextlib

    from devices import transport
    from devices.base import DeviceUnavailable
    from devices.idcard import frame
    from devices.idcard.reader import BAUDRATE, Ga467Driver
    from ui.services.device_config import translate_reason

    try:
        serial_port = transport.open_port(port, baud or BAUDRATE)
    except DeviceUnavailable as exc:
        return tr("The card reader's port cannot be opened: {reason}", reason=translate_reason(str(exc)))
    try:
        driver = Ga467Driver(serial_port, frame.FrameParser(), {})
        answered = driver.exchange(frame.CMD_SAM_STATUS, 0.5) is not None
    except transport.IO_ERRORS as exc:
        return tr(
            "The card reader's port failed: {reason}",
            reason=translate_reason(transport.describe_io_error(exc)),
        )
    finally:
        with contextlib.suppress(*transport.IO_ERRORS):
            serial_port.close()
    if answered:
        return tr("A card reader answers on {port}.", port=port)
    return tr("The port opens, but no card reader answers: check the port and the baud rate.")


def card_error_text(error: CardReadError) -> str:
    """Why a card on the reader gave no card, e.g. "读卡失败：请将身份证平放在读卡器上"."""
    reason = _reasons().get(error.reason)
    if reason is None:
        code = f"0x{error.code:02X}"
        reason = tr("the reader reported status {code}", code=code) if error.code else error.reason
    if error.detail:
        reason = tr("{reason}: {detail}", reason=reason, detail=tr(error.detail))
    return tr("Card not read: {reason}", reason=reason)


def _reasons() -> dict[str, str]:
    """English reason → its translation, built per call so that the current language is used."""
    return {
        # devices/idcard/frame.py STATUS
        "the reader got a command with a bad checksum": tr("the reader got a command with a bad checksum"),
        "the reader got a command with a bad length": tr("the reader got a command with a bad length"),
        "the reader did not recognise the command": tr("the reader did not recognise the command"),
        "operation not permitted by the reader": tr("operation not permitted by the reader"),
        "the reader reported an unidentified error": tr("the reader reported an unidentified error"),
        "the card failed to authenticate the reader's security module": tr(
            "the card failed to authenticate the reader's security module"
        ),
        "the reader's security module failed to authenticate the card": tr(
            "the reader's security module failed to authenticate the card"
        ),
        "the card's data failed verification": tr("the card's data failed verification"),
        "not a resident ID card": tr("not a resident ID card"),
        "reading the card failed: hold it still on the reader": tr(
            "reading the card failed: hold it still on the reader"
        ),
        "the reader could not get a random number from the card": tr(
            "the reader could not get a random number from the card"
        ),
        "the reader's security module failed its self-test": tr(
            "the reader's security module failed its self-test"
        ),
        "the reader's security module is not authorised": tr(
            "the reader's security module is not authorised"
        ),
        "no card on the reader": tr("no card on the reader"),
        "the card could not be selected: place it flat on the reader": tr(
            "the card could not be selected: place it flat on the reader"
        ),
        "the card has no content for this item": tr("the card has no content for this item"),
        # devices/idcard/reader.py
        "the reader's reply has the wrong layout": tr("the reader's reply has the wrong layout"),
        # devices/idcard/card.py REASONS
        "the card's text is not valid UCS-2": tr("the card's text is not valid UCS-2"),
        "a field of the card contains control characters": tr(
            "a field of the card contains control characters"
        ),
        "the card has no name": tr("the card has no name"),
        "the card's sex code is unknown": tr("the card's sex code is unknown"),
        "the card's ethnic group code is unknown": tr("the card's ethnic group code is unknown"),
        "the card's birth date is not a date": tr("the card's birth date is not a date"),
        "the card's ID number failed the check": tr("the card's ID number failed the check"),
        "the card's birth date or sex disagrees with its ID number": tr(
            "the card's birth date or sex disagrees with its ID number"
        ),
        "the card has no issuing authority": tr("the card has no issuing authority"),
        "the card's validity dates are not dates": tr("the card's validity dates are not dates"),
        "the card's validity ends before it starts": tr("the card's validity ends before it starts"),
    }


def known_reasons() -> frozenset[str]:
    """Every fixed reason this module translates (a test checks the device layer has no other)."""
    return frozenset(_reasons())
