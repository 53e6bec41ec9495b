"""Sealing a confirmed draft for the inbox and queueing it: the one step from draft to referral.

After this the bot keeps only the sealed envelope (in the outbox) and the draft's metadata
(reference, area, status): the plaintext values and their data key are destroyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.delivery.outbox import Receipt, enqueue
from bot.referral.draft import Draft
from bot.referral.form import FormSpec
from bot.referral.render import RenderMeta
from bot.sealing import Sealer, sealed_documents


@dataclass(frozen=True)
class InboxSettings:
    """Where sealed referrals go (SET 2.5: the area's secure Prevent inbox)."""

    address: str
    sender: str
    extra_domains: tuple[str, ...] = ()


def seal_and_queue(
    form: FormSpec,
    draft: Draft,
    sealer: Sealer,
    inbox: InboxSettings,
    database_url: str,
    today: date | None = None,
) -> Receipt:
    """Render, seal to the inbox certificates and queue; returns the receipt for the user."""
    meta = RenderMeta.for_draft(draft, today)
    envelope = sealer.seal(
        sealed_documents(form, draft, meta),
        subject=f"VTR referral {meta.reference}",
        reference=meta.reference,
    )
    return enqueue(
        database_url,
        envelope,
        [inbox.address],
        meta.reference,
        f"VTR referral {meta.reference}",
        inbox.sender,
        inbox.extra_domains,
    )
