"""The offline store of a shared clinic server, in layers (an import-linter contract keeps them):

``link`` (is the server there; what a unit of work must queue) → ``repository`` (what both resilient
repositories share: remembered reads, save-or-queue, idempotent replay) → ``screenings`` and
``purchases`` (the resilient repositories) → ``store`` (``ResilientStore``, ``open_resilient``, units of
work, the replay thread).  ``db.outbox`` (the local SQLite file) is below them all.  Each layer imports
only from the layers below it.
"""
