"""The observation grid's Ctrl+E from its temperature field, through the real ``fever-desk`` on Xvfb.

The grid puts the keyboard in the temperature of the half-day; on a Linux desktop that line edit took
Ctrl+E as "end of line" and the export never opened (``ui.desk.widgets.screen_keys``).  Keys go through
the X server only; the outcome is the PDF read back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fever_desk.i18n import tr
from tests.e2e.test_keyboard_desk import quit_with_ctrl_q, seeded  # noqa: F401 - fixture
from tests.e2e.test_observation_desk import screen_and_register
from tests.e2e.xdesk import Station, main_title
from tests.pdf import pdf_text

pytestmark = pytest.mark.e2e

GRID_EXPORT_TITLE = "Export the 14-day grid"


def test_ctrl_e_on_the_grid_exports_while_the_keyboard_is_in_the_temperature(
    seeded: Station,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    screen_and_register(seeded)
    seeded.wait_for(lambda: seeded.rows("SELECT id FROM observation"), "the registration stored")
    seeded.wait_for(
        lambda: seeded.focused_title() == main_title(seeded.settings), "the keyboard back on the desk"
    )
    seeded.key("F4")  # the register's worklist; the person is due now
    seeded.key("Return")  # opens the grid, the keyboard in the temperature field
    seeded.type("36.")  # half typed: the key comes from inside the field
    seeded.key("ctrl+e")
    seeded.wait_window(tr(GRID_EXPORT_TITLE))
    target = tmp_path / "grid-zhou-qiang.pdf"
    seeded.key("ctrl+a")
    seeded.type(str(target))
    seeded.key("Return")
    seeded.wait_gone(tr(GRID_EXPORT_TITLE))
    seeded.wait_for(lambda: target.exists() and "Zhou Qiang" in pdf_text(target), "the grid's PDF written")
    quit_with_ctrl_q(seeded)
