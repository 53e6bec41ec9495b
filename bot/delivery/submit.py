"""Sealing a confirmed draft for the inbox and queueing it: the one step from draft to referral.

After this the bot keeps only the sealed envelope (in the outbox) and the draft's metadata
(reference, area, status): the plaintext values and their data key are destroyed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.delivery.outbox import Receipt, enqueue
from bot.delivery.pickup import PickupStore
from bot.referral.form import FormSpec
from bot.referral.progress import Draft
from bot.referral.render import RenderMeta, to_pdf
from bot.sealing import Sealer, document_stem, protect_pdf, sealed_documents


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
    now: datetime | None = None,
) -> Receipt:
    """Render, seal to the inbox certificates and queue; returns the receipt for the user.

    The documents say "Submitted" with the sealing time `now` (UTC): what the Prevent team
    reads is final, not a draft.
    """
    meta = RenderMeta.for_sealing(draft, now)
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


@dataclass(frozen=True)
class PasswordRoute:
    """The SET 2.5 fallback, ready for the user: a one-time link and the password to ring in."""

    reference: str
    token: str = field(repr=False)
    expires_at: datetime
    password: str = field(repr=False)
    grouped_password: str = field(repr=False)


def protect_for_pickup(
    form: FormSpec,
    draft: Draft,
    pickups: PickupStore,
    now: datetime | None = None,
) -> PasswordRoute:
    """Render the PDF, protect it with a fresh password and keep it for a one-time link.

    The password is returned to be shown once and is stored nowhere: only the user and,
    by phone, the Police Prevent Team ever have it.
    """
    meta = RenderMeta.for_sealing(draft, now)
    protected = protect_pdf(to_pdf(form, draft, meta))
    token, expires = pickups.put(
        meta.reference, f"{document_stem(meta.reference)}.pdf", protected.pdf
    )
    return PasswordRoute(meta.reference, token, expires, protected.password, protected.grouped)
