"""Attacker on the wire: SMTP security fails closed (issue 11, finding 5).

Before, any value but the exact strings `tls` / `starttls` (say `STARTTLS` or `ssl`) fell
through to a plain connection that sent the relay password in clear. The relay here is
a real aiosmtpd server on loopback that offers AUTH without TLS (as a careless relay
would) and records every password it is sent.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from bot.delivery import DeliveryWorker, SmtpConfigError, SmtpSettings, enqueue
from tests.helpers.servers import ROOT, free_port
from tests.helpers.smtp import RecordingInbox

PASSWORD = "relay-pa55word-never-in-clear"  # noqa: S105 - a test value


@pytest.fixture()
def careless_relay():
    """A relay that accepts AUTH over plain text; `.seen` holds every password sent."""
    seen: list[bytes] = []

    def authenticator(server, session, envelope, mechanism, data):  # noqa: ANN001
        seen.append(bytes(getattr(data, "password", b"") or b""))
        return AuthResult(success=True)

    port = free_port()
    controller = Controller(
        RecordingInbox(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    yield port, seen
    controller.stop()


@pytest.mark.parametrize("written", ["STARTTLS", "StartTLS", " starttls ", "TLS"])
def test_any_case_of_tls_never_sends_the_password_in_clear(written, careless_relay, tmp_path):
    port, seen = careless_relay
    settings = SmtpSettings("127.0.0.1", port, security=written, username="bot", password=PASSWORD)
    assert settings.security == written.strip().lower()
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    enqueue(
        url, b"Subject: x\r\n\r\nsealed\r\n", ["prevent@essex.pnn.police.uk"], "VTR-1", "s", "b@x"
    )
    counts = DeliveryWorker(url, settings).run_once()
    assert counts["sent"] == 0  # the relay offers no TLS: nothing goes, in clear or not
    assert seen == []


@pytest.mark.parametrize("written", ["ssl", "starttsl", "plain", "", "yes", "tls1.2"])
def test_unknown_security_refuses_to_start(written):
    with pytest.raises(SmtpConfigError, match="tls"):
        SmtpSettings("127.0.0.1", 25, security=written)


@pytest.mark.parametrize("host", ["smtp.example.org", "10.0.0.5", "localhost.example.org"])
def test_plain_smtp_only_to_a_loopback_host(host):
    with pytest.raises(SmtpConfigError, match="loopback"):
        SmtpSettings(host, 25, security="none")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_plain_smtp_to_loopback_is_allowed_and_logged_loudly(host, caplog):
    assert SmtpSettings(host, 25, security="NONE").security == "none"
    assert "WITHOUT ENCRYPTION" in caplog.text


def test_the_worker_process_refuses_to_start_with_a_clear_message(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREVENT_VAR_DIR": str(tmp_path),
        "PREVENT_SMTP_HOST": "127.0.0.1",
        "PREVENT_SMTP_PORT": str(free_port()),
        "PREVENT_SMTP_SECURITY": "ssl",
        "PREVENT_SMTP_PASSWORD": PASSWORD,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.delivery.worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "must be 'tls' or 'starttls'" in done.stderr
    assert PASSWORD not in done.stderr + done.stdout


def test_the_careless_relay_does_record_a_password_sent_in_clear(careless_relay, tmp_path):
    """The check above is meaningful: over plain SMTP the relay does see the password."""
    port, seen = careless_relay
    settings = SmtpSettings("127.0.0.1", port, security="none", username="bot", password=PASSWORD)
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    enqueue(
        url, b"Subject: x\r\n\r\nsealed\r\n", ["prevent@essex.pnn.police.uk"], "VTR-1", "s", "b@x"
    )
    assert DeliveryWorker(url, settings).run_once()["sent"] == 1
    assert seen == [PASSWORD.encode()]
