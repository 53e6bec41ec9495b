"""News pushed to a referrer on Telegram and Teams (real client libraries, loopback servers)."""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading

from bot.channels.push import push_pending, say
from bot.channels.teams import TeamsPusher
from bot.channels.teams_auth import settings_from
from bot.channels.telegram import TelegramPusher, TelegramSettings
from bot.referral.updates import ReferrerUpdates
from bot.store.crypto import KeyRing
from tests.helpers.bot_framework import BotFramework
from tests.helpers.telegram_api import running_fake_telegram

TOKEN = "123456:TEST-push-token"


class Refusing:
    async def push(self, route, text):
        raise ConnectionError("channel down")


def _updates(tmp_path, kind: type[ReferrerUpdates] = ReferrerUpdates) -> ReferrerUpdates:
    ring = KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    return kind(f"sqlite:///{tmp_path / 'bot.db'}", ring, b"pepper" * 6, secrets.token_bytes(32))


def test_news_is_pushed_once_to_the_telegram_user_who_sent_the_referral(tmp_path):
    updates = _updates(tmp_path)
    updates.register("VTR-PUSH0001", "424242", "telegram")
    updates.register("VTR-REST0001", "rest-user", "rest")
    updates.post("VTR-PUSH0001", "status", status="Screening has started (SET 2.5).")
    updates.post("VTR-REST0001", "sent", inbox="prevent@essex.pnn.police.uk", when="now")
    with running_fake_telegram(TOKEN) as fake:
        settings = TelegramSettings(TOKEN, "secret", fake.base_url)
        pushers = {"telegram": TelegramPusher(settings)}
        assert asyncio.run(push_pending(updates, pushers)) == 1
        assert asyncio.run(push_pending(updates, pushers)) == 0  # once
        [sent] = fake.messages_to(424242)
    assert "VTR-PUSH0001" in sent["text"] and "Screening has started" in sent["text"]
    assert "{" not in sent["text"]  # every placeholder filled
    # The REST user can't be pushed to: their news waits for their next message.
    assert [u.reference for u in updates.take_for("rest-user")] == ["VTR-REST0001"]


def test_news_is_pushed_to_the_teams_chat_the_referral_was_sent_from(tmp_path):
    updates = _updates(tmp_path)
    with BotFramework() as framework:
        address = {
            "service_url": framework.service_url,
            "conversation": {"id": "a:1-personal-chat"},
            "bot": {"id": f"28:{framework.app_id}", "name": "Prevent assistant"},
            "user": {"id": "29:teacher"},
        }
        updates.register("VTR-TEAM0001", "aad-teacher", "teams", "essex", address)
        updates.register("VTR-TEAM0002", "aad-other", "teams", "essex")  # no address kept
        updates.post("VTR-TEAM0001", "message", message="Could you ring us about this?")
        updates.post("VTR-TEAM0002", "status", status="Screening")
        pusher = TeamsPusher(settings_from(None, env=framework.env()))
        assert asyncio.run(push_pending(updates, {"teams": pusher})) == 1
        [posted] = framework.replies("a:1-personal-chat")
    assert "VTR-TEAM0001" in posted.text and "Could you ring us" in posted.text
    # Without an address the news waits for their next message instead of being lost.
    assert [u.reference for u in updates.take_for("aad-other")] == ["VTR-TEAM0002"]


def test_a_failed_push_leaves_the_news_for_the_next_message(tmp_path):
    updates = _updates(tmp_path)
    updates.register("VTR-PUSH0002", "424243", "telegram")
    updates.post("VTR-PUSH0002", "message", message="Could you ring us?")
    assert asyncio.run(push_pending(updates, {"telegram": Refusing()})) == 0
    [news] = updates.take_for("424243")
    assert news.details["message"] == "Could you ring us?"


class ThreadNoting(ReferrerUpdates):
    """The real store, noting the thread each database call runs on."""

    threads: set[int] = set()

    def pending(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.threads.add(threading.get_ident())
        return super().pending(*args, **kwargs)

    def mark_delivered(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.threads.add(threading.get_ident())
        return super().mark_delivered(*args, **kwargs)


def test_the_store_is_read_off_the_event_loop(tmp_path):
    """The push loop is asyncio too: its database calls run in worker threads."""
    updates = _updates(tmp_path, ThreadNoting)
    assert isinstance(updates, ThreadNoting)
    updates.threads = set()
    updates.register("VTR-PUSH0003", "424244", "telegram")
    updates.post("VTR-PUSH0003", "message", message="Could you ring us?")
    loop_threads: set[int] = set()

    class Noting:
        async def push(self, route, text):
            loop_threads.add(threading.get_ident())

    assert asyncio.run(push_pending(updates, {"telegram": Noting()})) == 1
    assert loop_threads and updates.threads and not updates.threads & loop_threads


def test_every_kind_of_news_reads_as_a_sentence():
    values = {
        "reference": "VTR-1",
        "police_phone": "01245 452196",
        "inbox": "prevent@essex.pnn.police.uk",
        "when": "23/11/2026 10:00 UTC",
        "status": "Screening",
        "detail": "The Prevent team has started screening your referral.",
        "message": "Please ring us",
    }
    for response in (
        "utter_referral_update_sent",
        "utter_referral_update_not_sent",
        "utter_referral_update_status",
        "utter_referral_update_message",
    ):
        text = say(response, values)
        assert "VTR-1" in text and "{" not in text, response
