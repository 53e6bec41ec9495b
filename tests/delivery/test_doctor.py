"""`make doctor` against real things: a loopback SMTP server (aiosmtpd), real certificate files."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from bot import doctor
from tests.helpers.pki import make_inbox
from tests.helpers.servers import ROOT, free_port
from tests.helpers.smtp import RecordingInbox


@pytest.fixture()
def relay():
    """A plain loopback relay: no STARTTLS, no TLS (as a misconfigured relay would be)."""
    port = free_port()
    controller = Controller(RecordingInbox(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


def _levels(findings: list[doctor.Finding]) -> list[str]:
    return [f.level for f in findings]


def test_a_relay_without_starttls_is_a_problem_said_in_words(relay):
    found = doctor.check_smtp(
        {"PREVENT_SMTP_HOST": "127.0.0.1", "PREVENT_SMTP_PORT": str(relay)}  # starttls default
    )
    assert _levels(found) == [doctor.PROBLEM]
    assert "does not offer STARTTLS" in found[0].text and f"127.0.0.1:{relay}" in found[0].text


def test_tls_against_a_plain_port_is_a_failed_handshake(relay):
    env = {"PREVENT_SMTP_HOST": "127.0.0.1", "PREVENT_SMTP_PORT": str(relay)}
    found = doctor.check_smtp({**env, "PREVENT_SMTP_SECURITY": "tls"}, timeout=3)
    assert _levels(found) == [doctor.PROBLEM] and "TLS handshake" in found[0].text


def test_none_on_loopback_is_fine_and_nothing_listening_is_a_problem(relay):
    env = {"PREVENT_SMTP_HOST": "127.0.0.1", "PREVENT_SMTP_SECURITY": "none"}
    found = doctor.check_smtp({**env, "PREVENT_SMTP_PORT": str(relay)})
    assert _levels(found) == [doctor.OK] and "relay on this machine" in found[0].text
    found = doctor.check_smtp({**env, "PREVENT_SMTP_PORT": str(free_port())})
    assert _levels(found) == [doctor.PROBLEM] and "cannot connect" in found[0].text
    found = doctor.check_smtp({**env, "PREVENT_SMTP_SECURITY": "ssl"})
    assert _levels(found) == [doctor.PROBLEM] and "starttls" in found[0].text
    # Certificates configured but no relay: sealed referrals would never leave.
    found = doctor.check_smtp({"PREVENT_INBOX_CERTS": "x.pem"})
    assert _levels(found) == [doctor.PROBLEM] and "never sent" in found[0].text


def test_certificates_present_valid_and_not_a_key(tmp_path: Path):
    inbox = make_inbox(tmp_path)
    found = doctor.check_certificates({"PREVENT_INBOX_CERTS": str(inbox.cert_file)})
    assert _levels(found) == [doctor.OK] and "valid until" in found[0].text
    found = doctor.check_certificates({"PREVENT_INBOX_CERTS": str(inbox.key_file)})
    assert _levels(found) == [doctor.PROBLEM] and "holds a private key" in found[0].text
    found = doctor.check_certificates({"PREVENT_INBOX_CERTS": str(tmp_path / "missing.pem")})
    assert _levels(found) == [doctor.PROBLEM] and "does not exist" in found[0].text
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")
    found = doctor.check_certificates({"PREVENT_INBOX_CERTS": str(junk)})
    assert _levels(found) == [doctor.PROBLEM] and "not a PEM certificate" in found[0].text
    expired = tmp_path / "expired.pem"
    expired.write_bytes(_expired_cert().public_bytes(serialization.Encoding.PEM))
    found = doctor.check_certificates({"PREVENT_INBOX_CERTS": str(expired)})
    assert _levels(found) == [doctor.PROBLEM] and "expired" in found[0].text
    assert _levels(doctor.check_certificates({})) == [doctor.WARNING]  # the SET 2.5 fallback


def test_updates_key_public_url_and_inbox_address(tmp_path: Path):
    good = base64.b64encode(os.urandom(32)).decode()
    assert _levels(doctor.check_updates_key({"PREVENT_UPDATES_KEY": good}, tmp_path)) == ["ok"]
    short = base64.b64encode(os.urandom(16)).decode()
    found = doctor.check_updates_key({"PREVENT_UPDATES_KEY": short}, tmp_path)
    assert _levels(found) == [doctor.PROBLEM] and "16 bytes" in found[0].text
    found = doctor.check_updates_key({"PREVENT_UPDATES_KEY": "not base64!"}, tmp_path)
    assert _levels(found) == [doctor.PROBLEM]
    found = doctor.check_public_url({"PREVENT_PUBLIC_URL": "http://assistant.example.org"})
    assert _levels(found) == [doctor.PROBLEM] and "not https" in found[0].text
    assert _levels(doctor.check_public_url({"PREVENT_PUBLIC_URL": "http://localhost:5005"})) == [
        doctor.OK
    ]
    found = doctor.check_inbox_address({"PREVENT_INBOX_ADDRESS": "prevent@essex.gsi.gov.uk"})
    assert _levels(found) == [doctor.PROBLEM]
    assert _levels(doctor.check_inbox_address({})) == [doctor.OK]


def test_a_setting_every_process_would_refuse_is_a_problem_named():
    found = doctor.check_settings({"PREVENT_DELIVERY_BATCH": "twenty"})
    assert _levels(found) == [doctor.PROBLEM] and "PREVENT_DELIVERY_BATCH" in found[0].text
    assert doctor.check_settings({"PREVENT_DELIVERY_BATCH": "20"}) == []


def test_make_doctor_prints_each_finding_and_fails_on_a_problem(relay, tmp_path: Path):
    inbox = make_inbox(tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREVENT_VAR_DIR": str(tmp_path),
        "PREVENT_INBOX_CERTS": str(inbox.cert_file),
        "PREVENT_SMTP_HOST": "127.0.0.1",
        "PREVENT_SMTP_PORT": str(relay),
        "PREVENT_SMTP_SECURITY": "starttls",
        "PREVENT_UPDATES_KEY": base64.b64encode(os.urandom(32)).decode(),
        "PREVENT_PUBLIC_URL": "https://localhost",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.doctor"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "PROBLEM  SMTP relay" in done.stdout and "does not offer STARTTLS" in done.stdout
    assert "OK       inbox certificate" in done.stdout and "1 problem(s)." in done.stdout
    env["PREVENT_SMTP_SECURITY"] = "none"
    done = subprocess.run(
        [sys.executable, "-m", "bot.doctor"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and "No problems found." in done.stdout, done.stdout


def _expired_cert() -> x509.Certificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old inbox (test)")])
    now = datetime.now(timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=60))
        .not_valid_after(now - timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
