"""One rule for tests that need something this machine may lack: a PostgreSQL server, CUPS, an X server,
a system font.

The suite must pass on a fresh machine that has only Python and Qt's runtime libraries (the README's
``make test``), so such a test is *skipped*, and the reason names the Debian package that would let it
run.  CI installs those packages and sets ``FEVER_DESK_REQUIRE_SERVICES=1``: there the same absence is a
*failure*, so a broken CI image cannot silently turn real tests into skips.  ``FEVER_DESK_REQUIRE_PG=1``,
the older switch, still does the same for PostgreSQL alone.  The e2e tests on Xvfb use this too.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

ENV_REQUIRE = "FEVER_DESK_REQUIRE_SERVICES"
ENV_REQUIRE_PG = "FEVER_DESK_REQUIRE_PG"  # PostgreSQL only; kept for existing CI scripts


def required(*also: str) -> bool:
    """True when missing services must fail the run: ``FEVER_DESK_REQUIRE_SERVICES=1`` (or one of the
    more specific variables in ``also`` set to 1)."""
    return any(os.environ.get(name, "").strip() == "1" for name in (ENV_REQUIRE, *also))


def service_missing(what: str, package: str, *, detail: str = "", also: tuple[str, ...] = ()) -> NoReturn:
    """Skip the current test because ``what`` is not available, naming the Debian ``package`` to install;
    fail instead when the run requires services (CI)."""
    reason = f"{what} is not available{f' ({detail})' if detail else ''}: apt-get install {package}"
    if required(*also):
        variable = next(name for name in (ENV_REQUIRE, *also) if os.environ.get(name, "").strip() == "1")
        pytest.fail(f"{variable}=1 but {reason}", pytrace=False)
    pytest.skip(reason)
