"""The queue of sealed referrals with their review status, and opening one in memory.

The queue reads only the review app's own small rows (`review_status`: reference, when it
was queued, status, problems). Every referral in the outbox gets such a row the first time the
queue sees it (`sync_queue`), which is the only time its outbox row's `created_at` is read: in
SQLite that column sits after the envelope (about 160 KB), so reading it means walking the
envelope's overflow pages, 47 ms for a scan of 1,000 referrals against 0.5 ms for the
reference alone.
Opening a referral decrypts its envelope with the inbox key, reads the JSON attachment
(`bot.referral.render.to_json`) and lays it out by the sections of the VTR form
(`referral_forms/vtr.yml`). Nothing decrypted is written anywhere: it lives in the returned
objects for the length of one request.

Plain Python (no web framework), so it is tested directly.
"""

from __future__ import annotations

import email
import email.policy
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError

from bot.delivery.outbox import OutboxRow
from bot.referral.form import FormSpec
from bot.review.inbox_key import InboxKey
from bot.review.queue_facts import AGE_ORDER, QueueFacts, QueueWords, facts_from_json
from bot.review.workflow import ReviewStatusRow, Workflow
from bot.sealing import OpenError, verify_signed
from bot.store.db import session_scope, utcnow

PER_PAGE = 50
#: Filter value for "referrals that would not open".
PROBLEMS = "problems"


class CaseNotFound(LookupError):
    """No sealed referral with that reference."""


class CannotOpen(Exception):
    """The referral is there but cannot be read. `reason` is a code the page explains."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # wrong_key_or_tampered | not_from_assistant | no_json | bad_json


@dataclass(frozen=True)
class QueueRow:
    reference: str
    received_at: datetime | None
    status: str
    status_label: str
    updated_at: datetime | None
    updated_by: str
    problem: str | None
    facts: QueueFacts | None = None
    waiting: timedelta | None = None  # since received, while no outcome is decided


#: Columns the queue sorts by (query `sort`), each with its direction by default.
SORTS = ("received", "waiting", "area", "age", "flags", "status")


@dataclass(frozen=True)
class QueueView:
    """What the member of staff asked the queue for: filters and order."""

    status_filter: str = ""
    area: str = ""
    age: str = ""
    flag: str = ""  # "imminent_risk": only those answered yes
    sort: str = "received"
    descending: bool = True
    page: int = 1


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int  # rows matching the filter
    page: int
    pages: int
    counts: dict[str, int]  # every status id -> how many referrals are in it
    problems: int
    status_filter: str
    view: QueueView = field(default_factory=QueueView)
    areas: tuple[str, ...] = ()  # the areas in the queue, for the filter


def sync_queue(url: str, workflow: Workflow, batch: int = 500) -> int:
    """Give every referral in the outbox a review row with its arrival time; returns how many.

    Cheap when nothing is new: it reads only the outbox's reference column.
    """
    for _attempt in range(3):
        try:
            return _sync_once(url, workflow, batch)
        except IntegrityError:  # another request added the same rows at the same moment
            continue
    return 0


def _sync_once(url: str, workflow: Workflow, batch: int) -> int:
    with session_scope(url) as session:
        missing = [
            reference
            for (reference,) in session.query(OutboxRow.reference)
            .outerjoin(ReviewStatusRow, ReviewStatusRow.reference == OutboxRow.reference)
            .filter(or_(ReviewStatusRow.reference.is_(None), ReviewStatusRow.received_at.is_(None)))
        ]
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            arrived = dict(
                session.query(OutboxRow.reference, OutboxRow.created_at).filter(
                    OutboxRow.reference.in_(chunk)
                )
            )
            existing = {
                row.reference: row
                for row in session.query(ReviewStatusRow).filter(
                    ReviewStatusRow.reference.in_(chunk)
                )
            }
            for reference in chunk:
                row = existing.get(reference)
                if row is None:
                    session.add(
                        ReviewStatusRow(
                            reference=reference,
                            status=workflow.initial,
                            received_at=arrived.get(reference),
                            updated_by="",
                        )
                    )
                else:
                    row.received_at = arrived.get(reference)
        return len(missing)


def queue_page(
    url: str,
    workflow: Workflow,
    status_filter: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    facts: Callable[[str], QueueFacts | None] | None = None,
    view: QueueView | None = None,
    now: datetime | None = None,
) -> QueuePage:
    """One page of the queue with counts per status for the summary.

    With `facts` (the review app's `FactsCache.get`), each row carries its area, age band and
    flags, and the queue can be filtered by them and sorted by any column of `SORTS`: the
    status filter is applied in SQL, the rest here, in memory.
    """
    view = view or QueueView(status_filter=status_filter, page=page)
    status_filter = view.status_filter
    sync_queue(url, workflow)
    now = now or utcnow()
    outcomes = {s.id for s in workflow.statuses if s.outcome}
    with session_scope(url) as session:
        # The join keeps out review rows whose referral has left the outbox; it reads only
        # the outbox's unique index on reference.
        base = session.query(ReviewStatusRow).join(
            OutboxRow, OutboxRow.reference == ReviewStatusRow.reference
        )
        counts = dict.fromkeys((s.id for s in workflow.statuses), 0)
        for status_id, count in (
            base.with_entities(ReviewStatusRow.status, func.count(ReviewStatusRow.reference))
            .group_by(ReviewStatusRow.status)
            .all()
        ):
            counts[status_id] = int(count)
        problems = base.filter(ReviewStatusRow.problem.isnot(None)).count()
        filtered = base
        if status_filter == PROBLEMS:
            filtered = base.filter(ReviewStatusRow.problem.isnot(None))
        elif status_filter:
            filtered = base.filter(ReviewStatusRow.status == status_filter)
        found = (
            filtered.with_entities(
                ReviewStatusRow.reference,
                ReviewStatusRow.received_at,
                ReviewStatusRow.status,
                ReviewStatusRow.updated_at,
                ReviewStatusRow.updated_by,
                ReviewStatusRow.problem,
            )
            .order_by(ReviewStatusRow.received_at.desc(), ReviewStatusRow.reference)
            .all()
        )
    rows = [
        QueueRow(
            reference=ref,
            received_at=received,
            status=status,
            status_label=workflow.label(status),
            updated_at=updated_at,
            updated_by=updated_by or "",
            problem=problem,
            facts=facts(ref) if facts is not None else None,
            waiting=(now - received) if received and status not in outcomes else None,
        )
        for ref, received, status, updated_at, updated_by, problem in found
    ]
    areas = tuple(sorted({r.facts.area for r in rows if r.facts and r.facts.area}))
    if view.area:
        rows = [r for r in rows if r.facts and r.facts.area == view.area]
    if view.age:
        rows = [r for r in rows if r.facts and r.facts.age_band == view.age]
    if view.flag == "imminent_risk":
        rows = [r for r in rows if r.facts and r.facts.imminent_risk]
    rows = _sorted(rows, view, [s.id for s in workflow.statuses])
    total = len(rows)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, view.page), pages)
    shown = rows[(page - 1) * per_page : page * per_page]
    return QueuePage(shown, total, page, pages, counts, problems, status_filter, view, areas)


def _sorted(rows: list[QueueRow], view: QueueView, status_order: list[str]) -> list[QueueRow]:
    """Rows in the asked order; unknowns last whichever the direction; ties newest first."""
    epoch = datetime.min
    by_newest = sorted(rows, key=lambda r: (r.received_at or epoch, r.reference), reverse=True)

    def key(row: QueueRow) -> tuple[bool, Any]:
        f = row.facts
        if view.sort == "waiting":
            return (row.waiting is None, row.waiting or timedelta(0))
        if view.sort == "area":
            return (not (f and f.area), f.area.lower() if f else "")
        if view.sort == "age":
            band = f.age_band if f else "unknown"
            return (band == "unknown", AGE_ORDER.index(band) if band in AGE_ORDER else 99)
        if view.sort == "flags":
            return (f is None, (f.imminent_risk if f else False))
        if view.sort == "status":
            return (False, status_order.index(row.status) if row.status in status_order else 99)
        return (row.received_at is None, row.received_at or epoch)

    known = [r for r in by_newest if not key(r)[0]]
    unknown = [r for r in by_newest if key(r)[0]]
    known.sort(key=lambda r: key(r)[1], reverse=view.descending)
    return known + unknown


def queued_at(url: str, reference: str) -> datetime:
    """When the referral was queued; `CaseNotFound` if there is no such referral."""
    with session_scope(url) as session:
        found = session.query(OutboxRow.created_at).filter(OutboxRow.reference == reference).first()
    if found is None:
        raise CaseNotFound(reference)
    return found[0]


# --------------------------------------------------------------------------- opening one


@dataclass(frozen=True)
class FieldView:
    id: str
    label: str
    value: str
    long: bool = False  # long text: keep the writer's line breaks


@dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    fields: list[FieldView]


@dataclass(frozen=True)
class OpenedReferral:
    """A decrypted referral, laid out for the page. Lives for one request only."""

    reference: str
    title: str
    referral_date: str
    area: str
    sections: list[SectionView]
    attachments: list[tuple[str, str, int]]  # (file name, content type, bytes)
    warnings: list[str] = field(default_factory=list)
    #: Who signed it: the configured assistant certificate's subject, its fingerprint, when.
    signed_by: str = ""
    signer_fingerprint: str = ""
    signed_at: datetime | None = None

    def __repr__(self) -> str:  # never log referral content by accident
        return f"OpenedReferral({self.reference!r}, {len(self.sections)} sections)"


def open_referral(
    url: str,
    key: InboxKey,
    form: FormSpec,
    reference: str,
    assistant: x509.Certificate | None = None,
) -> OpenedReferral:
    """Decrypt, check the assistant's signature, and lay out one referral.

    Anyone holding the inbox certificate (it is public) and write access to the outbox could
    queue a sealed "referral"; only one signed with the assistant's key, checked against the
    `assistant` certificate this app is configured with, is shown.

    Raises:
        CaseNotFound: no such reference in the outbox.
        CannotOpen: it would not decrypt (tampered, truncated, another key), is not signed by
            the assistant (`not_from_assistant`), or holds no readable JSON.
    """
    message, data, attachments, signature = _decrypt(url, key, reference, assistant)
    warnings = []
    inner_reference = str(data.get("reference") or message.get("X-Referral-Reference") or "")
    if inner_reference and inner_reference != reference:
        warnings.append("reference_mismatch")
    return OpenedReferral(
        reference=reference,
        title=form.title or "VTR referral",
        referral_date=str(data.get("referral_date") or ""),
        area=str(data.get("area") or ""),
        sections=layout_sections(form, data),
        attachments=attachments,
        warnings=warnings,
        signed_by=signature.signer,
        signer_fingerprint=signature.fingerprint,
        signed_at=signature.signed_at,
    )


def _decrypt(
    url: str, key: InboxKey, reference: str, assistant: x509.Certificate | None
) -> tuple[Any, dict[str, Any], list[tuple[str, str, int]], Any]:
    """The opened message, its JSON, its attachments (name, type, size) and the signature
    check; in memory only. Refuses anything the assistant did not sign."""
    with session_scope(url) as session:
        found = session.query(OutboxRow.envelope).filter(OutboxRow.reference == reference).first()
    if found is None:
        raise CaseNotFound(reference)
    try:
        decrypted = key.decrypt(bytes(found[0]))
    except OpenError:
        raise CannotOpen("wrong_key_or_tampered") from None
    if assistant is None:
        raise CannotOpen("not_from_assistant")
    signature = verify_signed(decrypted, assistant)
    if not signature.ok:
        raise CannotOpen("not_from_assistant")
    message = email.message_from_bytes(signature.inner, policy=email.policy.default)
    attachments: list[tuple[str, str, int]] = []
    data: dict[str, Any] | None = None
    for part in message.walk():
        filename = part.get_filename()
        if not filename:
            continue
        payload = part.get_payload(decode=True) or b""
        attachments.append((filename, part.get_content_type(), len(payload)))
        if filename.lower().endswith(".json") and data is None:
            try:
                data = json.loads(payload.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise CannotOpen("bad_json") from None
    if not isinstance(data, dict):
        raise CannotOpen("no_json")
    return message, data, attachments, signature


def queue_facts(
    url: str,
    key: InboxKey,
    words: QueueWords,
    reference: str,
    assistant: x509.Certificate | None = None,
) -> QueueFacts | None:
    """The queue's coarse facts for one referral (None if it cannot be opened or is not
    signed by the assistant: nothing unsigned is summarised)."""
    try:
        _message, data, _attachments, _signature = _decrypt(url, key, reference, assistant)
    except (CaseNotFound, CannotOpen):
        return None
    return facts_from_json(data, words)


def layout_sections(form: FormSpec, data: dict[str, Any]) -> list[SectionView]:
    """The JSON's answers in the form's section and field order.

    The form gives the order, titles and which answers are long text; the JSON gives the
    values and labels as they were when sealed. Anything the current form no longer has is
    kept, after the form's own fields, so nothing in a referral is ever hidden.
    """
    sent = {str(s.get("id")): s for s in data.get("sections") or [] if isinstance(s, dict)}
    views: list[SectionView] = []
    for section in form.sections:
        raw = sent.pop(section.id, None)
        if raw is None:
            continue
        values = {str(f.get("id")): f for f in raw.get("fields") or [] if isinstance(f, dict)}
        fields = []
        for spec in section.fields:
            item = values.pop(spec.id, None)
            if item is not None:
                fields.append(
                    FieldView(
                        spec.id,
                        str(item.get("label") or spec.label),
                        str(item.get("value") or ""),
                        spec.type == "long_text",
                    )
                )
        fields.extend(_extra_fields(values.values()))
        if fields:
            views.append(SectionView(section.id, section.title, fields))
    for raw in sent.values():  # sections of an older or newer form
        fields = _extra_fields(f for f in raw.get("fields") or [] if isinstance(f, dict))
        if fields:
            views.append(SectionView(str(raw.get("id")), str(raw.get("title") or ""), fields))
    return views


def _extra_fields(items: Any) -> list[FieldView]:
    return [
        FieldView(
            str(item.get("id")),
            str(item.get("label") or item.get("id")),
            str(item.get("value") or ""),
            "\n" in str(item.get("value") or ""),
        )
        for item in items
    ]
