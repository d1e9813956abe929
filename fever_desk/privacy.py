"""Who may do what at the desk, and how ID numbers and phones are shown.

One table (:data:`MATRIX`) decides every permission, so a clinic's privacy officer can read the policy in
one place and the tests can check it row by row.  Lists and slips always show masked values; the full ID
number is shown only on an explicit request by a role that allows it, and that request is written to the
audit trail (``view_full_id``) by the caller before the value is shown (see ``ui/desk/widgets/reveal.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fever_desk.accounts import Role
from fever_desk.identity import mask_id, mask_phone


class Permission(StrEnum):
    SCREEN = "screen"  # register and correct pre-screenings
    PHARMACY = "pharmacy"  # the fever/cough medicine purchase register
    VIEW_FULL_ID = "view_full_id"  # reveal a full ID number (logged)
    EXPORT = "export"  # registers and lists leaving the station as files
    REPORT = "report"  # generate and send the daily / zero report
    PURGE = "purge"  # delete records past the retention period
    MANAGE_USERS = "manage_users"
    BROWSE_AUDIT = "browse_audit"
    # Station settings: fever threshold, guideline version, hospital, printer, thermometer.  They decide
    # what every later screening says, so they are a policy change, not a counter task.
    CONFIGURE = "configure"
    OBSERVE = "observe"  # register people for the 14-day observation and write their half-days
    RELEASE_OBSERVATION = "release_observation"  # release from observation, or mark lost to follow-up


P = Permission
MATRIX: dict[Role, frozenset[Permission]] = {
    # The pre-screening nurse registers people and may check an ID against the card in front of her;
    # she sends the daily report at a clinic without an administrator on shift.
    Role.NURSE: frozenset({P.SCREEN, P.VIEW_FULL_ID, P.REPORT, P.OBSERVE}),
    # The pharmacist keeps the purchase register, which the market regulator asks for as a file.
    Role.PHARMACIST: frozenset({P.PHARMACY, P.VIEW_FULL_ID, P.EXPORT, P.REPORT, P.OBSERVE}),
    # The doctor responsible for the observed (医学观察责任人) decides who is released or lost.
    Role.DOCTOR: frozenset({P.SCREEN, P.VIEW_FULL_ID, P.REPORT, P.OBSERVE, P.RELEASE_OBSERVATION, P.EXPORT}),
    # The administrator covers any counter and is the only one who deletes or manages accounts.
    Role.ADMINISTRATOR: frozenset(Permission),
}


class PermissionDenied(Exception):
    """``str()`` is an English source string for ``tr``."""


@dataclass(frozen=True)
class Permissions:
    """The permissions of one role; ``Permissions.for_role(Role.NURSE).allows(Permission.PURGE)``."""

    role: Role
    granted: frozenset[Permission]

    @classmethod
    def for_role(cls, role: Role | str) -> Permissions:
        role = Role(role)
        return cls(role, MATRIX[role])

    def allows(self, permission: Permission | str) -> bool:
        return Permission(permission) in self.granted

    def require(self, permission: Permission | str) -> None:
        if not self.allows(permission):
            raise PermissionDenied("Your role does not allow this.")

    def shown_id(self, number: str, *, revealed: bool = False) -> str:
        """The ID number as a list or slip shows it: masked unless revealed (and allowed)."""
        if revealed and self.allows(Permission.VIEW_FULL_ID):
            return number
        return mask_id(number) if number else ""

    def shown_phone(self, phone: str, *, revealed: bool = False) -> str:
        if revealed and self.allows(Permission.VIEW_FULL_ID):
            return phone
        return mask_phone(phone) if phone else ""
