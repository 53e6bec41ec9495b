"""End to end: a DSL confirms a draft in chat; it arrives sealed at a loopback inbox."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from docx import Document
from pypdf import PdfReader

from bot.delivery import DeliveryWorker, SmtpSettings, heartbeat
from bot.delivery.worker import tell_referrer
from bot.referral.updates import load_updates_key
from bot.sealing import open_sealed
from tests.helpers.pki import make_inbox
from tests.helpers.servers import free_port, running_assistant
from tests.helpers.smtp import RecordingInbox as Inbox
from tests.helpers.vtr_answers import VTR_ANSWERS, draft_to_summary, text_of

pytestmark = pytest.mark.servers

ANSWERS = {
    **VTR_ANSWERS,
    "first name": "Zebedee",
    "surname": "Quillfeather",
    "gender": "male",
    "in your own words": "He shares far-right videos in class.",
    "family been told": "His mum knows and agrees",
    "done about it": "spoke to him",
}


def test_a_confirmed_draft_arrives_sealed_and_only_the_inbox_key_opens_it(model_path, tmp_path):
    keys = make_inbox(tmp_path / "prevent-team")
    cert_path, cert, key = keys.cert_file, keys.cert, keys.key
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    var = tmp_path / "var"
    env = {
        "PREVENT_INBOX_CERTS": str(cert_path),
        "PREVENT_INBOX_ADDRESS": "prevent@essex.pnn.police.uk",
    }
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    try:
        with running_assistant(model_path, var, extra_env=env) as bot:
            draft_to_summary(bot, sender, ANSWERS)
            heartbeat.beat(f"sqlite:///{var / 'prevent.db'}")  # a delivery worker is alive
            receipt = text_of(bot.say(sender, "yes"))
            assert "sealed" in receipt.lower() and "prevent@essex.pnn.police.uk" in receipt
            assert "on its way" in receipt and "not running" not in receipt, receipt
            assert "Zebedee" not in receipt  # a receipt, never the content
            rows = (
                sqlite3.connect(var / "prevent.db")
                .execute("select status, next_attempt_at from outbox")
                .fetchall()
            )
            assert [r[0] for r in rows] == ["queued"], rows
            db_url = f"sqlite:///{var / 'prevent.db'}"
            worker = DeliveryWorker(
                db_url,
                SmtpSettings("127.0.0.1", port, security="none"),
                on_outcome=tell_referrer(load_updates_key(var)),
            )
            counts = worker.run_once(
                datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=5)
            )
            error = (
                sqlite3.connect(var / "prevent.db")
                .execute("select last_error from outbox")
                .fetchall()
            )
            assert counts["sent"] == 1, (counts, error)
            # The DSL hears that it arrived (reference, inbox, time), never the content.
            news = text_of(bot.say(sender, "any news on my referral?"))
            assert "delivered" in news and "prevent@essex.pnn.police.uk" in news, news
            assert re.search(r"VTR-[0-9A-F]{8}", news) and "Zebedee" not in news
            assert "no new news" in text_of(bot.say(sender, "any news on my referral?")).lower()
            # "My drafts": the referral is listed as sent, with where it is; nothing to continue.
            listed = text_of(bot.say(sender, "my drafts"))
            reference = re.search(r"VTR-[0-9A-F]{8}", news).group(0)
            assert f"{reference}: sent: delivered to the secure inbox" in listed, listed
            assert "continue my draft" not in listed
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    wire = inbox.messages[0]
    assert b"Zebedee" not in wire and b"enveloped-data" in wire
    opened = open_sealed(wire, cert, key)
    parts = {
        p.get_filename(): p.get_payload(decode=True) for p in opened.walk() if p.get_filename()
    }
    json_part = next(data for name, data in parts.items() if name.endswith(".json"))
    document = json.loads(json_part)
    assert "Zebedee" in json.dumps(document, ensure_ascii=False)
    assert any(name.endswith(".pdf") for name in parts) and any(
        name.endswith(".docx") for name in parts
    )
    # Signed, then sealed: the assistant's own certificate (made in var/keys here) signs it.
    from cryptography import x509

    from bot.sealing import decrypt_sealed, verify_signed

    assistant = x509.load_pem_x509_certificate(
        (var / "keys" / "assistant-signing.crt.pem").read_bytes()
    )
    assert verify_signed(decrypt_sealed(wire, cert, key), assistant).ok
    # What arrives says what it is: submitted, sealed just now, every answer in its row.
    assert document["status"] == "submitted"
    sealed_at = datetime.fromisoformat(document["sealed_at"])
    assert abs(datetime.now(timezone.utc) - sealed_at) < timedelta(minutes=10)
    fields = {f["id"]: f for s in document["sections"] for f in s["fields"]}
    assert fields["forename"]["value"] == "Zebedee"
    assert fields["surname"]["value"] == "Quillfeather"
    assert fields["gender"]["value"] == "male"
    assert fields["other_vulnerabilities"]["value"] == "none known"
    assert fields["referrer_name"] == {
        "id": "referrer_name",
        "label": "Referrer's name",
        "value": "Dana Whitfield",
    }
    assert fields["indicators"]["value"] == (
        "Engagement: Watches the group's videos every night\n"
        "Intent: nothing seen\n"
        "Capability: Not known"
    )
    pdf_name = next(name for name in parts if name.endswith(".pdf"))
    reader = PdfReader(io.BytesIO(parts[pdf_name]))
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert f"Submitted {sealed_at:%d/%m/%Y %H:%M} UTC" in first_page and "DRAFT" not in first_page
    assert reader.metadata.author == "Prevent safeguarding assistant (SET)"
    assert abs(reader.metadata.creation_date - sealed_at) < timedelta(seconds=1)
    docx_name = next(name for name in parts if name.endswith(".docx"))
    props = Document(io.BytesIO(parts[docx_name])).core_properties
    assert props.author == "Prevent safeguarding assistant (SET)"
    # The bot keeps no readable copy: the draft row holds no name, even to its own key.
    data = (var / "prevent.db").read_bytes()
    assert b"Zebedee" not in data
    status = sqlite3.connect(var / "prevent.db").execute("select status from drafts").fetchall()
    assert status == [("sealed",)]
    assert message_from_bytes(wire)["Message-ID"].startswith("<VTR-")
