"""C1: write access to the shared database gives no review-app session and no sign-in.

The attacker holds the bot server (and so the database credentials) but not the review app
key. Each test writes rows with plain SQL, as that attacker would, and drives the real app.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import requests
from sqlalchemy import create_engine, text

from bot.review.accounts import Accounts, hash_password
from bot.store.db import utcnow
from tests.review.factories import CHEAP_SCRYPT, PASSWORD, StaffClient

ATTACKER_PASSWORD = "attacker chosen password"


def _sql(url: str, statement: str, **params: object) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(statement), params)
    engine.dispose()


def _account_id(url: str, username: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT id FROM review_accounts WHERE username = :u"), {"u": username}
        ).scalar()
    engine.dispose()
    return int(found)


def _queue_with_cookie(base: str, token: str) -> requests.Response:
    http = requests.Session()
    http.cookies.set("prevent-review", token)
    return http.get(base + "/queue", allow_redirects=False, timeout=20)


def test_a_session_row_inserted_with_sql_opens_nothing(case, review_url):
    now = utcnow()
    token = "attacker-chosen-token"
    _sql(
        case.url,
        "INSERT INTO review_sessions(token_hash, account_id, csrf_token, created_at,"
        " last_seen_at, expires_at) VALUES (:h, :a, 'x', :now, :now, :later)",
        h=hashlib.sha256(token.encode()).hexdigest(),
        a=_account_id(case.url, "ada"),
        now=now,
        later=now + timedelta(hours=8),
    )
    response = _queue_with_cookie(review_url, token)
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]
    assert StaffClient(review_url).sign_in("ada").status_code == 303  # the real admin still can


def test_an_account_row_inserted_with_sql_cannot_sign_in(case, review_url):
    _sql(
        case.url,
        "INSERT INTO review_accounts(username, display_name, role, password_hash,"
        " failed_attempts, created_at, password_changed_at)"
        " VALUES ('mallory', 'Mallory', 'admin', :h, 0, :now, :now)",
        h=hash_password(ATTACKER_PASSWORD, CHEAP_SCRYPT),
        now=utcnow(),
    )
    response = StaffClient(review_url).sign_in("mallory", ATTACKER_PASSWORD)
    assert response.status_code == 401


def test_an_overwritten_password_hash_or_role_cannot_sign_in(case, review_url):
    _sql(
        case.url,
        "UPDATE review_accounts SET password_hash = :h WHERE username = 'ada'",
        h=hash_password(ATTACKER_PASSWORD, CHEAP_SCRYPT),
    )
    assert StaffClient(review_url).sign_in("ada", ATTACKER_PASSWORD).status_code == 401
    rita = StaffClient(review_url)
    assert rita.sign_in("rita").status_code == 303
    _sql(case.url, "UPDATE review_accounts SET role = 'admin' WHERE username = 'rita'")
    assert rita.get("/queue", allow_redirects=False).status_code == 303  # session refused


def test_a_deleted_second_factor_locks_the_account_rather_than_re_enrolling(case, review_url):
    assert StaffClient(review_url).sign_in("rita").status_code == 303  # enrols rita's factor
    _sql(
        case.url,
        "DELETE FROM review_second_factors WHERE account_id = :a",
        a=_account_id(case.url, "rita"),
    )
    assert StaffClient(review_url).sign_in("rita").status_code == 401


def test_accounts_from_before_sealing_are_refused_until_reset_from_the_cli(case):
    accounts = Accounts(case.url, CHEAP_SCRYPT, app_key=case.settings.app_key)
    _sql(case.url, "DELETE FROM review_account_seals")  # as an old database has none
    assert accounts.authenticate("ada", PASSWORD).outcome == "unsigned"
    assert accounts.unsigned() == ["ada", "rita"]
    accounts.reset_password("ada", PASSWORD)
    assert accounts.authenticate("ada", PASSWORD).outcome == "ok"
    assert accounts.unsigned() == ["rita"]
    other_key = Accounts(case.url, CHEAP_SCRYPT, app_key=b"\x01" * 32)
    assert other_key.authenticate("ada", PASSWORD).outcome == "unsigned"
