"""The suspected-case report card (传染病报告卡) and its 2-hour clock; pure, see the modules.

``fields``: the card's vocabularies and field rules; ``card``: the card, its required fields, numbers and
corrections; ``clock``: the 2-hour rule.  Who may complete and mark cards: ``Permission.REPORT_CARD`` in
``fever_desk.privacy`` (doctor and administrator); every operator may read the clock.
"""

from __future__ import annotations

from fever_desk.accounts import Role
from fever_desk.privacy import Permission, Permissions


def may_complete(role: Role | str) -> bool:
    """Only a doctor or an administrator completes a card and marks it reported."""
    return Permissions.for_role(role).allows(Permission.REPORT_CARD)
