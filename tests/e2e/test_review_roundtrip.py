"""Issue 6 end to end: chat → sealed → loopback inbox → review app → news back in the chat.

A DSL confirms a draft over the real Rasa and action servers; the delivery worker sends the
sealed referral to a loopback SMTP server (aiosmtpd); a Prevent reviewer signs in to the
review app (its own server, the only holder of the inbox key), opens the referral, moves it
to screening; the DSL asks for news and hears the status, never the referral's content.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from bot.delivery import DeliveryWorker, SmtpSettings
from bot.delivery.worker import tell_referrer
from bot.review.app import create_app
from bot.store.db import utcnow
from tests.helpers.pki import make_inbox
from tests.helpers.servers import ROOT, free_port, running_assistant
from tests.helpers.smtp import RecordingInbox as Inbox
from tests.helpers.vtr_answers import VTR_ANSWERS, draft_to_summary, text_of
from tests.review.factories import (
    CHEAP_SCRYPT,
    PASSWORD,
    TEST_APP_KEY,
    StaffClient,
    serving,
    settings_for,
)

pytestmark = pytest.mark.servers

ANSWERS = {**VTR_ANSWERS, "first name": "Ottoline", "surname": "Fairweather-Nkemelu"}


def test_a_reviewer_status_change_reaches_the_dsl_in_chat(model_path, tmp_path):
    inbox_keys = make_inbox(tmp_path / "prevent-team")
    updates_key = base64.b64encode(os.urandom(32)).decode()
    var = tmp_path / "var"
    database_url = f"sqlite:///{var / 'prevent.db'}"
    env = {
        "PREVENT_INBOX_CERTS": str(inbox_keys.cert_file),
        "PREVENT_INBOX_ADDRESS": "prevent@essex.pnn.police.uk",
        "PREVENT_UPDATES_KEY": updates_key,
    }
    smtp, port = Inbox(), free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=port)
    controller.start()
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    try:
        with running_assistant(model_path, var, extra_env=env) as bot:
            # 1. The DSL confirms the draft: sealed and queued.
            draft_to_summary(bot, sender, ANSWERS)
            receipt = text_of(bot.say(sender, "yes"))
            # No delivery worker is running yet: not "on its way", but queued + phone route.
            assert "not running" in receipt and "01245 452196" in receipt, receipt
            assert "on its way" not in receipt
            reference = next(w.strip(".,()") for w in receipt.split() if w.startswith("VTR-"))

            # 2. A first try through a relay that refuses (no STARTTLS): the DSL hears it is
            #    delayed and retried, not that it was delivered.
            refused = DeliveryWorker(
                database_url,
                SmtpSettings("127.0.0.1", port, security="starttls"),
                backoff=timedelta(0),
                on_outcome=tell_referrer(base64.b64decode(updates_key)),
            )
            assert refused.run_once(utcnow() + timedelta(seconds=5))["retry"] == 1
            delayed = text_of(bot.say(sender, "any news on my referral?"))
            assert "has not reached the secure Prevent inbox" in delayed and reference in delayed
            assert "delivered" not in delayed.replace("when it is delivered", ""), delayed

            # 3. The worker delivers it to the loopback inbox; the DSL is told.
            worker = DeliveryWorker(
                database_url,
                SmtpSettings("127.0.0.1", port, security="none"),
                on_outcome=tell_referrer(base64.b64decode(updates_key)),
            )
            assert worker.run_once(utcnow() + timedelta(seconds=5))["sent"] == 1
            assert len(smtp.messages) == 1 and b"Ottoline" not in smtp.messages[0]

            # 4. A reviewer opens it in the review app and moves it to screening.
            review_env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "PREVENT_DATABASE_URL": database_url,
                "PREVENT_REVIEW_SCRYPT_LOG2_N": str(CHEAP_SCRYPT),
                # the app below shares this key: accounts are sealed under it
                "PREVENT_REVIEW_SECRET_KEY": base64.b64encode(TEST_APP_KEY).decode(),
            }
            subprocess.run(
                [sys.executable, "-m", "bot.review.accounts", "create", "rosa",
                 "--role", "reviewer", "--name", "Rosa Reviewer", "--password-stdin"],
                cwd=ROOT, env=review_env, input=PASSWORD + "\n", text=True, check=True,
                capture_output=True, timeout=60,
            )  # fmt: skip
            # The assistant signed it with the key it made for this local run: the review
            # app is given that certificate, as the Prevent team would be.
            settings = settings_for(
                tmp_path / "review",
                inbox_keys,
                database_url,
                PREVENT_UPDATES_KEY=updates_key,
                PREVENT_REVIEW_ASSISTANT_CERT_FILE=str(var / "keys" / "assistant-signing.crt.pem"),
            )
            with serving(create_app(settings)) as review_url:
                staff = StaffClient(review_url)
                assert staff.sign_in("rosa").status_code == 303
                assert reference in staff.get("/queue").text
                page = staff.get(f"/referrals/{reference}")
                assert page.status_code == 200 and "Fairweather-Nkemelu" in page.text
                moved = staff.post(
                    f"/referrals/{reference}/status",
                    {"from_status": "received", "to_status": "screening", "tell_referrer": "yes"},
                )
                assert moved.status_code == 303, moved.text[-500:]

            # 5. The DSL sees the delivery and the status in chat, and nothing of the content.
            news = text_of(bot.say(sender, "any news on my referral?"))
    finally:
        controller.stop()
    assert "delivered" in news and reference in news, news
    assert "started screening your referral" in news, news
    assert "Ottoline" not in news and "Fairweather" not in news
