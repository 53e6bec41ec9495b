"""The web chat handler without a server: `WebChatHandler.handle(authorization, request)`.

A real `Enrolment` on SQLite and a stand-in for Rasa's `on_new_message` that answers the way
Rasa does (through the output channel it is given). The server tests (test_webchat.py) prove
the same through Sanic and Chromium; these pin each answer down and run in a second.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.refusals import RETRY_AFTER_SECONDS
from bot.channels.webchat import (
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    SECURITY_HEADERS,
    WebChatHandler,
    WebRequest,
    WebResponse,
)
from bot.channels.webchat_auth import CHANNEL, WebChatAuth
from bot.enrolment import Enrolment
from bot.ratelimit import RateLimiter
from bot.runtime.turn_errors import TrackerNotRead, TrackerNotSaved, TurnRefused
from bot.wording import phrase

PEPPER = b"pepper" * 6


class Rasa:
    """Stands in for Rasa's agent: records messages and answers each with two replies."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []
        self.fail: bool | BaseException = False

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if isinstance(self.fail, BaseException):
            raise self.fail
        if self.fail:
            raise RuntimeError("the model is not loaded")
        await message.output_channel.send_response(
            message.sender_id,
            {"text": "Call 999 now.", "custom": {"outcome": "emergency", "reasons": ["x"]}},
        )
        await message.output_channel.send_response(
            message.sender_id,
            {"text": "Anything else?", "buttons": [{"title": "No", "payload": "/deny"}]},
        )


class ThreadCheckingEnrolment(Enrolment):
    """The real enrolment, noting which thread each database call runs on."""

    def __init__(self, url: str, pepper: bytes) -> None:
        super().__init__(url, pepper)
        self.threads: set[int] = set()

    def is_enrolled(self, channel: str, sender_id: str) -> bool:
        self.threads.add(threading.get_ident())
        return super().is_enrolled(channel, sender_id)

    def redeem(self, channel: str, sender_id: str, text: str, now: Any = None) -> bool:
        self.threads.add(threading.get_ident())
        return super().redeem(channel, sender_id, text, now)


class Chat:
    """A handler, its enrolment, its stand-in Rasa and what "Forget me" erased."""

    def __init__(self, tmp_path, enrol_rate: tuple[int, float] = (100, 60.0)) -> None:
        self.enrolment = ThreadCheckingEnrolment(f"sqlite:///{tmp_path / 'prevent.db'}", PEPPER)
        self.rasa = Rasa()
        self.forgotten: list[str] = []
        self.alerts = 0
        self.handler = WebChatHandler(
            lambda: WebChatAuth.from_pepper(PEPPER, 1, self.enrolment),
            self.rasa,
            RateLimiter(*enrol_rate),
            forget=self._forget,
            alerts=lambda sender: self.alerts,
        )

    def _forget(self, sender_id: str) -> int:
        self.forgotten.append(sender_id)
        return 3

    def call(
        self, route: str, body: Any = None, token: str | None = None, client: str = "10.0.0.1"
    ) -> WebResponse:
        raw = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        method = "GET" if route == "" or route.startswith("static/") else "POST"
        authorization = f"Bearer {token}" if token is not None else None
        request = WebRequest(route, method, raw, client)
        return asyncio.run(self.handler.handle(authorization, request))

    def sign_in(self, code: str) -> dict[str, Any]:
        answer = self.call("enrol", {"code": code})
        assert answer.status == 200, answer.json()
        return answer.json()


@pytest.fixture
def chat(tmp_path) -> Chat:
    return Chat(tmp_path)


def error(answer: WebResponse) -> tuple[int, str, str]:
    body = answer.json()
    return answer.status, body["error"], body["message"]


def test_an_invite_code_signs_in_once_with_a_new_personal_key(chat):
    code = chat.enrolment.issue(CHANNEL).code
    first = chat.sign_in(code)
    assert set(first) == {"token", "expires", "personal_key"}
    assert error(chat.call("enrol", {"code": code})) == (
        403,
        "code_refused",
        phrase("channels.webchat.errors.code_refused"),
    )
    chat.alerts = 2
    again = chat.sign_in(first["personal_key"])
    assert set(again) == {"token", "expires", "concern_alerts"} and again["concern_alerts"] == 2
    assert again["token"].split(".")[0] == first["token"].split(".")[0]


def test_a_message_reaches_rasa_as_the_signed_in_sender_and_replies_come_back_whole(chat):
    token = chat.sign_in(chat.enrolment.issue(CHANNEL).code)["token"]
    answer = chat.call("message", {"message": "what is prevent?"}, token)
    assert answer.status == 200
    (message,) = chat.rasa.received
    assert (message.text, message.sender_id, message.input_channel) == (
        "what is prevent?",
        token.split(".")[0],
        CHANNEL,
    )
    assert answer.json() == [  # text and payload of one reply stay together
        {"text": "Call 999 now.", "custom": {"outcome": "emergency", "reasons": ["x"]}},
        {"text": "Anything else?", "buttons": [{"title": "No", "payload": "/deny"}]},
    ]
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]


@pytest.mark.parametrize(
    "token", ["", "nonsense", "webchat-0.9999999999.forged"], ids=["none", "junk", "forged"]
)
def test_without_a_valid_token_nothing_reaches_rasa(chat, token):
    answer = chat.call("message", {"message": "hello"}, token or None)
    assert error(answer) == (401, "session", phrase("channels.webchat.errors.session_ended"))
    assert chat.rasa.received == []


def test_bad_bodies_are_refused_in_the_wording_and_reach_nobody(chat):
    token = chat.sign_in(chat.enrolment.issue(CHANNEL).code)["token"]
    webchat = "channels.webchat.errors."
    cases: list[tuple[bytes | dict, int, str, str]] = [
        (b"not json", 400, "bad_json", phrase(webchat + "bad_json")),
        (b"[1, 2]", 400, "bad_json", phrase(webchat + "bad_json")),
        (b"x" * (MAX_BODY_BYTES + 1), 413, "too_large", phrase(webchat + "too_large")),
        ({"message": "   "}, 400, "bad_request", phrase(webchat + "no_message")),
        ({"message": 5}, 400, "bad_request", phrase(webchat + "no_message")),
        (
            {"message": "x" * (MAX_MESSAGE_CHARS + 1)},
            413,
            "too_large",
            phrase("common.too_long", limit="20,000"),
        ),
    ]
    for body, *expected in cases:
        assert error(chat.call("message", body, token)) == tuple(expected), body
    assert error(chat.call("enrol", {"code": ""})) == (
        400,
        "bad_request",
        phrase(webchat + "no_code"),
    )
    assert chat.rasa.received == []


def test_when_the_assistant_fails_the_page_hears_it_and_no_text_is_lost(chat):
    token = chat.sign_in(chat.enrolment.issue(CHANNEL).code)["token"]
    chat.rasa.fail = True
    answer = chat.call("message", {"message": "hello"}, token)
    assert error(answer) == (
        500,
        "assistant_error",
        phrase("channels.webchat.errors.assistant_error"),
    )


def test_a_refused_turn_is_503_busy_with_retry_after_not_something_went_wrong(chat):
    """The lock store refused the turn: nothing of the message was taken, so the page is
    told to send it again (it is still in the box), not that something broke."""
    token = chat.sign_in(chat.enrolment.issue(CHANNEL).code)["token"]
    for refused in (TurnRefused("lock store away"), TrackerNotRead("reading")):
        chat.rasa.fail = refused
        answer = chat.call("message", {"message": "hello"}, token)
        assert error(answer) == (503, "busy", phrase("channels.webchat.errors.busy"))
        assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert "999" in answer.json()["message"]


def test_a_turn_that_ran_but_was_not_saved_is_answered_and_says_so(chat):
    token = chat.sign_in(chat.enrolment.issue(CHANNEL).code)["token"]
    chat.rasa.fail = TrackerNotSaved("saving")
    answer = chat.call("message", {"message": "hello"}, token)
    assert answer.status == 200  # not 503 "send it again": that could repeat the turn
    assert answer.json() == [{"text": phrase("common.not_saved")}]


def test_sign_in_attempts_are_limited_per_client(tmp_path):
    chat = Chat(tmp_path, enrol_rate=(2, 60.0))
    statuses = [chat.call("enrol", {"code": "WRNG-WRNG-WRNG"}).status for _ in range(3)]
    assert statuses == [403, 403, 429]
    limited = chat.call("enrol", {"code": "WRNG-WRNG-WRNG"})
    assert error(limited) == (429, "too_many", phrase("channels.webchat.errors.too_many"))
    assert int(limited.headers["Retry-After"]) > 0
    assert chat.call("enrol", {"code": "x"}, client="10.0.0.2").status == 403  # someone else


def test_forget_me_unenrols_erases_and_ends_the_session(chat):
    signed_in = chat.sign_in(chat.enrolment.issue(CHANNEL).code)
    token, sender = signed_in["token"], signed_in["token"].split(".")[0]
    answer = chat.call("forget", {}, token)
    assert (answer.status, answer.json()) == (200, {"forgotten": True})
    assert chat.forgotten == [sender]
    assert error(chat.call("forget", {}, token)) == (
        401,
        "session",
        phrase("channels.webchat.errors.session_ended_forget"),
    )
    assert chat.call("message", {"message": "hi"}, token).status == 401
    assert chat.call("enrol", {"code": signed_in["personal_key"]}).status == 403


def test_database_calls_run_off_the_event_loop(chat):
    """Enrolment look-ups block; they run in worker threads, never on the loop's thread."""
    loop_threads: set[int] = set()
    original: Callable[[UserMessage], Any] = chat.rasa.__call__

    async def noting_the_loop(message: UserMessage) -> None:
        loop_threads.add(threading.get_ident())
        await original(message)

    chat.handler._on_new_message = noting_the_loop
    token = chat.sign_in(chat.enrolment.issue(CHANNEL).code)["token"]
    assert chat.call("message", {"message": "hello"}, token).status == 200
    assert chat.call("forget", {}, token).status == 200
    assert loop_threads and chat.enrolment.threads
    assert not chat.enrolment.threads & loop_threads


def test_the_page_is_filled_in_from_the_wording_and_files_are_served_by_name(chat):
    page = chat.call("")
    assert page.status == 200 and page.content_type.startswith("text/html")
    html = page.body.decode()
    assert f"<title>{phrase('channels.webchat.page.title')}</title>" in html
    assert "{{" not in html.replace('}}">', "")  # no placeholder left
    neutral = chat.call("static/neutral.html").body.decode()
    assert f"<title>{phrase('channels.webchat.neutral.title')}</title>" in neutral
    script = chat.call("static/chat.js")
    assert script.status == 200 and script.content_type.startswith("text/javascript")
    for missing in ("static/index.html", "static/../webchat.py", "static/nope.js"):
        assert error(chat.call(missing)) == (
            404,
            "not_found",
            phrase("channels.webchat.errors.not_found"),
        )
    for answer in (page, script):
        assert (
            answer.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
        )
