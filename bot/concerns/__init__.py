"""Concerns a member of staff raises with their school's DSL, and what the DSL decides.

Plain Python (no Rasa, no telegram): schools (`orgs`, not imported here so that
`python -m bot.concerns.orgs` runs it once), staff and their role (`staff`),
the encrypted concern record with its chronology, alerts and audit (`store`), and the
decision record's exports (`record`). Actions and channels are thin adapters over this.
"""

from bot.concerns.rows import Org
from bot.concerns.staff import DSL, ROLES, TEACHER, Staff, StaffDirectory
from bot.concerns.store import (
    DECISIONS,
    Alert,
    Concern,
    ConcernError,
    Concerns,
    NotAllowed,
    NotFound,
)

__all__ = [
    "DECISIONS",
    "DSL",
    "ROLES",
    "TEACHER",
    "Alert",
    "Concern",
    "ConcernError",
    "Concerns",
    "NotAllowed",
    "NotFound",
    "Org",
    "Staff",
    "StaffDirectory",
]
