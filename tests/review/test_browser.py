"""End to end in a real headless Chromium: the review app as its own process, on loopback.

A DSL's referral has been sealed by the bot (throwaway inbox certificate) and queued; the
referrer's chat route is registered. A reviewer signs in, opens it, moves it to screening,
adds a note and asks the referrer a question; the referrer's chat gets the status and the
question, every step is in the audit log, and the database holds none of it in plain.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest

from bot.referral.updates import ReferrerUpdates
from bot.review.app_key import derive
from bot.review.audit import ANONYMOUS, AuditLog
from bot.sealing import Sealer
from bot.store.crypto import KeyRing
from tests.helpers.browser import chrome_driver, save_screenshot, wait_until_replaced
from tests.helpers.servers import free_port, wait_http
from tests.review.factories import (
    CHEAP_SCRYPT,
    CONCERN_SENTINEL,
    FORENAME,
    PASSWORD,
    ROOT,
    SURNAME,
    assistant_cert_file,
    make_inbox,
    queue_referral,
    sealed_envelope,
    signed_sealer,
)

NOTE = "NOTE-SENTINEL-5C2A Called the school; DSL confirms the family know."
QUESTION = "Could you tell us which days you can attend a meeting?"
SENDER = "dsl-browser-test"
UNREADABLE = "VTR-0BADC0DE"


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run(
        [sys.executable, "-m", "bot.review.accounts", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=60,
    )


def _database_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


@pytest.fixture()
def review_process(tmp_path):
    """Sealed referrals in a SQLite database, accounts made with the CLI, the app running."""
    inbox = make_inbox(tmp_path / "keys")
    database = tmp_path / "var" / "prevent.db"
    database.parent.mkdir(parents=True)
    url = f"sqlite:///{database}"
    updates_key = os.urandom(32)
    sealer = signed_sealer(inbox.cert)
    references = ["VTR-7E57B0A1", "VTR-7E57B0A2"]
    for reference in references:
        queue_referral(url, sealed_envelope(sealer, reference, full_documents=True), reference)
    # One referral sealed to another team's certificate: it must show a clear error.
    stranger = make_inbox(tmp_path / "other-keys", "other-inbox")
    queue_referral(url, sealed_envelope(Sealer([stranger.cert]), UNREADABLE), UNREADABLE)
    updates = ReferrerUpdates(
        url, KeyRing({"v1": os.urandom(32)}, "v1"), os.urandom(32), updates_key
    )
    updates.register(references[0], SENDER, "rest")
    port = free_port()
    app_key = os.urandom(32)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREVENT_DATABASE_URL": url,
        "PREVENT_VAR_DIR": str(tmp_path / "var"),
        "PREVENT_UPDATES_KEY": base64.b64encode(updates_key).decode(),
        "PREVENT_REVIEW_CERT_FILE": str(inbox.cert_file),
        "PREVENT_REVIEW_KEY_FILE": str(inbox.key_file),
        "PREVENT_REVIEW_KEY_PASSPHRASE": inbox.passphrase,
        "PREVENT_REVIEW_PORT": str(port),
        "PREVENT_REVIEW_SECURE_COOKIES": "false",  # plain http on loopback in this test
        "PREVENT_REVIEW_SCRYPT_LOG2_N": str(CHEAP_SCRYPT),
        "PREVENT_REVIEW_SECRET_KEY": base64.b64encode(app_key).decode(),
        "PREVENT_REVIEW_ASSISTANT_CERT_FILE": str(assistant_cert_file()),
    }
    _cli(
        env,
        "create",
        "ada",
        "--role",
        "admin",
        "--name",
        "Ada Admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    _cli(
        env,
        "create",
        "rita",
        "--role",
        "reviewer",
        "--name",
        "Rita Reviewer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    log = tmp_path / "review.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.review"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/sign-in", time.monotonic() + 30, proc, log)
        yield {
            "base": base,
            "url": url,
            "database": database,
            "references": references,
            "updates": updates,
            "log": log,
            "passphrase": inbox.passphrase,
            "audit": AuditLog(url, derive(app_key, "audit-chain"), tmp_path / "var" / "audit.head"),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _click_and_wait(driver, selector: str, by: str = "css selector") -> None:
    """Click something that loads a new page, and wait until the new page is there."""
    from selenium.webdriver.common.by import By

    old_page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, selector).click()
    wait_until_replaced(driver, old_page)


def _sign_in(driver, base: str, username: str) -> None:
    from selenium.webdriver.common.by import By

    if "/sign-in" not in driver.current_url:
        driver.get(base + "/sign-in")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    _click_and_wait(driver, "form[action='/sign-in'] button[type=submit]")
    # Every account has a second factor; the first sign-in sets it up, as staff would with
    # an authenticator app: the secret on the page, then one of its codes.
    assert driver.current_url == base + "/sign-in/code"
    secret = driver.find_element(By.ID, "totp-secret").text
    assert driver.find_element(By.ID, "totp-uri").text.startswith("otpauth://totp/")
    driver.find_element(By.ID, "code").send_keys(pyotp.TOTP(secret).now())
    _click_and_wait(driver, "form[action='/sign-in/code'] button[type=submit]")
    codes = driver.find_elements(By.CSS_SELECTOR, "#recovery-codes code")
    assert len(codes) == 10
    _click_and_wait(driver, "continue", By.ID)


def test_a_reviewer_works_a_referral_in_a_real_browser(review_process):
    from selenium.webdriver.common.by import By

    base, routed = review_process["base"], review_process["references"][0]
    with chrome_driver() as driver:
        # Not signed in: sent to the sign-in page.
        driver.get(base + f"/referrals/{routed}")
        assert driver.current_url.startswith(base + "/sign-in?")
        save_screenshot(driver, "review-sign-in")

        # Sign in as a reviewer and land back on the referral asked for.
        _sign_in(driver, base, "rita")
        assert driver.current_url == base + f"/referrals/{routed}"

        # The queue lists both referrals, and no content.
        driver.get(base + "/queue")
        queue = driver.find_element(By.TAG_NAME, "main").text
        assert all(ref in queue for ref in review_process["references"])
        assert FORENAME not in queue
        save_screenshot(driver, "review-queue")

        # Open one: the person's name from the sealed JSON, laid out by section.
        _click_and_wait(driver, routed, By.LINK_TEXT)
        headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".referral-section h3")]
        assert "About the person" in headings and "The concern" in headings
        person = driver.find_element(By.ID, "section-person").find_element(By.XPATH, "..").text
        assert FORENAME in person and SURNAME in person

        # Move it to screening, telling the referrer.
        driver.find_element(By.ID, "to-screening").click()
        _click_and_wait(driver, "form[action$='/status'] button")
        notice = driver.find_element(By.CSS_SELECTOR, ".notice-done").text
        assert "Screening" in notice and "The referrer has been told" in notice

        # Add a note.
        driver.find_element(By.ID, "note-text").send_keys(NOTE)
        _click_and_wait(driver, "form[action$='/notes'] button")
        assert NOTE in driver.find_element(By.CSS_SELECTOR, ".notes").text

        # Ask the referrer a question.
        driver.find_element(By.ID, "message-text").send_keys(QUESTION)
        _click_and_wait(driver, "form[action$='/messages'] button")
        assert "Message sent" in driver.find_element(By.CSS_SELECTOR, ".notice-done").text
        history = driver.find_element(By.CSS_SELECTOR, ".history").text
        assert "Status: Received → Screening" in history and "Message sent" in history
        driver.execute_script("window.scrollTo(0, 0)")
        save_screenshot(driver, "review-referral")

        # A referral that will not open: a clear error, and it stays in the queue, marked.
        driver.get(base + f"/referrals/{UNREADABLE}")
        problem = driver.find_element(By.CSS_SELECTOR, ".notice-error").text
        assert "We couldn't open this referral" in problem and "Nothing has been lost" in problem
        save_screenshot(driver, "review-cannot-open")
        driver.get(base + "/queue?status=problems")
        assert UNREADABLE in driver.find_element(By.CSS_SELECTOR, "table").text

        # A reviewer on an admin page: refused.
        driver.get(base + "/admin/accounts")
        assert "This page is for admins" in driver.find_element(By.TAG_NAME, "h1").text

        # An admin sees it all in the audit log.
        _click_and_wait(driver, "form[action='/sign-out'] button")
        _sign_in(driver, base, "ada")
        driver.get(base + "/admin/audit")
        assert "The hash chain checks out" in driver.find_element(By.TAG_NAME, "main").text
        save_screenshot(driver, "review-audit-log")

        violations = [
            entry["message"]
            for entry in driver.get_log("browser")
            if "Content Security Policy" in entry.get("message", "")
        ]
        assert not violations, violations

    # Every step is in the audit log, by whom.
    entries = AuditLog(review_process["url"]).recent(500)
    done = {(e.actor, e.action, e.outcome, e.reference) for e in entries}
    for expected in [
        (ANONYMOUS, "access_refused", "sign_in_required", routed),
        ("rita", "sign_in", "ok", ""),
        ("rita", "view_queue", "ok", ""),
        ("rita", "open_referral", "ok", routed),
        ("rita", "set_status", "ok", routed),
        ("rita", "status_update_sent", "ok", routed),
        ("rita", "add_note", "ok", routed),
        ("rita", "send_message", "ok", routed),
        ("rita", "open_referral", "failed", UNREADABLE),
        ("rita", "access_refused", "forbidden", ""),
        ("rita", "sign_out", "ok", ""),
        ("ada", "view_audit", "ok", ""),
    ]:
        assert expected in done, expected
    assert review_process["audit"].verify().ok
    assert not [e for e in entries if e.action == "csrf_refused"]  # the browser's posts passed

    # The referrer's chat gets the status and the question, nothing of the referral.
    news = review_process["updates"].take_for(SENDER)
    assert [(u.kind, u.reference) for u in news] == [("status", routed), ("message", routed)]
    assert news[0].details["status"] == "Being screened"
    assert news[1].details == {"message": QUESTION}
    assert FORENAME not in repr(news)

    # The database holds neither the person's name nor the note in plain.
    stored = _database_bytes(review_process["database"])
    for secret in (FORENAME, SURNAME, CONCERN_SENTINEL, "NOTE-SENTINEL-5C2A", QUESTION):
        assert secret.encode() not in stored, secret
    # Nor does the app's log, which carries no passphrase either.
    log = review_process["log"].read_text()
    assert FORENAME not in log and review_process["passphrase"] not in log
