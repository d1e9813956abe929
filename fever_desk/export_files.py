"""Files with personal data that leave the station: private, marked, and optionally an encrypted ZIP.

The regulator's register and the daily report go out by USB stick, e-mail or a chat app, and are then
kept on whatever PC opens them.  So every such file is

- written atomically with mode 0600 (on POSIX: only the account that exported it can read it; Windows
  keeps the file under the folder's own access rules, normally the user's profile);
- marked as personal information in its first line (CSV), first row of its first sheet (XLSX) or the
  header of every page (PDF), in Chinese and English (:data:`MARKER`), so whoever finds it knows what
  it is;
- on request packed into a ZIP encrypted with AES-256 (WinZip AE-2, via ``pyzipper``) under a one-time
  password made with :mod:`secrets`.  The password is shown once and never stored: it is read out to
  the recipient by phone, so it uses only capitals and digits that cannot be mistaken for each other,
  in groups of four.  Windows Explorer cannot open AES ZIPs; 7-Zip, WinRAR, Bandizip and 360 压缩 can.

The plain file of a zipped export is written only to a private temporary folder (0700) and deleted
when the ZIP is complete: the destination never holds a plain copy.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

MARKER_ZH = "本文件含个人信息，仅限授权人员使用，不得转发或公开。"
MARKER_EN = "Contains personal information. For authorised recipients only. Do not forward or publish."
#: The marker every export with personal data carries first, whatever the desk's language.
MARKER = f"{MARKER_ZH} / {MARKER_EN}"

#: Capitals and digits without 0/O, 1/I/L: unambiguous when read out over the phone.
PASSWORD_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PASSWORD_GROUPS = 5
GROUP_SIZE = 4  # 20 characters of 31 symbols: about 99 bits
FILE_MODE = 0o600

R = TypeVar("R")


@dataclass(frozen=True)
class ExportedFile:
    """What was written: ``path`` (the ZIP when zipped) and the one-time ``password`` ('' when plain)."""

    path: Path
    password: str = ""

    @property
    def zipped(self) -> bool:
        return bool(self.password)


def one_time_password() -> str:
    """``XXXX-XXXX-XXXX-XXXX-XXXX`` from :data:`PASSWORD_ALPHABET`; the dashes are part of it."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GROUP_SIZE)) for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def zip_path(target: Path) -> Path:
    """``register.xlsx`` → ``register.xlsx.zip``: the name still says what is inside, and a CSV and an
    XLSX of the same days do not overwrite each other's ZIP."""
    return target.with_name(target.name + ".zip")


def write_atomic(path: Path, write: Callable[[Path], None], prefix: str = ".export-") -> None:
    """Write ``path`` whole or not at all with mode 0600 (``fever_desk.files.write_atomic``, the one atomic
    writer; ``prefix`` is kept for callers); a file held open in Excel/WPS raises ``FileInUse``."""
    from fever_desk.files import write_atomic as write_whole

    del prefix
    write_whole(path, write, mode=FILE_MODE)


def write_private_bytes(path: Path, data: bytes) -> None:
    """``data`` to ``path`` atomically with mode 0600 (the slip's "Save PDF…")."""
    write_atomic(path, lambda target: target.write_bytes(data))


def _pack(plain: Path, target: Path, password: str) -> None:
    import pyzipper

    with pyzipper.AESZipFile(
        target, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode("ascii"))
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.write(plain, arcname=plain.name)


def write_export(target: Path, write: Callable[[Path], R], *, zipped: bool) -> tuple[ExportedFile, R]:
    """Run ``write(path)`` (which writes the plain file in the format of ``path``'s extension) so that
    the result is ``target``, or with ``zipped`` an AES-256 ZIP at :func:`zip_path` holding a file named
    like ``target``.  Returns what was written and what ``write`` returned."""
    if not zipped:
        return ExportedFile(target), write(target)
    password = one_time_password()
    destination = zip_path(target)
    folder = Path(tempfile.mkdtemp(prefix="fever-desk-export-"))  # 0700
    try:
        plain = folder / target.name
        result = write(plain)
        write_atomic(destination, lambda tmp: _pack(plain, tmp, password), prefix=".zip-")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return ExportedFile(destination, password), result
