"""The append-only audit log: who did what, when, to which referral, and how it went.

Every view and every change in the review app lands here, and so do refusals (not signed
in, wrong role, a failed CSRF check, a referral that would not open). Rows hold no referral
content: an action name, a reference, an outcome and a short detail such as
"screening -> information_gathering" or "message of 120 characters".

Two defences, for two different threats:

* **The database refuses to change or delete a row.** Triggers on `review_audit` abort any
  UPDATE or DELETE (SQLite and PostgreSQL; on PostgreSQL TRUNCATE too), so a bug or a
  careless query in the app cannot rewrite history. They do not stop the database owner, who
  can drop a trigger: run the app as a role that does not own the table (see the README).
* **Rows are chained with a key the database never holds.** Each row stores the
  HMAC-SHA256, under the audit key (derived from the review app key, `bot.review.app_key`:
  environment, a file, or var/keys for local runs), of its content and of the row before it
  (`prev_hash`, unique, so two writers cannot both extend the same row: the loser retries;
  within one process appends also take a lock, so its threads never collide). Whoever can
  write the database but lacks the key cannot delete or change rows and recompute the chain:
  `verify()` walks it and names the first row that was altered, removed or inserted out of
  place.
* **The head is written out.** After each append the newest row's id and MAC go to a head
  file outside the database (`PREVENT_REVIEW_AUDIT_HEAD_FILE`, default var/audit.head), and
  every `HEAD_LOG_EVERY` rows to the log. `verify()` requires the row the head file names to
  be there with that MAC, so cutting rows off the *end* (which leaves a valid shorter
  chain) shows too.

Plain Python (no web framework), so it is tested directly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import DDL

from bot.review.app_key import derive
from bot.store.db import session_scope, utcnow
from bot.store.tables.review import AUDIT_DETAIL_LIMIT, AuditRow

if TYPE_CHECKING:
    from bot.review.settings import ReviewSettings

log = logging.getLogger(__name__)
GENESIS = "0" * 64
#: The head also goes to the log every this many rows (the file is written at every append).
HEAD_LOG_EVERY = 100
DETAIL_LIMIT = AUDIT_DETAIL_LIMIT
_APPEND_RETRIES = 20
_append_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _append_lock(url: str) -> threading.Lock:
    with _locks_guard:
        return _append_locks.setdefault(url, threading.Lock())


ANONYMOUS = "(not signed in)"


# --------------------------------------------------------------------------- append-only guards

_SQLITE_GUARDS = [
    "CREATE TRIGGER IF NOT EXISTS review_audit_no_update BEFORE UPDATE ON review_audit "
    "BEGIN SELECT RAISE(ABORT, 'review_audit is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS review_audit_no_delete BEFORE DELETE ON review_audit "
    "BEGIN SELECT RAISE(ABORT, 'review_audit is append-only: DELETE refused'); END",
]
_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION review_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'review_audit is append-only: ' || TG_OP || ' refused';
END
$$
"""
_POSTGRES_TRIGGERS = {
    "review_audit_no_update_delete": "CREATE TRIGGER review_audit_no_update_delete BEFORE UPDATE "
    "OR DELETE ON review_audit FOR EACH ROW EXECUTE FUNCTION review_audit_refuse()",
    "review_audit_no_truncate": "CREATE TRIGGER review_audit_no_truncate BEFORE TRUNCATE ON "
    "review_audit FOR EACH STATEMENT EXECUTE FUNCTION review_audit_refuse()",
}

for _statement in _SQLITE_GUARDS:
    event.listen(AuditRow.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
event.listen(
    AuditRow.__table__, "after_create", DDL(_POSTGRES_FUNCTION).execute_if(dialect="postgresql")
)
for _statement in _POSTGRES_TRIGGERS.values():
    event.listen(
        AuditRow.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )


def ensure_append_only(url: str) -> None:
    """Install the triggers if missing (e.g. a table made by an older version); idempotent."""
    with session_scope(url) as session:
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":
            for statement in _SQLITE_GUARDS:
                session.execute(text(statement))
        elif dialect == "postgresql":
            present = {
                name
                for (name,) in session.execute(
                    text(
                        "SELECT tgname FROM pg_trigger "
                        "WHERE tgrelid = 'review_audit'::regclass AND NOT tgisinternal"
                    )
                )
            }
            missing = [sql for name, sql in _POSTGRES_TRIGGERS.items() if name not in present]
            if missing:
                session.execute(text(_POSTGRES_FUNCTION))
                for statement in missing:
                    session.execute(text(statement))


# --------------------------------------------------------------------------- entries and the chain


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    reference: str
    outcome: str
    detail: str
    row_hash: str


@dataclass(frozen=True)
class ChainCheck:
    """The result of `AuditLog.verify`: ok, how many rows, the head, or the first bad row."""

    ok: bool
    rows: int
    head: str
    broken_at: int | None = None
    problem: str = ""


def _content_hash(
    key: bytes,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    reference: str,
    outcome: str,
    detail: str,
) -> str:
    canonical = json.dumps(
        [
            prev_hash,
            at.isoformat(timespec="microseconds"),
            actor,
            action,
            reference,
            outcome,
            detail,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=int(row.id),
        at=row.at,
        actor=row.actor,
        action=row.action,
        reference=row.reference or "",
        outcome=row.outcome,
        detail=row.detail or "",
        row_hash=row.row_hash,
    )


class AuditLog:
    """Append to and read the audit log of one database."""

    def __init__(self, url: str, key: bytes | None = None, head_file: Path | None = None) -> None:
        """`key` (32 bytes) is needed to append and to verify; reading needs none."""
        self._url = url
        self._key = key
        self._head_file = head_file
        ensure_append_only(url)

    @classmethod
    def from_settings(cls, settings: ReviewSettings) -> AuditLog:
        return cls(
            settings.database_url, derive(settings.app_key, "audit-chain"), settings.audit_head_file
        )

    def _mac_key(self) -> bytes:
        if not self._key:
            raise ValueError("the audit log needs its key to append or verify")
        return self._key

    def written_head(self) -> tuple[int, str] | None:
        """(row id, MAC) from the head file, or None if there is none (or it is unreadable)."""
        if self._head_file is None:
            return None
        try:
            data = json.loads(self._head_file.read_text())
            return int(data["id"]), str(data["row_hash"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_head(self, entry: AuditEntry) -> None:
        if entry.id % HEAD_LOG_EVERY == 0:
            log.info("review audit head: row %d %s", entry.id, entry.row_hash)
        if self._head_file is None:
            return
        known = self.written_head()
        if known is not None and known[0] >= entry.id:
            return  # another process wrote a newer head already
        self._head_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._head_file.with_name(f".{self._head_file.name}.{os.getpid()}")
        # 0600 from the start (not the umask's 0644): only the review app reads the head.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(
                json.dumps({"id": entry.id, "row_hash": entry.row_hash, "at": entry.at.isoformat()})
            )
        os.replace(temporary, self._head_file)

    def record(
        self,
        actor: str,
        action: str,
        outcome: str,
        reference: str | None = None,
        detail: str = "",
        now: datetime | None = None,
    ) -> AuditEntry:
        """Append one entry, chained to the last. Retries if another writer got there first."""
        at = (now or utcnow()).replace(tzinfo=None)
        actor, action, outcome = actor[:80] or ANONYMOUS, action[:40], outcome[:40]
        reference = (reference or "")[:40]
        detail = " ".join((detail or "").split())[:DETAIL_LIMIT]
        key = self._mac_key()
        for attempt in range(_APPEND_RETRIES):
            try:
                with _append_lock(self._url), session_scope(self._url) as session:
                    last = session.query(AuditRow.row_hash).order_by(AuditRow.id.desc()).first()
                    prev_hash = last[0] if last else GENESIS
                    row = AuditRow(
                        at=at,
                        actor=actor,
                        action=action,
                        reference=reference or None,
                        outcome=outcome,
                        detail=detail,
                        prev_hash=prev_hash,
                        row_hash=_content_hash(
                            key, prev_hash, at, actor, action, reference, outcome, detail
                        ),
                    )
                    session.add(row)
                    session.flush()
                    entry = _entry(row)
                with _append_lock(self._url):
                    self._write_head(entry)
                return entry
            except IntegrityError:  # another process extended the chain first
                if attempt == _APPEND_RETRIES - 1:
                    raise
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # noqa: S311 - jitter only
        raise RuntimeError("unreachable")  # pragma: no cover

    def recent(self, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
        with session_scope(self._url) as session:
            query = session.query(AuditRow)
            if action:
                query = query.filter(AuditRow.action == action)
            return [_entry(r) for r in query.order_by(AuditRow.id.desc()).limit(limit).all()]

    def for_reference(
        self, reference: str, actions: tuple[str, ...] | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """Entries about one referral, newest first (the case page's history)."""
        with session_scope(self._url) as session:
            query = session.query(AuditRow).filter(AuditRow.reference == reference)
            if actions:
                query = query.filter(AuditRow.action.in_(actions))
            return [_entry(r) for r in query.order_by(AuditRow.id.desc()).limit(limit).all()]

    def count(self, reference: str | None = None, action: str | None = None) -> int:
        with session_scope(self._url) as session:
            query = session.query(AuditRow.id)
            if reference is not None:
                query = query.filter(AuditRow.reference == reference)
            if action is not None:
                query = query.filter(AuditRow.action == action)
            return int(query.count())

    def verify(self) -> ChainCheck:
        """Walk the whole chain in order; the first row whose links or content do not match.

        Then the head written out: the row it names must be there, with that MAC.
        """
        key = self._mac_key()
        written = self.written_head()
        head_seen = False
        prev, rows = GENESIS, 0
        for row in self._all_in_order():
            rows += 1
            if row.prev_hash != prev:
                return ChainCheck(
                    False, rows, prev, int(row.id), "a row before this one is missing or moved"
                )
            expected = _content_hash(
                key,
                row.prev_hash,
                row.at,
                row.actor,
                row.action,
                row.reference or "",
                row.outcome,
                row.detail or "",
            )
            if expected != row.row_hash:
                return ChainCheck(False, rows, prev, int(row.id), "this row was altered")
            if written is not None and int(row.id) == written[0]:
                if not hmac.compare_digest(row.row_hash, written[1]):
                    return ChainCheck(
                        False,
                        rows,
                        prev,
                        int(row.id),
                        "this row is not the one the head file names",
                    )
                head_seen = True
            prev = row.row_hash
        if self._head_file is not None and rows and written is None:
            return ChainCheck(
                False, rows, prev, None, "the head file is missing: rows may have been cut off"
            )
        if written is not None and not head_seen:
            return ChainCheck(
                False,
                rows,
                prev,
                written[0],
                "rows up to the head written out are missing: the log was cut short",
            )
        return ChainCheck(True, rows, prev)

    def _all_in_order(self, batch: int = 1000) -> Iterator[AuditRow]:
        last_id = 0
        while True:
            with session_scope(self._url) as session:
                rows = (
                    session.query(AuditRow)
                    .filter(AuditRow.id > last_id)
                    .order_by(AuditRow.id)
                    .limit(batch)
                    .all()
                )
            if not rows:
                return
            yield from rows
            last_id = int(rows[-1].id)
