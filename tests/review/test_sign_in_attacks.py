"""Review sign-in, tried as an attacker would, against the real app on loopback.

Open redirects through `next`, a parallel guessing race against the lockout, timing that tells
account states apart, unlimited expensive attempts, and a password without a second factor:
each test here failed on the code before issue 11.
"""

from __future__ import annotations

import base64
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pyotp
import pytest

from bot.review import accounts as accounts_module
from bot.review.accounts import MAX_FAILURES, REVIEWER, Accounts
from bot.review.app import create_app
from bot.review.audit import AuditLog
from bot.review.second_factor import SecondFactors
from tests.review.factories import (
    AUTHENTICATOR,
    PASSWORD,
    ROOT,
    TEST_APP_KEY,
    StaffClient,
    csrf_from,
    serving,
    settings_for,
)

HOSTILE_NEXT = [
    "/%09/evil.example/",
    "/\t/evil.example/",
    "//evil.example/x",
    "///evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/queue/../\\evil.example",
    "javascript:alert(1)",
    "/sign-in/code",
    "/queue\r\nSet-Cookie: x=1",
]


def _audit(url: str, action: str) -> list:
    return AuditLog(url).recent(1000, action)


class TestNextGoesOnlyToKnownPages:
    @pytest.mark.parametrize("hostile", HOSTILE_NEXT)
    def test_a_hostile_next_ends_on_the_queue(self, case, review_url, hostile):
        client = StaffClient(review_url)
        page = client.get("/sign-in?next=" + quote(hostile, safe=""))
        assert 'name="next" value="/queue"' in page.text
        response = client.sign_in("rita", next_path=hostile)
        assert response.status_code == 303
        assert response.headers["Location"] == "/queue"

    @pytest.mark.parametrize(
        "good", ["/queue", "/queue?status=screening&page=2", "/referrals/VTR-0001ABCD"]
    )
    def test_known_pages_are_kept(self, case, review_url, good):
        assert StaffClient(review_url).sign_in("rita", next_path=good).headers["Location"] == good


class TestLockoutRace:
    def test_twenty_parallel_guesses_check_at_most_five(self, case, review_url):
        def guess(_: int) -> int:
            return StaffClient(review_url).sign_in("rita", f"wrong guess {_:02d}!").status_code

        with ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(guess, range(20)))
        assert codes == [401] * 20
        outcomes = [e.outcome for e in _audit(case.url, "sign_in")]
        assert outcomes.count("wrong_password") <= MAX_FAILURES, outcomes
        assert outcomes.count("locked") >= 20 - MAX_FAILURES
        assert StaffClient(review_url).sign_in("rita").status_code == 401  # locked now

    @pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
    def test_the_claim_is_atomic_with_many_hashes_at_once(self, request, dialect):
        url = request.getfixturevalue("db_url" if dialect == "sqlite" else "fresh_pg_url")
        accounts = Accounts(url, 12, max_hashing=20, app_key=TEST_APP_KEY)
        accounts.create("victim", PASSWORD, REVIEWER)
        start = threading.Barrier(20)

        def guess(n: int) -> str:
            start.wait()
            return accounts.authenticate("victim", f"wrong guess {n:02d}!").outcome

        with ThreadPoolExecutor(20) as pool:
            outcomes = list(pool.map(guess, range(20)))
        assert outcomes.count("wrong_password") <= MAX_FAILURES, outcomes
        assert accounts.authenticate("victim", PASSWORD).outcome == "locked"


class TestEqualWork:
    def test_unknown_locked_disabled_and_wrong_take_the_same_time(self, db_url):
        accounts = Accounts(db_url, 14, app_key=TEST_APP_KEY)  # ~16 MiB a hash: well above the noise
        accounts.create("wrong", PASSWORD, REVIEWER)
        accounts.create("locked", PASSWORD, REVIEWER)
        accounts.create("disabled", PASSWORD, REVIEWER)
        accounts.set_disabled("disabled", True)
        for _ in range(MAX_FAILURES):
            accounts.authenticate("locked", "not the password")
        assert accounts.authenticate("locked", PASSWORD).outcome == "locked"

        def median(name: str) -> float:
            times = []
            for _ in range(7):
                began = time.perf_counter()
                accounts.authenticate(name, "not the password at all")
                times.append(time.perf_counter() - began)
            return statistics.median(times)

        median("wrong")  # warm up
        base = median("wrong")
        for name in ("nobody-here", "locked", "disabled"):
            ratio = median(name) / base
            assert 0.5 < ratio < 2.0, (name, ratio)

    def test_at_most_max_hashing_hashes_run_at_once(self, db_url, monkeypatch):
        running, peak, guard = [0], [0], threading.Lock()
        real = accounts_module._scrypt

        def counting(*args, **kwargs):
            with guard:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            try:
                time.sleep(0.02)
                return real(*args, **kwargs)
            finally:
                with guard:
                    running[0] -= 1

        accounts = Accounts(db_url, 10, max_hashing=2, app_key=TEST_APP_KEY)
        accounts.count()  # the tables exist before the threads start
        monkeypatch.setattr(accounts_module, "_scrypt", counting)
        with ThreadPoolExecutor(12) as pool:
            list(pool.map(lambda n: accounts.authenticate(f"nobody{n}", "x" * 20), range(24)))
        assert peak[0] == 2


class TestRateLimit:
    def test_a_client_gets_a_few_tries_a_minute_then_429_without_a_hash(
        self, case, tmp_path, inbox
    ):
        settings = settings_for(
            tmp_path / "limited", inbox, case.url, PREVENT_REVIEW_SIGN_IN_RATE="3/60"
        )
        with serving(create_app(settings)) as base:
            codes = [
                StaffClient(base).sign_in("rita", "wrong password!").status_code for _ in range(5)
            ]
            assert codes == [401, 401, 401, 429, 429]
            refused = StaffClient(base).sign_in("rita")  # even the right password waits
            assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
            assert "Too many attempts" in refused.text
        outcomes = [e.outcome for e in _audit(case.url, "sign_in")]
        assert outcomes.count("wrong_password") == 3 and outcomes.count("rate_limited") == 3


class TestSecondFactor:
    def test_a_password_alone_opens_nothing(self, case, review_url):
        client = StaffClient(review_url)
        page = client.get("/sign-in")
        response = client.http.post(
            review_url + "/sign-in",
            data={"csrf_token": csrf_from(page.text), "username": "rita", "password": PASSWORD},
            allow_redirects=False,
        )
        assert response.headers["Location"] == "/sign-in/code"
        for path in ("/queue", f"/referrals/{case.routed}", "/admin/audit"):
            assert client.get(path).status_code == 303
        enrol = client.get("/sign-in/code").text
        assert 'id="totp-secret"' in enrol and "otpauth://totp/" in enrol

    def test_enrolment_then_wrong_replayed_and_recovery_codes(self, case, review_url):
        first = StaffClient(review_url)
        assert first.sign_in("rita").status_code == 303
        factor = AUTHENTICATOR.factors[(review_url, "rita")]
        assert len(factor.recovery_codes) == 10
        used_step = max(factor.used_steps)
        # The same code again (a replay, e.g. shoulder-surfed): refused.
        replay = pyotp.TOTP(factor.secret).generate_otp(used_step)
        again = StaffClient(review_url)
        page = again.get("/sign-in")
        again.http.post(
            review_url + "/sign-in",
            data={"csrf_token": csrf_from(page.text), "username": "rita", "password": PASSWORD},
        )
        assert again.second_factor("rita", code=replay).status_code == 401
        assert again.second_factor("rita", code="000000").status_code == 401
        # A recovery code works once.
        code = factor.recovery_codes.pop()
        assert again.second_factor("rita", code=code.upper()).status_code == 303
        assert again.get("/queue").status_code == 200
        reuse = StaffClient(review_url)
        page = reuse.get("/sign-in")
        reuse.http.post(
            review_url + "/sign-in",
            data={"csrf_token": csrf_from(page.text), "username": "rita", "password": PASSWORD},
        )
        assert reuse.second_factor("rita", code=code).status_code == 401
        outcomes = [e.outcome for e in _audit(case.url, "second_factor")]
        assert {"enrolled", "wrong_code", "recovery_code"} <= set(outcomes)

    def test_five_wrong_codes_end_the_attempt_and_count_toward_the_lockout(self, case, review_url):
        assert StaffClient(review_url).sign_in("rita").status_code == 303  # enrolled
        client = StaffClient(review_url)
        page = client.get("/sign-in")
        client.http.post(
            review_url + "/sign-in",
            data={"csrf_token": csrf_from(page.text), "username": "rita", "password": PASSWORD},
        )
        codes = [client.second_factor("rita", code=f"{n:06d}").status_code for n in range(6)]
        assert codes[:4] == [401] * 4 and codes[4] == 303 and codes[5] == 303
        assert "/sign-in" in client.second_factor("rita", code="123456").headers["Location"]
        assert client.get("/queue").status_code == 303
        # The five wrong codes locked the account: not even the right password gets in now.
        assert StaffClient(review_url).sign_in("rita").status_code == 401

    def test_secrets_are_sealed_and_codes_hashed_in_the_database(self, case, review_url, tmp_path):
        assert StaffClient(review_url).sign_in("rita").status_code == 303
        factor = AUTHENTICATOR.factors[(review_url, "rita")]
        stored = b"".join(p.read_bytes() for p in tmp_path.glob("prevent.db*"))
        assert factor.secret.encode() not in stored
        for code in factor.recovery_codes:
            assert code.encode() not in stored and code.replace("-", "").encode() not in stored

    def test_an_admin_resets_a_lost_factor_from_the_command_line(self, case, review_url):
        assert StaffClient(review_url).sign_in("rita").status_code == 303
        env = {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "PREVENT_DATABASE_URL": case.url,
            "PREVENT_VAR_DIR": str(case.settings.var_dir),
            "PREVENT_REVIEW_SECRET_KEY": base64.b64encode(case.settings.app_key).decode(),
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot.review.accounts", "reset-2fa", "rita"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        account = Accounts(case.url, 10, app_key=case.settings.app_key).get("rita")
        assert not SecondFactors(case.url, case.settings.app_key).is_enrolled(account.id)
        client = StaffClient(review_url)
        page = client.get("/sign-in")
        client.http.post(
            review_url + "/sign-in",
            data={"csrf_token": csrf_from(page.text), "username": "rita", "password": PASSWORD},
        )
        assert 'id="totp-secret"' in client.get("/sign-in/code").text
        assert [e.action for e in _audit(case.url, "second_factor_reset")] == [
            "second_factor_reset"
        ]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(case, tmp_path, inbox):
    settings = settings_for(
        tmp_path / "proxied",
        inbox,
        case.url,
        PREVENT_REVIEW_SIGN_IN_RATE="2/60",
        PREVENT_REVIEW_TRUST_X_FORWARDED_FOR="true",
    )

    def attempt(base: str, chain: str) -> int:
        client = StaffClient(base)
        client.http.headers["X-Forwarded-For"] = chain
        return client.sign_in("rita", "wrong password!").status_code

    with serving(create_app(settings)) as base:
        # The attacker forges the first entries; the proxy's own (last) entry still counts.
        assert [attempt(base, f"10.0.0.{n}, 203.0.113.7") for n in range(3)] == [401, 401, 429]
        assert attempt(base, "198.51.100.9") == 401  # another member of staff


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_second_factor_store_on_both_databases(request, dialect):
    url = request.getfixturevalue("db_url" if dialect == "sqlite" else "fresh_pg_url")
    account = Accounts(url, 10, app_key=b"a" * 32).create("tess", PASSWORD, REVIEWER)
    factors = SecondFactors(url, b"a" * 32)
    pending = factors.pending(factors.begin(account, "/queue"))
    secret = factors.enrolment(pending, account).secret
    code = pyotp.TOTP(secret).now()
    enrolled = factors.check(pending, code)
    assert enrolled.outcome == "ok" and len(enrolled.recovery_codes) == 10
    again = factors.pending(factors.begin(account, "/queue"))
    assert not again.enrolling
    assert factors.check(again, code).outcome == "wrong"  # the same code twice: refused
    assert factors.check(again, enrolled.recovery_codes[0]).outcome == "ok"
    third = factors.pending(factors.begin(account, "/queue"))
    assert factors.check(third, enrolled.recovery_codes[0]).outcome == "wrong"  # used once
    assert factors.recovery_codes_left(account.id) == 9
