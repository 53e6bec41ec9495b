"""Staff accounts: scrypt hashes, lockout after 5 failures for 15 minutes, the CLI."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from datetime import timedelta

import pytest

from bot.review import accounts as accounts_module
from bot.review.accounts import (
    ADMIN,
    LOCKOUT,
    MAX_FAILURES,
    REVIEWER,
    AccountError,
    Accounts,
    hash_cost,
    hash_password,
    verify_password,
)
from bot.review.audit import AuditLog
from bot.store.db import utcnow
from tests.review.factories import CHEAP_SCRYPT, PASSWORD, ROOT, TEST_APP_KEY


@pytest.fixture()
def accounts(db_url: str) -> Accounts:
    return Accounts(db_url, CHEAP_SCRYPT, app_key=TEST_APP_KEY)


class TestPasswordHashes:
    def test_a_hash_verifies_only_its_own_password(self):
        encoded = hash_password(PASSWORD, CHEAP_SCRYPT)
        assert verify_password(PASSWORD, encoded)
        assert not verify_password(PASSWORD + " ", encoded)
        assert not verify_password("", encoded)

    def test_each_hash_has_its_own_salt_and_records_its_cost(self):
        first, second = hash_password(PASSWORD, CHEAP_SCRYPT), hash_password(PASSWORD, CHEAP_SCRYPT)
        assert first != second
        assert first.startswith(f"scrypt${CHEAP_SCRYPT}$8$1$")
        assert hash_cost(first) == CHEAP_SCRYPT
        assert PASSWORD not in first

    @pytest.mark.parametrize("garbage", ["", "plain", "scrypt$x$8$1$a$b", "bcrypt$1$2$3$4$5"])
    def test_an_unreadable_hash_never_verifies(self, garbage):
        assert not verify_password(PASSWORD, garbage)

    def test_the_production_cost_is_owasp_scrypt(self):
        from bot.review.settings import ReviewSettings

        assert ReviewSettings.from_env({}, need_updates_key=False).scrypt_log2_n == 17


class TestAccounts:
    def test_create_and_sign_in(self, accounts):
        made = accounts.create("A.Khan", PASSWORD, REVIEWER, "Aisha Khan")
        assert made.username == "a.khan" and made.role == REVIEWER
        result = accounts.authenticate("a.khan", PASSWORD)
        assert result.outcome == "ok" and result.account.display_name == "Aisha Khan"
        assert accounts.get("a.khan").last_sign_in_at is not None

    def test_usernames_are_case_insensitive_at_sign_in(self, accounts):
        accounts.create("bob", PASSWORD, ADMIN)
        assert accounts.authenticate("  BOB ", PASSWORD).outcome == "ok"

    @pytest.mark.parametrize(
        "username, password, role, says",
        [
            ("x", PASSWORD, REVIEWER, "2 to 40 characters"),
            ("has space", PASSWORD, REVIEWER, "2 to 40 characters"),
            ("carol", "short", REVIEWER, "at least 12 characters"),
            ("carol", PASSWORD, "superuser", "role must be one of"),
        ],
    )
    def test_bad_requests_say_what_to_fix(self, accounts, username, password, role, says):
        with pytest.raises(AccountError, match=says):
            accounts.create(username, password, role)

    def test_a_username_is_taken_once(self, accounts):
        accounts.create("dora", PASSWORD, REVIEWER)
        with pytest.raises(AccountError, match="already an account"):
            accounts.create("Dora", PASSWORD, ADMIN)

    def test_wrong_password_and_unknown_user_are_refused(self, accounts):
        accounts.create("erin", PASSWORD, REVIEWER)
        assert accounts.authenticate("erin", "not the password").outcome == "wrong_password"
        assert accounts.authenticate("nobody", PASSWORD).outcome == "unknown_user"

    def test_a_disabled_account_cannot_sign_in_until_enabled(self, accounts):
        accounts.create("fay", PASSWORD, REVIEWER)
        assert accounts.set_disabled("fay", True).disabled
        assert accounts.authenticate("fay", PASSWORD).outcome == "disabled"
        accounts.set_disabled("fay", False)
        assert accounts.authenticate("fay", PASSWORD).outcome == "ok"

    def test_a_hash_is_upgraded_when_the_cost_is_raised(self, db_url):
        Accounts(db_url, CHEAP_SCRYPT, app_key=TEST_APP_KEY).create("gus", PASSWORD, REVIEWER)
        stronger = Accounts(db_url, CHEAP_SCRYPT + 1, app_key=TEST_APP_KEY)
        assert stronger.authenticate("gus", PASSWORD).outcome == "ok"
        from bot.review.accounts import StaffAccountRow
        from bot.store.db import session_scope

        with session_scope(db_url) as session:
            stored = session.query(StaffAccountRow).filter_by(username="gus").one().password_hash
        assert hash_cost(stored) == CHEAP_SCRYPT + 1
        assert stronger.authenticate("gus", PASSWORD).outcome == "ok"


class TestLockout:
    def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(self, accounts):
        accounts.create("hal", PASSWORD, REVIEWER)
        now = utcnow()
        results = [accounts.authenticate("hal", "wrong guess!", now) for _ in range(MAX_FAILURES)]
        assert [r.locked_now for r in results] == [False] * (MAX_FAILURES - 1) + [True]
        # Locked: even the right password is refused, and says nothing more.
        assert (
            accounts.authenticate("hal", PASSWORD, now + timedelta(minutes=1)).outcome == "locked"
        )
        assert accounts.get("hal").locked(now + timedelta(minutes=14))
        later = now + LOCKOUT + timedelta(seconds=1)
        assert accounts.authenticate("hal", PASSWORD, later).outcome == "ok"

    def test_a_right_password_resets_the_count(self, accounts):
        accounts.create("ivy", PASSWORD, REVIEWER)
        for _ in range(MAX_FAILURES - 1):
            accounts.authenticate("ivy", "wrong guess!")
        assert accounts.authenticate("ivy", PASSWORD).outcome == "ok"
        for _ in range(MAX_FAILURES - 1):
            assert accounts.authenticate("ivy", "wrong guess!").outcome == "wrong_password"
        assert accounts.authenticate("ivy", PASSWORD).outcome == "ok"

    def test_a_password_reset_lifts_the_lock(self, accounts):
        accounts.create("jo", PASSWORD, REVIEWER)
        for _ in range(MAX_FAILURES):
            accounts.authenticate("jo", "wrong guess!")
        accounts.reset_password("jo", "a brand new passphrase")
        assert accounts.authenticate("jo", "a brand new passphrase").outcome == "ok"


class TestCommandLine:
    def run(self, monkeypatch, db_url, tmp_path, *argv, stdin=""):
        monkeypatch.setenv("PREVENT_DATABASE_URL", db_url)
        monkeypatch.setenv("PREVENT_VAR_DIR", str(tmp_path / "var"))
        monkeypatch.setenv("PREVENT_REVIEW_SCRYPT_LOG2_N", str(CHEAP_SCRYPT))
        monkeypatch.setenv("PREVENT_REVIEW_SECRET_KEY", base64.b64encode(TEST_APP_KEY).decode())
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return accounts_module.main(list(argv))

    def test_create_list_reset_and_disable_are_audited(self, monkeypatch, db_url, tmp_path, capsys):
        assert (
            self.run(
                monkeypatch,
                db_url,
                tmp_path,
                "create",
                "kim",
                "--role",
                "admin",
                "--name",
                "Kim Lee",
                "--password-stdin",
                stdin=PASSWORD + "\n",
            )
            == 0
        )
        kim = Accounts(db_url, CHEAP_SCRYPT, app_key=TEST_APP_KEY).authenticate("kim", PASSWORD)
        assert kim.outcome == "ok"
        assert self.run(monkeypatch, db_url, tmp_path, "list") == 0
        assert "kim\tadmin\tok\tKim Lee" in capsys.readouterr().out
        assert (
            self.run(
                monkeypatch,
                db_url,
                tmp_path,
                "reset-password",
                "kim",
                "--password-stdin",
                stdin="another long passphrase\n",
            )
            == 0
        )
        assert self.run(monkeypatch, db_url, tmp_path, "disable", "kim") == 0
        assert Accounts(db_url, CHEAP_SCRYPT, app_key=TEST_APP_KEY).get("kim").disabled
        actions = [e.action for e in AuditLog(db_url).recent()]
        assert actions == ["account_disabled", "password_reset", "account_created"]
        assert all(e.actor.startswith("cli:") for e in AuditLog(db_url).recent())

    def test_a_short_password_is_refused_kindly(self, monkeypatch, db_url, tmp_path, capsys):
        code = self.run(
            monkeypatch, db_url, tmp_path, "create", "lou", "--password-stdin", stdin="short\n"
        )
        assert code == 1
        assert "at least 12 characters" in capsys.readouterr().err


def test_the_plain_python_modules_do_not_import_the_web_framework():
    code = (
        "import sys\n"
        "import bot.review.accounts, bot.review.audit, bot.review.workflow, bot.review.notes\n"
        "import bot.review.cases, bot.review.sessions, bot.review.settings\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'jinja2')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
