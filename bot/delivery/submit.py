"""From a confirmed draft to a referral on its way: the one step, and its one entry, `submit`.

`submit` chooses the route SET 2.5 allows: with the inbox's certificates configured, the
referral is signed, sealed to them and queued for the delivery worker (`seal_and_queue`);
without them, a password-protected PDF is kept for a one-time link and the user rings the
password through to the Police Prevent Team (`protect_for_pickup`). It owns the `Sealer`
(checked once per process), knows where one-time links are served, and says whether a
delivery worker is alive to send what was queued. The action that confirms a draft only
reads the conversation, calls `submit` and says the result.

After this the bot keeps only the sealed envelope (in the outbox) or the protected PDF (for
24 hours), and the draft's metadata (reference, area, status): the plaintext values and
their data key are destroyed by the caller (`DraftStore.mark_sealed`).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from bot.delivery import heartbeat
from bot.delivery.domains import InsecureAddress
from bot.delivery.outbox import Receipt, enqueue
from bot.delivery.pickup import PickupStore
from bot.referral.form import FormSpec
from bot.referral.progress import Draft
from bot.referral.render import RenderMeta, to_pdf
from bot.sealing import (
    ProtectError,
    Sealer,
    SealError,
    SigningIdentity,
    document_stem,
    local_identity,
    protect_pdf,
    sealed_documents,
)
from bot.store.crypto import CryptoError

if TYPE_CHECKING:
    from bot.config import Config

log = logging.getLogger(__name__)

#: Where the Rasa server serves one-time file links (bot/channels/downloads.py).
FILES_ROUTE = "/webhooks/files/"
STORAGE_ERRORS = (SQLAlchemyError, CryptoError, OSError)


def pickup_link(public_url: str, token: str) -> str:
    """The one-time link to a file kept in the pickup store."""
    return f"{public_url.rstrip('/')}{FILES_ROUTE}{token}"


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


@dataclass(frozen=True)
class SubmitSettings:
    """What `submit` needs from the assistant's settings (`bot.config.Config`)."""

    inbox: InboxSettings
    inbox_certificates: tuple[Path, ...]
    signing_cert: Path | None
    signing_key: Path | None
    var_dir: Path
    database_url: str = field(repr=False)
    public_url: str
    #: How often the delivery worker beats; a worker silent for longer is not alive.
    delivery_every_seconds: float = 10.0

    @classmethod
    def from_config(cls, config: Config) -> SubmitSettings:
        return cls(
            inbox=InboxSettings(
                config.inbox_address, config.inbox_sender, config.secure_domains_extra
            ),
            inbox_certificates=config.inbox_certificates,
            signing_cert=config.signing_cert,
            signing_key=config.signing_key,
            var_dir=config.var_dir,
            database_url=config.database_url,
            public_url=config.public_url,
            delivery_every_seconds=config.delivery_every_seconds,
        )


@dataclass(frozen=True)
class Sealed:
    """Sealed for the inbox and queued; `worker_alive`: a delivery worker will send it."""

    receipt: Receipt
    worker_alive: bool


@dataclass(frozen=True)
class PasswordPickup:
    """No inbox certificate: the protected PDF behind `link`, and the password to ring in."""

    route: PasswordRoute
    link: str = field(repr=False)


@dataclass(frozen=True)
class NotSent:
    """Nothing left the assistant and the draft is kept. `stage` "seal" (the sealing or the
    inbox address was refused; `detail` says why, in words fit for the user) or "protect"
    (the protected PDF could not be made or kept)."""

    stage: str
    error: str
    detail: str = ""


Submission = Sealed | PasswordPickup | NotSent


@functools.lru_cache(maxsize=2)
def cached_sealer(
    paths: tuple[Path, ...], signing: tuple[Path | None, Path | None], var_dir: Path
) -> Sealer:
    """The inbox certificates and the assistant's signing key, checked once per process (a
    bad one raises SealError): every referral is signed, then sealed."""
    cert, key = signing
    if cert is not None and key is not None:
        signer = SigningIdentity.load(cert, key)
    else:
        signer = local_identity(var_dir / "keys")
    return Sealer.from_pem_files(list(paths), signer=signer)


def submit(
    form: FormSpec,
    draft: Draft,
    settings: SubmitSettings,
    pickups: PickupStore,
    now: datetime | None = None,
) -> Submission:
    """Send a confirmed draft the way SET 2.5 allows; never raises for a refused seal.

    `pickups` keeps the protected PDF of the password route for its one-time link.
    Storage errors of the password route come back as NotSent("protect"); those of the
    outbox propagate (the caller's generic failure path says sorry, the draft is kept).
    """
    if not settings.inbox_certificates:
        return _password_pickup(form, draft, settings, pickups, now)
    try:
        sealer = cached_sealer(
            settings.inbox_certificates,
            (settings.signing_cert, settings.signing_key),
            settings.var_dir,
        )
        receipt = seal_and_queue(form, draft, sealer, settings.inbox, settings.database_url, now)
    except (SealError, InsecureAddress) as exc:
        log.error("draft %s not sealed: %s", draft.short_id, type(exc).__name__)
        return NotSent("seal", type(exc).__name__, str(exc))
    return Sealed(receipt, _worker_alive(settings))


def _password_pickup(
    form: FormSpec,
    draft: Draft,
    settings: SubmitSettings,
    pickups: PickupStore,
    now: datetime | None,
) -> Submission:
    try:
        route = protect_for_pickup(form, draft, pickups, now)
    except (ProtectError, *STORAGE_ERRORS) as exc:
        log.error("draft %s not protected: %s", draft.short_id, type(exc).__name__)
        return NotSent("protect", type(exc).__name__)
    return PasswordPickup(route, pickup_link(settings.public_url, route.token))


def _worker_alive(settings: SubmitSettings) -> bool:
    """Whether a delivery worker beat recently (see bot.delivery.heartbeat): "on its way"
    is said only while one is alive to send it."""
    try:
        return heartbeat.is_alive(
            settings.database_url, heartbeat.max_age_for(settings.delivery_every_seconds)
        )
    except STORAGE_ERRORS as exc:
        log.error("delivery worker heartbeat unreadable: %s", type(exc).__name__)
        return False
