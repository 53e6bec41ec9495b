"""The outbox: sealed referrals queued in the database and sent over SMTP with retries.

Only ciphertext is queued (an S/MIME envelope the bot cannot open). Sending is
idempotent: every message has a stable Message-ID derived from its reference, a row is
marked sent only after the SMTP server accepted it, and a retry after a crash sends the
same Message-ID again, so the inbox can recognise a repeat. After `max_attempts`
failures the row becomes a dead letter and the referrer is told to use the phone route.
"""

from __future__ import annotations

import email.policy
import ipaddress
import logging
import os
import re
import smtplib
import socket
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes
from email.utils import formatdate
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.delivery.domains import check_secure_address
from bot.metrics import TIME_TO_DELIVERY
from bot.store.db import session_scope, utcnow
from bot.store.tables.delivery import OutboxRow

QUEUED, SENDING, SENT, DEAD = "queued", "sending", "sent", "dead"

log = logging.getLogger("bot.delivery")
#: What an operator needs to fix a refused send: the error and the relay's words, shortened.
#: SMTP replies name the relay and its rules, not the referral (which is ciphertext anyway).
REASON_LIMIT = 200


def failure_reason(exc: BaseException) -> str:
    """ "SMTPNotSupportedError: STARTTLS extension not supported by server", one line."""
    detail = str(exc)
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        detail = f"{exc.smtp_code} {text}"
    detail = re.sub(r"\s+", " ", detail).strip()
    reason = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return reason[:REASON_LIMIT]


#: Accepted values of `SmtpSettings.security` (case-insensitive); `none` on loopback only.
ENCRYPTED_SECURITY = ("tls", "starttls")
PLAIN_SECURITY = "none"


class SmtpConfigError(ValueError):
    """The SMTP settings would send the relay password or referrals in clear."""


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 or `localhost` (no DNS lookup: a name could resolve anywhere)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SmtpSettings:
    """How the worker reaches the relay. Fails closed: anything but TLS is refused.

    Why: an unknown value (`ssl`, a typo, `STARTTLS` in capitals) used to fall through to a
    plain connection that sent the relay password in clear. Now `tls` and `starttls` are
    accepted in any case, `none` only for a loopback host (tests, a local relay) with a
    warning in the log, and anything else raises `SmtpConfigError` at start-up.
    """

    host: str
    port: int
    security: str = "starttls"  # starttls | tls | none (loopback only)
    username: str = ""
    password: str = ""
    sender: str = "prevent-assistant@localhost"
    timeout: float = 20.0

    def __post_init__(self) -> None:
        security = str(self.security or "").strip().lower()
        if security == PLAIN_SECURITY:
            if not is_loopback_host(self.host):
                raise SmtpConfigError(
                    f"PREVENT_SMTP_SECURITY=none (no encryption) is allowed only for a "
                    f"loopback relay, not {self.host!r}: use 'tls' or 'starttls'."
                )
            logging.getLogger("bot.delivery").warning(
                "SMTP WITHOUT ENCRYPTION to %s:%s (loopback only; never in production)",
                self.host,
                self.port,
            )
        elif security not in ENCRYPTED_SECURITY:
            raise SmtpConfigError(
                f"PREVENT_SMTP_SECURITY must be 'tls' or 'starttls' (or 'none' for a "
                f"loopback relay), not {self.security!r}: refusing to start."
            )
        object.__setattr__(self, "security", security)

    def __repr__(self) -> str:  # never print the password
        return f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r})"


@dataclass(frozen=True)
class Receipt:
    """What the referrer is told: reference, time, inbox; never the content."""

    reference: str
    status: str
    recipients: tuple[str, ...]
    sent_at: datetime | None


def enqueue(
    url: str,
    envelope: bytes,
    recipients: list[str],
    reference: str,
    subject: str,
    sender: str,
    extra_domains: tuple[str, ...] = (),
) -> Receipt:
    """Queue a sealed referral. Every recipient must be a secure address (SET 2.5)."""
    for address in recipients:
        check_secure_address(address, extra_domains)
    row = OutboxRow(
        id=str(uuid.uuid4()),
        reference=reference,
        message_id=f"<{reference}@prevent-assistant.invalid>",
        recipients=",".join(recipients),
        sender=sender,
        subject=subject,
        envelope=envelope,
    )
    with session_scope(url) as session:
        session.add(row)
    return Receipt(reference, QUEUED, tuple(recipients), None)


def receipt(url: str, reference: str) -> Receipt | None:
    with session_scope(url) as session:
        row = session.query(OutboxRow).filter(OutboxRow.reference == reference).one_or_none()
        if row is None:
            return None
        return Receipt(row.reference, row.status, tuple(row.recipients.split(",")), row.sent_at)


def _wire_message(row: OutboxRow) -> bytes:
    """The envelope with the transport headers; the same bytes on every attempt."""
    message = message_from_bytes(row.envelope)
    for header in ("Message-ID", "Subject", "From", "To", "Date"):
        del message[header]
    message["Message-ID"] = row.message_id
    message["Subject"] = row.subject
    message["From"] = row.sender
    message["To"] = row.recipients
    message["Date"] = formatdate(row.created_at.timestamp(), usegmt=True)
    # SMTP wants CRLF line ends; smtplib sends bytes as they are, and a sealed envelope
    # written with "\n" would reach the server as one over-long line.
    return message.as_bytes(policy=email.policy.SMTP)


#: Told, inside the transaction that records it, that a referral was sent ("sent"), failed
#: a first time and is retried ("delayed"), or given up on ("not_sent"), with details for
#: the referrer (inbox, time; never content).
OutcomeHook = Callable[[Session, str, str, dict[str, str]], None]


class DeliveryWorker:
    """Sends due outbox rows; call `run_once()` from a loop or a scheduler."""

    def __init__(
        self,
        url: str,
        smtp: SmtpSettings,
        max_attempts: int = 6,
        backoff: timedelta = timedelta(seconds=30),
        stale_after: timedelta = timedelta(minutes=5),
        on_outcome: OutcomeHook | None = None,
        batch: int = 20,
        worker_id: str | None = None,
    ) -> None:
        self.url = url
        self.batch = batch
        #: Who holds a claimed row: host, process and a random part (unique per worker).
        self.worker_id = (
            worker_id or f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        )
        self._held: dict[str, str] = {}  # row id -> the claim token it was taken with
        self.smtp = smtp
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.stale_after = stale_after
        self.on_outcome = on_outcome

    def run_once(self, now: datetime | None = None) -> dict[str, int]:
        """Send everything due. Returns counts by what happened."""
        now = now or utcnow()
        counts = {"sent": 0, "retry": 0, "dead": 0}
        for row_id in self._claim_due(now):
            counts[self._send(row_id, now)] += 1
        return counts

    def _due(self, now: datetime) -> Any:  # a SQLAlchemy clause (the library is untyped)
        return (
            (OutboxRow.status == QUEUED) & (OutboxRow.next_attempt_at <= now)
        ) | (
            # a worker that died mid-send left SENDING: try again, same Message-ID
            (OutboxRow.status == SENDING)
            & (OutboxRow.next_attempt_at <= now - self.stale_after)
        )

    def _claim_due(self, now: datetime) -> list[str]:
        """Mark up to `batch` due rows SENDING for this worker; returns their ids.

        Safe with several workers: on PostgreSQL the rows are picked with
        ``SELECT … FOR UPDATE SKIP LOCKED`` (workers take different rows and never wait on
        each other); on SQLite one ``UPDATE … WHERE id IN (SELECT …)`` claims them, and
        SQLite runs one writer at a time. Either way a row is claimed by one worker only
        and `claimed_by` says which.
        """
        token = f"{self.worker_id}#{uuid.uuid4().hex[:6]}"  # this claim, of this worker
        with session_scope(self.url) as session:
            due = self._due(now)
            if session.get_bind().dialect.name == "postgresql":
                picked = (
                    session.execute(
                        select(OutboxRow.id)
                        .where(due)
                        .order_by(OutboxRow.created_at)
                        .limit(self.batch)
                        .with_for_update(skip_locked=True)
                    )
                    .scalars()
                    .all()
                )
                if not picked:
                    return []
                target = OutboxRow.id.in_(picked)
            else:
                target = OutboxRow.id.in_(
                    select(OutboxRow.id)
                    .where(due)
                    .order_by(OutboxRow.created_at)
                    .limit(self.batch)
                    .scalar_subquery()
                )
            session.execute(
                update(OutboxRow)
                .where(target)
                .values(status=SENDING, next_attempt_at=now, claimed_by=token)
                .execution_options(synchronize_session=False)
            )
            session.flush()
            claimed = session.execute(
                select(OutboxRow.id)
                .where((OutboxRow.claimed_by == token) & (OutboxRow.status == SENDING))
                .order_by(OutboxRow.created_at)
            )
            ids = list(claimed.scalars().all())
        self._held.update(dict.fromkeys(ids, token))
        return ids

    def _send(self, row_id: str, now: datetime) -> str:
        with session_scope(self.url) as session:
            row = session.get(OutboxRow, row_id)
            data, recipients, sender = _wire_message(row), row.recipients.split(","), row.sender
        try:
            self._smtp_send(sender, recipients, data)
        except (OSError, smtplib.SMTPException) as exc:
            return self._failed(row_id, now, failure_reason(exc))
        with session_scope(self.url) as session:
            row = self._still_ours(session, row_id)
            if row is None:  # taken over as stale meanwhile: the other worker reports it
                return "retry"
            row.status, row.sent_at, row.attempts = SENT, now, row.attempts + 1
            row.last_error = None
            TIME_TO_DELIVERY.observe(max(0.0, (now - row.created_at).total_seconds()))
            self._tell(session, row, "sent", when=f"{now:%d/%m/%Y %H:%M} UTC")
        return "sent"

    def _still_ours(self, session: Session, row_id: str) -> OutboxRow | None:
        """The row, locked, if this worker still holds it."""
        row = session.get(OutboxRow, row_id, with_for_update=True)
        token = self._held.pop(row_id, None)
        if row is None or row.status != SENDING or token is None or row.claimed_by != token:
            return None
        return row

    def _failed(self, row_id: str, now: datetime, error: str) -> str:
        """Record a refused or failed send; tell the operator (the log) and the referrer.

        The first failure is logged as a warning with the reason, and the referrer hears
        that it is delayed and retried; the last one (a dead letter) is an error, and the
        referrer is given the phone route.
        """
        with session_scope(self.url) as session:
            row = self._still_ours(session, row_id)
            if row is None:
                return "retry"
            row.attempts += 1
            row.last_error = error[:REASON_LIMIT]
            where = f"{self.smtp.host}:{self.smtp.port} ({self.smtp.security})"
            if row.attempts >= self.max_attempts:
                row.status = DEAD
                log.error(
                    "delivery of %s gave up after %d attempts via %s: %s; the referrer is "
                    "told to ring the Police Prevent Team",
                    row.reference,
                    row.attempts,
                    where,
                    error,
                )
                self._tell(session, row, "not_sent")
                return "dead"
            row.status = QUEUED
            row.next_attempt_at = now + self.backoff * (2 ** (row.attempts - 1))
            if row.attempts == 1:
                log.warning(
                    "delivery of %s failed via %s: %s; retrying (attempt 1 of %d, next at %s UTC)",
                    row.reference,
                    where,
                    error,
                    self.max_attempts,
                    f"{row.next_attempt_at:%H:%M:%S}",
                )
                self._tell(session, row, "delayed", retry_at=f"{row.next_attempt_at:%H:%M} UTC")
            else:
                log.info(
                    "delivery of %s failed again (attempt %d of %d): %s",
                    row.reference,
                    row.attempts,
                    self.max_attempts,
                    error,
                )
            return "retry"

    def _tell(self, session: Session, row: OutboxRow, kind: str, **details: str) -> None:
        if self.on_outcome is not None:
            self.on_outcome(session, row.reference, kind, {"inbox": row.recipients, **details})

    def _smtp_send(self, sender: str, recipients: list[str], data: bytes) -> None:
        settings = self.smtp
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        elif settings.security in ("starttls", PLAIN_SECURITY):
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        else:  # unreachable: SmtpSettings refuses other values; never fall through to plain
            raise SmtpConfigError(f"unknown SMTP security {settings.security!r}")
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password)
            client.sendmail(sender, recipients, data)
