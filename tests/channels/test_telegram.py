"""The Telegram channel, with the real python-telegram-bot against a loopback Bot API.

Three layers: plain functions (splitting, buttons, gating rules) with no server; the
channel's blueprint in a bare Sanic app (for what needs no Rasa, such as the 503 of an
unconfigured channel); and the real Rasa and action servers with the channel switched on
(started once for the module), fed through the webhook and through the poller.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.channels import telegram as telegram_channel
from bot.channels.rendering import clean_text, escape_html, split_text, utf16_len
from bot.channels.telegram import (
    DIGEST_PREFIX,
    MAX_CALLBACK_DATA,
    MAX_MESSAGE,
    SECRET_HEADER,
    BadUpdate,
    ButtonPayloads,
    TelegramInput,
    TelegramOutput,
    TelegramSettings,
    as_rasa_text,
    inline_keyboard,
    invite_code_in,
    parse_update,
    read_update,
    secret_matches,
    telegram_pieces,
    title_of_pressed,
)
from bot.enrolment import Enrolment
from bot.wording import phrase
from tests.conftest import ROOT
from tests.helpers.servers import Assistant, free_port, running_assistant
from tests.helpers.settings import reread_settings
from tests.helpers.telegram_api import FakeTelegram, running_fake_telegram

TOKEN = "123456789:TEST-loopback-token"
SECRET = secrets.token_urlsafe(24)
PEPPER = base64.b64encode(b"telegram-channel-test-pepper-32b").decode()
EMERGENCY = "A pupil has a knife in his blazer and says he'll use it at lunch"

CREDENTIALS = """\
bot.channels.rest.RestInput:
bot.channels.telegram.TelegramInput:
  access_token: ${TELEGRAM_BOT_TOKEN}
  webhook_secret: ${TELEGRAM_WEBHOOK_SECRET}
  api_base_url: ${TELEGRAM_API_BASE_URL}
"""

#: What the channel says: wording ids in the module, sentences in guidance/interface.yml.
(ALREADY_ENROLLED, BUTTON_EXPIRED, EDITED, PRIVATE_ONLY, REFUSAL, TEXT_ONLY, WELCOME) = (
    phrase(getattr(telegram_channel, name))
    for name in (
        "ALREADY_ENROLLED", "BUTTON_EXPIRED", "EDITED", "PRIVATE_ONLY", "REFUSAL", "TEXT_ONLY",
        "WELCOME",
    )
)  # fmt: skip


def new_user() -> int:
    return random.randint(10**8, 10**9)


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages]


def button_titles(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


def post(url: str, body: bytes, secret: str | None = SECRET) -> int:
    """POST raw bytes as Telegram would; the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=90) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


# --- plain functions ---------------------------------------------------------------------------


def _paragraphs(count: int, size: int) -> list[str]:
    return [f"Paragraph {i}. " + "word " * (size // 5) for i in range(count)]


def test_short_reply_is_one_piece():
    assert split_text("  Call 999 now.  ", MAX_MESSAGE) == ["Call 999 now."]
    assert split_text("   ", MAX_MESSAGE) == []


def test_long_reply_is_split_at_paragraphs_under_the_limit():
    paragraphs = [p.strip() for p in _paragraphs(14, 1000)]
    text = "\n\n".join(paragraphs)
    assert len(text) > 3 * MAX_MESSAGE
    pieces = telegram_pieces(text)
    assert len(pieces) > 1
    assert all(utf16_len(p) <= MAX_MESSAGE for p in pieces)
    assert "\n\n".join(pieces) == text  # nothing lost, every cut at a paragraph break
    assert all(p.startswith("Paragraph") and p.endswith("word") for p in pieces)


def test_without_paragraphs_it_splits_at_lines_then_words_then_hard():
    lines = "\n".join(f"• line {i} " + "x" * 60 for i in range(200))
    pieces = split_text(lines, MAX_MESSAGE)
    assert all(len(p) <= MAX_MESSAGE for p in pieces) and "\n".join(pieces) == lines

    words = " ".join(["safeguarding"] * 1000)
    pieces = split_text(words, MAX_MESSAGE)
    assert all(len(p) <= MAX_MESSAGE for p in pieces) and " ".join(pieces) == words

    link = "https://example.org/" + "a" * 9000  # no boundary at all: a hard cut
    pieces = split_text(link, MAX_MESSAGE)
    assert [len(p) for p in pieces] == [4096, 4096, len(link) - 8192]
    assert "".join(pieces) == link


def test_a_stub_paragraph_does_not_make_a_stub_message():
    text = "Short intro.\n\n" + "a long line of words " * 300
    pieces = split_text(text, MAX_MESSAGE)
    assert len(pieces[0]) > MAX_MESSAGE // 2


def test_split_counts_emoji_as_telegram_does():
    text = "😟" * 3000  # 6,000 UTF-16 code units: too long for one message
    pieces = telegram_pieces(text)
    assert len(pieces) == 2 and all(utf16_len(p) <= MAX_MESSAGE for p in pieces)
    assert "".join(pieces) == text
    with pytest.raises(ValueError):
        split_text("x", 0)


def test_text_is_cleaned_and_html_escaped_for_channels_that_parse_it():
    assert clean_text("hello\x00\x07 there\r\nnext\tcol") == "hello there\nnext\tcol"
    assert escape_html("<script>alert('x')</script> & \"q\"") == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;"
    )
    # Telegram gets plain text (no parse_mode): markup characters go through as typed.
    assert telegram_pieces("<b>*bold*</b> _x_ [a](b)") == ["<b>*bold*</b> _x_ [a](b)"]


def test_short_payloads_are_callback_data_long_ones_a_remembered_digest():
    payloads = ButtonPayloads(capacity=2)
    assert payloads.encode("/start_referral") == "/start_referral"
    assert payloads.decode("/start_referral") == "/start_referral"
    long = '/ask_guidance{"guidance_topic": "radicalisation_extremism_definitions"}'
    token = payloads.encode(long)
    assert token.startswith(DIGEST_PREFIX) and len(token.encode()) <= MAX_CALLBACK_DATA
    assert payloads.encode(long) == token and payloads.decode(token) == long
    sneaky = DIGEST_PREFIX + "x"  # a payload that looks like a digest is digested too
    assert payloads.decode(payloads.encode(sneaky)) == sneaky
    payloads.encode("/x" + "y" * 70)  # capacity 2: the oldest digest is forgotten
    assert payloads.decode(token) is None
    assert payloads.decode(DIGEST_PREFIX + "never-issued") is None


def test_rasa_buttons_become_an_inline_keyboard_one_button_a_row():
    buttons = [
        {"title": "Start a VTR referral draft", "payload": "/start_referral"},
        {"title": "Talk to a person", "payload": "/request_human"},
        {"title": "Definitions", "payload": "/ask_guidance" + json.dumps({"t": "z" * 80})},
        {"title": "", "payload": "/nothing_to_show"},
    ]
    markup = inline_keyboard(buttons, ButtonPayloads())
    rows = markup.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [
        ["Start a VTR referral draft"],
        ["Talk to a person"],
        ["Definitions"],
    ]
    assert rows[0][0].callback_data == "/start_referral"
    assert all(len(row[0].callback_data.encode()) <= MAX_CALLBACK_DATA for row in rows)


def test_secret_comparison():
    assert secret_matches("s3cret", "s3cret")
    assert not secret_matches("s3cret", "s3cret ")
    assert not secret_matches("s3cret", None)
    assert not secret_matches("", "")  # no secret configured: nothing matches


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[]",
        b'"update"',
        b'{"update_id": "7"}',
        b'{"update_id": 7, "message": "boom"}',
        b'{"update_id": 7, "message": {"text": "no chat or date"}}',
        b'{"update_id": 7, "callback_query": {"id": "1"}}',
        b'{"update_id": 7, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=[
        "empty",
        "text",
        "bytes",
        "array",
        "string",
        "id-str",
        "msg-str",
        "msg-partial",
        "cbq-partial",
        "deep",
    ],
)
def test_anything_but_an_update_is_refused_without_a_crash(body):
    with pytest.raises(BadUpdate):
        parse_update(body)


def test_updates_are_read_by_kind():
    fake = FakeTelegram(TOKEN)
    user = new_user()

    def read(update: dict[str, Any]):
        return read_update(parse_update(json.dumps(update).encode()))

    text = read(fake.text_update(user, "hello"))
    assert (text.kind, text.user_id, text.chat_id, text.private, text.text) == (
        "text",
        user,
        user,
        True,
        "hello",
    )
    assert read(fake.sticker_update(user)).kind == "non_text"
    assert read(fake.photo_update(user)).kind == "non_text"
    assert read(fake.edited_update(user, "typo fixed")).kind == "edited"
    assert not read(fake.text_update(user, "hi", chat_id=-100)).private
    press = read(fake.callback_update(user, "/start_referral"))
    assert (press.kind, press.text, press.callback_id is not None) == (
        "button",
        "/start_referral",
        True,
    )
    assert read({"update_id": 9}).kind == "ignored"


def test_the_title_of_a_pressed_button_is_found_on_its_message():
    fake = FakeTelegram(TOKEN)
    markup = {"inline_keyboard": [[{"text": "What is Prevent?", "callback_data": "#b:gone"}]]}
    update = fake.callback_update(1, "#b:gone", {"text": "Pick one", "reply_markup": markup})
    parsed = parse_update(json.dumps(update).encode())
    assert title_of_pressed(parsed, "#b:gone") == "What is Prevent?"
    assert title_of_pressed(parsed, "#b:other") is None


def test_invite_codes_and_commands():
    assert invite_code_in(" abcd-efgh-jkmn ") == "abcd-efgh-jkmn"
    assert invite_code_in("/start ABCDEFGHJKMN") == "ABCDEFGHJKMN"  # t.me/<bot>?start=<code>
    assert invite_code_in("what is prevent?") is None
    assert as_rasa_text("/start") == "/greet"
    assert as_rasa_text("/start@prevent_bot") == "/greet"
    assert as_rasa_text("/help") == "/bot_capabilities"
    assert as_rasa_text(" hello\x00 ") == "hello"


def test_settings_from_credentials_else_environment(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "env-token")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "env-secret")
    monkeypatch.delenv("TELEGRAM_API_BASE_URL", raising=False)
    reread_settings(monkeypatch)  # the channel's settings come from the process's settings
    given = TelegramSettings.resolve({"access_token": "cred-token", "webhook_secret": "${X}"})
    assert (given.token, given.webhook_secret) == ("cred-token", "env-secret")
    assert given.bot_base_url == "https://api.telegram.org/bot"
    assert "cred-token" not in repr(given)
    assert "env-secret" not in repr(given)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    reread_settings(monkeypatch)
    assert not TelegramSettings.resolve(None).configured


def test_a_long_reply_reaches_the_api_in_pieces_it_accepts():
    """Real ptb against the stand-in, which refuses a message over 4,096 like Telegram."""
    with running_fake_telegram(TOKEN) as fake:
        settings = TelegramSettings(TOKEN, SECRET, fake.base_url)
        text = "\n\n".join(p.strip() for p in _paragraphs(10, 1500))

        async def send() -> None:
            bot = settings.make_bot()
            async with bot:
                out = TelegramOutput(bot, ButtonPayloads())
                await out.send_text_message("4242", text)
                buttons = [{"title": "Talk to a person", "payload": "/request_human"}]
                await out.send_text_with_buttons("4242", text, buttons)
                await out.send_custom_json("4242", {"outcome": "emergency", "reasons": ["x"]})

        asyncio.run(send())
        sent = fake.messages_to(4242)
    half = len(sent) // 2
    assert half > 1 and len(sent) == 2 * half  # custom JSON: nothing sent
    assert "\n\n".join(texts(sent[:half])) == text
    assert all(utf16_len(t) <= MAX_MESSAGE for t in texts(sent))
    # The keyboard goes on the last piece only; plain text, no parse_mode anywhere.
    assert [bool(m.get("reply_markup")) for m in sent[half:]] == [False] * (half - 1) + [True]
    assert not any("parse_mode" in m for m in sent)


# --- the blueprint alone, in a bare Sanic app ------------------------------------------------


@dataclass
class BareServer:
    """Two channels in one Sanic app (Sanic 21.12 cannot start a second app in a process:
    its TouchUp pass fails), with a recording stand-in for Rasa's on_new_message."""

    base_url: str
    received: list[Any]
    enrolment: Enrolment

    @property
    def configured_hook(self) -> str:
        return f"{self.base_url}/webhooks/telegram/webhook"

    @property
    def unconfigured(self) -> str:
        return f"{self.base_url}/unconfigured"


@pytest.fixture(scope="module")
def bare_server(
    fake_telegram: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BareServer]:
    from sanic import Sanic

    received: list[Any] = []

    async def on_new_message(message: Any) -> None:
        received.append(message)

    enrolment = Enrolment(f"sqlite:///{tmp_path_factory.mktemp('bare') / 'prevent.db'}", b"p" * 32)
    configured = TelegramInput(
        TelegramSettings(TOKEN, SECRET, fake_telegram.base_url), lambda: enrolment
    )
    unconfigured = TelegramInput(TelegramSettings())
    app = Sanic(f"telegram_test_{uuid.uuid4().hex[:8]}")
    app.blueprint(configured.blueprint(on_new_message), url_prefix="/webhooks/telegram")
    app.blueprint(
        unconfigured.blueprint(on_new_message).copy("telegram_unconfigured"),
        url_prefix="/unconfigured",
    )
    port = free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
            )
            loop.run_until_complete(server.startup())
        except BaseException as exc:  # noqa: BLE001 - reported by the fixture below
            failure.append(exc)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(30) and not failure, f"sanic did not start: {failure}"
    try:
        yield BareServer(f"http://127.0.0.1:{port}", received, enrolment)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def test_unconfigured_channel_loads_from_credentials(monkeypatch):
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    channel = TelegramInput.from_credentials(
        {"access_token": "${TELEGRAM_BOT_TOKEN}", "webhook_secret": ""}
    )
    assert isinstance(channel, TelegramInput) and not channel.settings.configured
    assert not TelegramInput.from_credentials(None).settings.configured
    assert channel.get_output_channel() is None  # Rasa falls back to collecting replies


def test_unconfigured_channel_answers_503(bare_server, fake_telegram):
    update = json.dumps(fake_telegram.text_update(5, "hello")).encode()
    with urllib.request.urlopen(bare_server.unconfigured + "/", timeout=10) as health:
        assert json.loads(health.read()) == {"status": "unconfigured"}
    before = len(bare_server.received)
    assert post(bare_server.unconfigured + "/webhook", update, secret="") == 503
    assert post(bare_server.unconfigured + "/webhook", update, secret=SECRET) == 503
    assert len(bare_server.received) == before


def test_refused_updates_never_reach_rasa(bare_server, fake_telegram):
    """Wrong secret, bad bodies, strangers: the on_new_message hook is never called."""
    enrolment, hook = bare_server.enrolment, bare_server.configured_hook
    stranger, passer_by = new_user(), new_user()
    code = enrolment.issue("telegram").code
    update = json.dumps(fake_telegram.text_update(stranger, code)).encode()
    assert post(hook, update, secret=None) == 403
    assert post(hook, update, secret=SECRET + "x") == 403
    assert post(hook, update, secret=SECRET.upper()) == 403
    assert not enrolment.is_enrolled("telegram", str(stranger))
    assert post(hook, b"{not json", secret=SECRET) == 400
    question = json.dumps(fake_telegram.text_update(passer_by, "what is prevent?")).encode()
    assert post(hook, question) == 200
    assert post(hook, question) == 200  # a re-delivery is handled once
    assert post(hook, update) == 200  # the code was never spent by the refusals
    assert enrolment.is_enrolled("telegram", str(stranger))
    assert bare_server.received == []
    assert texts(fake_telegram.messages_to(passer_by)) == [REFUSAL]
    assert texts(fake_telegram.messages_to(stranger)) == [WELCOME]


def test_an_enrolled_message_reaches_rasa_as_the_user_id(bare_server, fake_telegram):
    user = new_user()
    code = bare_server.enrolment.issue("telegram").code
    assert (
        post(
            bare_server.configured_hook, json.dumps(fake_telegram.text_update(user, code)).encode()
        )
        == 200
    )
    hello = fake_telegram.text_update(user, "hello\x00 there")
    assert post(bare_server.configured_hook, json.dumps(hello).encode()) == 200
    (message,) = bare_server.received
    assert (message.sender_id, message.text, message.input_channel) == (
        str(user),
        "hello there",
        "telegram",
    )
    bare_server.received.clear()


# --- the real assistant ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeTelegram]:
    with running_fake_telegram(TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module")
def telegram_assistant(
    model_path: Path, fake_telegram: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Assistant]:
    var_dir = tmp_path_factory.mktemp("telegram")
    credentials = var_dir / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
        "PREVENT_OWNER_PEPPER": PEPPER,
        "PREVENT_DATABASE_URL": f"sqlite:///{var_dir / 'prevent.db'}",
    }
    with running_assistant(model_path, var_dir, extra_env=env, credentials=credentials) as bot:
        yield bot


@pytest.fixture(scope="module")
def enrolment(telegram_assistant: Assistant) -> Enrolment:
    """The same invite and member tables the channel inside Rasa uses."""
    return Enrolment(telegram_assistant.env["PREVENT_DATABASE_URL"], base64.b64decode(PEPPER))


class Chat:
    """One member of staff talking to the bot through the webhook, as Telegram would."""

    def __init__(self, assistant: Assistant, fake: FakeTelegram, user: int | None = None):
        self.url = f"{assistant.base_url}/webhooks/telegram/webhook"
        self.fake = fake
        self.user = user or new_user()

    def send(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        return post(self.url, json.dumps(update).encode(), secret)

    def say(self, text: str) -> list[dict[str, Any]]:
        """The messages the bot sent in reply (the webhook answers after Rasa has)."""
        before = len(self.messages())
        assert self.send(self.fake.text_update(self.user, text)) == 200
        return self.messages()[before:]

    def press(self, data: str, on: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        before = len(self.messages())
        assert self.send(self.fake.callback_update(self.user, data, on)) == 200
        return self.messages()[before:]

    def messages(self) -> list[dict[str, Any]]:
        return self.fake.messages_to(self.user)


def enrolled_chat(assistant: Assistant, fake: FakeTelegram, enrolment: Enrolment) -> Chat:
    chat = Chat(assistant, fake)
    code = enrolment.issue("telegram", "test school DSL").code
    assert texts(chat.say(code)) == [WELCOME]
    return chat


@pytest.mark.servers
def test_emergency_end_to_end_first_reply_says_999(telegram_assistant, fake_telegram, enrolment):
    chat = enrolled_chat(telegram_assistant, fake_telegram, enrolment)
    replies = chat.say(EMERGENCY)
    assert replies and "999" in replies[0]["text"]
    assert not any('"outcome"' in t for t in texts(replies))  # custom JSON dropped
    assert not any("parse_mode" in m for m in replies)


@pytest.mark.servers
def test_triage_end_to_end_and_the_outcome_button_is_pressed(
    telegram_assistant, fake_telegram, enrolment
):
    chat = enrolled_chat(telegram_assistant, fake_telegram, enrolment)
    chat.say("Should I refer? A 15 year old keeps sharing nazi memes, no immediate danger")
    outcome = None
    for answer in ["no", "no", "his parents know", "yes I've spoken to our DSL"]:
        replies = chat.say(answer)
        outcome = next(
            (m for m in replies if "Start a VTR referral draft" in button_titles(m)), None
        )
        if outcome:
            break
    assert outcome is not None, "no outcome with the referral button"
    rows = outcome["reply_markup"]["inline_keyboard"]
    data = next(b["callback_data"] for row in rows for b in row if b["text"].startswith("Start"))
    answered = len(fake_telegram.calls_of("answerCallbackQuery"))
    update = fake_telegram.callback_update(chat.user, data, outcome)
    before = len(chat.messages())
    assert chat.send(update) == 200
    calls = fake_telegram.calls_of("answerCallbackQuery")[answered:]
    assert [c.params["callback_query_id"] for c in calls] == [update["callback_query"]["id"]]
    after = texts(chat.messages()[before:])
    assert any("VTR" in t and "referral" in t for t in after), after


@pytest.mark.servers
def test_missing_or_wrong_secret_is_refused_and_nothing_reaches_rasa(
    telegram_assistant, fake_telegram, enrolment
):
    chat = enrolled_chat(telegram_assistant, fake_telegram, enrolment)
    before = len(chat.messages())
    for secret in (None, "", "wrong", SECRET[:-1], SECRET + "0"):
        assert chat.send(fake_telegram.text_update(chat.user, EMERGENCY), secret=secret) == 403
    # The webhook answers after Rasa has replied, so a message let through would be here.
    assert len(chat.messages()) == before
    # An invite code behind a wrong secret is not spent either.
    stranger = Chat(telegram_assistant, fake_telegram)
    code = enrolment.issue("telegram").code
    assert stranger.send(fake_telegram.text_update(stranger.user, code), secret="x") == 403
    assert stranger.messages() == []
    assert texts(stranger.say(code)) == [WELCOME]


@pytest.mark.servers
def test_malformed_updates_get_400_and_the_channel_keeps_working(
    telegram_assistant, fake_telegram, enrolment
):
    chat = enrolled_chat(telegram_assistant, fake_telegram, enrolment)
    for body in (b"{", b"[]", b'{"update_id": 1, "message": 5}', b"\xff" * 10):
        assert post(chat.url, body) == 400
    replies = chat.say("what is prevent?")
    assert replies and "prevent" in " ".join(texts(replies)).lower()


@pytest.mark.servers
def test_stranger_gets_the_polite_refusal_and_nothing_more(telegram_assistant, fake_telegram):
    stranger = Chat(telegram_assistant, fake_telegram)
    assert texts(stranger.say(EMERGENCY)) == [REFUSAL]
    assert texts(stranger.say("/start")) == [REFUSAL]
    assert texts(stranger.say("ABCD-EFGH-JKMN")) == [REFUSAL]  # looks like a code, is not one
    answered = len(fake_telegram.calls_of("answerCallbackQuery"))
    assert texts(stranger.press("/start_referral")) == [REFUSAL]
    assert len(fake_telegram.calls_of("answerCallbackQuery")) == answered + 1
    before = len(stranger.messages())
    assert stranger.send(fake_telegram.sticker_update(stranger.user)) == 200
    assert texts(stranger.messages()[before:]) == [REFUSAL]


@pytest.mark.servers
def test_an_invite_code_works_once(telegram_assistant, fake_telegram, enrolment):
    code = enrolment.issue("telegram", "test school").code
    first, second = Chat(telegram_assistant, fake_telegram), Chat(telegram_assistant, fake_telegram)
    assert texts(first.say(f"/start {code.replace('-', '')}")) == [WELCOME]  # deep link
    assert texts(second.say(code)) == [REFUSAL]
    assert texts(second.say("what is prevent?")) == [REFUSAL]
    # Once in, a second code is not spent; it still works for someone else.
    other = enrolment.issue("telegram").code
    assert texts(first.say(other)) == [ALREADY_ENROLLED]
    assert texts(second.say(other)) == [WELCOME]
    replies = first.say("what is prevent?")
    assert replies and REFUSAL not in texts(replies)


@pytest.mark.servers
def test_enrolled_staff_are_asked_for_text_and_groups_for_a_private_chat(
    telegram_assistant, fake_telegram, enrolment
):
    chat = enrolled_chat(telegram_assistant, fake_telegram, enrolment)
    for update, reply in [
        (fake_telegram.sticker_update(chat.user), TEXT_ONLY),
        (fake_telegram.photo_update(chat.user), TEXT_ONLY),
        (fake_telegram.edited_update(chat.user, "he is 15, not 14"), EDITED),
    ]:
        before = len(chat.messages())
        assert chat.send(update) == 200
        assert texts(chat.messages()[before:]) == [reply]
    group = -(10**12) - chat.user
    assert chat.send(fake_telegram.text_update(chat.user, EMERGENCY, chat_id=group)) == 200
    assert texts(fake_telegram.messages_to(group)) == [PRIVATE_ONLY]


@pytest.mark.servers
def test_start_shows_the_greeting_keyboard_and_an_expired_button_says_so(
    telegram_assistant, fake_telegram, enrolment
):
    chat = enrolled_chat(telegram_assistant, fake_telegram, enrolment)
    replies = chat.say("/start")
    assert any("Should I refer?" in button_titles(m) for m in replies)
    assert texts(chat.press(DIGEST_PREFIX + "from-before-a-restart")) == [BUTTON_EXPIRED]


@pytest.mark.servers
def test_polling_mode_delivers_to_rasa_and_replies(telegram_assistant, fake_telegram, enrolment):
    user = new_user()
    code = enrolment.issue("telegram", "polling").code
    fake_telegram.queue_update(fake_telegram.text_update(user, code))
    fake_telegram.queue_update(fake_telegram.text_update(user, EMERGENCY))
    poller = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.channels.telegram_polling",
            "--rasa-url",
            telegram_assistant.base_url,
            "--long-poll",
            "1",
        ],
        cwd=ROOT,
        env={**telegram_assistant.env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        replies = fake_telegram.wait_for(
            lambda: (m := fake_telegram.messages_to(user)) and len(m) >= 2 and m, timeout=90
        )
        assert texts(replies)[0] == WELCOME
        assert "999" in replies[1]["text"]
        fake_telegram.wait_for(lambda: fake_telegram.pending_updates() == 0, timeout=30)
        assert fake_telegram.calls_of("deleteWebhook")
    finally:
        poller.terminate()
        output, _ = poller.communicate(timeout=30)
    assert poller.returncode == 0, output
    assert TOKEN not in output and SECRET not in output and "knife" not in output


@pytest.mark.servers
def test_poller_with_the_wrong_secret_stops_without_dropping_the_update(telegram_assistant):
    with running_fake_telegram(TOKEN) as other:
        other.queue_update(other.text_update(new_user(), EMERGENCY))
        env = {
            **telegram_assistant.env,
            "TELEGRAM_API_BASE_URL": other.base_url,
            "TELEGRAM_WEBHOOK_SECRET": "not-the-secret",
        }
        result = subprocess.run(
            [sys.executable, "-m", "bot.channels.telegram_polling", "--long-poll", "1"],
            cwd=ROOT,
            env={**env, "RASA_URL": telegram_assistant.base_url},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 3, result.stdout + result.stderr
        assert other.pending_updates() == 1  # not confirmed: Telegram will offer it again
        assert other.calls_of("sendMessage") == []


@pytest.mark.servers
def test_a_teacher_tells_the_dsl_and_the_dsl_opens_it_on_telegram(
    telegram_assistant, fake_telegram, enrolment
):
    """Invites carrying school and role, redeemed in the chat; "Tell my DSL" after a triage;
    the DSL's list and the Open button, all through the Telegram webhook."""
    import re

    from bot.concerns.orgs import Orgs

    Orgs(telegram_assistant.env["PREVENT_DATABASE_URL"]).add("Riverside Academy", "essex")
    teacher, dsl = (Chat(telegram_assistant, fake_telegram) for _ in range(2))
    for chat, role in ((teacher, "teacher"), (dsl, "dsl")):
        code = enrolment.issue("telegram", org="riverside-academy", role=role).code
        assert texts(chat.say(code)) == [WELCOME]
    teacher.say("Should I refer? A 15 year old keeps sharing nazi memes, no immediate danger")
    outcome = None
    for answer in ["no", "no", "his parents know", "yes I've spoken to our DSL"]:
        outcome = next((m for m in teacher.say(answer) if "Tell my DSL" in button_titles(m)), None)
        if outcome:
            break
    assert outcome is not None, "no outcome with the Tell my DSL button"
    assert "own words" in " ".join(texts(teacher.press("/log_concern", outcome)))
    teacher.say("Barnaby Whitlock wore a Thornfield badge and recited their slogan")
    teacher.say("Monday registration")
    receipt = " ".join(texts(teacher.say("form room 12")))
    assert "1 DSL(s) at Riverside Academy" in receipt
    [ref] = re.findall(r"\bC-[A-Z2-9]{6}\b", receipt)
    listed = dsl.say("new concerns")
    assert ref in " ".join(texts(listed))
    listing = next(m for m in listed if f"Open {ref}" in button_titles(m))
    data = next(
        b["callback_data"]
        for row in listing["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == f"Open {ref}"
    )
    assert "Barnaby Whitlock" in " ".join(texts(dsl.press(data, listing)))
    assert "has read your concern" in " ".join(texts(teacher.say("my concerns")))
    for log in ("rasa.log", "actions.log"):
        assert "Barnaby" not in (telegram_assistant.var_dir / log).read_text()


@pytest.mark.servers
def test_nothing_secret_or_said_is_in_the_assistant_log(telegram_assistant):
    """Runs last in this module (pytest keeps file order): the log after all of the above."""
    log = (telegram_assistant.var_dir / "rasa.log").read_text()
    assert TOKEN not in log and SECRET not in log
    assert "knife in his blazer" not in log
    assert os.path.getsize(telegram_assistant.var_dir / "rasa.log") > 0


@pytest.mark.servers
def test_a_telegram_id_sent_over_rest_reaches_none_of_that_users_drafts(
    telegram_assistant, fake_telegram, enrolment
):
    """Attacker (issue 11, finding 9): Telegram ids are not secret; the REST channel takes
    any sender id. Owners are channel-qualified, so "rest:<id>" owns nothing of "telegram:<id>".
    """
    chat = enrolled_chat(telegram_assistant, fake_telegram, enrolment)
    chat.say("start a referral")
    chat.say("no")
    chat.say("Peregrina")
    chat.say("stop")
    assert any("Peregrina" in t for t in texts(chat.say("my drafts")))

    forged = "\n".join(
        r.get("text") or "" for r in telegram_assistant.say(str(chat.user), "my drafts")
    )
    assert "Peregrina" not in forged
    assert "no saved drafts" in forged.lower()
    # Nor by claiming to be the Telegram channel in the body.
    claimed = json.dumps(
        {"sender": str(chat.user), "message": "my drafts", "input_channel": "telegram"}
    ).encode()
    request = urllib.request.Request(telegram_assistant.rest_url, data=claimed)
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
        assert b"Peregrina" not in answer.read()
    telegram_assistant.say(str(chat.user), "delete my draft")
    telegram_assistant.say(str(chat.user), "yes")
    assert any("Peregrina" in t for t in texts(chat.say("my drafts")))  # still there
def test_a_one_time_pdf_link_comes_as_a_url_button():
    """The password route's link payload: a button Telegram opens as a link (real ptb)."""
    url = "https://assistant.example.org/webhooks/files/AbC123_-x"
    with running_fake_telegram(TOKEN) as fake:
        settings = TelegramSettings(TOKEN, SECRET, fake.base_url)

        async def send() -> None:
            bot = settings.make_bot()
            async with bot:
                out = TelegramOutput(bot, ButtonPayloads())
                link = {"url": url, "title": "Download the password-protected PDF (works once)"}
                await out.send_custom_json("4242", {"one_time_secret": True, "link": link})
                await out.send_custom_json("4242", {"link": {"url": "javascript:x", "title": "x"}})

        asyncio.run(send())
        sent = fake.messages_to(4242)
    assert len(sent) == 1, sent  # the javascript: one is refused
    keyboard = sent[0]["reply_markup"]
    keyboard = json.loads(keyboard) if isinstance(keyboard, str) else keyboard
    button = keyboard["inline_keyboard"][0][0]
    assert button == {"text": "Download the password-protected PDF (works once)", "url": url}
