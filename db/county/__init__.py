"""The county's database: its own tables, its own Alembic history, and the two sides that use it.

A PostgreSQL the stations can reach (as a clinic's counters share one today); no other server software.
``models`` the tables (their own ``MetaData``, never the station's), ``migrate`` their migration chain
(``db/county/migrations``, version table ``county_alembic_version``, so the station's chain is
untouched and both can even live in one database), ``ingest`` the county side that verifies what
arrived, ``repository`` the county administrator's reads and writes, ``link`` the station's narrow door.
PostgreSQL only: the station role's column grants and the enrolment function are PostgreSQL features.
"""
