"""The web chat: a small accessible page served by the Rasa server, for enrolled staff only.

For organisations without Teams or Telegram. Registered in credentials.yml as::

    bot.channels.webchat.WebChatInput:
      session_hours: 8     # optional: how long a session lasts after signing in

Routes (under /webhooks/webchat/):

- ``GET /`` the page; ``GET /static/<file>`` its CSS and JavaScript (no third-party code).
- ``POST /enrol`` ``{"code": "..."}``: signs in with either

  * a one-time invite code (``python -m bot.enrolment invite --channel webchat``): a new
    **personal sign-in key** K is made (16 characters of `bot.enrolment.CODE_ALPHABET`,
    about 79 bits, shown as ``ABCD-EFGH-JKMN-PQRS``), the sender id is derived from it
    (`PersonalKeys.sender_of`) and enrolled, and the answer is ``{token, expires,
    personal_key}``: the only time K is ever sent. K itself is stored nowhere: the
    sender id is an HMAC of it under a key derived from the owner pepper, and the
    database keeps only the member hash of that sender id (`bot.enrolment.Enrolment`);
  * or that personal sign-in key, on any later day: the same sender id is derived again
    and, if it is still enrolled, a new token is issued for it, so the person is back in
    their conversation and their saved drafts (drafts are owned by the sender id).

  Both kinds go through the same steps (`WebChatInput._sign_in`), and a refusal says the
  same kind thing whatever was wrong. The page keeps the token in sessionStorage (never a
  cookie, so there is nothing for another site to ride on: no CSRF) and sends it as
  ``Authorization: Bearer``. The page shows K once; signing out there ("Sign out") only
  forgets the token in that tab.
- ``POST /message`` ``{"message": "..."}``: runs the message through the assistant and
  returns its replies as JSON, one object per reply: ``text``, ``buttons``, ``custom`` (the
  text and custom payload of one reply stay together, so the page can show a 999 banner with
  the reply's own words).
- ``POST /forget``: "Forget me": un-enrols the sender, so its personal sign-in key and every
  token for it stop working at once. Signing out needs no route: the page forgets its
  token. Tokens are stateless and cannot be revoked one by
  one, which is why they are short-lived (``session_hours``, 8 by default).

Without a valid, unexpired token for an enrolled sender nothing reaches Rasa (401).
Tokens are ``sender_id.expiry.signature``: HMAC-SHA256 under a key derived from the owner
pepper (`bot.services.Services.pepper`), so there is no new secret to manage; changing the
pepper ends every web chat session and makes every personal sign-in key useless. Message
text, invite codes and personal keys are never logged.
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

from bot.ratelimit import RateLimiter, client_address, parse_rate

log = logging.getLogger(__name__)

CHANNEL = "webchat"
STATIC_DIR = Path(__file__).resolve().parent / "webchat_static"
STATIC_FILES = {
    "chat.css": "text/css; charset=utf-8",
    "chat.js": "text/javascript; charset=utf-8",
    "neutral.html": "text/html; charset=utf-8",  # where quick hide goes (no script, no data)
}
DEFAULT_SESSION_HOURS = 8.0
MAX_SESSION_HOURS = 24.0 * 7
#: Sign-in attempts (invite codes, personal keys) per client address: 10 a minute.
DEFAULT_ENROL_RATE = (10, 60.0)
#: The page refuses longer messages too; 20,000 characters is a long account of a concern.
MAX_MESSAGE_CHARS = 20_000
MAX_BODY_BYTES = 256 * 1024
SENDER_PREFIX = "webchat-"
#: A personal sign-in key: 16 characters of the invite-code alphabet (31 symbols), about
#: 79 bits, shown in groups of four. Invite codes have 12, so the two never look alike.
PERSONAL_KEY_LENGTH = 16
REFUSED = (
    "That code didn't work. It may be mistyped, already used or out of date. "
    "Check it, or ask your safeguarding lead for a new one."
)

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


def new_personal_key() -> str:
    """A fresh personal sign-in key, as shown to its owner: ``ABCD-EFGH-JKMN-PQRS``."""
    from bot.enrolment import CODE_ALPHABET

    key = "".join(secrets.choice(CODE_ALPHABET) for _ in range(PERSONAL_KEY_LENGTH))
    return "-".join(key[i : i + 4] for i in range(0, PERSONAL_KEY_LENGTH, 4))


def normalise_personal_key(text: str) -> str | None:
    """The key without spaces, dashes or case (people retype it), or None if it isn't one."""
    from bot.enrolment import CODE_ALPHABET, normalise_code

    key = normalise_code(text)
    if len(key) != PERSONAL_KEY_LENGTH or any(ch not in CODE_ALPHABET for ch in key):
        return None
    return key


class PersonalKeys:
    """Sender ids derived from personal sign-in keys; the keys themselves are kept nowhere."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_pepper(cls, pepper: bytes) -> PersonalKeys:
        # A key of its own, like the session tokens': a sender id never equals a token
        # signature, an owner hash or an enrolment hash made with the pepper itself.
        key = hmac.new(pepper, b"prevent-webchat-personal-key-v1", hashlib.sha256).digest()
        return cls(key)

    def sender_of(self, personal_key: str) -> str:
        """``webchat-`` and 32 hex digits of HMAC-SHA256 of the normalised key."""
        normalised = normalise_personal_key(personal_key)
        if normalised is None:
            raise ValueError("not a personal sign-in key")
        digest = hmac.new(self._key, normalised.encode("ascii"), hashlib.sha256).hexdigest()
        return SENDER_PREFIX + digest[:32]


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


def _concern_alerts(sender_id: str) -> dict[str, int]:
    """Concern alerts waiting for a DSL or teacher: a count shown when they sign in again."""
    try:
        from bot.services import services

        count = services().concerns.pending_count(f"{CHANNEL}:{sender_id}")
    except Exception as exc:  # noqa: BLE001 - signing in must not depend on it
        log.warning("webchat: concern alerts not counted: %s", type(exc).__name__)
        return {}
    return {"concern_alerts": count} if count else {}


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


def forget_person(sender_id: str) -> int:
    """ "Forget me": erase the conversation (events and key) and every draft of this person.

    Drafts are owned by the channel-qualified id the actions use (`webchat:<sender id>`).
    Returns how many stored events were erased. Failures are logged by type only.
    """
    from bot.config import get_config
    from bot.services import services
    from bot.store.conversations import unlink_draft

    erased = 0
    try:
        vault = services().vault
        erased = vault.erase(vault.owner(sender_id))
        store, owner = services().drafts, f"{CHANNEL}:{sender_id}"
        for draft in store.list(owner):
            store.delete(owner, draft.id)
            unlink_draft(get_config().database_url, draft.id)
    except Exception as exc:  # noqa: BLE001 - never with user data
        log.error("webchat: forgetting a member failed (%s)", type(exc).__name__)
    return erased


class WebChatInput(InputChannel):
    """Rasa input channel ``webchat``: the page, enrolment by invite code, and messages."""

    def __init__(
        self,
        session_hours: float = DEFAULT_SESSION_HOURS,
        enrol_rate: tuple[int, float] = DEFAULT_ENROL_RATE,
        trust_forwarded_for: bool = False,
    ) -> None:
        self.session_hours = session_hours
        #: Behind the HTTPS proxy every client arrives from the proxy's address: count the
        #: address it appends to X-Forwarded-For instead (`trust_x_forwarded_for: true`).
        self.trust_forwarded_for = trust_forwarded_for
        # Per client, in the server itself: guessing codes costs key derivations and look-ups.
        self.enrol_limit = RateLimiter(*enrol_rate)

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
        try:  # e.g. enrol_rate: "10/60" (attempts per seconds, per client address)
            rate = parse_rate(str((credentials or {}).get("enrol_rate") or ""), DEFAULT_ENROL_RATE)
        except ValueError as exc:
            raise ValueError("webchat enrol_rate looks like 10/60 (attempts per seconds)") from exc
        trust = (credentials or {}).get("trust_x_forwarded_for", False)
        if isinstance(trust, str):
            trust = trust.strip().lower() in ("1", "true", "yes")
        if not isinstance(trust, bool):
            raise ValueError("webchat trust_x_forwarded_for is true or false")
        return cls(session_hours=hours, enrol_rate=rate, trust_forwarded_for=trust)

    @functools.cached_property
    def tokens(self) -> SessionTokens:
        from bot.services import services

        return SessionTokens.from_pepper(services().pepper, self.session_hours * 3600)

    @functools.cached_property
    def personal_keys(self) -> PersonalKeys:
        from bot.services import services

        return PersonalKeys.from_pepper(services().pepper)

    @functools.cached_property
    def enrolment(self):  # type: ignore[no-untyped-def]  # bot.enrolment.Enrolment
        from bot.services import services

        return services().enrolment

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
        # A database look-up per message (like Rasa's own tracker store): "Forget me" or
        # removing a member (`Enrolment.remove`) stops its tokens at once.
        return sender_id if self.enrolment.is_enrolled(CHANNEL, sender_id) else None

    def _sign_in(self, text: str) -> tuple[str | None, str | None]:
        """(sender id, new personal key) for an invite code; (sender id, None) for an
        enrolled member's personal key; (None, None) for anything else.

        Much the same work whatever `text` is, so timing tells little: two key derivations
        and the membership look-up always run (a text that is no key is looked up as a fresh
        random key, which is never enrolled), plus the invite look-up `Enrolment.redeem`
        makes for anything shaped like an invite code (a shape the sender knows anyway).
        """
        new_key = new_personal_key()
        new_sender = self.personal_keys.sender_of(new_key)
        typed = normalise_personal_key(text)
        typed_sender = self.personal_keys.sender_of(typed or new_personal_key())
        if self.enrolment.redeem(CHANNEL, new_sender, text):
            self.enrolment.is_enrolled(CHANNEL, typed_sender)  # the other path's look-up
            return new_sender, new_key
        if self.enrolment.is_enrolled(CHANNEL, typed_sender) and typed is not None:
            return typed_sender, None
        return None, None

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
            client = client_address(
                request.ip, request.headers.get("X-Forwarded-For"), self.trust_forwarded_for
            )
            if not self.enrol_limit.allow(client):
                log.warning("webchat: sign-in attempts rate limited")
                refused = _error(
                    429,
                    "too_many",
                    "Too many sign-in attempts from here. Please wait a minute and try again.",
                )
                refused.headers["Retry-After"] = str(self.enrol_limit.retry_after(client))
                return refused
            data = _read_json_object(request)
            if isinstance(data, HTTPResponse):
                return data
            code = data.get("code")
            if not isinstance(code, str) or not code.strip() or len(code) > 64:
                return _error(
                    400, "bad_request", "Please enter your invite code or personal sign-in key."
                )
            sender_id, personal_key = self._sign_in(code)
            if sender_id is None:
                log.warning("webchat: a sign-in was refused")
                return _error(403, "code_refused", REFUSED)
            token, expiry = self.tokens.issue(sender_id)
            if personal_key is None:
                log.info("webchat: a session started with a personal sign-in key")
                return _json({"token": token, "expires": expiry, **_concern_alerts(sender_id)})
            log.info("webchat: a session started with an invite code")
            return _json({"token": token, "expires": expiry, "personal_key": personal_key})

        @bp.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            sender_id = await self._sender_of(request)
            if sender_id is None:
                return _error(
                    401,
                    "session",
                    "Your session has ended. Please sign in again with your personal sign-in key.",
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

        @bp.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            sender_id = await self._sender_of(request)
            if sender_id is None:
                return _error(
                    401,
                    "session",
                    "Your session has ended. Sign in with your personal sign-in key first.",
                )
            self.enrolment.remove(CHANNEL, sender_id)
            erased = forget_person(sender_id)
            log.info("webchat: a member chose to be forgotten (%d stored events erased)", erased)
            return _json({"forgotten": True})

        return bp
