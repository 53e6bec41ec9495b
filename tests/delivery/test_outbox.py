"""The outbox against a real SMTP server (aiosmtpd) on loopback: retries, once only, domains."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bot.delivery import (
    DEAD,
    SENT,
    DeliveryWorker,
    InsecureAddress,
    SmtpSettings,
    check_secure_address,
    enqueue,
    receipt,
)
from bot.store.db import session_scope
from tests.helpers.servers import free_port
from tests.helpers.smtp import RecordingInbox as Inbox

ENVELOPE = (
    b"MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; "
    b"name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\nTUlJQ0lDQ0lBUkU=\r\n"
)
# Later than any row the tests queue, however long the session ran before this module.
T0 = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(days=1)


@pytest.fixture()
def smtp():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, SmtpSettings("127.0.0.1", port, security="none", sender="bot@school.example")
    controller.stop()


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'outbox.db'}"


def queue(url: str, reference: str = "VTR-0001") -> None:
    enqueue(
        url,
        ENVELOPE,
        ["prevent@essex.pnn.police.uk"],
        reference,
        f"VTR referral {reference}",
        "bot@school.example",
    )


def test_a_queued_referral_arrives_once_with_a_stable_message_id(url, smtp):
    inbox, settings = smtp
    queue(url)
    worker = DeliveryWorker(url, settings)
    assert worker.run_once(T0) == {"sent": 1, "retry": 0, "dead": 0}
    assert worker.run_once(T0 + timedelta(hours=1)) == {"sent": 0, "retry": 0, "dead": 0}
    assert inbox.message_ids() == ["<VTR-0001@prevent-assistant.invalid>"]
    assert b"enveloped-data" in inbox.messages[0]
    assert receipt(url, "VTR-0001").status == SENT


def test_smtp_down_for_a_while_then_up_delivers_exactly_once(url, smtp):
    inbox, settings = smtp
    queue(url)
    down = DeliveryWorker(url, SmtpSettings("127.0.0.1", free_port(), security="none"))
    assert down.run_once(T0)["retry"] == 1
    assert down.run_once(T0 + timedelta(seconds=10))["retry"] == 0  # backing off
    up = DeliveryWorker(url, settings)
    assert up.run_once(T0 + timedelta(minutes=5))["sent"] == 1
    assert up.run_once(T0 + timedelta(hours=2))["sent"] == 0
    assert len(inbox.messages) == 1


def test_a_worker_that_died_mid_send_is_retried_with_the_same_message_id(url, smtp):
    inbox, settings = smtp
    queue(url)
    worker = DeliveryWorker(url, settings)
    claimed = worker._claim_due(T0)  # the first worker claims the row, then dies
    assert len(claimed) == 1
    assert worker.run_once(T0 + timedelta(minutes=1))["sent"] == 0  # not yet stale
    assert worker.run_once(T0 + timedelta(minutes=10))["sent"] == 1
    assert inbox.message_ids() == ["<VTR-0001@prevent-assistant.invalid>"]


def test_after_the_last_attempt_the_referral_is_a_dead_letter(url):
    queue(url)
    worker = DeliveryWorker(
        url,
        SmtpSettings("127.0.0.1", free_port(), security="none"),
        max_attempts=2,
        backoff=timedelta(seconds=1),
    )
    worker.run_once(T0)
    assert worker.run_once(T0 + timedelta(minutes=1))["dead"] == 1
    assert receipt(url, "VTR-0001").status == DEAD


def test_the_queue_holds_only_the_sealed_envelope(url):
    queue(url)
    with session_scope(url) as session:
        from bot.delivery import OutboxRow

        row = session.query(OutboxRow).one()
        assert row.envelope == ENVELOPE and row.last_error is None


@pytest.mark.parametrize(
    "address",
    [
        "prevent@essex.pnn.police.uk",
        "someone@nhs.net",
        "dsl@school.cjsm.net",
        "x@met.pnn.police.uk",
    ],
)
def test_secure_addresses_pass(address):
    assert check_secure_address(address)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("prevent@essex.gov.uk", "not a secure domain"),
        ("someone@homeoffice.gsi.gov.uk", "retired in 2019"),
        ("not an address", "not an email"),
        ("a@nhs.net.evil.example", "not a secure domain"),
    ],
)
def test_insecure_addresses_are_refused_and_nothing_is_queued(address, why, url):
    with pytest.raises(InsecureAddress, match=why):
        enqueue(url, ENVELOPE, [address], "VTR-0002", "s", "bot@school.example")
    assert receipt(url, "VTR-0002") is None


def test_an_envelope_with_bare_newlines_is_sent_with_crlf(url, smtp):
    inbox, settings = smtp
    bare = ENVELOPE.replace(b"\r\n", b"\n") + b"QUFB\n" * 3000  # many short lines, LF only
    enqueue(url, bare, ["prevent@essex.pnn.police.uk"], "VTR-LF", "s", "bot@school.example")
    assert DeliveryWorker(url, settings).run_once(T0)["sent"] == 1
    assert b"QUFB\r\nQUFB" in inbox.messages[0]


def test_the_referrer_is_told_when_sent_and_when_given_up(url, smtp):
    inbox, settings = smtp
    told: list[tuple[str, str, dict]] = []

    def hook(session, reference, kind, details):
        told.append((reference, kind, details))

    queue(url, "VTR-0001")
    DeliveryWorker(url, settings, on_outcome=hook).run_once(T0)
    queue(url, "VTR-0002")
    dead = DeliveryWorker(
        url,
        SmtpSettings("127.0.0.1", free_port(), security="none"),
        max_attempts=1,
        on_outcome=hook,
    )
    dead.run_once(T0)
    assert [(ref, kind) for ref, kind, _ in told] == [
        ("VTR-0001", "sent"),
        ("VTR-0002", "not_sent"),
    ]
    assert told[0][2]["inbox"] == "prevent@essex.pnn.police.uk" and "UTC" in told[0][2]["when"]
    assert all(set(details) <= {"inbox", "when"} for _, _, details in told)  # never content


def test_a_refused_send_is_logged_with_its_reason_and_the_referrer_hears_delayed(
    url, smtp, caplog
):
    """A relay without STARTTLS (a common misconfiguration): the operator sees why at once,
    the referrer hears "delayed" after the first failure and the phone route at the end."""
    import logging

    inbox, settings = smtp
    queue(url, "VTR-0FA1")
    told: list[tuple[str, str, dict[str, str]]] = []

    def hook(session, reference, kind, details):  # type: ignore[no-untyped-def]
        told.append((reference, kind, details))

    starttls = SmtpSettings("127.0.0.1", settings.port, security="starttls")
    worker = DeliveryWorker(url, starttls, max_attempts=3, on_outcome=hook)
    caplog.set_level(logging.INFO, logger="bot.delivery")
    assert worker.run_once(T0) == {"sent": 0, "retry": 1, "dead": 0}
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warning) == 1
    line = warning[0].getMessage()
    assert "VTR-0FA1" in line and f"127.0.0.1:{settings.port} (starttls)" in line
    assert "SMTPNotSupportedError" in line and "STARTTLS" in line, line
    assert [(r, k) for r, k, _ in told] == [("VTR-0FA1", "delayed")]
    assert told[0][2]["retry_at"].endswith("UTC")
    with session_scope(url) as session:
        from bot.delivery import OutboxRow

        assert "STARTTLS" in session.query(OutboxRow).one().last_error
    # Later failures are not news again; the last one is the dead letter (phone route).
    assert worker.run_once(T0 + timedelta(hours=1))["retry"] == 1
    assert worker.run_once(T0 + timedelta(hours=2))["dead"] == 1
    assert [k for _, k, _ in told] == ["delayed", "not_sent"]
    assert any(
        r.levelno == logging.ERROR and "gave up after 3 attempts" in r.getMessage()
        for r in caplog.records
    )
    assert receipt(url, "VTR-0FA1").status == DEAD and inbox.messages == []
