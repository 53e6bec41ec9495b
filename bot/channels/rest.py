"""The REST channel, hardened: `POST /webhooks/rest/webhook` for tests and loopback use.

Rasa's own `rest` channel answers 500 to a body that is not a JSON object (and logs the
traceback with the user's text), and takes `input_channel` and `metadata` from the body:
a caller could claim to be the Telegram channel (so the actions would qualify its sender
id as a Telegram user's, `bot.actions._common.owner_id`) or set a push address. This one:

* accepts only ``{"sender": str|int, "message": str}`` (400 with a JSON error otherwise);
* is always the channel ``rest``: `input_channel` and `metadata` in the body are ignored;
* never logs what was said, only that handling failed (`bot.channels.refusals.run_turn`);
* a turn refused before it ran (the assistant busy: `bot.channels.refusals`) answers 503
  with ``Retry-After`` and the "please send it again" sentence, not an empty 200; a turn
  that ran but was not saved keeps its replies and adds "I may not remember that"; any
  other failure with nothing said answers "something went wrong" with the 999 line, where
  Rasa's channel answers an empty list (silence, to someone who may have typed an
  emergency).

It has no authentication by design: never publish it (credentials.production.yml leaves it
out; `make run` binds 127.0.0.1). Same URL and reply format as Rasa's channel.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.refusals import BUSY, phrase_after_replies, retry_after_headers, run_turn
from bot.wording import phrase

MAX_BODY_BYTES = 256 * 1024
MAX_SENDER_CHARS = 256
#: As the other channels: a long account of a concern fits; anything longer is refused.
MAX_MESSAGE_CHARS = 25_000


def parse_body(body: bytes) -> tuple[str, str] | str:
    """(sender id, text), or the reason the body is refused."""
    if len(body or b"") > MAX_BODY_BYTES:
        return "body too large"
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return "body is not JSON"
    if not isinstance(data, dict):
        return "body is not a JSON object"
    sender, text = data.get("sender", "default"), data.get("message")
    if isinstance(sender, bool) or not isinstance(sender, str | int):
        return "sender must be a string"
    sender = str(sender)
    if not sender.strip() or len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        return "sender must be 1-256 printable characters"
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
        return "message must be a string of at most 25000 characters"
    return sender, text


class RestInput(InputChannel):
    """`rest`, validated; registered in credentials.yml as ``bot.channels.rest.RestInput:``."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def handle(
        self, body: bytes, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> tuple[int, Any, dict[str, str]]:
        """One POST: (HTTP status, JSON body, extra headers). Without a web server, so
        that tests drive it directly (as `TelegramInput.handle` and `TeamsInput.handle`)."""
        parsed = parse_body(body)
        if isinstance(parsed, str):
            return 400, {"error": parsed}, {}
        sender, text = parsed
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, sender, input_channel=self.name())
        key = await run_turn(on_new_message(message), self.name())
        if key == BUSY and not collector.messages:
            return 503, [{"recipient_id": sender, "text": phrase(BUSY)}], retry_after_headers()
        if (closing := phrase_after_replies(key, bool(collector.messages))) is not None:
            await collector.send_text_message(sender, phrase(closing))
        return 200, collector.messages, {}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("prevent_rest_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            status, replies, headers = await self.handle(request.body, on_new_message)
            return response.json(replies, status=status, headers=headers)

        return bp
