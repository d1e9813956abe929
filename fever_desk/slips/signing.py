"""The station's Ed25519 key pair and the signed text carried by a slip's QR code.

Payload (version 1), one line of printable ASCII, fields separated by ``.``::

    FD1.<slip number>.<station>.<issued unix seconds>.<disposition>.<signature>

    FD1.9C3A-200207-4F1B2C.9c3a1e7d22b0.1581061200.S.<86 characters of base64url>

- ``FD1``: format and version; a reader refuses any other prefix instead of guessing.
- slip number: as printed on the slip (see :func:`fever_desk.slips.content.slip_number`).
- station: the station id from the settings when it is made of ``A-Z a-z 0-9 _ -`` (the default random
  hex id is); any other id is written ``~`` + base64url(UTF-8) so that a ``.`` or a Chinese name cannot
  break the fields.
- issued: when the slip was printed, in whole seconds since 1970 UTC.
- disposition: ``R`` routine, ``F`` fever clinic, ``S`` suspected: the one printed field whose alteration
  by hand would matter most, and not personal data.
- signature: Ed25519 over the UTF-8 bytes of everything before the last ``.``, base64url without padding.

Nothing about the patient is in the payload beyond the slip number: a lost slip photographed in the street
reveals no more through its QR code than through its printed number.  The signature shows that the station
holding the private key issued this number, at this time, with this outcome; the hospital compares the
printed number, time and outcome with what the scan shows.

Keys live in a data directory the caller chooses (the UI passes the station's data folder):
``slip-signing-key.pem`` (PKCS#8, unencrypted, mode 0600) and ``slip-signing-key.pub.pem``
(SubjectPublicKeyInfo), created together on first use.  The public key can also be shown and pasted as
``ed25519:<base64url of the 32 raw bytes>`` (:func:`public_key_text`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fever_desk.files import write_atomic
from fever_desk.i18n import tr_in
from fever_desk.model import Disposition

PREFIX = "FD1"
PRIVATE_KEY_FILE = "slip-signing-key.pem"
PUBLIC_KEY_FILE = "slip-signing-key.pub.pem"
_SAFE_STATION = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DISPOSITION_CODES = {Disposition.ROUTINE: "R", Disposition.FEVER_CLINIC: "F", Disposition.SUSPECTED: "S"}
_CODE_DISPOSITIONS = {code: d for d, code in _DISPOSITION_CODES.items()}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SigningKeys:
    """The installation's key pair; ``private_path`` is where the private half is kept."""

    private_key: Ed25519PrivateKey
    private_path: Path

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """Eight hex digits in two groups, printed on the slip so a hospital can pick the right station key."""
    digest = hashlib.sha256(_raw(public_key)).hexdigest()[:8].upper()
    return f"{digest[:4]}-{digest[4:]}"


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """``ed25519:<base64url>``: short enough to read out on the phone or paste into a message."""
    return "ed25519:" + _b64(_raw(public_key))


def load_or_create_keys(data_dir: str | os.PathLike[str]) -> SigningKeys:
    """The key pair in ``data_dir``, made on first use; the private key file is readable by its owner only."""
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / PRIVATE_KEY_FILE, folder / PUBLIC_KEY_FILE
    if private_path.exists() and private_path.stat().st_size == 0:
        private_path.unlink()  # left by a power cut (before writes were atomic): it never held a key
    try:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Exclusive, so two counters starting at once cannot overwrite each other's key.
        write_atomic(private_path, pem, exclusive=True, mode=0o600)
    except FileExistsError:
        loaded = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ValueError(f"{private_path} does not hold an Ed25519 private key") from None
        key = loaded
        if os.name == "posix" and private_path.stat().st_mode & 0o077:
            private_path.chmod(0o600)  # someone copied it in with loose permissions; tighten, keep it
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        write_atomic(public_path, public_pem, mode=0o666)  # derived: always rewritten to match the key
    return SigningKeys(key, private_path)


def load_public_key(source: Ed25519PublicKey | bytes | str | os.PathLike[str]) -> Ed25519PublicKey:
    """A key from a key object, 32 raw bytes, ``ed25519:…`` text, PEM text, a PEM file or a data dir."""
    if isinstance(source, Ed25519PublicKey):
        return source
    if isinstance(source, bytes) and len(source) == 32:
        return Ed25519PublicKey.from_public_bytes(source)
    if isinstance(source, str) and source.startswith("ed25519:"):
        return Ed25519PublicKey.from_public_bytes(_unb64(source.removeprefix("ed25519:").strip()))
    if isinstance(source, str) and "-----BEGIN" in source:
        source = source.encode("ascii")
    if not isinstance(source, bytes):
        path = Path(source)
        source = (path / PUBLIC_KEY_FILE if path.is_dir() else path).read_bytes()
    loaded = serialization.load_pem_public_key(source)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded


def encode_station(station_id: str) -> str:
    if _SAFE_STATION.match(station_id):
        return station_id
    return "~" + _b64(station_id.encode("utf-8"))


def _decode_station(field: str) -> str:
    return _unb64(field[1:]).decode("utf-8") if field.startswith("~") else field


def sign_payload(
    keys: SigningKeys, slip_number: str, station_id: str, issued_at: datetime, disposition: Disposition
) -> str:
    """The QR text for one slip: see the module docstring for the format."""
    if not re.fullmatch(r"[A-Za-z0-9-]+", slip_number):
        raise ValueError(f"slip number {slip_number!r} may hold only letters, digits and '-'")
    unix = int(issued_at.timestamp())
    body = f"{PREFIX}.{slip_number}.{encode_station(station_id)}.{unix}.{_DISPOSITION_CODES[disposition]}"
    return f"{body}.{_b64(keys.private_key.sign(body.encode('utf-8')))}"


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` only for a well-formed payload whose signature matches the given key.

    ``reason`` is a stable code (``ok``, ``malformed``, ``unsupported``, ``bad_signature``) for scripts and
    exit statuses; :meth:`message` says it in words.  The decoded fields are filled in whenever the text
    could be read, even when the signature fails, so a person can see what the slip claims.
    """

    ok: bool
    reason: str
    slip_number: str = ""
    station_id: str = ""
    issued_at: datetime | None = None
    disposition: Disposition | None = None

    def message(self, language: str) -> str:
        if self.reason == "ok":
            return tr_in(language, "Genuine: signed by this station's key and unaltered.")
        if self.reason == "bad_signature":
            return tr_in(
                language, "NOT genuine: altered, or signed by another station's key. Do not rely on it."
            )
        if self.reason == "unsupported":
            return tr_in(language, "Not a fever_desk slip code, or one from a newer version.")
        return tr_in(language, "The code cannot be read as a fever_desk slip; scan it again.")


def verify_payload(text: str, public_key: Ed25519PublicKey) -> VerifyResult:
    """Whether ``text`` (a scanned QR code) was signed by ``public_key`` and is unchanged."""
    text = text.strip()
    if not text.isascii():
        return VerifyResult(False, "malformed")
    fields = text.split(".")
    if not fields or fields[0] != PREFIX:
        return VerifyResult(False, "unsupported")
    if len(fields) != 6:
        return VerifyResult(False, "malformed")
    _, slip, station_field, unix, code, signature = fields
    try:
        station = _decode_station(station_field)
        issued = datetime.fromtimestamp(int(unix), UTC)
        disposition = _CODE_DISPOSITIONS[code]
        raw_signature = _unb64(signature)
    except (ValueError, KeyError, OverflowError, OSError, binascii.Error, UnicodeDecodeError):
        return VerifyResult(False, "malformed")
    # Canonical forms only: base64 ignores the spare bits of its last character, so without these checks
    # a changed last character could still decode to the same bytes and "verify".
    canonical = unix.isdigit() and _b64(raw_signature) == signature
    canonical = canonical and encode_station(station) == station_field
    if not canonical or not slip:
        return VerifyResult(False, "malformed")
    read = {"slip_number": slip, "station_id": station, "issued_at": issued, "disposition": disposition}
    try:
        public_key.verify(raw_signature, text.rsplit(".", 1)[0].encode("utf-8"))
    except InvalidSignature:
        return VerifyResult(False, "bad_signature", **read)
    return VerifyResult(True, "ok", **read)


def verify_slip_text(
    text: str, public_key_or_dir: Ed25519PublicKey | bytes | str | os.PathLike[str]
) -> VerifyResult:
    """For ``fever-desk verify-slip``: like :func:`verify_payload`, with the key in any form
    :func:`load_public_key` reads (a station's data folder, its ``.pub.pem`` file, or ``ed25519:…`` text)."""
    return verify_payload(text, load_public_key(public_key_or_dir))
