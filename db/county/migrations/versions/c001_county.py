"""The county's tables, the stations' narrow role and the enrolment function.

Revision ID: c001
Revises: (none: the county's own chain, version table ``county_alembic_version``)
Create Date: 2026-12-01

Plain PostgreSQL DDL, frozen here (the county database is PostgreSQL only): later changes to
``db/county/models.py`` come as new revisions, never as edits of this one.

Where verification happens, and why.  PostgreSQL cannot check an Ed25519 signature (pgcrypto has no
Ed25519), and the county runs no server software of its own.  So a station, connecting as a login role
in ``fever_county_station``, may only (a) call ``county_enrol(code, public_key)`` — SECURITY DEFINER,
the one way to write a key, and only with an unused, unexpired one-time code — and (b) INSERT the sent
columns of ``county_inbox`` (point, kind, day, revision, body, signature) and SELECT the verdict columns.
It cannot set ``received_at`` (the server's ``now()``), ``state`` or ``reason``, nor read or write any
other table.  The county side (``db/county/ingest.py``, run by every county command before it reads)
verifies each pending inbox row in Python with the point's enrolled key and moves it to
``county_report`` / ``county_card_count`` or marks it refused with a reason, which the station reads
back.  A forged row therefore never reaches the figures; the inbox keeps it, refused, as evidence.
"""

from __future__ import annotations

from alembic import op

revision = "c001"
down_revision = None
branch_labels = None
depends_on = None

ROLE = "fever_county_station"

DDL = f"""
CREATE TABLE county_point (
    id            serial PRIMARY KEY,
    name          text NOT NULL,
    kind          varchar(16) NOT NULL CONSTRAINT ck_county_point_kind
                      CHECK (kind IN ('clinic', 'township_centre', 'pharmacy')),
    township_code varchar(9) COLLATE "C" NOT NULL CONSTRAINT ck_county_point_township_code
                      CHECK (township_code ~ '^[1-9][0-9]{{8}}$'),
    township      text NOT NULL DEFAULT '',
    contact       text NOT NULL DEFAULT '',
    active_from   date NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now(),
    public_key    text,
    enrolled_at   timestamptz
);
CREATE INDEX ix_county_point_township_code ON county_point (township_code);

CREATE TABLE county_enrolment (
    code_hash  varchar(64) PRIMARY KEY,
    point_id   integer NOT NULL REFERENCES county_point (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE TABLE county_inbox (
    id          bigserial PRIMARY KEY,
    point_id    integer NOT NULL,
    kind        varchar(8) NOT NULL,
    day         date NOT NULL,
    revision    integer NOT NULL,
    body        text NOT NULL,
    signature   text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL DEFAULT now(),
    state       varchar(8) NOT NULL DEFAULT 'pending'
                    CONSTRAINT ck_county_inbox_state CHECK (state IN ('pending', 'accepted', 'refused')),
    reason      text NOT NULL DEFAULT '',
    checked_at  timestamptz
);
-- The same report (text and signature) sent twice is one row.  The text is part of the key: a copy of a
-- genuine signature under an altered text must not pre-empt the genuine report when it arrives.
CREATE UNIQUE INDEX uq_county_inbox_sent
    ON county_inbox (point_id, kind, day, revision, signature, md5(body));
CREATE INDEX ix_county_inbox_pending ON county_inbox (id) WHERE state = 'pending';

CREATE TABLE county_report (
    id                 bigserial PRIMARY KEY,
    point_id           integer NOT NULL REFERENCES county_point (id),
    day                date NOT NULL,
    revision           integer NOT NULL,
    received_at        timestamptz NOT NULL,
    zero               boolean NOT NULL,
    screened           integer NOT NULL DEFAULT 0,
    fever              integer NOT NULL DEFAULT 0,
    fever_clinic       integer NOT NULL DEFAULT 0,
    suspected          integer NOT NULL DEFAULT 0,
    purchasers         integer NOT NULL DEFAULT 0,
    purchasers_flagged integer NOT NULL DEFAULT 0,
    figures            jsonb NOT NULL,
    body               text NOT NULL,
    signature          text NOT NULL,
    CONSTRAINT uq_county_report_point_id_day_revision UNIQUE (point_id, day, revision)
);
-- The day's reports in DISTINCT ON order; INCLUDE makes the 14-day trend an index-only scan.
CREATE INDEX ix_county_report_day_point_id_revision ON county_report (day, point_id, revision DESC)
    INCLUDE (zero, screened, fever, suspected);

CREATE TABLE county_card_count (
    id          bigserial PRIMARY KEY,
    point_id    integer NOT NULL REFERENCES county_point (id),
    day         date NOT NULL,
    revision    integer NOT NULL,
    received_at timestamptz NOT NULL,
    cards       jsonb NOT NULL,
    body        text NOT NULL,
    signature   text NOT NULL,
    CONSTRAINT uq_county_card_count_point_id_day_revision UNIQUE (point_id, day, revision)
);

CREATE FUNCTION county_enrol(p_code text, p_public_key text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_point integer;
BEGIN
    UPDATE county_enrolment SET used_at = now()
     WHERE code_hash = encode(sha256(convert_to(upper(btrim(p_code)), 'UTF8')), 'hex')
       AND used_at IS NULL AND expires_at > now()
    RETURNING point_id INTO v_point;
    IF v_point IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE county_point SET public_key = p_public_key, enrolled_at = now() WHERE id = v_point;
    RETURN v_point;
END
$$;
REVOKE ALL ON FUNCTION county_enrol(text, text) FROM PUBLIC;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
        CREATE ROLE {ROLE} NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN
    NULL;  -- created by a concurrent migration of another county database on this server
END
$$;
GRANT EXECUTE ON FUNCTION county_enrol(text, text) TO {ROLE};
GRANT INSERT (point_id, kind, day, revision, body, signature) ON county_inbox TO {ROLE};
GRANT SELECT (point_id, kind, day, revision, signature, received_at, state, reason) ON county_inbox TO {ROLE};
GRANT USAGE ON SEQUENCE county_inbox_id_seq TO {ROLE};
"""


def upgrade() -> None:
    op.execute(DDL)


def downgrade() -> None:
    op.execute(
        f"REVOKE ALL ON county_inbox FROM {ROLE}; DROP FUNCTION county_enrol(text, text); "
        "DROP TABLE county_card_count, county_report, county_inbox, county_enrolment, county_point"
    )
