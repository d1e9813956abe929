"""``fever-desk --self-test``: can this PC run the desk?  One line per check, for clinic IT after an install.

Nothing here may change the station: the database is checked read-only, and the migrations are proven
by running them on a *scratch copy* (taken with SQLite's online backup API, safe while the desk runs),
so an installed build that cannot migrate says so before a nurse meets it, and a production database
is only reported as "would upgrade from X to Y" — the desk does that itself at its next start.
Settings are read, never written (``load_settings`` would create a missing file).

Essential checks (database, migrations, fonts, guidelines, translations) decide the exit code; printers
and serial ports are warnings, because a desk can work with neither for a while.  Qt is imported only
inside the printer check, so the rest runs over SSH on a PC whose display is broken.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from db.location import sqlite_url
from fever_desk.i18n import set_language, tr
from fever_desk.settings import Settings

OK, WARN, FAIL = "✓", "!", "✗"
_keep: list[object] = []


@dataclass(frozen=True)
class Result:
    """One report line; ``essential`` says whether a failure makes the self-test fail."""

    mark: str
    name: str
    detail: str
    essential: bool = True


def read_settings_quietly(path: Path) -> tuple[Settings, str | None]:
    """The station's settings without writing anything; a damaged file gives defaults and a problem."""
    if not path.exists():
        return Settings(), None
    from fever_desk.settings import SettingsError, parse_settings, read_settings_text

    try:
        return parse_settings(path, read_settings_text(path)), None
    except SettingsError as exc:
        return Settings(), exc.localized_problem()
    except OSError as exc:
        return Settings(), str(exc)


def check_settings(path: Path, problem: str | None) -> Result:
    if problem:
        return Result(
            WARN,
            tr("Settings"),
            tr("{path}: {problem}; defaults would be used", path=str(path), problem=problem),
            False,
        )
    if not path.exists():
        return Result(OK, tr("Settings"), tr("{path} not written yet; defaults", path=str(path)), False)
    return Result(OK, tr("Settings"), str(path), False)


def _copy_to_scratch(path: Path, scratch: Path) -> None:
    """A consistent copy even while the desk writes: the backup API reads one snapshot of a WAL database."""
    from db.cipher import connect, key_for

    key = key_for(path, create=False)  # the copy is encrypted like the database, with the same key
    source = connect(path, key, read_only=True)
    target = connect(scratch, key)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def check_database(url: str) -> list[Result]:
    """The database line and the migrations line; a database we must not touch fails the first."""
    from db.engine import sqlite_path
    from db.migrate import DatabaseProblem

    path = sqlite_path(url)
    try:
        return _check_server(url) if path is None else _check_sqlite(path)
    except DatabaseProblem as exc:
        return [Result(FAIL, tr("Database"), exc.localized())]


def _check_server(url: str) -> list[Result]:
    """PostgreSQL (or in-memory): look only — there is no file to rehearse the upgrade on."""
    from db.engine import make_engine
    from db.migrate import check, current_revision, head_revision

    engine = make_engine(url)
    try:
        check(engine)
        current = current_revision(engine)
        where = engine.url.render_as_string(hide_password=True)
    finally:
        engine.dispose()
    head = head_revision()
    results = [Result(OK, tr("Database"), tr("{where} opens", where=where))]
    if current == head:
        results.append(Result(OK, tr("Migrations"), tr("at the latest schema {head}", head=head)))
    else:
        detail = tr(
            "would upgrade from {current} to {head} at the next start", current=current or "-", head=head
        )
        results.append(Result(WARN, tr("Migrations"), detail))
    return results


def _check_sqlite(path: Path) -> list[Result]:
    """The file read-only (header, owner, schema version), then a snapshot copy to check and migrate."""
    from db.engine import make_engine
    from db.migrate import check

    with tempfile.TemporaryDirectory(prefix="fever-desk-selftest-") as tmp:
        scratch = Path(tmp) / "copy.sqlite3"
        if not path.exists():
            folder = path.parent
            if not folder.is_dir() or not os.access(folder, os.W_OK):
                detail = tr("cannot create {path}: the folder is missing or not writable", path=str(path))
                return [Result(FAIL, tr("Database"), detail)]
            detail = tr("{path} not created yet; it will be at the first start", path=str(path))
            database = Result(OK, tr("Database"), detail)
        else:
            probe = make_engine(sqlite_url(path))
            try:
                check(probe)  # raises DatabaseProblem for other files or a newer schema; read-only
            finally:
                probe.dispose()
            _copy_to_scratch(path, scratch)
            from db.cipher import connect, key_for

            with closing(connect(scratch, key_for(scratch, create=False))) as connection:
                verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                detail = tr("{path} is damaged: {problem}", path=str(path), problem=verdict)
                return [Result(FAIL, tr("Database"), detail)]
            database = Result(OK, tr("Database"), tr("{path} opens, integrity ok", path=str(path)))
        return [database, *_guarded(tr("Migrations"), True, lambda: _rehearse(scratch))]


def _rehearse(scratch: Path) -> Result:
    """Migrate the scratch copy to head: proves the installed scripts load and apply on this data."""
    from db.engine import make_engine
    from db.migrate import current_revision, head_revision, upgrade

    head = head_revision()
    engine = make_engine(sqlite_url(scratch))
    try:
        current = current_revision(engine)
        upgrade(engine)
        reached = current_revision(engine)
    finally:
        engine.dispose()
    if reached != head:
        return Result(
            FAIL,
            tr("Migrations"),
            tr("the upgrade stopped at {current}, not {head}", current=reached or "-", head=head),
        )
    if current is None:
        return Result(
            OK, tr("Migrations"), tr("a new database gets schema {head} (rehearsed on a copy)", head=head)
        )
    if current == head:
        return Result(OK, tr("Migrations"), tr("at the latest schema {head}", head=head))
    detail = tr(
        "would upgrade from {current} to {head} at the next start (rehearsed on a copy)",
        current=current,
        head=head,
    )
    return Result(WARN, tr("Migrations"), detail)


def check_fonts(settings: Settings) -> Result:
    """Which font the PDFs will embed.  The shipped one is the normal case; a configured font that cannot
    be used, or a system font standing in for a missing shipped file, is a warning (slips still print,
    but not as at the other counters)."""
    from fever_desk.slips.fonts import SHIPPED_FONT, FontNotFound, resolve_font

    configured = settings.slip_font_path or None
    try:
        font = resolve_font(configured)
    except FontNotFound as exc:
        return Result(FAIL, tr("Fonts"), exc.localized(settings.language))
    where = f"{font.path}#{font.subfont_index}"
    if configured and font.path != Path(configured).expanduser():
        detail = tr(
            "the configured font {configured} cannot be used; {path} instead",
            configured=configured,
            path=where,
        )
        return Result(WARN, tr("Fonts"), detail)
    if font.shipped:
        return Result(OK, tr("Fonts"), tr("the shipped font, {path}", path=where))
    if not configured:
        detail = tr(
            "the shipped font {shipped} is missing; a system font stands in: {path}",
            shipped=str(SHIPPED_FONT),
            path=where,
        )
        return Result(WARN, tr("Fonts"), detail)
    return Result(OK, tr("Fonts"), tr("the configured font, {path}", path=where))


def check_guidelines(settings: Settings) -> Result:
    from fever_desk.guidelines import shipped_guidelines

    shipped = shipped_guidelines()  # raises GuidelineError naming the file: reported as a failure
    if not shipped:
        return Result(FAIL, tr("Guidelines"), tr("no guideline file is installed"))
    names = ", ".join(shipped)
    if settings.guideline_id not in shipped:
        return Result(
            WARN,
            tr("Guidelines"),
            tr("{names}; the configured {id} is missing", names=names, id=settings.guideline_id),
        )
    return Result(OK, tr("Guidelines"), names)


def check_translations(settings: Settings) -> Result:
    from fever_desk.i18n import catalogue

    entries = len(catalogue("zh_CN"))
    if entries == 0:
        return Result(FAIL, tr("Translations"), tr("the Chinese catalogue is missing"))
    return Result(
        OK,
        tr("Translations"),
        tr("{count} entries, language {language}", count=entries, language=settings.language),
    )


def check_printers(settings: Settings) -> Result:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a CLI check needs no screen
    from PySide6.QtPrintSupport import QPrinterInfo
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        # Kept for the process: the print-support plugin needs an application object, and a
        # QApplication (not QGuiApplication) is what anything later in the same process expects.
        _keep.append(QApplication([]))
    names = list(QPrinterInfo.availablePrinterNames())
    if not names:
        return Result(WARN, tr("Printers"), tr("no printer found; slips cannot be printed"), False)
    if settings.printer_name and settings.printer_name not in names:
        return Result(
            WARN,
            tr("Printers"),
            tr(
                "{names}; the configured {name} is missing",
                names=", ".join(names),
                name=settings.printer_name,
            ),
            False,
        )
    return Result(OK, tr("Printers"), ", ".join(names), False)


def check_serial_ports(settings: Settings) -> Result:
    from devices.diagnostics import list_ports
    from devices.transport import same_port

    paths = [port.path for port in list_ports()]
    if not paths:
        return Result(
            WARN, tr("Serial ports"), tr("no serial port found; the thermometer simulator is used"), False
        )
    configured = settings.device_port
    if configured and "://" not in configured and not any(same_port(configured, p) for p in paths):
        return Result(
            WARN,
            tr("Serial ports"),
            tr("{names}; the configured {name} is missing", names=", ".join(paths), name=configured),
            False,
        )
    return Result(OK, tr("Serial ports"), ", ".join(paths), False)


def _guarded(name: str, essential: bool, check: Callable[[], Result | list[Result]]) -> list[Result]:
    """A crashing check is a failed line, never a traceback: the report must always reach the end."""
    try:
        outcome = check()
    except Exception as exc:  # noqa: BLE001 - every unexpected problem is reported, not raised
        return [Result(FAIL if essential else WARN, name, f"{type(exc).__name__}: {exc}", essential)]
    return outcome if isinstance(outcome, list) else [outcome]


def _privacy_line(name: str, check: Callable[[str], tuple[str, str]], db_url: str) -> Result:
    """A line of ``ui.services.private_files`` (encryption, permissions): a warning at most, never fatal."""
    status, detail = check(db_url)
    return Result({"ok": OK, "warn": WARN}.get(status, FAIL), name, detail, False)


def run_self_test(db_url: str, out: TextIO) -> int:
    """Print the report for the database at ``db_url`` to ``out``; 0 if every essential check passed."""
    from ui.services.private_files import check_encryption, check_file_modes
    from ui.services.settings import config_path

    path = config_path()
    settings, problem = read_settings_quietly(path)
    set_language(settings.language if settings.language in ("zh_CN", "en") else "zh_CN")
    results = [check_settings(path, problem)]
    results += _guarded(tr("Database"), True, lambda: check_database(db_url))
    results += _guarded(
        tr("Encryption"), False, lambda: _privacy_line(tr("Encryption"), check_encryption, db_url)
    )
    results += _guarded(
        tr("File permissions"), False, lambda: _privacy_line(tr("File permissions"), check_file_modes, db_url)
    )
    results += _guarded(tr("Fonts"), True, lambda: check_fonts(settings))
    results += _guarded(tr("Guidelines"), True, lambda: check_guidelines(settings))
    results += _guarded(tr("Translations"), True, lambda: check_translations(settings))
    results += _guarded(tr("Printers"), False, lambda: check_printers(settings))
    results += _guarded(tr("Serial ports"), False, lambda: check_serial_ports(settings))
    from ui.cli.console import safe_symbol

    # A console in GBK (cp936) or cp1252 cannot show ✓/✗: it gets √/× or OK/X instead of a crash.
    shown = {
        OK: safe_symbol(OK, "√", "OK", stream=out),
        WARN: WARN,
        FAIL: safe_symbol(FAIL, "×", "X", stream=out),
    }
    for result in results:
        print(f"{shown[result.mark]} {result.name}: {result.detail}", file=out)
    failed = [r for r in results if r.mark == FAIL and r.essential]
    if failed:
        print(tr("{count} essential check(s) failed.", count=len(failed)), file=out)
        return 1
    print(tr("All essential checks passed."), file=out)
    return 0
