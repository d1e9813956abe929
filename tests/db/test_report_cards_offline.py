"""A suspected save on a shared server that is down is still a save: the card hook does not turn the
outbox's "saved on this counter" into a failure, and once the save has reached the server
``catch_up_cards`` makes its card, dated from the save, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from fever_desk.model import Disposition
from tests.db.factories import make_screening
from tests.db.test_offline import server, up  # noqa: F401 - the module's own cluster and "running" fixture
from ui.services import report_cards
from ui.services import screening as operations
from ui.services.audit_hooks import set_actor
from ui.services.database import Database


@pytest.fixture
def ctx(up: Any) -> Iterator[Database]:  # noqa: F811 - the imported fixture
    context = Database(up.fresh_database("cards"))
    set_actor(context, "nurse.li", "desk-1")
    yield context
    context.close()


def test_a_suspected_save_while_the_server_is_down_is_kept(ctx: Database, up: Any) -> None:  # noqa: F811
    online = operations.save_screening(ctx, make_screening(disposition=Disposition.SUSPECTED))
    assert not online.queued and len(ctx.report_cards.for_screening(online.screening.id)) == 1
    up.stop("immediate")
    screening = make_screening(disposition=Disposition.SUSPECTED)
    result = operations.save_screening(ctx, screening)
    assert result.queued and ctx.store is not None and ctx.store.outbox.count() == 1
    up.start()
    assert ctx.store.replay().pending == 0
    assert ctx.screenings.primary.get(screening.id) is not None
    assert ctx.report_cards.for_screening(screening.id) == []  # the outage kept the card from its save
    saved = ctx.screenings.primary.get(screening.id)
    assert saved is not None and saved.created_at is not None
    (card,) = report_cards.catch_up_cards(ctx, datetime.now(UTC))
    assert card.screening_id == screening.id and card.diagnosed_at == saved.created_at
    assert [e.action for e in ctx.audit.for_record("report_card", str(card.id))] == ["create"]
    assert report_cards.catch_up_cards(ctx, datetime.now(UTC)) == []
