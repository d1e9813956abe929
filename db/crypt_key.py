"""The station's database key: 32 random bytes, kept by the operating system, or in a 0600 file.

The SQLite database, the offline outbox and the backups are encrypted with SQLCipher (``db.cipher``)
under one key per station.  The key must not sit in the same folder as the data where the system offers
something better, because a copied data folder would then carry its own key: so it is stored with the
``keyring`` library (Windows Credential Manager, the Secret Service of a Linux desktop, the macOS
keychain) under the service ``fever-desk`` and the data folder's path as the user name.  Headless
Linux, CI and locked-down PCs have no usable backend (``keyring.backends.fail``/``null``); there the key
is a file, ``database.key``, beside the data, readable by its owner only — weaker (a copy of the whole
folder includes the key) and said so by the self-test.

A key file that exists is used first: it was written because no keyring answered, and a keyring that
answers later must not hide it behind a fresh, different key.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32
KEY_FILE = "database.key"
SERVICE = "fever-desk"
#: tests and kiosks: "file" skips the keyring and keeps the key in the file beside the data
ENV_STORE = "FEVER_DESK_KEY_STORE"

log = logging.getLogger("fever_desk.key")


class KeyFormatError(ValueError):
    """A key that is not 64 hexadecimal digits (a typo while importing it from paper)."""


@dataclass(frozen=True)
class KeyPlace:
    """Where the key is (or would be) kept, for the self-test and the IT guide."""

    keyring: str | None  # the backend's name when the operating system keeps it
    file: Path | None  # the key file when it does not

    def describe(self) -> str:
        return f"keyring ({self.keyring})" if self.keyring else str(self.file)


def data_folder() -> Path:
    """The station's data folder (``FEVER_DESK_DATA`` or the per-user one), as the outbox uses it."""
    from db.outbox import data_dir

    return data_dir()


def parse_key(text: str) -> bytes:
    """64 hex digits (spaces, dashes and line breaks ignored, as written on paper) -> the key bytes."""
    digits = "".join(ch for ch in text if ch not in " -:\n\r\t")
    try:
        key = bytes.fromhex(digits)
    except ValueError as exc:
        raise KeyFormatError(text) from exc
    if len(key) != KEY_BYTES:
        raise KeyFormatError(text)
    return key


class KeyStore:
    """The key of the station whose data lives in ``folder``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or data_folder()
        self.file = self.folder / KEY_FILE
        self.user = f"database-key:{self.folder}"

    def _backend(self) -> object | None:
        """The keyring backend when one can really keep secrets, else None (the key file is used)."""
        if os.environ.get(ENV_STORE, "").lower() == "file":
            return None
        try:
            import keyring
        except ImportError:  # pragma: no cover - a dependency, but a bundle may lack a backend module
            return None
        try:
            backend = keyring.get_keyring()
        except Exception:  # noqa: BLE001 - a broken keyring configuration means "no keyring"
            return None
        module = type(backend).__module__
        if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
            return None
        if getattr(backend, "backends", None) == []:  # a chainer with nothing behind it
            return None
        return backend

    def place(self) -> KeyPlace:
        """Where :meth:`load` finds the key, or where :meth:`create` would put it."""
        if self.file.exists():
            return KeyPlace(None, self.file)
        backend = self._backend()
        if backend is None:
            return KeyPlace(None, self.file)
        return KeyPlace(getattr(backend, "name", type(backend).__name__), None)

    def load(self) -> bytes | None:
        """The station's key, or None when it has none yet (or the keyring cannot be asked now)."""
        if self.file.exists():
            return parse_key(self.file.read_text(encoding="ascii"))
        backend = self._backend()
        if backend is None:
            return None
        try:
            text = backend.get_password(SERVICE, self.user)  # type: ignore[attr-defined]
        except Exception:
            log.warning("the keyring could not be read", exc_info=True)
            return None
        return parse_key(text) if text else None

    def load_or_create(self) -> bytes:
        """The key; a new random one is made and stored when the station has none."""
        key = self.load()
        if key is None:
            key = self.store(secrets.token_bytes(KEY_BYTES), replace=False)
            log.info("a new database key was made and kept in %s", self.place().describe())
        return key

    def store(self, key: bytes, *, replace: bool = True) -> bytes:
        """Keep ``key`` (the keyring if usable, else the 0600 file); returns the key now in force.

        ``replace=False`` never overwrites a key another process stored a moment earlier: that one wins.
        """
        backend = self._backend()
        if backend is not None and not self.file.exists():
            try:
                if replace or not backend.get_password(SERVICE, self.user):  # type: ignore[attr-defined]
                    backend.set_password(SERVICE, self.user, key.hex())  # type: ignore[attr-defined]
                stored = backend.get_password(SERVICE, self.user)  # type: ignore[attr-defined]
                if stored:
                    return parse_key(stored)
            except Exception:
                log.warning("the keyring refused the key; it is kept in %s instead", self.file, exc_info=True)
        return self._write_file(key, replace=replace)

    def _write_file(self, key: bytes, *, replace: bool) -> bytes:
        """Write the key file 0600 from the first byte (never readable by others, even for a moment)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.folder, 0o700)
        temporary = self.folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(key.hex() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            if replace:
                os.replace(temporary, self.file)
            else:
                try:
                    os.link(temporary, self.file)  # fails if another process made the key first
                except FileExistsError:
                    pass
                except OSError:  # a file system without hard links
                    if not self.file.exists():
                        os.replace(temporary, self.file)
        finally:
            temporary.unlink(missing_ok=True)
        return parse_key(self.file.read_text(encoding="ascii"))
