"""The web chat: a small accessible page served by the Rasa server, for enrolled staff only.

For organisations without Teams or Telegram. Registered in credentials.yml as::

    bot.channels.webchat.WebChatInput:
      session_hours: 8     # optional: how long a session lasts after its invite code

Routes (under /webhooks/webchat/):

- ``GET /`` the page; ``GET /static/<file>`` its CSS and JavaScript (no third-party code).
- ``POST /enrol`` ``{"code": "ABCD-EFGH-JKMN"}``: a one-time invite code (``python -m
  bot.enrolment invite --channel webchat``) buys a session: a new random sender id and a
  signed token for it. The page keeps the token in sessionStorage (never a cookie, so there
  is nothing for another site to ride on: no CSRF) and sends it as ``Authorization: Bearer``.
- ``POST /message`` ``{"message": "..."}``: runs the message through the assistant and
  returns its replies as JSON, one object per reply: ``text``, ``buttons``, ``custom`` (the
  text and custom payload of one reply stay together, so the page can show a 999 banner with
  the reply's own words).
- ``POST /end``: ends the session (the sender is un-enrolled, so the token stops working).

Without a valid, unexpired token for an enrolled sender nothing reaches Rasa (401).
Tokens are ``sender_id.expiry.signature``: HMAC-SHA256 under a key derived from the owner
pepper (`bot.store.crypto.get_pepper`), so there is no new secret to manage; changing the
pepper ends every web chat session. Message text and codes are never logged.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

CHANNEL = "webchat"
STATIC_DIR = Path(__file__).resolve().parent / "webchat_static"
STATIC_FILES = {
    "chat.css": "text/css; charset=utf-8",
    "chat.js": "text/javascript; charset=utf-8",
}
DEFAULT_SESSION_HOURS = 8.0
MAX_SESSION_HOURS = 24.0 * 7
#: The page refuses longer messages too; 20,000 characters is a long account of a concern.
MAX_MESSAGE_CHARS = 20_000
MAX_BODY_BYTES = 256 * 1024
SENDER_PREFIX = "webchat-"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SessionTokens:
    """Stateless signed session tokens: ``sender_id.expiry.signature``."""

    def __init__(self, key: bytes, lifetime_seconds: float) -> None:
        self._key = key
        self.lifetime = lifetime_seconds

    @classmethod
    def from_pepper(cls, pepper: bytes, lifetime_seconds: float) -> SessionTokens:
        # A key of its own (HMAC of a label under the pepper): a token never equals an
        # owner hash or an enrolment hash made with the pepper itself.
        key = hmac.new(pepper, b"prevent-webchat-session-token-v1", hashlib.sha256).digest()
        return cls(key, lifetime_seconds)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def issue(self, sender_id: str, now: float | None = None) -> tuple[str, int]:
        expiry = int((now if now is not None else time.time()) + self.lifetime)
        body = f"{sender_id}.{expiry}"
        return f"{body}.{self._sign(body)}", expiry

    def verify(self, token: str, now: float | None = None) -> str | None:
        """The sender id if the token is genuine and unexpired, else None."""
        if not token or len(token) > 512 or not token.isascii():
            return None
        parts = token.split(".")
        if len(parts) != 3:
            return None
        sender_id, expiry, signature = parts
        if not hmac.compare_digest(signature, self._sign(f"{sender_id}.{expiry}")):
            return None
        if not expiry.isdigit() or int(expiry) < (now if now is not None else time.time()):
            return None
        if not sender_id.startswith(SENDER_PREFIX):
            return None
        return sender_id


class WebChatCollector(CollectingOutputChannel):
    """Collects replies one object per reply (Rasa's collector splits text and custom)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        reply: dict[str, Any] = {}
        text = message.get("text")
        if text:
            reply["text"] = str(text)
        buttons = message.get("buttons") or message.get("quick_replies")
        if buttons:
            reply["buttons"] = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in buttons
                if isinstance(b, dict)
            ]
        for key in ("custom", "image", "attachment"):
            if message.get(key):
                reply[key] = message[key]
        if reply:
            await self._persist_message(reply)


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return response.json(
        body, status=status, headers={**SECURITY_HEADERS, "Cache-Control": "no-store"}
    )


def _error(status: int, error: str, message: str) -> HTTPResponse:
    return _json({"error": error, "message": message}, status)


def _read_json_object(request: Request) -> dict[str, Any] | HTTPResponse:
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "too_large", "That message is too long to send.")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(400, "bad_json", "The request body must be a JSON object.")
    if not isinstance(data, dict):
        return _error(400, "bad_json", "The request body must be a JSON object.")
    return data


class WebChatInput(InputChannel):
    """Rasa input channel ``webchat``: the page, enrolment by invite code, and messages."""

    def __init__(self, session_hours: float = DEFAULT_SESSION_HOURS) -> None:
        self.session_hours = session_hours

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        hours = (credentials or {}).get("session_hours")
        hours = DEFAULT_SESSION_HOURS if hours is None else hours
        try:
            hours = float(hours)
        except (TypeError, ValueError) as exc:
            raise ValueError("webchat session_hours must be a number of hours") from exc
        if not 0 < hours <= MAX_SESSION_HOURS:
            raise ValueError(f"webchat session_hours must be between 0 and {MAX_SESSION_HOURS:g}")
        return cls(session_hours=hours)

    @functools.cached_property
    def tokens(self) -> SessionTokens:
        from bot.store.crypto import get_pepper

        return SessionTokens.from_pepper(get_pepper(), self.session_hours * 3600)

    @functools.cached_property
    def enrolment(self):  # type: ignore[no-untyped-def]  # bot.enrolment.Enrolment
        from bot.enrolment import get_enrolment

        return get_enrolment()

    @functools.cached_property
    def _static(self) -> dict[str, tuple[bytes, str]]:
        return {
            name: ((STATIC_DIR / name).read_bytes(), ctype) for name, ctype in STATIC_FILES.items()
        }

    @functools.cached_property
    def _page(self) -> bytes:
        return (STATIC_DIR / "index.html").read_bytes()

    async def _sender_of(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        sender_id = self.tokens.verify(token.strip())
        if sender_id is None:
            return None
        # A database look-up per message (like Rasa's own tracker store): ending a session
        # or removing a member (`Enrolment.remove`) stops its token at once.
        return sender_id if self.enrolment.is_enrolled(CHANNEL, sender_id) else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("webchat", __name__)

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            # The page's links are relative ("static/chat.js", "message"), so it must be
            # served from a path ending in "/" (a relative redirect also works behind a
            # proxy that mounts the service under a prefix).
            if not request.path.endswith("/"):
                return response.redirect(
                    request.path.rsplit("/", 1)[-1] + "/", headers=SECURITY_HEADERS
                )
            return response.raw(
                self._page,
                content_type="text/html; charset=utf-8",
                headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
            )

        @bp.route("/static/<name:str>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            found = self._static.get(name)
            if found is None:
                return _error(404, "not_found", "No such file.")
            body, content_type = found
            return response.raw(
                body,
                content_type=content_type,
                headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
            )

        @bp.route("/enrol", methods=["POST"])
        async def enrol(request: Request) -> HTTPResponse:
            data = _read_json_object(request)
            if isinstance(data, HTTPResponse):
                return data
            code = data.get("code")
            if not isinstance(code, str) or not code.strip() or len(code) > 64:
                return _error(400, "bad_request", "Please enter your invite code.")
            sender_id = SENDER_PREFIX + secrets.token_hex(16)
            redeemed = self.enrolment.redeem(CHANNEL, sender_id, code)
            if not redeemed:
                log.warning("webchat: an invite code was refused")
                return _error(
                    403,
                    "code_refused",
                    "That code didn't work. It may be mistyped, already used or out of date. "
                    "Check it, or ask your safeguarding lead for a new one.",
                )
            token, expiry = self.tokens.issue(sender_id)
            log.info("webchat: a session started")
            return _json({"token": token, "expires": expiry})

        @bp.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            sender_id = await self._sender_of(request)
            if sender_id is None:
                return _error(
                    401, "session", "Your session has ended. Please enter an invite code."
                )
            data = _read_json_object(request)
            if isinstance(data, HTTPResponse):
                return data
            text = data.get("message")
            if not isinstance(text, str) or not text.strip():
                return _error(400, "bad_request", "Please type a message.")
            if len(text) > MAX_MESSAGE_CHARS:
                return _error(
                    413,
                    "too_large",
                    f"That message is too long: please keep it under {MAX_MESSAGE_CHARS:,} "
                    "characters.",
                )
            collector = WebChatCollector()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender_id, input_channel=self.name(), metadata=None
                    )
                )
            except asyncio.CancelledError:
                log.error("webchat: handling a message timed out")
                raise
            except Exception as exc:  # never log the text, only what went wrong
                log.error("webchat: handling a message failed (%s)", type(exc).__name__)
                if not collector.messages:
                    return _error(
                        500,
                        "assistant_error",
                        "Something went wrong on our side. Your message is still in the box: "
                        "please try again.",
                    )
            return _json(collector.messages)

        @bp.route("/end", methods=["POST"])
        async def end(request: Request) -> HTTPResponse:
            sender_id = await self._sender_of(request)
            if sender_id is not None:
                self.enrolment.remove(CHANNEL, sender_id)
                log.info("webchat: a session ended")
            return _json({"ended": True})

        return bp
