"""Concern alerts pushed on Telegram and Teams (real client libraries, loopback servers)."""

from __future__ import annotations

import asyncio
import base64
import secrets

from bot.channels.push import push_concern_alerts
from bot.channels.teams import TeamsPusher
from bot.channels.teams_auth import settings_from
from bot.channels.telegram import TelegramPusher, TelegramSettings
from bot.concerns import Concerns
from bot.concerns.orgs import Orgs
from bot.enrolment import Enrolment
from bot.store.crypto import KeyRing
from tests.helpers.bot_framework import BotFramework
from tests.helpers.telegram_api import running_fake_telegram

TOKEN = "123456:TEST-alert-token"


class Refusing:
    async def push(self, route, text):
        raise ConnectionError("channel down")


def _concerns(tmp_path) -> tuple[Concerns, str, bytes]:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    ring = KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    pepper = secrets.token_bytes(32)
    Orgs(url).add("St Mary's", "southend")
    Orgs(url).add("Harbour College", "essex")
    return Concerns(url, ring, pepper), url, pepper


def test_a_new_concern_is_pushed_once_to_each_dsl_of_the_school_on_telegram(tmp_path):
    concerns, *_ = _concerns(tmp_path)
    concerns.staff.enrol("t-1", "rest", "st-marys", "teacher")
    concerns.staff.enrol("9001", "telegram", "st-marys", "dsl")
    concerns.staff.enrol("9002", "telegram", "st-marys", "dsl")
    concerns.staff.enrol("9003", "telegram", "harbour-college", "dsl")
    concern, alerted = concerns.raise_concern("rest:t-1", "Zephyrine said something worrying")
    assert alerted == 2
    with running_fake_telegram(TOKEN) as fake:
        pushers = {"telegram": TelegramPusher(TelegramSettings(TOKEN, "secret", fake.base_url))}
        assert asyncio.run(push_concern_alerts(concerns, pushers)) == 2
        assert asyncio.run(push_concern_alerts(concerns, pushers)) == 0  # once
        sent = fake.messages_to(9001) + fake.messages_to(9002)
        assert fake.messages_to(9003) == []
    assert all(concern.ref in m["text"] and "{" not in m["text"] for m in sent)
    assert all("Zephyrine" not in m["text"] for m in sent)  # an alert, not the concern
    # The teacher on REST is told of the read at their next message, not pushed.
    concerns.open("telegram:9001", concern.ref)
    assert [a.kind for a in concerns.take_alerts("rest:t-1")] == ["read"]


def test_a_question_is_pushed_to_the_teams_chat_of_the_teacher_who_raised_it(tmp_path):
    concerns, *_ = _concerns(tmp_path)
    with BotFramework() as framework:
        address = {
            "service_url": framework.service_url,
            "conversation": {"id": "a:1-teacher-chat"},
            "bot": {"id": f"28:{framework.app_id}", "name": "Prevent assistant"},
            "user": {"id": "29:teacher"},
        }
        concerns.staff.enrol("aad-teacher", "teams", "st-marys", "teacher", address)
        concerns.staff.enrol("aad-dsl", "teams", "st-marys", "dsl")  # no address yet
        concern, _ = concerns.raise_concern("teams:aad-teacher", "A worry")
        concerns.ask("teams:aad-dsl", concern.ref, "Which lesson was it?")
        pusher = TeamsPusher(settings_from(None, env=framework.env()))
        # The question reaches the teacher's Teams chat; the DSL without an
        # address keeps the new-concern alert for their next message.
        assert asyncio.run(push_concern_alerts(concerns, {"teams": pusher})) == 1
        [posted] = framework.replies("a:1-teacher-chat")
    assert "Which lesson was it?" in posted.text and concern.ref in posted.text
    assert [a.kind for a in concerns.take_alerts("teams:aad-dsl")] == ["new"]


def test_a_failed_push_leaves_the_alert_for_the_next_message(tmp_path):
    concerns, *_ = _concerns(tmp_path)
    concerns.staff.enrol("t-1", "rest", "st-marys", "teacher")
    concerns.staff.enrol("9001", "telegram", "st-marys", "dsl")
    concern, _ = concerns.raise_concern("rest:t-1", "A worry")
    assert asyncio.run(push_concern_alerts(concerns, {"telegram": Refusing()})) == 0
    assert [a.ref for a in concerns.take_alerts("telegram:9001")] == [concern.ref]


def test_forget_me_unlinks_the_member_of_staff_and_drops_their_alerts(tmp_path):
    concerns, url, pepper = _concerns(tmp_path)
    enrolment = Enrolment(url, pepper)
    enrolment.redeem("webchat", "w-dsl", enrolment.issue("webchat").code)
    concerns.staff.enrol("w-dsl", "webchat", "st-marys", "dsl")
    concerns.staff.enrol("t-1", "rest", "st-marys", "teacher")
    concerns.raise_concern("rest:t-1", "A worry")
    assert enrolment.remove("webchat", "w-dsl")
    assert concerns.whoami("webchat:w-dsl") is None and concerns.take_alerts("webchat:w-dsl") == []


def test_the_teacher_is_pushed_the_kind_of_each_decision_never_its_reasons(tmp_path):
    concerns, *_ = _concerns(tmp_path)
    concerns.staff.enrol("8001", "telegram", "st-marys", "teacher")
    concerns.staff.enrol("t-dsl", "rest", "st-marys", "dsl")
    concern, _ = concerns.raise_concern("telegram:8001", "Zephyrine said something worrying")
    concerns.decide("rest:t-dsl", concern.ref, "nfa", "Zephyrine explained; a film quote")
    concerns.decide("rest:t-dsl", concern.ref, "refer", "Zephyrine repeated it to a TA")
    with running_fake_telegram(TOKEN) as fake:
        pushers = {"telegram": TelegramPusher(TelegramSettings(TOKEN, "secret", fake.base_url))}
        assert asyncio.run(push_concern_alerts(concerns, pushers)) == 2
        told = [m["text"] for m in fake.messages_to(8001)]
    assert len(told) == 2 and all(concern.ref in text for text in told)
    assert "Decision recorded" in told[0] and "no further action" in told[0]
    assert "referred to Prevent" in told[1]
    for text in told:  # the kind of decision only: no reasons, no names
        assert "Zephyrine" not in text and "film" not in text and "TA" not in text
