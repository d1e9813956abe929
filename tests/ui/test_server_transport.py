"""PostgreSQL transport at the desk (#17): the refusal explained in the window, the status-bar note."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sqlalchemy.engine import make_url

from db.resilient import SyncStatus
from db.transport import PlainTextTransport
from fever_desk.settings import Settings
from ui.desk.app import build_window

SERVER = "postgresql+psycopg://desk:secret@clinic-server/fever_desk"


def test_the_desk_refuses_a_plain_text_server_in_its_window(qtbot, tmp_path: Path) -> None:
    window, worker = build_window(SERVER, Settings(), tmp_path / "settings.json")
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(worker.context_failed, timeout=20000):
        worker.start()
    try:
        text = window.banner.text()
        assert window.banner.isVisible() and "clinic-server" in text and "?sslmode=require" in text
        assert "secret" not in text and "意外" not in text
    finally:
        worker.stop()


def test_the_status_bar_says_when_the_server_is_not_verified(qtbot) -> None:
    from ui.desk.widgets.server_status import ServerStatus

    store = SimpleNamespace(
        handle=SimpleNamespace(engine=SimpleNamespace(url=make_url(SERVER + "?sslmode=require"))),
        status=lambda: SyncStatus(online=True, pending=0),
        start_replaying=lambda *_args, **_kwargs: None,
    )
    label = ServerStatus()
    qtbot.addWidget(label)
    label.attach(store)
    assert "已连接" in label.text()
    assert "未核验服务器身份" in label.text() and "verify-full" in label.text()


def test_the_desk_explains_the_refusal_in_its_own_words() -> None:
    from ui.services.problems import describe_error

    message = describe_error(PlainTextTransport(host="clinic-server"))
    assert "clinic-server" in message and "?sslmode=require" in message and "意外" not in message
