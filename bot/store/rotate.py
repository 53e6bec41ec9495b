"""Master key rotation: re-wrap every sealed row kind under the current master key, in one go.

Why one command: rotation is only finished when nothing needs the old key any more, and the
row kinds wrapped by master keys live in several modules (drafts, referral routes, download
pickups, conversation keys in the tracker store). Referral notes are sealed to the inbox
certificate, enrolments and news are keyed by other secrets: none of those use master keys.

Data keys are re-wrapped, records never re-encrypted. A row whose wrapped key cannot be
opened (tampered, or wrapped by a master key no longer loaded) is skipped, left as it was and
logged by kind and type of failure only, never with content or sender ids; the round goes
on, and the command's exit status says how many were skipped.

Usage (after putting the new key first in ``PREVENT_MASTER_KEYS`` or the key file)::

    python -m bot.store.rotate          # or: make rotate-keys
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.store.crypto import CryptoError, KeyRing, WrappedKey
from bot.store.db import session_scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rotated:
    """What happened to one row kind."""

    kind: str
    rewrapped: int
    skipped: int
    current: int  # already under the current key


def rewrap_rows(
    session: Session,
    rows: Iterable[Any],
    keyring: KeyRing,
    kind: str,
    record_id: Callable[[Any], str],
) -> Rotated:
    """Re-wrap each row's `wrapped_key` (AAD `record_id(row)`); skip and log unreadable ones."""
    rewrapped = skipped = current = 0
    for row in rows:
        if row.key_version == keyring.current:
            current += 1
            continue
        try:
            new = keyring.rewrap(
                WrappedKey(row.key_version, bytes(row.wrapped_key)), record_id(row)
            )
        except CryptoError as exc:
            skipped += 1
            log.warning(
                "key rotation: one %s row could not be unwrapped (%s); left as it was",
                kind,
                type(exc).__name__,
            )
            continue
        row.key_version, row.wrapped_key = new.version, new.blob
        rewrapped += 1
    return Rotated(kind, rewrapped, skipped, current)


def rotate_database(url: str, keyring: KeyRing) -> list[Rotated]:
    """Every row kind of the bot's database whose data key is wrapped by a master key.

    Drafts, referral routes, download pickups, concerns (with their steps, events and alerts,
    all sealed under the concern's key) and staff routes. A new kind wrapped by the keyring
    must be added here, or dropping an old key makes it unreadable.
    """
    from bot.concerns.staff import StaffRow
    from bot.concerns.store import ConcernRow
    from bot.delivery.pickup import PickupRow
    from bot.referral.updates import ReferralRouteRow
    from bot.store.db import DraftRow

    kinds: list[tuple[str, Any, Callable[[Any], str]]] = [
        ("draft", DraftRow, lambda row: row.id),
        ("referral route", ReferralRouteRow, lambda row: row.reference),
        ("download pickup", PickupRow, lambda row: row.token_hash),
        ("concern", ConcernRow, lambda row: f"concern:{row.id}"),
        ("staff route", StaffRow, lambda row: f"staff:{row.staff_hash}"),
    ]
    results = []
    for kind, model, record_id in kinds:
        with session_scope(url) as session:
            results.append(
                rewrap_rows(session, session.query(model).all(), keyring, kind, record_id)
            )
    return results


def rotate_tracker(store: Any, keyring: KeyRing) -> Rotated:
    """Conversation keys of an `EncryptedSQLTrackerStore` (events are never touched)."""
    from bot.rasa_ext.tracker_store import ConversationKeyRow, _key_record

    with store.session_scope() as session:
        result = rewrap_rows(
            session,
            session.query(ConversationKeyRow).all(),
            keyring,
            "conversation key",
            lambda row: _key_record(row.sender_hash),
        )
        session.commit()
    return result


def _tracker_from_environment() -> Any:
    """The tracker store as endpoints.yml configures it (TRACKER_DB_* variables)."""
    from bot.config import get_config
    from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore

    db = get_config().tracker_db
    return EncryptedSQLTrackerStore(
        domain=None,
        dialect=db.dialect or "sqlite",
        url=db.host or None,
        db=db.db or "rasa.db",
        username=db.username or None,
        password=db.password or None,
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.store.rotate`: 0 if every row is under the current key, 1 if some were
    skipped (see the log), 2 if the keys cannot be loaded."""
    from bot.config import get_config
    from bot.services import services

    parser = argparse.ArgumentParser(prog="python -m bot.store.rotate", description=__doc__)
    parser.add_argument("--no-tracker", action="store_true", help="skip the tracker store")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        keyring = services().keyring
    except CryptoError as exc:
        print(f"Cannot rotate: {exc}", file=sys.stderr)
        return 2
    results = rotate_database(get_config().database_url, keyring)
    if not args.no_tracker:
        results.append(rotate_tracker(_tracker_from_environment(), keyring))
    for result in results:
        print(
            f"{result.kind}: {result.rewrapped} re-wrapped, {result.current} already current, "
            f"{result.skipped} skipped"
        )
    skipped = sum(r.skipped for r in results)
    if skipped:
        print(
            f"{skipped} row(s) could not be unwrapped and still need an old key (or are "
            "damaged): keep the old key loaded until they are dealt with.",
            file=sys.stderr,
        )
        return 1
    print(f"Every row is under master key {keyring.current}; older keys can be removed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
