"""Staff accounts of the review app: scrypt password hashes, roles, lockout, and the CLI.

Why these choices:

* scrypt (``hashlib.scrypt``, memory-hard) with a random 16-byte salt per account; the cost
  is stored in each hash, so raising `PREVENT_REVIEW_SCRYPT_LOG2_N` upgrades a hash the next
  time its owner signs in. Hashes are compared with `hmac.compare_digest`.
* After `MAX_FAILURES` wrong passwords (or second-factor codes) in a row an account is
  locked for `LOCKOUT`. Each attempt is claimed atomically before its hash is checked, so
  parallel guesses get no more than `MAX_FAILURES` checks. The sign-in page says the same
  thing for a wrong password, an unknown name, a locked or a disabled account, and each of
  them costs one scrypt, so neither the page nor its timing tells which accounts exist.
* At most `max_hashing` scrypt hashes run at once (`PREVENT_REVIEW_MAX_HASHING`, 2).
* Accounts are made from the command line by whoever runs the server (the first admin), or by
  an admin in the app; there is no self sign-up.

Command line (reads `PREVENT_DATABASE_URL` etc. like the app)::

    python -m bot.review.accounts create alice --role admin --name "Alice Smith"
    python -m bot.review.accounts reset-password alice --password-stdin < file
    python -m bot.review.accounts disable alice
    python -m bot.review.accounts reset-2fa alice   # lost phone: enrol again at next sign-in
    python -m bot.review.accounts list
    python -m bot.review.accounts verify-audit   # e.g. from cron: exit 1 if the log was altered

This module is plain Python (no web framework), so it is tested directly.
"""

from __future__ import annotations

if __name__ == "__main__":  # pragma: no cover - run under its real name, so that the tables
    # are defined once even when the sessions and second-factor modules import this one.
    import sys

    from bot.review.accounts import main

    sys.exit(main())

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_
from sqlalchemy.orm import Session

from bot.review.app_key import derive
from bot.review.second_factor import SecondFactorRow
from bot.store.db import session_scope, utcnow
from bot.store.tables.review import AccountSealRow, StaffAccountRow

if TYPE_CHECKING:
    from bot.review.settings import ReviewSettings

REVIEWER, ADMIN = "reviewer", "admin"
ROLES = (REVIEWER, ADMIN)
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # long enough for any passphrase, short enough not to be a DoS
SCRYPT_R, SCRYPT_P, SALT_BYTES, HASH_BYTES = 8, 1, 16, 32
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
log = logging.getLogger(__name__)
UNSIGNED_HELP = (
    "review account {name} is not signed by this review app's key (made before accounts were "
    "signed, or written into the database by someone else): it cannot sign in until an admin "
    "runs `python -m bot.review.accounts reset-password {name}` on the review host"
)


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is fit to show staff."""


def account_mac(key: bytes, row: StaffAccountRow, enrolled: bool) -> str:
    """The seal over (id, username, role, password hash, disabled, second factor enrolled)."""
    fields = [
        int(row.id),
        row.username,
        row.role,
        row.password_hash,
        row.disabled_at is not None,
        bool(enrolled),
    ]
    message = json.dumps(fields, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def account_key(app_key: bytes) -> bytes:
    """The sub-key that seals account rows (checked: an empty key would seal nothing)."""
    if len(app_key or b"") < 32:
        raise ValueError("the review app key must be 32 bytes")
    return derive(app_key, "account-row")


def _enrolled(session: Session, account_id: int) -> bool:
    return session.get(SecondFactorRow, account_id) is not None


def reseal(session: Session, key: bytes, account_id: int) -> None:
    """Write the seal of an account as it now is (after a legitimate change)."""
    session.flush()
    row = session.get(StaffAccountRow, account_id)
    if row is None:
        return
    mac = account_mac(key, row, _enrolled(session, account_id))
    seal = session.get(AccountSealRow, account_id)
    if seal is None:
        session.add(AccountSealRow(account_id=account_id, mac=mac))
    else:
        seal.mac = mac


def is_sealed(session: Session, key: bytes, row: StaffAccountRow) -> bool:
    """True if the row (and its second-factor state) is as the app last wrote it."""
    seal = session.get(AccountSealRow, int(row.id))
    if seal is None:
        return False
    expected = account_mac(key, row, _enrolled(session, int(row.id)))
    return hmac.compare_digest(expected.encode(), str(seal.mac).encode())


@dataclass(frozen=True)
class Account:
    """What the app needs to know about a member of staff (never the hash)."""

    id: int
    username: str
    display_name: str
    role: str
    disabled: bool
    locked_until: datetime | None
    created_at: datetime
    last_sign_in_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and (now or utcnow()) < self.locked_until


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: `account` is set only when `outcome` is "ok"."""

    outcome: str  # ok | wrong_password | unknown_user | locked | disabled | unsigned
    account: Account | None = None
    locked_now: bool = False  # this attempt was the one that locked the account


# --------------------------------------------------------------------------- password hashes


def hash_password(password: str, log2_n: int) -> str:
    """``scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`` (salt and hash base64)."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, log2_n, SCRYPT_R, SCRYPT_P)
    return "$".join(
        (
            "scrypt",
            str(log2_n),
            str(SCRYPT_R),
            str(SCRYPT_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        )
    )


def verify_password(password: str, encoded: str) -> bool:
    """True if `password` matches; False for a mismatch or an unreadable hash."""
    try:
        scheme, log2_n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(log2_n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def hash_cost(encoded: str) -> int:
    """The log2 N a hash was made with (0 if unreadable), to know when to upgrade it."""
    try:
        return int(encoded.split("$")[1])
    except (IndexError, ValueError):
        return 0


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError("password too long")
    n = 2**log2_n
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=128 * r * n * p + 16 * 1024 * 1024,  # the default 32 MiB is too small at N=2**17
        dklen=HASH_BYTES,
    )


def check_new_password(password: str) -> None:
    """Length is what makes a password strong (NCSC): at least `MIN_PASSWORD_LENGTH`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Please choose a password of at least {MIN_PASSWORD_LENGTH} characters; "
            "three random words work well."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Please keep the password under {MAX_PASSWORD_LENGTH} characters.")


def normalise_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise AccountError(
            "A username is 2 to 40 characters: lower-case letters, digits, dots, dashes or "
            "underscores, starting with a letter or digit."
        )
    return name


# --------------------------------------------------------------------------- the accounts


def account_from_row(row: StaffAccountRow) -> Account:
    """The public view of a row (no hash); also used by `bot.review.sessions`."""
    return Account(
        id=int(row.id),
        username=row.username,
        display_name=row.display_name or row.username,
        role=row.role,
        disabled=row.disabled_at is not None,
        locked_until=row.locked_until,
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
    )


class Accounts:
    """Create, list, disable and authenticate staff accounts."""

    def __init__(self, url: str, log2_n: int, max_hashing: int = 2, *, app_key: bytes) -> None:
        self._url = url
        self._key = account_key(app_key)
        self._log2_n = log2_n
        self._dummy_hash: str | None = None
        #: At most this many scrypt hashes at once (each takes 128 MiB at the default cost):
        #: a flood of sign-ins waits its turn instead of exhausting the server's memory.
        self._hashing = threading.BoundedSemaphore(max_hashing)

    def create(self, username: str, password: str, role: str, display_name: str = "") -> Account:
        name = normalise_username(username)
        if role not in ROLES:
            raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
        check_new_password(password)
        with self._hashing:
            encoded = hash_password(password, self._log2_n)
        with session_scope(self._url) as session:
            if session.query(StaffAccountRow.id).filter_by(username=name).first():
                raise AccountError(f"There is already an account called {name}.")
            row = StaffAccountRow(
                username=name,
                display_name=(display_name or "").strip()[:100],
                role=role,
                password_hash=encoded,
            )
            session.add(row)
            session.flush()
            reseal(session, self._key, int(row.id))
            return account_from_row(row)

    def list(self) -> list[Account]:
        with session_scope(self._url) as session:
            rows = session.query(StaffAccountRow).order_by(StaffAccountRow.username).all()
            return [account_from_row(row) for row in rows]

    def get(self, username: str) -> Account | None:
        with session_scope(self._url) as session:
            row = session.query(StaffAccountRow).filter_by(username=username.lower()).first()
            return account_from_row(row) if row else None

    def by_id(self, account_id: int) -> Account | None:
        with session_scope(self._url) as session:
            row = session.get(StaffAccountRow, account_id)
            return account_from_row(row) if row else None

    def unsigned(self) -> list[str]:
        """Usernames whose row does not carry a valid seal (they cannot sign in)."""
        with session_scope(self._url) as session:
            rows = session.query(StaffAccountRow).order_by(StaffAccountRow.username).all()
            return [row.username for row in rows if not is_sealed(session, self._key, row)]

    def count(self) -> int:
        with session_scope(self._url) as session:
            return int(session.query(StaffAccountRow.id).count())

    def set_disabled(self, username: str, disabled: bool) -> Account:
        """Disable (their sessions stop working at once) or enable an account."""
        with session_scope(self._url) as session:
            row = self._row(session, username)
            row.disabled_at = utcnow() if disabled else None
            if not disabled:
                row.failed_attempts, row.locked_until = 0, None
            reseal(session, self._key, int(row.id))
            return account_from_row(row)

    def reset_password(self, username: str, password: str) -> Account:
        """A new password; also lifts a lockout and (re)seals the row with the app key.

        This is also how an account from before rows were sealed is brought back.
        """
        check_new_password(password)
        encoded = hash_password(password, self._log2_n)
        with session_scope(self._url) as session:
            row = self._row(session, username)
            row.password_hash = encoded
            row.password_changed_at = utcnow()
            row.failed_attempts, row.locked_until = 0, None
            reseal(session, self._key, int(row.id))
            return account_from_row(row)

    def authenticate(self, username: str, password: str, now: datetime | None = None) -> SignIn:
        """Check a password, counting failures; see the module docstring for the lockout.

        The attempt is *claimed* before the hash is checked: one conditional UPDATE adds it to
        `failed_attempts` only while the account is neither locked nor already holding
        `MAX_FAILURES` attempts, so parallel guesses cannot all be checked against a limit
        read before any of them finished (at most `MAX_FAILURES` are). A correct password
        then clears the count. Unknown, locked and disabled accounts cost one scrypt of the
        same size as a real check, so timing tells them apart no better than the page does.
        """
        now = now or utcnow()
        name = (username or "").strip().lower()
        with session_scope(self._url) as session:
            row = session.query(StaffAccountRow).filter_by(username=name).first()
            snapshot = None if row is None else (row.id, row.disabled_at is not None)
            sealed = row is not None and is_sealed(session, self._key, row)
        if snapshot is None:
            self._equal_work(password)
            return SignIn("unknown_user")
        if not sealed:
            log.warning(UNSIGNED_HELP.format(name=name))
            self._equal_work(password)
            return SignIn("unsigned")
        account_id, disabled = snapshot
        if disabled:
            self._equal_work(password)
            return SignIn("disabled")
        with session_scope(self._url) as session:
            claimed = (
                session.query(StaffAccountRow)
                .filter(
                    StaffAccountRow.id == account_id,
                    StaffAccountRow.disabled_at.is_(None),
                    or_(
                        StaffAccountRow.locked_until.is_(None), StaffAccountRow.locked_until <= now
                    ),
                    StaffAccountRow.failed_attempts < MAX_FAILURES,
                )
                .update(
                    {StaffAccountRow.failed_attempts: StaffAccountRow.failed_attempts + 1},
                    synchronize_session=False,
                )
            )
            encoded = session.query(StaffAccountRow.password_hash).filter_by(id=account_id).scalar()
        if not claimed:
            self._equal_work(password)
            return SignIn("locked")
        with self._hashing:
            matched = verify_password(password, encoded or "")
        with session_scope(self._url) as session:
            if not matched:
                locked_now = (
                    session.query(StaffAccountRow)
                    .filter(
                        StaffAccountRow.id == account_id,
                        StaffAccountRow.failed_attempts >= MAX_FAILURES,
                    )
                    .update(
                        {
                            StaffAccountRow.failed_attempts: 0,
                            StaffAccountRow.locked_until: now + LOCKOUT,
                        },
                        synchronize_session=False,
                    )
                )
                return SignIn("wrong_password", locked_now=bool(locked_now))
            row = session.query(StaffAccountRow).filter_by(id=account_id).with_for_update().one()
            if not is_sealed(session, self._key, row):  # changed since the first look
                log.warning(UNSIGNED_HELP.format(name=name))
                return SignIn("unsigned")
            row.failed_attempts, row.locked_until, row.last_sign_in_at = 0, None, now
            if hash_cost(row.password_hash) != self._log2_n:
                row.password_hash = hash_password(password, self._log2_n)
                reseal(session, self._key, account_id)
            return SignIn("ok", account_from_row(row))

    def record_failure(self, account_id: int, now: datetime | None = None) -> bool:
        """Count a failed second step (a wrong code) like a wrong password; True if now locked."""
        now = now or utcnow()
        with session_scope(self._url) as session:
            session.query(StaffAccountRow).filter(StaffAccountRow.id == account_id).update(
                {StaffAccountRow.failed_attempts: StaffAccountRow.failed_attempts + 1},
                synchronize_session=False,
            )
            return bool(
                session.query(StaffAccountRow)
                .filter(
                    StaffAccountRow.id == account_id,
                    StaffAccountRow.failed_attempts >= MAX_FAILURES,
                )
                .update(
                    {
                        StaffAccountRow.failed_attempts: 0,
                        StaffAccountRow.locked_until: now + LOCKOUT,
                    },
                    synchronize_session=False,
                )
            )

    def _equal_work(self, password: str) -> None:
        """One scrypt of the current cost whose answer is thrown away."""
        with self._hashing:
            verify_password(password, self._dummy())

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = hash_password(secrets.token_urlsafe(16), self._log2_n)
        return self._dummy_hash

    @staticmethod
    def _row(session: Session, username: str) -> StaffAccountRow:
        row = session.query(StaffAccountRow).filter_by(username=username.strip().lower()).first()
        if row is None:
            raise AccountError(f"There is no account called {username}.")
        return row


# --------------------------------------------------------------------------- command line


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Same again: ") != first:
        raise AccountError("The two passwords were not the same; nothing was changed.")
    return first


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"cli:uid{os.getuid()}"


def _sign_out_everywhere(settings: ReviewSettings, account: Account) -> None:
    from bot.review.sessions import SessionStore

    SessionStore(
        settings.database_url,
        settings.idle_timeout,
        settings.absolute_timeout,
        app_key=settings.app_key,
    ).end_all_for(account.id)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.review.accounts ...`; returns the exit status."""
    from bot.review.audit import AuditLog
    from bot.review.settings import ReviewSettings, SettingsError, make_sqlite_folder

    parser = argparse.ArgumentParser(
        prog="python -m bot.review.accounts",
        description="Manage the Prevent team's review app accounts.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="make an account")
    create.add_argument("username")
    create.add_argument("--role", choices=ROLES, default=REVIEWER)
    create.add_argument("--name", default="", help="the name shown in the app and the audit log")
    create.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    reset = commands.add_parser("reset-password", help="set a new password, lifting a lockout")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    disable = commands.add_parser("disable", help="stop an account signing in")
    disable.add_argument("username")
    enable = commands.add_parser("enable", help="let a disabled account sign in again")
    enable.add_argument("username")
    reset_2fa = commands.add_parser(
        "reset-2fa", help="forget the second factor (lost phone): enrol again at next sign-in"
    )
    reset_2fa.add_argument("username")
    commands.add_parser("list", help="list the accounts")
    commands.add_parser(
        "verify-audit", help="check the audit chain and its written head (exit 1 if broken)"
    )
    args = parser.parse_args(argv)

    try:
        settings = ReviewSettings.from_env(need_updates_key=False)
    except SettingsError as exc:
        print(f"Settings problem: {exc}", file=sys.stderr)
        return 2
    make_sqlite_folder(settings.database_url)
    accounts = Accounts(settings.database_url, settings.scrypt_log2_n, app_key=settings.app_key)
    audit = AuditLog.from_settings(settings)
    actor = _cli_actor()
    try:
        if args.command == "verify-audit":
            check = audit.verify()
            if check.ok:
                print(f"Audit log intact: {check.rows} entries, head {check.head}.")
                return 0
            where = f" at entry {check.broken_at}" if check.broken_at else ""
            print(f"Audit log NOT intact{where}: {check.problem}.", file=sys.stderr)
            return 1
        if args.command == "list":
            unsigned = set(accounts.unsigned())
            for account in accounts.list():
                state = "disabled" if account.disabled else "locked" if account.locked() else "ok"
                if account.username in unsigned:
                    state = "UNSIGNED (run reset-password to sign it in again)"
                print(f"{account.username}\t{account.role}\t{state}\t{account.display_name}")
            return 0
        if args.command == "create":
            password = _read_password(args.password_stdin)
            account = accounts.create(args.username, password, args.role, args.name)
            audit.record(actor, "account_created", "ok", detail=f"{account.username} ({args.role})")
            print(f"Created {account.role} account {account.username}.")
        elif args.command == "reset-password":
            password = _read_password(args.password_stdin)
            account = accounts.reset_password(args.username, password)
            _sign_out_everywhere(settings, account)
            audit.record(actor, "password_reset", "ok", detail=account.username)
            print(f"New password set for {account.username}.")
        elif args.command == "reset-2fa":
            from bot.review.second_factor import SecondFactors

            found = accounts.get(normalise_username(args.username))
            if found is None:
                raise AccountError(f"There is no account called {args.username}.")
            SecondFactors(settings.database_url, settings.app_key).reset(found.id)
            _sign_out_everywhere(settings, found)
            audit.record(actor, "second_factor_reset", "ok", detail=found.username)
            print(
                f"Second factor reset for {found.username}: they set up a new one at their "
                "next sign-in."
            )
        else:
            account = accounts.set_disabled(args.username, args.command == "disable")
            if account.disabled:
                _sign_out_everywhere(settings, account)
            audit.record(actor, f"account_{args.command}d", "ok", detail=account.username)
            print(f"{account.username} is {'disabled' if account.disabled else 'enabled'}.")
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
