"""Drafts at rest: encrypted per draft, owned by one sender, purged after the retention period.

Every method takes the sender id and only ever touches that sender's drafts: another
sender asking for a draft id that is not theirs gets `DraftNotFound`, exactly as if it
did not exist. Deletion removes the row (no soft delete).
"""

from __future__ import annotations

import builtins  # `list` inside DraftStore is its method; annotations need the type
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.referral.progress import Draft, touch
from bot.store.crypto import KeyRing, RecordKey, WrappedKey
from bot.store.db import DraftRow, NoticeRow, owner_hash, session_scope, utcnow

PURGE_NOTICE = "draft_purge_warning"


class DraftNotFound(LookupError):
    """No draft with that id belongs to this sender."""


@dataclass(frozen=True)
class DraftSummary:
    """What "my drafts" lists: no field values beyond what the owner needs to pick one."""

    id: str
    short_id: str
    status: str
    updated_at: datetime
    label: str
    reference: str = ""  # once sealed: the referral's reference (VTR-...)

    @property
    def sealed(self) -> bool:
        """Sealed and gone: a referral, not a draft (it cannot be continued)."""
        return self.status not in ("draft", "ready")


@dataclass(frozen=True)
class PurgeReport:
    warned: int
    purged: int


_NOTICE_EXISTS = (
    sa.select(NoticeRow.id).where(NoticeRow.owner == sa.bindparam("notice_owner")).exists()
)


class DraftStore:
    """The only code that reads or writes draft rows."""

    def __init__(self, url: str, keyring: KeyRing, pepper: bytes) -> None:
        self._url = url
        self._keys = keyring
        self._pepper = pepper

    def owner(self, sender_id: str) -> str:
        return owner_hash(sender_id, self._pepper)

    # -- create / read / write -------------------------------------------------------------

    def create(self, sender_id: str, now: datetime | None = None) -> Draft:
        draft = Draft()
        touch(draft, now or utcnow())
        self.save(sender_id, draft, now=now, new=True)
        return draft

    def save(
        self, sender_id: str, draft: Draft, now: datetime | None = None, new: bool = False
    ) -> None:
        """Encrypt and store (a fresh data key for a new draft; the same key afterwards)."""
        now = now or utcnow()
        touch(draft, now)
        owner = self.owner(sender_id)
        with session_scope(self._url) as session:
            row = session.get(DraftRow, draft.id)
            if row is None:
                if not new:
                    raise DraftNotFound(draft.id)
                key = self._keys.new_record_key(draft.id)
                row = DraftRow(
                    id=draft.id,
                    owner=owner,
                    created_at=now,
                    key_version=key.wrapped.version,
                    wrapped_key=key.wrapped.blob,
                    payload=b"",
                )
                session.add(row)
            elif row.owner != owner:
                raise DraftNotFound(draft.id)
            else:
                key = self._data_key(row)
            row.status = draft.status
            row.updated_at = now
            row.purge_warned_at = None  # any activity restarts the retention clock
            row.payload = key.encrypt(json.dumps(draft.as_dict()).encode(), draft.id)

    def get(self, sender_id: str, draft_id: str) -> Draft:
        with session_scope(self._url) as session:
            row = self._owned(session, sender_id, draft_id)
            return self._decrypt(row)

    def latest_open(self, sender_id: str) -> Draft | None:
        """The most recently touched draft still being written (status draft or ready)."""
        with session_scope(self._url) as session:
            row = (
                session.query(DraftRow)
                .filter(DraftRow.owner == self.owner(sender_id))
                .filter(DraftRow.status.in_(("draft", "ready")))
                .order_by(DraftRow.updated_at.desc())
                .first()
            )
            return self._decrypt(row) if row else None

    def list(self, sender_id: str) -> list[DraftSummary]:
        with session_scope(self._url) as session:
            rows = (
                session.query(DraftRow)
                .filter(DraftRow.owner == self.owner(sender_id))
                .order_by(DraftRow.updated_at.desc())
                .all()
            )
            summaries = []
            for row in rows:
                data = json.loads(self._data_key(row).decrypt(row.payload, row.id))
                draft = Draft.from_dict(data)
                summaries.append(
                    DraftSummary(
                        row.id,
                        draft.short_id,
                        row.status,
                        row.updated_at,
                        draft.display_name,
                        str(data.get("reference") or ""),
                    )
                )
            return summaries

    def mark_sealed(self, sender_id: str, draft_id: str, reference: str, area: str) -> None:
        """Keep only metadata once sealed: the values and their data key are destroyed."""
        with session_scope(self._url) as session:
            row = self._owned(session, sender_id, draft_id)
            left = {
                "id": row.id,
                "status": "sealed",
                "values": {"area": area},
                "reference": reference,
            }
            # A new data key: the old one is overwritten and gone with the values it opened.
            wrapped, row.payload = self._keys.encrypt_record(json.dumps(left).encode(), row.id)
            row.key_version, row.wrapped_key = wrapped.version, wrapped.blob
            row.status = "sealed"
            row.updated_at = utcnow()

    def delete(self, sender_id: str, draft_id: str) -> None:
        """Remove the draft row and its notices: gone from the database, not flagged."""
        with session_scope(self._url) as session:
            row = self._owned(session, sender_id, draft_id)
            session.query(NoticeRow).filter(NoticeRow.draft_id == row.id).delete()
            session.delete(row)

    # -- retention ---------------------------------------------------------------------------

    def purge(
        self, retention_days: int, warn_days: int, now: datetime | None = None
    ) -> PurgeReport:
        """Warn owners `warn_days` before the purge, then delete drafts idle too long.

        Sealed and sent referrals are not drafts any more and are kept by their own rules.
        """
        now = now or utcnow()
        purge_before = now - timedelta(days=retention_days)
        warn_before = now - timedelta(days=max(retention_days - warn_days, 0))
        warned = purged = 0
        with session_scope(self._url) as session:
            open_rows = session.query(DraftRow).filter(DraftRow.status.in_(("draft", "ready")))
            for row in open_rows.filter(DraftRow.updated_at < purge_before).all():
                session.query(NoticeRow).filter(NoticeRow.draft_id == row.id).delete()
                session.delete(row)
                purged += 1
            to_warn = (
                open_rows.filter(DraftRow.updated_at < warn_before)
                .filter(DraftRow.purge_warned_at.is_(None))
                .all()
            )
            for row in to_warn:
                row.purge_warned_at = now
                session.add(
                    NoticeRow(
                        owner=row.owner,
                        kind=PURGE_NOTICE,
                        draft_id=row.id,
                        due_at=row.updated_at + timedelta(days=retention_days),
                    )
                )
                warned += 1
        return PurgeReport(warned=warned, purged=purged)

    def notices_waiting(self, sender_id: str) -> tuple[str, sa.ColumnElement, dict[str, str]]:
        """(database URL, a prebuilt boolean SQL expression: a notice waits for this
        owner, its parameters), for a caller that asks several stores in one statement
        (`bot.actions._common`)."""
        return self._url, _NOTICE_EXISTS, {"notice_owner": self.owner(sender_id)}

    def take_notices(self, sender_id: str) -> builtins.list[tuple[str, str, datetime | None]]:
        """Notices for this owner (kind, draft short id, due date), removed once taken."""
        with session_scope(self._url) as session:
            rows = session.query(NoticeRow).filter(NoticeRow.owner == self.owner(sender_id)).all()
            notices = [(r.kind, (r.draft_id or "")[:8].upper(), r.due_at) for r in rows]
            for row in rows:
                session.delete(row)
            return notices

    # -- keys ----------------------------------------------------------------------------------

    def rotate_keys(self) -> int:
        """Re-wrap every draft's data key under the current master key; returns how many."""
        changed = 0
        with session_scope(self._url) as session:
            for row in session.query(DraftRow).all():
                new = self._keys.rewrap(WrappedKey.of(row), row.id)
                if new.version != row.key_version:
                    row.key_version, row.wrapped_key = new.version, new.blob
                    changed += 1
        return changed

    # -- helpers -----------------------------------------------------------------------------

    def _owned(self, session: Session, sender_id: str, draft_id: str) -> DraftRow:
        row = session.get(DraftRow, draft_id)
        if row is None or row.owner != self.owner(sender_id):
            raise DraftNotFound(draft_id)
        return row

    def _data_key(self, row: DraftRow) -> RecordKey:
        return self._keys.record_key(WrappedKey.of(row), row.id)

    def _decrypt(self, row: DraftRow) -> Draft:
        data = json.loads(self._keys.decrypt_record(WrappedKey.of(row), row.payload, row.id))
        draft = Draft.from_dict(data)
        draft.status = row.status
        return draft
