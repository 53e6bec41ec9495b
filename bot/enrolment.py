"""Who may talk to the assistant on a channel: staff enrolled with a one-time invite code.

An admin issues a code (`python -m bot.enrolment invite --channel telegram --label "..."`),
gives it to one member of staff, and they send it to the bot once. The code is stored only
as a keyed hash and works once; the person is remembered by a keyed hash of their channel
id, never the id itself. Anyone not enrolled gets a polite refusal and nothing more.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.concerns.staff import attach_invite, link_invite, unlink_staff  # school and role
from bot.store.crypto import KeyRing
from bot.store.db import session_scope, utcnow
from bot.store.tables.enrolment import InviteRow, MemberRow

#: Unambiguous characters (no 0/O, 1/I/L) so a code read aloud or retyped still works.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


@dataclass(frozen=True)
class Invite:
    code: str
    channel: str
    expires_at: datetime


def normalise_code(text: str) -> str:
    """Codes are matched without spaces, dashes or case: people retype them."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def looks_like_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


class Enrolment:
    """Invite codes and enrolled members for every channel, in the bot's database."""

    def __init__(self, url: str, pepper: bytes, keyring: KeyRing | None = None) -> None:
        """`keyring` seals the staff route of a school invite (`bot.concerns.staff`); without
        one, redeeming a code issued for a school is refused (`CryptoError`)."""
        self._url = url
        self._pepper = pepper
        self._keyring = keyring

    def _hash(self, kind: str, value: str) -> str:
        return hmac.new(self._pepper, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def issue(
        self,
        channel: str,
        label: str = "",
        valid_for: timedelta = timedelta(days=14),
        org: str = "",
        role: str = "",
    ) -> Invite:
        """A new code; with `org` and `role` it also enrols its holder as staff of that school."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        expires = utcnow() + valid_for
        with session_scope(self._url) as session:
            session.add(
                InviteRow(
                    code_hash=self._hash("code", code),
                    channel=channel,
                    label=label[:120],
                    expires_at=expires,
                )
            )
            if org:
                attach_invite(session, self._hash("code", code), org, role or "teacher")
        return Invite(f"{code[:4]}-{code[4:8]}-{code[8:]}", channel, expires)

    def redeem(self, channel: str, sender_id: str, text: str, now: datetime | None = None) -> bool:
        """Enrol `sender_id` if `text` is an unused, unexpired code for this channel."""
        if not looks_like_code(text):
            return False
        now = now or utcnow()
        code_hash = self._hash("code", normalise_code(text))
        with session_scope(self._url) as session:
            # Claim first, in one conditional UPDATE: of any number of redemptions at once
            # (SQLite or PostgreSQL) exactly one changes the row; a read-then-write let all of
            # them see `used_at IS NULL` (issue 11 review M1).
            claimed = (
                session.query(InviteRow)
                .filter(
                    InviteRow.code_hash == code_hash,
                    InviteRow.channel == channel,
                    InviteRow.used_at.is_(None),
                    InviteRow.expires_at >= now,
                )
                .update({InviteRow.used_at: now}, synchronize_session=False)
            )
            if claimed != 1:
                return False
            invite = session.query(InviteRow).filter(InviteRow.code_hash == code_hash).one()
            if not self._member(session, channel, sender_id):
                session.add(
                    MemberRow(
                        channel=channel,
                        member_hash=self._hash("member", f"{channel}:{sender_id}"),
                        label=invite.label,
                    )
                )
            link_invite(
                session, invite.code_hash, channel, sender_id, self._pepper, self._keyring
            )
            return True

    def is_enrolled(self, channel: str, sender_id: str) -> bool:
        with session_scope(self._url) as session:
            return self._member(session, channel, sender_id)

    def remove(self, channel: str, sender_id: str) -> bool:
        with session_scope(self._url) as session:
            gone = (
                session.query(MemberRow)
                .filter(MemberRow.member_hash == self._hash("member", f"{channel}:{sender_id}"))
                .delete()
            )
            unlink_staff(session, channel, sender_id, self._pepper)  # no more concerns or alerts
            return bool(gone)

    def _member(self, session, channel: str, sender_id: str) -> bool:  # type: ignore[no-untyped-def]
        digest = self._hash("member", f"{channel}:{sender_id}")
        return (
            session.query(MemberRow.id)
            .filter(MemberRow.member_hash == digest, MemberRow.channel == channel)
            .first()
            is not None
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bot.enrolment", description="Issue one-time invite codes for staff."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    invite = sub.add_parser("invite", help="issue a one-time invite code")
    invite.add_argument("--channel", required=True, choices=["telegram", "teams", "webchat"])
    invite.add_argument("--label", default="", help="school and role (no names needed)")
    invite.add_argument("--days", type=int, default=14, help="days the code stays valid")
    invite.add_argument("--count", type=int, default=1)
    invite.add_argument("--org", default="", help="school id (python -m bot.concerns.orgs list)")
    invite.add_argument("--role", default="teacher", choices=["teacher", "dsl"])
    args = parser.parse_args(argv)
    from bot.services import services  # the command line builds its dependencies

    enrolment = services().enrolment
    if args.org:
        if services().orgs.get(args.org) is None:
            parser.error(f"no organisation {args.org!r}: add it with python -m bot.concerns.orgs")
        args.label = args.label or f"{args.org} {args.role}"
    for _ in range(args.count):
        code = enrolment.issue(
            args.channel, args.label, timedelta(days=args.days), args.org, args.role
        )
        print(f"{code.code}  ({code.channel}, valid until {code.expires_at:%d/%m/%Y %H:%M} UTC)")


if __name__ == "__main__":
    main()
