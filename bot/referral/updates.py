"""News for the referrer about a sent referral: delivered, not delivered, status, a question.

The bot keeps, per sealed referral, who to tell (a keyed hash to match them when they next
speak, and their channel route encrypted so a channel can push to them). The delivery
worker and the Prevent team's review app post updates by reference; the update never holds
the referral's content, only the reference, a status and (from the review app) a short
message. Messages are encrypted with the updates key, which the bot and the review app
share and nothing else needs; routes with the bot's own key ring.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.store.crypto import CryptoError, DecryptionFailed, KeyRing, WrappedKey, decrypt, encrypt
from bot.store.db import owner_hash, read_row, session_scope, utcnow
from bot.store.tables.referral import ReferralRouteRow, ReferralUpdateRow

log = logging.getLogger(__name__)

#: Kinds of update, in the words the chat uses for them (see domain/referral_updates.yml).
SENT, NOT_SENT, STATUS, MESSAGE = "sent", "not_sent", "status", "message"
DELAYED = "delayed"  # the first send failed; the worker keeps trying
KINDS = (SENT, NOT_SENT, STATUS, MESSAGE, DELAYED)
MESSAGE_LIMIT = 1000


@dataclass(frozen=True)
class Route:
    channel: str
    sender_id: str
    #: What a channel needs besides the sender id to start a message (Teams: service URL
    #: and conversation), as the channel put it in the message metadata (`push_address`).
    address: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Update:
    id: int
    reference: str
    kind: str
    details: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None


class UnknownReference(LookupError):
    """No referral with that reference was sent through this assistant."""


def load_updates_key(var_dir: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """`PREVENT_UPDATES_KEY` (base64 of 32 bytes), else `PREVENT_UPDATES_KEY_FILE`, else
    `var/keys/updates.key` (made once), as given in `environ` (the settings of the caller:
    `bot.services` for the assistant, `bot.review.settings` for the review app).

    The bot and the review app must share it; on separate hosts set it in both.
    """
    env: Mapping[str, str] = {} if environ is None else environ
    encoded = env.get("PREVENT_UPDATES_KEY", "").strip()
    if not encoded:
        path = Path(env.get("PREVENT_UPDATES_KEY_FILE", "") or var_dir / "keys/updates.key")
        if not path.exists():
            from bot.store.crypto import create_secret_file  # atomic: two starters, one key

            create_secret_file(path, base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
        encoded = path.read_text().strip()
    key = base64.b64decode(encoded)
    if len(key) != 32:
        raise ValueError("the updates key must be 32 bytes, base64 encoded")
    return key


def post_update(url: str, updates_key: bytes, reference: str, kind: str, **details: str) -> int:
    """Queue news for the referrer of `reference`; returns the update id.

    Used by the review app (status, message); the delivery worker uses `add_update`
    inside its own transaction, so "sent" and its news are one change.
    """
    with session_scope(url) as session:
        return add_update(session, updates_key, reference, kind, **details)


def add_update(
    session: Session, updates_key: bytes, reference: str, kind: str, **details: str
) -> int:
    if kind not in KINDS:
        raise ValueError(f"unknown update kind {kind!r}")
    details = {k: str(v)[:MESSAGE_LIMIT] for k, v in details.items()}
    if session.get(ReferralRouteRow, reference) is None:
        raise UnknownReference(reference)
    row = ReferralUpdateRow(reference=reference, kind=kind, body=b"")
    session.add(row)
    session.flush()
    # The updates key itself (shared with the review app), not a key per row: news is short
    # and the review app, which holds no master key, must be able to write and read it.
    row.body = encrypt(updates_key, json.dumps(details).encode(), f"update:{row.id}")
    return int(row.id)


#: Is any news waiting for this owner? Built once: SQLAlchemy memoises the statement's
#: cache key, so each turn only binds the owner (building and keying it was most of the
#: check's cost).
_NEWS_WAITING = (
    sa.select(ReferralUpdateRow.id)
    .join(ReferralRouteRow, ReferralRouteRow.reference == ReferralUpdateRow.reference)
    .where(
        ReferralRouteRow.owner == sa.bindparam("owner"),
        ReferralUpdateRow.delivered_at.is_(None),
    )
    .limit(1)
)

_NEWS_EXISTS = _NEWS_WAITING.exists()


class ReferrerUpdates:
    """The bot's side: remember who sent what, and hand them their news."""

    def __init__(self, url: str, keyring: KeyRing, pepper: bytes, updates_key: bytes) -> None:
        self._url = url
        self._keys = keyring
        self._pepper = pepper
        self._updates_key = updates_key

    def register(
        self,
        reference: str,
        sender_id: str,
        channel: str,
        area: str = "",
        address: dict[str, Any] | None = None,
        owner_id: str | None = None,
    ) -> None:
        """Keep the route for news; `owner_id` (the channel-qualified sender id the actions
        use) is what `take_for` is asked with; `sender_id` is what a push is sent to."""
        route = json.dumps({"sender_id": sender_id, "address": address or {}}).encode()
        wrapped, sealed_route = self._keys.encrypt_record(route, reference)
        with session_scope(self._url) as session:
            session.merge(
                ReferralRouteRow(
                    reference=reference,
                    owner=owner_hash(owner_id or sender_id, self._pepper),
                    channel=(channel or "")[:20],
                    route=sealed_route,
                    key_version=wrapped.version,
                    wrapped_key=wrapped.blob,
                    area=area[:40],
                )
            )

    def post(self, reference: str, kind: str, **details: str) -> int:
        return post_update(self._url, self._updates_key, reference, kind, **details)

    def take_for(self, sender_id: str, now: datetime | None = None) -> list[Update]:
        """Undelivered news for this sender (oldest first), marked delivered as it is taken.

        Asked on every turn, and almost always there is nothing: one Core query (routes
        joined to undelivered updates, both indexed) on a pooled connection says so,
        without an ORM session. Only when it finds news are they read and marked, as
        before, in a transaction. Nothing is cached between turns: a route registered or
        news posted by another process is seen on the very next turn.
        """
        owner = owner_hash(sender_id, self._pepper)
        if read_row(self._url, _NEWS_WAITING, {"owner": owner}) is None:
            return []
        return self._take(owner, now)

    def waiting(self, sender_id: str) -> tuple[str, sa.ColumnElement, dict[str, str]]:
        """(database URL, a prebuilt boolean SQL expression: news waits for this sender,
        its parameters), for a caller that asks several stores in one statement
        (`bot.actions._common`)."""
        return self._url, _NEWS_EXISTS, {"owner": owner_hash(sender_id, self._pepper)}

    def _take(self, owner: str, now: datetime | None) -> list[Update]:
        now = now or utcnow()
        with session_scope(self._url) as session:
            refs = [
                r.reference
                for r in session.query(ReferralRouteRow.reference).filter(
                    ReferralRouteRow.owner == owner
                )
            ]
            if not refs:
                return []
            rows = (
                session.query(ReferralUpdateRow)
                .filter(
                    ReferralUpdateRow.reference.in_(refs),
                    ReferralUpdateRow.delivered_at.is_(None),
                )
                .order_by(ReferralUpdateRow.id)
                .all()
            )
            taken = []
            for row in rows:
                update = self._update(row)
                if update is not None:  # one unreadable update must not hide the others
                    row.delivered_at = now
                    taken.append(update)
            return taken

    def pending(
        self, channels: Iterable[str] | None = None, limit: int = 100
    ) -> list[tuple[Update, Route]]:
        """Undelivered news with where to push it, for these channels (None: every channel).

        Filtered before anything is decrypted, so news waiting for a REST user's next
        message is neither read on every push round nor in the way of news that can go.
        """
        with session_scope(self._url) as session:
            query = (
                session.query(ReferralUpdateRow, ReferralRouteRow)
                .join(ReferralRouteRow, ReferralRouteRow.reference == ReferralUpdateRow.reference)
                .filter(ReferralUpdateRow.delivered_at.is_(None))
            )
            if channels is not None:
                query = query.filter(ReferralRouteRow.channel.in_(list(channels)))
            rows = query.order_by(ReferralUpdateRow.id).limit(limit).all()
            found = []
            for update_row, route_row in rows:
                update = self._update(update_row)
                route = self._readable_route(route_row, update_row.id) if update else None
                if update is not None and route is not None:
                    found.append((update, route))
            return found

    def _readable_route(self, row: ReferralRouteRow, update_id: int) -> Route | None:
        """The route, or None (logged, no content) if it cannot be read: one damaged row or
        one wrapped by a master key no longer loaded must not stop the other news."""
        try:
            return self._route(row)
        except (CryptoError, ValueError, KeyError) as exc:
            log.error(
                "referral route for update %s cannot be read (%s); skipped",
                update_id,
                type(exc).__name__,
            )
            return None

    def mark_delivered(self, update_id: int, now: datetime | None = None) -> bool:
        """True if this call delivered it (False: someone else already had)."""
        with session_scope(self._url) as session:
            changed = (
                session.query(ReferralUpdateRow)
                .filter(ReferralUpdateRow.id == update_id, ReferralUpdateRow.delivered_at.is_(None))
                .update({"delivered_at": now or utcnow()}, synchronize_session=False)
            )
            return bool(changed)

    def _update(self, row: ReferralUpdateRow) -> Update | None:
        try:
            details = json.loads(decrypt(self._updates_key, row.body, f"update:{row.id}"))
        except DecryptionFailed:
            # Written with another updates key (the review app not sharing the bot's).
            log.error("referral update %s cannot be read with this updates key", row.id)
            return None
        return Update(int(row.id), row.reference, row.kind, details, row.created_at)

    def _route(self, row: ReferralRouteRow) -> Route:
        data = json.loads(self._keys.decrypt_record(WrappedKey.of(row), row.route, row.reference))
        return Route(row.channel, data["sender_id"], data.get("address") or {})


def messages_for(url: str, updates_key: bytes, reference: str) -> list[str]:
    """The messages the Prevent team sent about `reference`, newest first (for the review
    app's history; it holds the updates key). One it cannot read is left out."""
    texts = []
    with session_scope(url) as session:
        rows = (
            session.query(ReferralUpdateRow)
            .filter(ReferralUpdateRow.reference == reference, ReferralUpdateRow.kind == MESSAGE)
            .order_by(ReferralUpdateRow.id.desc())
            .all()
        )
        for row in rows:
            try:
                details = json.loads(decrypt(updates_key, row.body, f"update:{row.id}"))
            except DecryptionFailed:
                continue
            texts.append(str(details.get("message", "")))
    return texts


#: The domain response (domain/referral_updates.yml) that says each kind of news.
NEWS_RESPONSES = {
    SENT: "utter_referral_update_sent",
    NOT_SENT: "utter_referral_update_not_sent",
    DELAYED: "utter_referral_update_delayed",
    STATUS: "utter_referral_update_status",
    MESSAGE: "utter_referral_update_message",
}


def news_response(
    update: Update, police_phone: str, default_inbox: str
) -> tuple[str, dict[str, str]]:
    """Which response says this news, with its values (for the chat and for push channels)."""
    details = update.details
    return NEWS_RESPONSES[update.kind], {
        "reference": update.reference,
        "police_phone": police_phone,
        "inbox": details.get("inbox") or default_inbox,
        "when": details.get("when", ""),
        "status": details.get("status", ""),
        "detail": details.get("detail", ""),
        "message": details.get("message", ""),
        "retry_at": details.get("retry_at", ""),
    }
