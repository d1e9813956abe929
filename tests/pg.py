"""A private, throwaway PostgreSQL cluster for the tests and the benchmark.

The suite must prove every database behaviour on a real server, not only on SQLite, without asking
a developer to run or configure one.  So each test session that needs PostgreSQL makes its own
cluster with the installed server binaries (Debian's ``postgresql`` package): ``initdb`` into a
temporary folder, ``pg_ctl start`` on 127.0.0.1 with a random free port and the unix socket in the
same folder (never the system's ``/var/run/postgresql``, never port 5432), and ``pg_ctl stop`` plus
removal of the folder when the session ends, on failure too (fixture finalizer *and* ``atexit``).

``initdb`` and ``pg_ctl`` refuse to run as root, and CI runs as root: then they run as the
``postgres`` user via ``runuser`` on a folder chowned to it.  Flushing to disk is switched off
(``fsync=off``, never ``synchronous_commit=off``, see ``SERVER_OPTIONS``): a test cluster is thrown
away, and that makes the suite several times faster.  Each test gets a fresh database copied from
a migrated template (``CREATE DATABASE … TEMPLATE``), far cheaper than running the migrations again.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ENV_BIN = "FEVER_DESK_PG_BIN"  # a folder holding initdb and pg_ctl, when they are not found by themselves
TEMPLATE = "fever_template"
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1",
    # fsync=off only skips flushing the OS cache, which survives a server crash: "pg_ctl stop -m
    # immediate" in the outage tests loses nothing.  synchronous_commit stays on: off would let a killed
    # server forget commits it had already confirmed, and the tests would (rightly) see saves vanish.
    "-c fsync=off",
    "-c full_page_writes=off",
    "-c max_connections=100",
    "-c shared_buffers=32MB",
)

DURABLE_OPTIONS = tuple(o for o in SERVER_OPTIONS if "fsync" not in o and "full_page_writes" not in o)


class PgUnavailable(RuntimeError):
    """The server binaries (or the driver) are missing; the message says what to install."""


def find_bindir() -> Path:
    """The folder with ``initdb``/``pg_ctl``: ``$FEVER_DESK_PG_BIN``, Debian's newest, or ``PATH``."""
    candidates: list[Path] = []
    if os.environ.get(ENV_BIN):
        candidates.append(Path(os.environ[ENV_BIN]))
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(Path(p) for p in debian)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PgUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's 'postgresql' package "
        f"or set {ENV_BIN} to the folder holding them"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PgCluster:
    """One private server; :meth:`start` once, :meth:`stop`/:meth:`start` again to simulate an outage."""

    def __init__(
        self, bindir: Path | None = None, *, durable: bool = False, kept: Path | None = None
    ) -> None:
        self.bindir = bindir or find_bindir()
        #: ``durable`` keeps fsync on, for the benchmark: a save is then timed as a clinic server does it.
        self.options = DURABLE_OPTIONS if durable else SERVER_OPTIONS
        #: ``kept``: a folder that outlives the process (the benchmark's cached million rows); it is
        #: stopped at exit, never removed.
        self.root = kept or Path(tempfile.mkdtemp(prefix="fever-pg-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self._as_root = hasattr(os, "geteuid") and os.geteuid() == 0  # Windows has no root, no geteuid
        self._counter = itertools.count(1)
        self._initialised = (self.data / "PG_VERSION").exists()
        self._cleaned = False
        if self._as_root:
            import pwd  # POSIX only: the suite must still be collectable on Windows

            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        # Even if the session dies before its finalizer runs.
        atexit.register(self.stop if kept else self.destroy)

    # ---- the server process -------------------------------------------------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_root else []
        return subprocess.run(
            [*prefix, *args], check=check, capture_output=True, text=True, cwd=self.root, timeout=120
        )

    def start(self) -> None:
        """Create the cluster on first use, then start it on the same data folder and port every time."""
        if not self._initialised:
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            self._initialised = True
        options = " ".join((f"-p {self.port}", f"-k {self.root}", *self.options))
        result = self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start", check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stderr.strip()}\n{self.server_log()}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate`` is a crash as far as the clients can tell)."""
        if self.running():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        if not self._initialised:
            return False
        status = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return status.returncode == 0

    def destroy(self) -> None:
        """Stop the server and delete its folder; safe to call twice (finalizer, then ``atexit``)."""
        if self._cleaned:
            return
        self._cleaned = True
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def server_log(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    # ---- databases ----------------------------------------------------------------------------------
    def url(self, database: str = "postgres", *, driver: str = "psycopg", timeout: int = 2) -> str:
        return f"postgresql+{driver}://postgres@127.0.0.1:{self.port}/{database}?connect_timeout={timeout}"

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            for statement in statements:
                connection.execute(statement)  # type: ignore[arg-type]

    def make_template(self) -> None:
        """A migrated database to copy from: the migrations run once per session, not per test."""
        from db import open_database

        self._admin(f"DROP DATABASE IF EXISTS {TEMPLATE}", f"CREATE DATABASE {TEMPLATE}")
        handle = open_database(self.url(TEMPLATE))
        handle.close()  # no connection may stay open on a template while it is being copied

    def fresh_database(self, prefix: str = "t") -> str:
        """A new database copied from the migrated template; returns its SQLAlchemy URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
        # FILE_COPY: copying the small template's files beats PG 15's default WAL-logged copy.
        self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        import psycopg

        with contextlib.suppress(psycopg.Error):  # the cluster is removed at the end anyway
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start_cluster(*, durable: bool = False) -> PgCluster:
    """A started cluster with the migrated template; raises :class:`PgUnavailable` when it cannot be."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise PgUnavailable("the PostgreSQL driver is not installed: pip install 'psycopg[binary]'") from exc
    cluster = PgCluster(durable=durable)
    try:
        cluster.start()
        cluster.make_template()
    except BaseException:
        cluster.destroy()
        raise
    return cluster


@contextlib.contextmanager
def private_cluster(*, durable: bool = False) -> Iterator[PgCluster]:
    """A fixture's own started cluster (``with private_cluster() as cluster: yield cluster``), destroyed
    at the end.
    Without PostgreSQL the test is skipped naming the package (failed when CI requires the service)."""
    from tests.services import ENV_REQUIRE_PG, service_missing

    try:
        cluster = start_cluster(durable=durable)
    except PgUnavailable as exc:
        service_missing("a PostgreSQL server", "postgresql", detail=str(exc), also=(ENV_REQUIRE_PG,))
    try:
        yield cluster
    finally:
        cluster.destroy()
