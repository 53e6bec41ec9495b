"""Check each referral's signature when it arrives, so a forged outbox row is flagged at once.

Why: anyone who can write the bot's database and holds the inbox certificate (public) can
queue a sealed "referral". `cases.open_referral` refuses to show one that the assistant did
not sign, but only when someone opens it; this check runs on new arrivals (outbox rows the
review app has no row for yet) before the queue is shown, and marks those that do not decrypt
or are not signed by the configured assistant certificate as "could not be opened", so the
queue lists them among the problems from the start. Each arrival is checked once (the queue
then gives it its review row); at most `limit` per call, so one page load stays quick.

Plain Python (no web framework).
"""

from __future__ import annotations

from cryptography import x509

from bot.delivery.outbox import OutboxRow
from bot.review.inbox_key import InboxKey
from bot.review.workflow import CANNOT_OPEN, ReviewStatuses, ReviewStatusRow
from bot.sealing import OpenError, verify_signed
from bot.store.db import session_scope


def flag_unsigned_arrivals(
    url: str,
    key: InboxKey,
    assistant: x509.Certificate,
    statuses: ReviewStatuses,
    limit: int = 100,
) -> list[str]:
    """References of new arrivals not signed by the assistant, now marked `CANNOT_OPEN`."""
    with session_scope(url) as session:
        new = [
            reference
            for (reference,) in session.query(OutboxRow.reference)
            .outerjoin(ReviewStatusRow, ReviewStatusRow.reference == OutboxRow.reference)
            .filter(ReviewStatusRow.reference.is_(None))
            .order_by(OutboxRow.reference)
            .limit(limit)
        ]
    flagged = []
    for reference in new:
        with session_scope(url) as session:
            found = (
                session.query(OutboxRow.envelope).filter(OutboxRow.reference == reference).first()
            )
        if found is None:
            continue
        try:
            genuine = verify_signed(key.decrypt(bytes(found[0])), assistant).ok
        except OpenError:
            genuine = False
        if not genuine:
            statuses.mark_problem(reference, CANNOT_OPEN)
            flagged.append(reference)
    return flagged
