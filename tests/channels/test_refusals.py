"""A refused turn is "busy, send it again" on every channel; any other failure is not.

`bot.channels.refusals`: when the lock store refuses a turn (Redis away, or a lock that
kept changing) nothing of the message was taken, so the person must be told to send it
again, with the 999 line, and HTTP callers get 503 with Retry-After. Each channel's handler
is driven without a web server; Telegram's replies go through python-telegram-bot to the
Bot API stand-in on loopback, Teams' through the Bot Framework stand-in (JWTs checked).
The web chat's own case is in test_webchat_handler.py.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError

from bot.channels import refusals
from bot.channels.rest import RestInput
from bot.channels.teams import TeamsInput
from bot.channels.teams_auth import settings_from
from bot.channels.telegram import TelegramInput, TelegramSettings
from bot.enrolment import Enrolment
from bot.runtime.turn_errors import LockContended, TrackerNotRead, TrackerNotSaved, TurnRefused
from bot.wording import phrase
from tests.helpers.bot_framework import BotFramework
from tests.helpers.telegram_api import FakeTelegram, running_fake_telegram

TOKEN = "123456789:TEST-refusals-token"
SECRET = "refusals-secret_1"
STAFF = "5b1f0d2e-0000-4000-8000-00000000b5e1"
BUSY, FAILED = phrase(refusals.BUSY), phrase(refusals.FAILED)
NOT_SAVED = phrase(refusals.NOT_SAVED)

FAILURES: dict[str, tuple[BaseException, str]] = {
    "redis-away": (TurnRefused("lock store unreachable: ConnectionError"), BUSY),
    "lock-contended": (LockContended("turn lock contended: 40 tries"), BUSY),
    "lock-vanished": (LockError("Could not acquire lock"), BUSY),  # Rasa's own, while waiting
    # a CancelledError underneath (Rasa's fail-safe tracker store must let it through)
    "database-away": (TrackerNotRead("reading"), BUSY),
    "not-saved": (TrackerNotSaved("saving"), NOT_SAVED),
    "anything-else": (RuntimeError("the model is not loaded"), FAILED),
}


def raising(exc: BaseException, answered: str | None = None) -> Any:
    """Rasa's handler failing with `exc`; having first replied `answered` (a turn that
    ran, then could not be saved)."""

    async def on_new_message(message: UserMessage) -> None:
        if answered is not None:
            await message.output_channel.send_text_message(message.sender_id, answered)
        raise exc

    return on_new_message


def test_the_busy_sentence_says_send_it_again_and_keeps_the_999_line():
    assert "send it again" in BUSY and "999" in BUSY
    assert BUSY != FAILED and "999" in FAILED
    assert "again" not in NOT_SAVED and "999" in NOT_SAVED  # resending could repeat a confirm
    assert refusals.failure_key(LockContended()) == refusals.BUSY
    assert refusals.failure_key(LockError()) == refusals.BUSY
    assert refusals.failure_key(TrackerNotSaved()) == refusals.NOT_SAVED
    assert refusals.failure_key(ValueError()) == refusals.FAILED


def test_run_turn_names_each_failure_and_lets_a_timeout_through():
    async def went_through() -> None:
        return None

    assert asyncio.run(refusals.run_turn(went_through(), "test")) is None
    for exc, _ in FAILURES.values():
        key = asyncio.run(refusals.run_turn(raising(exc)(None), "test"))
        assert key == refusals.failure_key(exc)

    async def timed_out() -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(refusals.run_turn(timed_out(), "test"))
    after = refusals.phrase_after_replies
    assert after(None, False) is None and after(refusals.FAILED, True) is None
    assert after(refusals.BUSY, False) == refusals.BUSY
    assert after(refusals.NOT_SAVED, True) == refusals.NOT_SAVED


def test_run_turn_logs_what_failed_never_what_was_said(caplog):
    said = "my pupil Jordan Example said he will hurt someone"
    with caplog.at_level("DEBUG"):
        for exc in (ValueError(said), TrackerNotSaved(said), TurnRefused(said)):
            asyncio.run(refusals.run_turn(raising(exc)(None), "test"))
    assert caplog.records and "Jordan" not in caplog.text and "hurt" not in caplog.text
    assert "ValueError" in caplog.text


def test_rest_answers_a_refused_turn_503_busy_with_retry_after_and_other_failures_200():
    body = json.dumps({"sender": "s1", "message": "hello"}).encode()
    channel = RestInput()
    refused = asyncio.run(channel.handle(body, raising(FAILURES["redis-away"][0])))
    assert refused == (
        503,
        [{"recipient_id": "s1", "text": BUSY}],
        {"Retry-After": str(refusals.RETRY_AFTER_SECONDS)},
    )
    for case in ("lock-vanished", "database-away"):
        answer = asyncio.run(channel.handle(body, raising(FAILURES[case][0])))
        assert answer[0] == 503 and answer[1][0]["text"] == BUSY, case
    # it ran and answered, then could not be saved: the answer stands, and is qualified
    ran = asyncio.run(channel.handle(body, raising(TrackerNotSaved("saving"), "Sent: VTR-1")))
    assert ran == (
        200,
        [{"recipient_id": "s1", "text": "Sent: VTR-1"}, {"recipient_id": "s1", "text": NOT_SAVED}],
        {},
    )
    other = asyncio.run(channel.handle(body, raising(FAILURES["anything-else"][0])))
    assert other == (200, [{"recipient_id": "s1", "text": FAILED}], {})  # never silence
    # a failure after an answer: the answer stands, with nothing added
    late = asyncio.run(channel.handle(body, raising(FAILURES["anything-else"][0], "hello!")))
    assert late == (200, [{"recipient_id": "s1", "text": "hello!"}], {})

    async def answers(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "hi")

    assert asyncio.run(channel.handle(body, answers))[:2] == (
        200,
        [{"recipient_id": "s1", "text": "hi"}],
    )


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with running_fake_telegram(TOKEN) as fake:
        yield fake


@pytest.mark.parametrize("case", FAILURES)
def test_telegram_tells_the_person_busy_or_failed(telegram, tmp_path, case):
    exc, expected = FAILURES[case]
    enrolment = Enrolment(f"sqlite:///{tmp_path / 'prevent.db'}", b"p" * 32)
    channel = TelegramInput(TelegramSettings(TOKEN, SECRET, telegram.base_url), lambda: enrolment)
    user = 777_100_000 + list(FAILURES).index(case)
    code = enrolment.issue("telegram").code

    async def run() -> int:
        for text in (code, "hello"):
            update = json.dumps(telegram.text_update(user, text)).encode()
            status, _ = await channel.handle(SECRET, update, raising(exc))
        await channel._output().bot.shutdown()
        return status

    assert asyncio.run(run()) == 200  # Telegram must not re-deliver it
    assert [m["text"] for m in telegram.messages_to(user)][-1] == expected


@pytest.fixture(scope="module")
def bf() -> Iterator[BotFramework]:
    with BotFramework() as stub:
        yield stub


@pytest.mark.parametrize("case", FAILURES)
def test_teams_tells_the_person_busy_or_failed(bf, case):
    exc, expected = FAILURES[case]
    settings = settings_from(None, env=bf.env(TEAMS_ALLOWED_USERS=STAFF))
    channel = TeamsInput(settings)
    conversation = f"a:{uuid.uuid4().hex}"
    activity = bf.activity("hello", user=STAFF, conversation_id=conversation)
    body = json.dumps(activity).encode()
    status, _ = asyncio.run(channel.handle(f"Bearer {bf.token()}", body, raising(exc)))
    assert status == 200
    assert [r.text for r in bf.replies(conversation)] == [expected]
