"""The station's narrow door to the county database: enrol once, put reports in the inbox, read verdicts.

A station connects as a login role in ``fever_county_station`` (see the county migration ``c001``),
which can call ``county_enrol`` and insert/read the inbox's sent and verdict columns, nothing else.  The
receipt time is the county server's, so a station cannot date a late report back.  Network failures
surface as SQLAlchemy ``OperationalError`` / ``DBAPIError``; the caller (``ui.services.county``) keeps
the item in its outbox and tries again later.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, create_engine, select, text

from db.county.models import INBOX


def county_engine(url: str) -> Engine:
    """An engine for the county database; a connection attempt gives up after a few seconds.  A server
    that is not on this PC is refused without ``sslmode`` (``db.transport.PlainTextTransport``): the
    station's login and its reports must not cross the network readable."""
    from db.transport import check_transport

    if not url.startswith("postgresql"):
        raise ValueError("The county database must be PostgreSQL (postgresql+psycopg://…).")
    check_transport(url)  # a server elsewhere only with ?sslmode=…, as for the clinic's server
    args: dict[str, Any] = {} if "connect_timeout" in url else {"connect_timeout": 5}
    return create_engine(url, pool_pre_ping=True, connect_args=args)


class CountyLink:
    def __init__(self, url: str) -> None:
        self.engine = county_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    def enrol(self, code: str, public_key_text: str) -> int | None:
        """The point number the code was issued for, or None (unknown, used or expired code)."""
        with self.engine.begin() as connection:
            point = connection.execute(
                text("SELECT county_enrol(:code, :key)"), {"code": code, "key": public_key_text}
            ).scalar()
        return None if point is None else int(point)

    def deliver(self, point: int, kind: str, day: date, revision: int, body: str, signature: str) -> None:
        """Put one signed report in the inbox; sending the same one again stores nothing new."""
        with self.engine.begin() as connection:
            # Plain SQL: SQLAlchemy would add RETURNING id, and the station may not read ``id``.
            connection.execute(
                text(
                    "INSERT INTO county_inbox (point_id, kind, day, revision, body, signature) "
                    "VALUES (:point, :kind, :day, :revision, :body, :signature) ON CONFLICT DO NOTHING"
                ),
                {"point": point, "kind": kind, "day": day, "revision": revision, "body": body,
                 "signature": signature},
            )  # fmt: skip

    def verdict(
        self, point: int, kind: str, day: date, revision: int, signature: str
    ) -> tuple[str, str] | None:
        """``(state, reason)`` of a delivered report, or None when the county has no such row."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(INBOX.c.state, INBOX.c.reason).where(
                    INBOX.c.point_id == point,
                    INBOX.c.kind == kind,
                    INBOX.c.day == day,
                    INBOX.c.revision == revision,
                    INBOX.c.signature == signature,
                )
            ).first()
        return None if row is None else (str(row.state), str(row.reason))
