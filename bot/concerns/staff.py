"""Staff and their role in a school: teacher or designated safeguarding lead (DSL).

A member of staff is known by the keyed hash of their channel-qualified sender id,
"<channel>:<sender id>" (`owner_hash`, the same pepper and the same owner as drafts, notices
and news, `bot.actions._common.owner_id`): the database never holds the id in plain, and a
Telegram user's id sent over another channel (REST, web chat) names nobody on the staff. Where
to push to them (their channel's sender id and, on Teams, the conversation address) is
sealed with a data key wrapped by the master key, as referral routes are.

The role comes from the invite they redeemed (`StaffInviteRow`, keyed by the invite's
code hash), so a code carries school and role and nobody types either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.store.crypto import CryptoError, KeyRing, WrappedKey
from bot.store.db import owner_hash, session_scope
from bot.store.tables.concerns import StaffInviteRow, StaffRow

TEACHER, DSL = "teacher", "dsl"
ROLES = (TEACHER, DSL)


@dataclass(frozen=True)
class Staff:
    staff_hash: str
    org_id: str
    role: str
    channel: str

    @property
    def is_dsl(self) -> bool:
        return self.role == DSL


@dataclass(frozen=True)
class StaffRoute:
    """Where to push to one member of staff (same shape as `bot.referral.updates.Route`)."""

    channel: str
    sender_id: str
    address: dict[str, Any] = field(default_factory=dict)


def staff_owner(channel: str, sender_id: str) -> str:
    """Who a member of staff is: the sender id qualified by its channel (as drafts' owners).

    Why: sender ids are not secret and each channel has its own id space; hashing the raw
    id would let a Telegram DSL's id typed into the REST channel or the web chat act as them.
    """
    return f"{channel}:{sender_id}"


def _record_id(staff_hash: str) -> str:
    return f"staff:{staff_hash}"


def _seal_route(keyring: KeyRing, staff_hash: str, sender_id: str, address: dict | None):
    body = json.dumps({"sender_id": sender_id, "address": address or {}}).encode()
    wrapped, sealed = keyring.encrypt_record(body, _record_id(staff_hash))
    return sealed, wrapped


def put_staff(
    session: Session,
    keyring: KeyRing,
    pepper: bytes,
    sender_id: str,
    channel: str,
    org_id: str,
    role: str,
    address: dict | None = None,
) -> Staff:
    """Enrol (or re-enrol) `sender_id` as `role` at `org_id`, inside the caller's transaction."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if not channel:
        raise ValueError("a member of staff is enrolled on a channel")
    staff_hash = owner_hash(staff_owner(channel, sender_id), pepper)
    route, wrapped = _seal_route(keyring, staff_hash, sender_id, address)
    row = session.query(StaffRow).filter(StaffRow.staff_hash == staff_hash).one_or_none()
    if row is None:
        row = StaffRow(staff_hash=staff_hash)
        session.add(row)
    row.org_id, row.role, row.channel = org_id, role, (channel or "")[:20]
    row.route, row.key_version, row.wrapped_key = route, wrapped.version, wrapped.blob
    return Staff(staff_hash, org_id, role, row.channel)


def attach_invite(session: Session, code_hash: str, org_id: str, role: str) -> None:
    """Called by `Enrolment.issue`: the code, once redeemed, enrols as `role` at `org_id`."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    session.add(StaffInviteRow(code_hash=code_hash, org_id=org_id, role=role))


def link_invite(
    session: Session,
    code_hash: str,
    channel: str,
    sender_id: str,
    pepper: bytes,
    keyring: KeyRing | None,
):
    """Called by `Enrolment.redeem`: if the code was issued for a school, record the role."""
    invite = session.get(StaffInviteRow, code_hash)
    if invite is None:
        return None
    if keyring is None:
        raise CryptoError("a school invite needs the key ring (Enrolment(..., keyring))")
    return put_staff(session, keyring, pepper, sender_id, channel, invite.org_id, invite.role)


def unlink_staff(session: Session, channel: str, sender_id: str, pepper: bytes) -> None:
    """Called by `Enrolment.remove` ("Forget me"): no school, no role, no alerts any more."""
    from bot.concerns.store import ConcernAlertRow  # (store imports this module)

    staff_hash = owner_hash(staff_owner(channel, sender_id), pepper)
    session.query(StaffRow).filter(StaffRow.staff_hash == staff_hash).delete()
    session.query(ConcernAlertRow).filter(ConcernAlertRow.recipient == staff_hash).delete()


class StaffDirectory:
    """Who is staff at which school, and where to reach them."""

    def __init__(self, url: str, keyring: KeyRing, pepper: bytes) -> None:
        self._url = url
        self._keys = keyring
        self._pepper = pepper

    def hash_of(self, owner: str) -> str:
        """The staff hash of a channel-qualified owner id (`staff_owner`)."""
        return owner_hash(owner, self._pepper)

    def enrol(
        self, sender_id: str, channel: str, org_id: str, role: str, address: dict | None = None
    ) -> Staff:
        with session_scope(self._url) as session:
            return put_staff(
                session, self._keys, self._pepper, sender_id, channel, org_id, role, address
            )

    def who(self, owner: str) -> Staff | None:
        """The member of staff a channel-qualified owner id ("telegram:123") is, if any."""
        with session_scope(self._url) as session:
            row = (
                session.query(StaffRow)
                .filter(StaffRow.staff_hash == self.hash_of(owner))
                .one_or_none()
            )
            return _staff(row) if row else None

    def refresh_address(self, sender_id: str, channel: str, address: dict | None) -> None:
        """Keep the latest Teams conversation address, so alerts can be pushed there."""
        staff = self.who(staff_owner(channel, sender_id))
        if staff is None or not address:
            return
        self.enrol(sender_id, channel, staff.org_id, staff.role, address)

    def dsls(self, session: Session, org_id: str) -> list[Staff]:
        rows = session.query(StaffRow).filter(StaffRow.org_id == org_id, StaffRow.role == DSL)
        return [_staff(r) for r in rows]

    def route(self, session: Session, staff_hash: str) -> StaffRoute | None:
        row = session.query(StaffRow).filter(StaffRow.staff_hash == staff_hash).one_or_none()
        if row is None:
            return None
        data = json.loads(
            self._keys.decrypt_record(WrappedKey.of(row), row.route, _record_id(staff_hash))
        )
        return StaffRoute(row.channel, data["sender_id"], data.get("address") or {})

    def remove(self, owner: str) -> bool:
        with session_scope(self._url) as session:
            gone = (
                session.query(StaffRow)
                .filter(StaffRow.staff_hash == self.hash_of(owner))
                .delete()
            )
            return bool(gone)


def _staff(row: StaffRow) -> Staff:
    return Staff(row.staff_hash, row.org_id, row.role, row.channel)
