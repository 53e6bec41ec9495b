"""Every table the project owns, declared in one place (one module per area).

Importing this package declares them all: `Base.metadata` is the app database's schema
(migration target "app"), `KeyBase.metadata` our table in the tracker database (target
"tracker", beside Rasa's own `events`). The migrations under migrations/ create them; a
test (tests/store/test_migrations.py) checks that the migrated databases match these
declarations exactly, on SQLite and PostgreSQL. Nothing creates a table at run time.

The domain modules import their rows from here (and re-export them where older code
imports them); this package imports nothing from the domain, so no cycle is possible and
running a module as `python -m ...` never declares a table twice.
"""

from bot.store.tables.base import Base, utcnow
from bot.store.tables.concerns import (
    ConcernAlertRow,
    ConcernAuditRow,
    ConcernEventRow,
    ConcernRow,
    OrgRow,
    StaffInviteRow,
    StaffRow,
)
from bot.store.tables.delivery import HeartbeatRow, OutboxRow, PickupRow
from bot.store.tables.enrolment import InviteRow, MemberRow
from bot.store.tables.referral import (
    DraftConversationRow,
    DraftRow,
    NoticeRow,
    ReferralRouteRow,
    ReferralUpdateRow,
)
from bot.store.tables.review import (
    AccountSealRow,
    AuditRow,
    NoteRow,
    PendingSignInRow,
    RecoveryCodeRow,
    ReviewStatusRow,
    SecondFactorRow,
    StaffAccountRow,
    StaffSessionRow,
)
from bot.store.tables.tracker import ConversationKeyRow, KeyBase

__all__ = [
    "AccountSealRow",
    "AuditRow",
    "Base",
    "ConcernAlertRow",
    "ConcernAuditRow",
    "ConcernEventRow",
    "ConcernRow",
    "ConversationKeyRow",
    "DraftConversationRow",
    "DraftRow",
    "HeartbeatRow",
    "InviteRow",
    "KeyBase",
    "MemberRow",
    "NoteRow",
    "NoticeRow",
    "OrgRow",
    "OutboxRow",
    "PendingSignInRow",
    "PickupRow",
    "RecoveryCodeRow",
    "ReferralRouteRow",
    "ReferralUpdateRow",
    "ReviewStatusRow",
    "SecondFactorRow",
    "StaffAccountRow",
    "StaffInviteRow",
    "StaffRow",
    "StaffSessionRow",
    "utcnow",
]
