"""Telegram's handler without a web server: `TelegramInput.handle(secret, body, on_new_message)`.

The same shape as Teams' handler. Replies go through real python-telegram-bot to the Bot API
stand-in on loopback (tests/helpers/telegram_api.py); enrolment is real, on SQLite.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.channels import telegram as channel
from bot.channels.telegram import TelegramInput, TelegramSettings
from bot.channels.telegram_auth import refusal, secret_matches
from bot.enrolment import Enrolment
from bot.wording import phrase
from tests.helpers.telegram_api import FakeTelegram, running_fake_telegram

TOKEN = "123456789:TEST-handler-token"
SECRET = "handler-secret_1"


class ThreadCheckingEnrolment(Enrolment):
    """The real enrolment, noting which thread each database call runs on."""

    def __init__(self, url: str, pepper: bytes) -> None:
        super().__init__(url, pepper)
        self.threads: set[int] = set()

    def is_enrolled(self, channel: str, sender_id: str) -> bool:
        self.threads.add(threading.get_ident())
        return super().is_enrolled(channel, sender_id)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with running_fake_telegram(TOKEN) as telegram:
        yield telegram


@pytest.fixture
def enrolment(tmp_path) -> ThreadCheckingEnrolment:
    return ThreadCheckingEnrolment(f"sqlite:///{tmp_path / 'prevent.db'}", b"p" * 32)


def texts(fake: FakeTelegram, user: int) -> list[str]:
    return [m["text"] for m in fake.messages_to(user)]


def test_the_secret_is_checked_before_anything_else():
    assert refusal(False, SECRET, SECRET)[0] == 503
    assert refusal(True, SECRET, None)[0] == 403
    assert refusal(True, SECRET, SECRET + "x")[0] == 403
    assert refusal(True, SECRET, SECRET) == (0, {})
    assert not secret_matches("", "")  # no secret configured: nothing matches


def test_the_handler_gates_answers_and_passes_on_without_a_server(fake, enrolment):
    received: list[Any] = []
    loop_threads: set[int] = set()

    async def on_new_message(message: Any) -> None:
        loop_threads.add(threading.get_ident())
        received.append(message)

    bot = TelegramInput(TelegramSettings(TOKEN, SECRET, fake.base_url), lambda: enrolment)
    unconfigured = TelegramInput(TelegramSettings())
    user, code = 777_000_001, enrolment.issue("telegram").code

    def body(update: dict[str, Any]) -> bytes:
        return json.dumps(update).encode()

    async def run() -> list[tuple[int, dict[str, Any]]]:
        answers = [
            await unconfigured.handle(SECRET, body(fake.text_update(user, "hi")), on_new_message),
            await bot.handle("wrong", body(fake.text_update(user, "hi")), on_new_message),
            await bot.handle(SECRET, b"{not json", on_new_message),
            await bot.handle(SECRET, body(fake.text_update(user, "hi")), on_new_message),
            await bot.handle(SECRET, body(fake.text_update(user, code)), on_new_message),
        ]
        again = body(fake.text_update(user, "what is prevent?"))
        answers.append(await bot.handle(SECRET, again, on_new_message))
        answers.append(await bot.handle(SECRET, again, on_new_message))  # re-delivered
        answers.append(await bot.handle(SECRET, body(fake.sticker_update(user)), on_new_message))
        await bot._output().bot.shutdown()
        return answers

    statuses = [status for status, _ in asyncio.run(run())]
    assert statuses == [503, 403, 400, 200, 200, 200, 200, 200]
    assert texts(fake, user) == [
        phrase(channel.REFUSAL),
        phrase(channel.WELCOME),
        phrase(channel.TEXT_ONLY),
    ]
    (message,) = received  # once, though Telegram sent it twice
    assert (message.text, message.sender_id, message.input_channel) == (
        "what is prevent?",
        str(user),
        "telegram",
    )
    assert enrolment.threads and not enrolment.threads & loop_threads  # off the loop
