"""Printing the slip's own PDF through Qt: what the printer gets is readable, recorded and archived."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtTest import QTest

from fever_desk.i18n import tr
from fever_desk.slips import issue_slip
from tests.fever_desk import slip_cases
from tests.pdf import page_png, pdf_text
from tests.services import service_missing
from ui.desk.slips.printing import NoPrinter, make_printer, pdf_printer, print_pdf, printer_names, rasterise

HELPER = Path(__file__).with_name("cups_helper.sh")


def decode(pdf: bytes, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [r.text for r in zxingcpp.read_barcodes(Image.open(page_png(pdf, tmp_path)))]


@pytest.mark.parametrize("layout", ["80mm", "a5"])
def test_the_printed_page_keeps_the_pdf_size_and_a_readable_qr_code(qapp, tmp_path, layout):
    slip = issue_slip(slip_cases.screening(), slip_cases.settings(), tmp_path / "keys", layout=layout)
    out = tmp_path / "printed.pdf"
    assert print_pdf(slip.pdf, pdf_printer(str(out), 203)) == f"PDF: {out}"
    printed = out.read_bytes()
    original, copy = rasterise(slip.pdf, 72)[0], rasterise(printed, 72)[0]
    assert copy.width_pt == pytest.approx(original.width_pt, abs=1)
    assert copy.height_pt == pytest.approx(original.height_pt, abs=1)
    assert decode(printed, tmp_path / "png") == [slip.content.qr_payload]
    # The printer received pictures of the PDF's pages (no text layer), drawn from the PDF itself.
    assert "9C3A-200207-4F1B2C" not in pdf_text(printed)


def test_an_unknown_printer_is_named_in_the_error(qapp):
    with pytest.raises(NoPrinter, match="no-such-printer"):
        make_printer("no-such-printer")


@pytest.fixture
def panel(desk, tmp_path, monkeypatch):
    """A slip panel on the desk, printing straight to PDF files in ``tmp_path/printed``."""
    monkeypatch.setenv("FEVER_DESK_DATA", str(tmp_path / "data"))
    station = desk.window.station
    configured = slip_cases.settings()  # a set-up station: without a hospital the panel only warns
    station.settings = dataclasses.replace(
        station.settings,
        print_without_dialog=True,
        printer_name="XP-80",
        designated_hospital=configured.designated_hospital,
        hotline=configured.hotline,
    )
    panel = desk.window.slip_panel  # the window's own panel, attached to the desk as in use
    outputs = tmp_path / "printed"
    outputs.mkdir()
    panel.printer_factory = lambda name: pdf_printer(
        str(outputs / f"{name}-{len(list(outputs.iterdir()))}.pdf")
    )
    yield panel
    panel.stop()
    assert not panel.worker._thread.is_alive()


def saved_screening(desk, qtbot):
    """A suspected case stored through the desk's own database worker, then announced as saved."""
    results = []
    desk.window.worker.submit(lambda ctx: ctx.screenings.add(slip_cases.screening()), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    desk.window.desk.saved.emit(results[0])
    return results[0]


def test_print_records_archives_and_a_second_print_is_a_reprint(desk, panel, qtbot, tmp_path):
    saved_screening(desk, qtbot)
    assert panel.isVisible() and panel.hint.isVisible()  # suspected: the panel asks for the slip
    assert "#b00020" in panel.styleSheet()
    with qtbot.waitSignal(panel.recorded, timeout=20000) as first:
        desk.keyboard.key(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    row = first.args[0]
    assert (row.kind, row.operator, row.slip_number) == ("print", "李护士", "9C3A-200207-4F1B2C")
    assert row.printer.startswith("PDF: ") and "XP-80" in row.printer
    assert row.screening_id == slip_cases.SCREENING_ID
    archived = Path(row.archive_path)
    assert archived.is_file() and archived.is_relative_to(tmp_path / "data" / "slips")
    assert archived.parent.parent.name == f"{row.printed_at.astimezone():%Y}"
    at = f"{row.printed_at.astimezone():%H:%M}"
    assert panel.status.text() == tr("Printed at {time} on {printer}", time=at, printer=row.printer)
    printed = Path(row.printer.removeprefix("PDF: ")).read_bytes()
    assert decode(printed, tmp_path / "png") == [decode(archived.read_bytes(), tmp_path / "png2")[0]]

    with qtbot.waitSignal(panel.recorded, timeout=20000) as second:
        panel.print_button.click()
    assert second.args[0].kind == "reprint"
    assert Path(second.args[0].archive_path) != archived and Path(second.args[0].archive_path).is_file()
    again = second.args[0]
    at = f"{again.printed_at.astimezone():%H:%M}"
    assert panel.status.text() == tr("Reprinted at {time} on {printer}", time=at, printer=again.printer)

    # Opening the record again from today's list shows the last copy, looked up in the database.
    desk.window.desk.today.open_requested.emit(stored_screening(desk, qtbot))
    assert panel.last_print is None and panel.status.text() == ""
    qtbot.waitUntil(lambda: panel.last_print == again, timeout=10000)
    assert panel.status.text() == tr("Reprinted at {time} on {printer}", time=at, printer=again.printer)


def stored_screening(desk, qtbot):
    found = []
    desk.window.worker.submit(lambda ctx: ctx.screenings.get(slip_cases.SCREENING_ID), found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=10000)
    return found[0]


def test_save_pdf_writes_the_exact_slip_and_records_an_export(desk, panel, qtbot, tmp_path):
    saved_screening(desk, qtbot)
    panel.layout_choice.setCurrentIndex(panel.layout_choice.findData("a5"))
    target = tmp_path / "export.pdf"
    with qtbot.waitSignal(panel.recorded, timeout=20000) as done:
        panel.export_pdf(target)
    row = done.args[0]
    assert (row.kind, row.layout, row.printer) == ("pdf-export", "a5", str(target))
    assert target.read_bytes() == Path(row.archive_path).read_bytes()


def test_a_missing_printer_is_reported_in_the_panel(desk, panel, qtbot):
    saved_screening(desk, qtbot)
    panel.printer_factory = make_printer
    panel.station.settings = dataclasses.replace(panel.station.settings, printer_name="no-such-printer")
    with qtbot.waitSignal(panel.failed, timeout=5000):
        panel.print_slip()
    assert "no-such-printer" in panel.status.text()
    assert panel.print_button.isEnabled()


def test_the_dialogs_open_without_blocking(desk, panel, qtbot):
    saved_screening(desk, qtbot)
    panel.station.settings = dataclasses.replace(panel.station.settings, print_without_dialog=False)
    panel.print_slip()
    dialogs = [d for d in panel._dialogs if isinstance(d, QPrintDialog)]
    assert dialogs and dialogs[0].isVisible()
    dialogs[0].reject()
    panel.preview()
    qtbot.waitUntil(lambda: any(isinstance(d, QPrintPreviewDialog) for d in panel._dialogs), timeout=20000)
    preview = next(d for d in panel._dialogs if isinstance(d, QPrintPreviewDialog))
    qtbot.waitExposed(preview)
    preview.reject()
    qtbot.waitUntil(lambda: not panel._dialogs, timeout=5000)
    assert panel.last_print is None


def _lpstat_jobs(queue: str, which: str) -> set[str]:
    run = subprocess.run(
        ["lpstat", "-W", which, "-o", queue], capture_output=True, text=True, timeout=10, check=False
    )
    return {line.split()[0] for line in run.stdout.splitlines() if line.strip()}


def test_a_job_printed_to_a_cups_queue_reaches_cups(qapp, tmp_path):
    cups = "cups cups-client printer-driver-cups-pdf"
    if shutil.which("lpstat") is None:
        service_missing("CUPS (lpstat)", cups)
    try:
        setup = subprocess.run(["bash", str(HELPER)], capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        service_missing("a CUPS queue", cups, detail="setting it up timed out")
    if setup.returncode != 0:
        service_missing("a CUPS queue", cups, detail=setup.stderr.strip())
    queue = setup.stdout.strip().splitlines()[-1]
    if queue not in printer_names():
        service_missing(f"the CUPS queue {queue} in Qt", "libcups2", detail="Qt's CUPS plugin needs libcups2")
    before = _lpstat_jobs(queue, "all")
    slip = issue_slip(slip_cases.screening(), slip_cases.settings(), tmp_path / "keys")
    printer = make_printer(queue)
    printer.setDocName("fever_desk test slip")
    done: list[str] = []  # printed from another thread, as the desk's slip worker does
    thread = threading.Thread(target=lambda: done.append(print_pdf(slip.pdf, printer)), daemon=True)
    thread.start()
    thread.join(60)
    assert done == [queue]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _lpstat_jobs(queue, "completed") - before:
            return
        time.sleep(0.5)
    pytest.fail(f"no completed job on {queue} after 60 s: {_lpstat_jobs(queue, 'all') - before}")


def test_printing_happens_off_the_gui_thread(desk, panel, qtbot, monkeypatch):
    import ui.desk.slips.printing as module

    threads = []
    real = module.print_pdf

    def spy(pdf: bytes, printer: QPrinter) -> str:
        threads.append(threading.current_thread())
        return real(pdf, printer)

    monkeypatch.setattr(module, "print_pdf", spy)
    saved_screening(desk, qtbot)
    with qtbot.waitSignal(panel.recorded, timeout=20000):
        QTest.keyClick(panel.print_button, Qt.Key.Key_Space)
    assert threads and threads[0] is not threading.main_thread()


def test_a_routine_outcome_keeps_the_panel_quiet_and_the_layout_follows_the_settings(desk, panel):
    from fever_desk.triage import FeverRule, evaluate

    routine = slip_cases.screening()
    routine.answers = dataclasses.replace(slip_cases.answers(symptoms=(), exposures=()), temperature_c=36.5)
    routine.outcome = evaluate(slip_cases.GUIDELINE, routine.answers, FeverRule())
    panel.show_screening(routine)
    assert panel.isVisible() and not panel.hint.isVisible() and "#b00020" not in panel.styleSheet()
    station = panel.station
    station.update_settings(dataclasses.replace(station.settings, slip_layout="a5"))
    assert panel.layout_code == "a5"
