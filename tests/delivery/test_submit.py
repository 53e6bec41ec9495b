"""`submit` (bot/delivery/submit.py): the one step from a confirmed draft to a referral on
its way. It chooses the route SET 2.5 allows, seals with the configured certificates, and
says whether a delivery worker will send what it queued."""

from __future__ import annotations

import base64
import dataclasses
import io
import secrets
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.delivery import heartbeat
from bot.delivery.outbox import QUEUED, receipt
from bot.delivery.pickup import PickupStore
from bot.delivery.submit import (
    FILES_ROUTE,
    InboxSettings,
    NotSent,
    PasswordPickup,
    Sealed,
    SubmitSettings,
    submit,
)
from bot.referral import Draft
from bot.referral.form import load_form
from bot.store.crypto import KeyRing
from tests.conftest import ROOT
from tests.helpers.pki import make_inbox
from tests.sealing.conftest import FORENAME, full_values

INBOX = "prevent@essex.pnn.police.uk"


@pytest.fixture(scope="module")
def form():
    return load_form(ROOT / "referral_forms" / "vtr.yml")


@pytest.fixture(scope="module")
def inbox_cert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_inbox(tmp_path_factory.mktemp("inbox")).cert_file


def _settings(tmp_path: Path, *certificates: Path, address: str = INBOX) -> SubmitSettings:
    return SubmitSettings(
        inbox=InboxSettings(address, "assistant@school.example"),
        inbox_certificates=tuple(certificates),
        signing_cert=None,
        signing_key=None,
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'prevent.db'}",
        public_url="https://assistant.example/",
    )


def _draft() -> Draft:
    return Draft(id=secrets.token_hex(16), status="ready", values=full_values())


def _pickups(settings: SubmitSettings) -> PickupStore:
    ring = KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    return PickupStore(settings.database_url, ring)


def test_with_inbox_certificates_the_referral_is_sealed_and_queued(tmp_path, form, inbox_cert):
    settings = _settings(tmp_path, inbox_cert)
    result = submit(form, _draft(), settings, _pickups(settings))
    assert isinstance(result, Sealed)
    assert result.receipt.recipients == (INBOX,)
    queued = receipt(settings.database_url, result.receipt.reference)
    assert queued is not None and queued.status == QUEUED
    assert result.worker_alive is False  # no delivery worker has beaten


def test_a_worker_that_beat_recently_is_alive_to_send_it(tmp_path, form, inbox_cert):
    settings = _settings(tmp_path, inbox_cert)
    heartbeat.beat(settings.database_url)
    result = submit(form, _draft(), settings, _pickups(settings))
    assert isinstance(result, Sealed) and result.worker_alive is True


def test_without_certificates_a_protected_pdf_waits_behind_a_one_time_link(tmp_path, form):
    settings = _settings(tmp_path)
    pickups = _pickups(settings)
    result = submit(form, _draft(), settings, pickups)
    assert isinstance(result, PasswordPickup)
    assert result.link == f"https://assistant.example{FILES_ROUTE}{result.route.token}"
    kept = pickups.take(result.route.token)
    assert kept is not None and kept.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(kept.content))
    assert reader.is_encrypted and reader.decrypt(result.route.password)
    assert FORENAME in reader.pages[0].extract_text()
    assert receipt(settings.database_url, result.route.reference) is None  # nothing queued


def test_an_inbox_outside_the_secure_domains_is_refused_and_nothing_is_queued(
    tmp_path, form, inbox_cert
):
    settings = _settings(tmp_path, inbox_cert, address="prevent@gmail.com")
    result = submit(form, _draft(), settings, _pickups(settings))
    assert isinstance(result, NotSent)
    assert (result.stage, result.error) == ("seal", "InsecureAddress")
    assert result.detail  # what the user is told


def test_a_certificate_that_cannot_be_read_is_refused_with_why(tmp_path, form):
    broken = tmp_path / "inbox.crt.pem"
    broken.write_text("not a certificate")
    settings = _settings(tmp_path, broken)
    result = submit(form, _draft(), settings, _pickups(settings))
    assert isinstance(result, NotSent) and result.stage == "seal"
    assert "not a PEM certificate" in result.detail


def test_when_the_pdf_cannot_be_kept_the_password_route_is_not_sent(tmp_path, form):
    (tmp_path / "a-folder.db").mkdir()  # a database that cannot be opened
    settings = dataclasses.replace(
        _settings(tmp_path), database_url=f"sqlite:///{tmp_path / 'a-folder.db'}"
    )
    result = submit(form, _draft(), settings, _pickups(settings))
    assert isinstance(result, NotSent) and result.stage == "protect"
