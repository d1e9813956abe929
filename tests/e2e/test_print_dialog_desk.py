"""Ctrl+P at a real display: the slip's print dialog, cancelled, costs the station none of its database locks.

The station's home folder here holds its database (as it does where ``fever-desk --db ~/…`` is used), and
Qt's print dialog lists the home folder for its "print to file" field.  Before ``print_dialog``
(``ui/desk/widgets/file_dialogs.py``) that list opened the database's ``-shm`` to guess its type and the
station's lock on it went with it: this test failed at the read after the dialog, in both window-manager
modes.  Unchecked, such a read may reset the file under the station, which then dies of SIGBUS at its
next touch of it.  That is a race: 2 runs of 2 without the check did not crash here, while
``tests/ui/test_print_dialogs.py``, saving in a loop, crashes every time.  The harness checks the locks
before every read and before Ctrl+Q (``Station.check_database_locks``).
"""

from __future__ import annotations

import pytest

from tests.e2e.test_keyboard_desk import log_in, quit_with_ctrl_q, screening, seeded  # noqa: F401 - fixture
from tests.e2e.xdesk import Station

pytestmark = pytest.mark.e2e

#: Qt's own title for its print dialog (the desk loads no Qt translation)
PRINT_TITLE = "Print"


def test_ctrl_p_then_cancel_keeps_the_database_locks(seeded: Station) -> None:  # noqa: F811 - fixture
    log_in(seeded)
    seeded.type("Qian Fang")
    seeded.key("Tab", "2", "Tab")
    seeded.type("38")
    seeded.key("Tab")
    seeded.type("13600000002")
    seeded.key("Tab")
    seeded.type("38.2")
    seeded.key("F8", "Return")
    screening(seeded, "Qian Fang")
    seeded.key_until_window("ctrl+p", PRINT_TITLE)  # the slip panel takes it once the record is shown
    seeded.key("Escape")
    seeded.wait_gone(PRINT_TITLE)
    # A second program reads the file while the station runs: it must still hold its locks.
    assert [row["name"] for row in seeded.rows("SELECT name FROM screening")] == ["Qian Fang"]
    quit_with_ctrl_q(seeded)
