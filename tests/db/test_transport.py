"""PostgreSQL transport (#17): a plain-text connection to a server that is not on this PC is refused,
with the fix named; weaker-than-verified TLS is allowed with a note in the status bar."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.engine import make_engine
from db.transport import PlainTextTransport, Transport, check_transport, transport_of, transport_warning

ROOT = Path(__file__).resolve().parents[2]
SERVER = "postgresql+psycopg://desk:secret@clinic-server/fever_desk"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///station.sqlite3", Transport.NOT_A_SERVER),
        ("postgresql+psycopg://desk@/fever_desk", Transport.LOCAL),  # libpq's default socket
        ("postgresql+psycopg://desk@/fever_desk?host=/var/run/postgresql", Transport.LOCAL),
        ("postgresql+psycopg://desk@localhost/fever_desk", Transport.LOCAL),
        ("postgresql+psycopg://desk@LOCALHOST:5433/fever_desk", Transport.LOCAL),
        ("postgresql+psycopg://desk@127.0.0.1/fever_desk", Transport.LOCAL),
        ("postgresql+psycopg://desk@127.8.9.10/fever_desk", Transport.LOCAL),  # all of 127.0.0.0/8
        ("postgresql+psycopg://desk@[::1]:5432/fever_desk", Transport.LOCAL),
        (SERVER, Transport.PLAIN),
        ("postgresql+psycopg://desk@192.168.1.20/fever_desk", Transport.PLAIN),
        ("postgresql+psycopg://desk@128.0.0.1/fever_desk", Transport.PLAIN),
        ("postgresql+psycopg://desk@localhost.example.com/fever_desk", Transport.PLAIN),
        (SERVER + "?sslmode=disable", Transport.PLAIN),  # plain text by choice is still plain text
        (SERVER + "?sslmode=prefer", Transport.MAY_BE_PLAIN),
        (SERVER + "?sslmode=allow", Transport.MAY_BE_PLAIN),
        (SERVER + "?sslmode=require", Transport.UNVERIFIED),
        (SERVER + "?sslmode=verify-ca", Transport.VERIFIED),
        (SERVER + "?sslmode=verify-full&connect_timeout=5", Transport.VERIFIED),
        # every host counts: a local first host does not excuse a remote second one
        ("postgresql+psycopg://desk@localhost/fever_desk?host=backup-server", Transport.PLAIN),
        ("postgresql+psycopg://desk@localhost/fever_desk?hostaddr=10.0.0.5", Transport.PLAIN),
        ("postgresql+psycopg://desk@/fever_desk?host=localhost,127.0.0.1", Transport.LOCAL),
        ("postgresql://desk@clinic-server/fever_desk", Transport.PLAIN),  # any driver
    ],
)
def test_the_decision(url: str, expected: Transport) -> None:
    assert transport_of(url) is expected


def test_plain_text_to_a_server_is_refused_naming_the_host_and_the_fix() -> None:
    with pytest.raises(PlainTextTransport) as refused:
        check_transport(SERVER)
    message = refused.value.localized()
    assert "clinic-server" in message and "?sslmode=require" in message and "secret" not in message
    assert check_transport(SERVER + "?sslmode=require") is Transport.UNVERIFIED


def test_make_engine_refuses_before_connecting() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(PlainTextTransport):
        make_engine(SERVER)
    make_engine(SERVER + "?sslmode=require").dispose()  # allowed (nothing connects yet)


def test_the_warning_is_only_for_weaker_than_verified() -> None:
    assert transport_warning(SERVER + "?sslmode=verify-full") is None
    assert transport_warning("postgresql+psycopg://desk@localhost/fever_desk") is None
    template, _ = transport_warning(SERVER + "?sslmode=require") or ("", {})
    assert "not checked" in template
    template, values = transport_warning(SERVER + "?sslmode=prefer") or ("", {})
    assert "may be unencrypted" in template and values == {"mode": "prefer"}


def test_the_real_cli_refuses_a_plain_text_server_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--db", SERVER, "user", "list"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "clinic-server" in lines[0] and "?sslmode=require" in lines[0] and "secret" not in lines[0]
    assert "不在本机上" in lines[0]  # the user's language (Simplified Chinese by default)
