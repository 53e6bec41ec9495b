"""Concerns at rest: one encrypted record per concern, its chronology, alerts and audit.

Each concern gets its own data key, wrapped by the master key with the concern id as
associated data (`bot.store.crypto`); the teacher's words, the triage facts and advice,
every step of the chronology and the text of every alert are sealed under that key.
In plain: the school id, the status (new, open, decided), times, the review date (so a
reminder can be found without decrypting) and keyed hashes of who raised and who acted.

Who may read: the school's DSLs and the member of staff who raised it, checked here
against the org and role of the keyed-hash sender (`bot.concerns.staff`). Server-side
threat model, honestly: the server holds the master key, so it can decrypt any concern;
the access rule is enforced by this code, not by cryptography. What the encryption
defends against is someone holding a copy of the database without the master key.

The audit table (`concern_audit`) is append-only (database triggers refuse UPDATE and
DELETE) and holds no content: reference, school, action, actor hash, time.
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Session

from bot.concerns.rows import Org
from bot.concerns.staff import DSL, Staff, StaffDirectory, StaffRoute, StaffRow
from bot.delivery.pickup import PickupRow  # exported records: deleted with their concern
from bot.store.crypto import CryptoError, KeyRing, WrappedKey, decrypt, encrypt
from bot.store.db import read_row, session_scope, utcnow
from bot.store.tables.concerns import (
    ConcernAlertRow,
    ConcernAuditRow,
    ConcernEventRow,
    ConcernRow,
    OrgRow,
)

log = logging.getLogger(__name__)

REF_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
NEW, OPEN, DECIDED = "new", "open", "decided"
#: What the audit says of a deletion on request (no free text: see `Concerns.delete`).
DELETED_DETAIL = "on request"
#: The decisions a DSL can record (labels in guidance/concerns/record.yml).
REFER, EARLY_HELP, SOCIAL_CARE, MONITOR, NFA = (
    "refer",
    "early_help",
    "social_care",
    "monitor",
    "nfa",
)
DECISIONS = (REFER, EARLY_HELP, SOCIAL_CARE, MONITOR, NFA)
#: Alert kinds: to the DSLs (new concern, answer, review due), to the raiser (read,
#: question, decision: its kind only, never the reasons).
A_NEW, A_READ, A_QUESTION, A_ANSWER, A_REVIEW = "new", "read", "question", "answer", "review"
A_DECIDED = "decided"
TEXT_LIMIT = 8000


class ConcernError(Exception):
    """Base for refusals the chat explains."""


class NotFound(ConcernError):
    """No such concern for this person (also when it belongs to another school: no leak)."""


class NotAllowed(ConcernError):
    """Not staff at a school, or a DSL-only step asked for by a teacher."""


class Invalid(ConcernError):
    """A step without what it needs (a reason, a review date)."""


for _dialect, _ddl in (
    (
        "sqlite",
        [
            "CREATE TRIGGER IF NOT EXISTS concern_audit_no_update BEFORE UPDATE ON concern_audit "
            "BEGIN SELECT RAISE(ABORT, 'concern_audit is append-only'); END",
            "CREATE TRIGGER IF NOT EXISTS concern_audit_no_delete BEFORE DELETE ON concern_audit "
            "BEGIN SELECT RAISE(ABORT, 'concern_audit is append-only'); END",
        ],
    ),
    (
        "postgresql",
        [
            "CREATE OR REPLACE FUNCTION concern_audit_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'concern_audit is append-only'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER concern_audit_append_only BEFORE UPDATE OR DELETE ON concern_audit "
            "FOR EACH ROW EXECUTE FUNCTION concern_audit_append_only()",
        ],
    ),
):
    for _statement in _ddl:
        event.listen(
            ConcernAuditRow.__table__,
            "after_create",
            DDL(_statement).execute_if(dialect=_dialect),
        )


@dataclass(frozen=True)
class Step:
    """One entry of the chronology."""

    at: datetime
    kind: str  # raised, read, question, answer, decision, review_due, note
    actor: str
    actor_role: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Concern:
    id: str
    ref: str
    org_id: str
    raised_by: str
    status: str
    created_at: datetime
    review_due: date | None
    details: dict[str, Any]
    steps: list[Step] = field(default_factory=list)

    @property
    def decisions(self) -> list[Step]:
        return [s for s in self.steps if s.kind == "decision"]

    @property
    def decision(self) -> Step | None:
        return self.decisions[-1] if self.decisions else None

    def snippet(self, limit: int = 70) -> str:
        words = " ".join(str(self.details.get("words", "")).split())
        return words if len(words) <= limit else words[: limit - 1] + "…"


@dataclass(frozen=True)
class Alert:
    id: int
    kind: str
    ref: str
    concern_id: str
    text: str = ""


#: The domain response (domain/concerns.yml) that says each kind of alert.
ALERT_RESPONSES = {
    A_NEW: "utter_concern_alert_new",
    A_READ: "utter_concern_alert_read",
    A_QUESTION: "utter_concern_alert_question",
    A_ANSWER: "utter_concern_alert_answer",
    A_REVIEW: "utter_concern_alert_review",
    A_DECIDED: "utter_concern_alert_decided",
}


def alert_message(alert: Alert) -> dict[str, str]:
    """The response and its values for one alert (the chat and push channels alike).

    A decision is said in the words of guidance/concerns/record.yml (`told_raiser`).
    """
    text = alert.text
    if alert.kind == A_DECIDED:
        from bot.concerns.record import wording  # (record imports this module)

        text = wording()["told_raiser"].get(text, "")
    # Not `text`: Rasa takes a `text` value as the message itself, instead of the response.
    return {
        "response": ALERT_RESPONSES[alert.kind],
        "concern_ref": alert.ref,
        "alert_detail": text,
    }


def pseudonym(staff_hash: str, role: str) -> str:
    """How a person appears in a record: role and a stable short id (no name is stored)."""
    if staff_hash == "system":
        return "the assistant"
    return f"{role or 'staff'} {staff_hash[:8]}"



#: Is any alert waiting for this recipient? Built once (SQLAlchemy memoises its cache key).
_ALERT_WAITING = (
    sa.select(ConcernAlertRow.id)
    .where(
        ConcernAlertRow.recipient == sa.bindparam("recipient"),
        ConcernAlertRow.delivered_at.is_(None),
    )
    .limit(1)
)

_ALERT_EXISTS = _ALERT_WAITING.exists()


class Concerns:
    """The concern service: every step checks who is asking (their school and role).

    Who is asking is always the channel-qualified owner id, "<channel>:<sender id>"
    (`bot.concerns.staff.staff_owner`, the same as `bot.actions._common.owner_id`), never
    the bare sender id: the same digits on another channel are somebody else.
    """

    def __init__(self, url: str, keyring: KeyRing, pepper: bytes) -> None:
        self._url = url
        self._keys = keyring
        self.staff = StaffDirectory(url, keyring, pepper)

    # -- keys ---------------------------------------------------------------------------

    def _key(self, row: ConcernRow) -> bytes:
        return self._keys.record_key(WrappedKey.of(row), f"concern:{row.id}").key

    def _me(self, owner: str) -> Staff:
        staff = self.staff.who(owner)
        if staff is None:
            raise NotAllowed("not enrolled as staff at a school")
        return staff

    def whoami(self, owner: str) -> Staff | None:
        return self.staff.who(owner)

    def _row(self, session: Session, staff: Staff, ref: str) -> ConcernRow:
        row = (
            session.query(ConcernRow)
            .filter(ConcernRow.ref == ref.strip().upper())
            .with_for_update()
            .one_or_none()
        )
        if row is None or row.org_id != staff.org_id:
            raise NotFound(ref)
        if not staff.is_dsl and row.raised_by != staff.staff_hash:
            raise NotFound(ref)
        return row

    def _step(
        self,
        session: Session,
        row: ConcernRow,
        key: bytes,
        kind: str,
        staff: Staff | None,
        **data: Any,
    ) -> None:
        actor = staff.staff_hash if staff else "system"
        step = ConcernEventRow(
            concern_id=row.id,
            kind=kind,
            actor=actor,
            actor_role=staff.role if staff else "",
            body=b"",
        )
        session.add(step)
        session.flush()
        step.body = encrypt(key, json.dumps(data).encode(), f"concern:{row.id}:event:{step.id}")
        row.updated_at = utcnow()

    def _alert(
        self,
        session: Session,
        row: ConcernRow,
        key: bytes,
        recipient: StaffRow | Staff,
        kind: str,
        text: str = "",
    ) -> None:
        alert = ConcernAlertRow(
            recipient=recipient.staff_hash,
            channel=recipient.channel,
            concern_id=row.id,
            kind=kind,
            body=b"",
        )
        session.add(alert)
        session.flush()
        alert.body = encrypt(
            key, json.dumps({"text": text}).encode(), f"concern:{row.id}:alert:{alert.id}"
        )

    def _alert_dsls(
        self, session: Session, row: ConcernRow, key: bytes, kind: str, text: str = ""
    ) -> int:
        dsls = session.query(StaffRow).filter(StaffRow.org_id == row.org_id, StaffRow.role == DSL)
        count = 0
        for dsl in dsls:
            self._alert(session, row, key, dsl, kind, text)
            count += 1
        return count

    def _alert_raiser(self, session: Session, row: ConcernRow, key: bytes, kind: str, text=""):
        raiser = session.query(StaffRow).filter(StaffRow.staff_hash == row.raised_by).one_or_none()
        if raiser is not None:
            self._alert(session, row, key, raiser, kind, text)

    @staticmethod
    def _audit(session: Session, row: ConcernRow, action: str, actor: str, detail: str = ""):
        session.add(
            ConcernAuditRow(
                ref=row.ref, org_id=row.org_id, action=action, actor=actor, detail=detail[:120]
            )
        )

    def _concern(self, session: Session, row: ConcernRow, with_steps: bool = True) -> Concern:
        key = self._key(row)
        details = json.loads(decrypt(key, row.payload, f"concern:{row.id}"))
        concern = Concern(
            row.id,
            row.ref,
            row.org_id,
            row.raised_by,
            row.status,
            row.created_at,
            row.review_due,
            details,
        )
        if with_steps:
            steps = (
                session.query(ConcernEventRow)
                .filter(ConcernEventRow.concern_id == row.id)
                .order_by(ConcernEventRow.id)
            )
            for step in steps:
                data = json.loads(decrypt(key, step.body, f"concern:{row.id}:event:{step.id}"))
                concern.steps.append(Step(step.at, step.kind, step.actor, step.actor_role, data))
        return concern

    # -- the teacher's side -------------------------------------------------------------

    def raise_concern(
        self,
        owner: str,
        words: str,
        when: str = "",
        where: str = "",
        triage: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> tuple[Concern, int]:
        """Record a concern for the sender's school; returns it and how many DSLs were alerted."""
        staff = self._me(owner)
        if not words.strip():
            raise Invalid("a concern needs the words of what was seen or heard")
        concern_id = str(uuid.uuid4())
        record = self._keys.new_record_key(f"concern:{concern_id}")
        data_key, wrapped = record.key, record.wrapped
        details = {
            "words": words.strip()[:TEXT_LIMIT],
            "when": when.strip()[:400],
            "where": where.strip()[:400],
            "triage": triage or {},
            "raised_role": staff.role,
        }
        now = now or utcnow()
        with session_scope(self._url) as session:
            ref = self._new_ref(session)
            row = ConcernRow(
                id=concern_id,
                ref=ref,
                org_id=staff.org_id,
                raised_by=staff.staff_hash,
                status=NEW,
                created_at=now,
                updated_at=now,
                key_version=wrapped.version,
                wrapped_key=wrapped.blob,
                payload=encrypt(data_key, json.dumps(details).encode(), f"concern:{concern_id}"),
            )
            session.add(row)
            session.flush()
            self._step(session, row, data_key, "raised", staff)
            alerted = self._alert_dsls(session, row, data_key, A_NEW)
            self._audit(session, row, "raised", staff.staff_hash)
            return self._concern(session, row), alerted

    @staticmethod
    def _new_ref(session: Session) -> str:
        while True:
            ref = "C-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))
            if session.query(ConcernRow.id).filter(ConcernRow.ref == ref).first() is None:
                return ref

    def answer(self, owner: str, ref: str, text: str) -> Concern:
        """The raiser answers the DSL's question; the answer joins the concern."""
        staff = self._me(owner)
        if not text.strip():
            raise Invalid("an empty answer")
        with session_scope(self._url) as session:
            row = self._row(session, staff, ref)
            if row.raised_by != staff.staff_hash:
                raise NotAllowed("only the member of staff who raised it answers")
            key = self._key(row)
            self._step(session, row, key, "answer", staff, text=text.strip()[:TEXT_LIMIT])
            self._alert_dsls(session, row, key, A_ANSWER, text.strip()[:TEXT_LIMIT])
            return self._concern(session, row)

    # -- both ---------------------------------------------------------------------------

    def list_for(self, owner: str, only_new: bool = False) -> list[Concern]:
        """The DSL: their school's concerns; a teacher: their own. Newest first."""
        staff = self._me(owner)
        with session_scope(self._url) as session:
            query = session.query(ConcernRow).filter(ConcernRow.org_id == staff.org_id)
            if not staff.is_dsl:
                query = query.filter(ConcernRow.raised_by == staff.staff_hash)
            if only_new:
                query = query.filter(ConcernRow.status == NEW)
            rows = query.order_by(ConcernRow.created_at.desc()).limit(50).all()
            return [self._concern(session, row, with_steps=False) for row in rows]

    def open(self, owner: str, ref: str, now: datetime | None = None) -> Concern:
        """Read one concern; a DSL's first read is recorded and the raiser is told."""
        staff = self._me(owner)
        with session_scope(self._url) as session:
            row = self._row(session, staff, ref)
            if staff.is_dsl and row.status == NEW:
                key = self._key(row)
                row.status = OPEN
                self._step(session, row, key, "read", staff)
                self._alert_raiser(session, row, key, A_READ)
                self._audit(session, row, "read", staff.staff_hash)
            return self._concern(session, row)

    # -- the DSL's side -----------------------------------------------------------------

    def _dsl(self, owner: str) -> Staff:
        staff = self._me(owner)
        if not staff.is_dsl:
            raise NotAllowed("only the school's DSL can do this")
        return staff

    def ask(self, owner: str, ref: str, question: str) -> Concern:
        """The DSL asks the raiser a question (relayed to them; it joins the chronology)."""
        staff = self._dsl(owner)
        if not question.strip():
            raise Invalid("an empty question")
        with session_scope(self._url) as session:
            row = self._row(session, staff, ref)
            key = self._key(row)
            text = question.strip()[:TEXT_LIMIT]
            if row.status == NEW:
                row.status = OPEN
            self._step(session, row, key, "question", staff, text=text)
            self._alert_raiser(session, row, key, A_QUESTION, text)
            return self._concern(session, row)

    def decide(
        self,
        owner: str,
        ref: str,
        decision: str,
        reasons: str,
        review_on: date | None = None,
        today: date | None = None,
    ) -> Concern:
        """Record a decision with its reasons; a change of decision records what it replaced."""
        staff = self._dsl(owner)
        if decision not in DECISIONS:
            raise Invalid(f"decision must be one of {DECISIONS}")
        if not reasons.strip():
            raise Invalid("a decision needs its reasons")
        today = today or utcnow().date()
        if decision == MONITOR and (review_on is None or review_on <= today):
            raise Invalid("monitoring needs a review date after today")
        with session_scope(self._url) as session:
            row = self._row(session, staff, ref)
            key = self._key(row)
            previous = self._concern(session, row).decision
            data: dict[str, Any] = {"decision": decision, "reasons": reasons.strip()[:TEXT_LIMIT]}
            if decision == MONITOR and review_on:
                data["review_on"] = review_on.isoformat()
            if previous is not None:
                data["changed_from"] = previous.data.get("decision")
            row.status = DECIDED
            row.review_due = review_on if decision == MONITOR else None
            row.review_reminded_at = None
            self._step(session, row, key, "decision", staff, **data)
            self._alert_raiser(session, row, key, A_DECIDED, decision)  # the kind, no reasons
            self._audit(session, row, "decided", staff.staff_hash, decision)
            return self._concern(session, row)

    def delete(self, owner: str, ref: str, reason: str) -> None:
        """Deletion on request (a DSL): the record and its chronology go; the audit stays."""
        staff = self._dsl(owner)
        if not reason.strip():
            raise Invalid("a deletion needs its reason")
        with session_scope(self._url) as session:
            row = self._row(session, staff, ref)
            self._delete_rows(session, row)
            # The reason is asked for (the DSL states it), but the append-only audit can never
            # be erased, so it keeps only the category, never the free text (which may name
            # the child, e.g. "Parent of Jane Roe asked for erasure").
            self._audit(session, row, "deleted", staff.staff_hash, DELETED_DETAIL)

    @staticmethod
    def _delete_rows(session: Session, row: ConcernRow) -> None:
        """The record, its chronology and alerts, and any exported decision-record files
        still waiting for download (pickups are filed under the concern's reference)."""
        for table in (ConcernEventRow, ConcernAlertRow):
            session.query(table).filter(table.concern_id == row.id).delete()
        session.query(PickupRow).filter(PickupRow.reference == row.ref).delete()
        session.delete(row)

    def record(self, owner: str, ref: str) -> tuple[Concern, Org | None]:
        """The concern with its whole chronology, for the decision record; audited."""
        staff = self._me(owner)
        with session_scope(self._url) as session:
            row = self._row(session, staff, ref)
            org = session.get(OrgRow, row.org_id)
            self._audit(session, row, "exported", staff.staff_hash)
            concern = self._concern(session, row)
            return concern, (Org(org.id, org.name, org.area, org.retention_days) if org else None)

    # -- alerts and housekeeping (the push loop) ----------------------------------------

    def _alert_of(self, session: Session, alert: ConcernAlertRow) -> Alert | None:
        row = session.get(ConcernRow, alert.concern_id)
        if row is None:
            return None
        key = self._key(row)
        data = json.loads(decrypt(key, alert.body, f"concern:{row.id}:alert:{alert.id}"))
        return Alert(int(alert.id), alert.kind, row.ref, row.id, data.get("text", ""))

    def take_alerts(self, owner: str, now: datetime | None = None) -> list[Alert]:
        """Undelivered alerts for this member of staff, marked delivered as they are taken.

        Asked on every turn: one prebuilt Core query on a pooled connection says "none"
        without an ORM session (as `ReferrerUpdates.take_for`); nothing is cached, so an
        alert written by another process is seen on the next turn.
        """
        staff_hash = self.staff.hash_of(owner)
        if read_row(self._url, _ALERT_WAITING, {"recipient": staff_hash}) is None:
            return []
        with session_scope(self._url) as session:
            rows = (
                session.query(ConcernAlertRow)
                .filter(
                    ConcernAlertRow.recipient == staff_hash,
                    ConcernAlertRow.delivered_at.is_(None),
                )
                .order_by(ConcernAlertRow.id)
                .all()
            )
            taken = []
            for row in rows:
                alert = self._alert_of(session, row)
                row.delivered_at = now or utcnow()
                if alert is not None:
                    taken.append(alert)
            return taken

    def alerts_waiting(self, owner: str) -> tuple[str, sa.ColumnElement, dict[str, str]]:
        """(database URL, a prebuilt boolean SQL expression: an alert waits for this
        member of staff, its parameters), for a caller that asks several stores in one
        statement."""
        return self._url, _ALERT_EXISTS, {"recipient": self.staff.hash_of(owner)}

    def pending_count(self, owner: str) -> int:
        """How many alerts wait for this member of staff (told as a count when they sign in)."""
        with session_scope(self._url) as session:
            return (
                session.query(ConcernAlertRow.id)
                .filter(
                    ConcernAlertRow.recipient == self.staff.hash_of(owner),
                    ConcernAlertRow.delivered_at.is_(None),
                )
                .count()
            )

    def pending_alerts(
        self, channels: Iterable[str], limit: int = 100
    ) -> list[tuple[Alert, StaffRoute]]:
        """Undelivered alerts for staff on channels that can push, with where to push them."""
        with session_scope(self._url) as session:
            rows = (
                session.query(ConcernAlertRow)
                .filter(
                    ConcernAlertRow.delivered_at.is_(None),
                    ConcernAlertRow.channel.in_(list(channels)),
                )
                .order_by(ConcernAlertRow.id)
                .limit(limit)
                .all()
            )
            out = []
            for row in rows:
                try:
                    alert = self._alert_of(session, row)
                    route = self.staff.route(session, row.recipient)
                except (CryptoError, ValueError) as exc:  # e.g. its master key was dropped
                    log.warning(
                        "concern alert %s could not be opened (%s); skipped",
                        row.id,
                        type(exc).__name__,
                    )
                    continue
                if alert is not None and route is not None:
                    out.append((alert, route))
            return out

    def mark_alert_delivered(self, alert_id: int, now: datetime | None = None) -> bool:
        with session_scope(self._url) as session:
            changed = (
                session.query(ConcernAlertRow)
                .filter(ConcernAlertRow.id == alert_id, ConcernAlertRow.delivered_at.is_(None))
                .update({"delivered_at": now or utcnow()}, synchronize_session=False)
            )
            return bool(changed)

    def remind_due_reviews(self, today: date | None = None) -> int:
        """Monitoring whose review date has come: alert the school's DSLs once."""
        today = today or utcnow().date()
        with session_scope(self._url) as session:
            rows = (
                session.query(ConcernRow)
                .filter(
                    ConcernRow.review_due.isnot(None),
                    ConcernRow.review_due <= today,
                    ConcernRow.review_reminded_at.is_(None),
                )
                .with_for_update()
                .all()
            )
            for row in rows:
                key = self._key(row)
                row.review_reminded_at = utcnow()
                self._step(session, row, key, "review_due", None, review_on=str(row.review_due))
                self._alert_dsls(session, row, key, A_REVIEW, str(row.review_due))
            return len(rows)

    def purge_expired(self, default_days: int, now: datetime | None = None) -> int:
        """Delete concerns untouched for longer than their school's retention; audited."""
        now = now or utcnow()
        purged = 0
        with session_scope(self._url) as session:
            days_by_org = {o.id: o.retention_days for o in session.query(OrgRow)}
            for row in session.query(ConcernRow).with_for_update().all():
                days = days_by_org.get(row.org_id) or default_days
                if days and row.updated_at < now - timedelta(days=days):
                    self._delete_rows(session, row)
                    self._audit(session, row, "purged", "system", f"retention {days} days")
                    purged += 1
        return purged

    def audit(self, ref: str) -> list[tuple[datetime, str, str, str]]:
        with session_scope(self._url) as session:
            rows = (
                session.query(ConcernAuditRow)
                .filter(ConcernAuditRow.ref == ref)
                .order_by(ConcernAuditRow.id)
            )
            return [(r.at, r.action, r.actor, r.detail) for r in rows]
