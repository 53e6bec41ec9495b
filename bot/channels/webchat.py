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

  Both kinds go through the same steps (`WebChatAuth.sign_in`), and a refusal says the
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

Shape (the same as Teams and Telegram): the crypto and sign-in are plain Python in
`bot.channels.webchat_auth`; `WebChatHandler.handle(authorization, request) -> WebResponse`
does everything a request needs, without Sanic, so it is tested directly; `blueprint()` is
only a route table over it. Blocking work (enrolment and database look-ups) runs off the
event loop with `asyncio.to_thread`. Every sentence, on the page too, comes from
guidance/interface.yml (`channels.webchat.*`): the page's HTML is filled in by the server
and its script reads its wording from the page, so neither file holds a sentence.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.refusals import (
    BUSY,
    NOT_SAVED,
    phrase_after_replies,
    retry_after_headers,
    run_turn,
)
from bot.channels.webchat_auth import CHANNEL, WebChatAuth
from bot.ratelimit import RateLimiter, client_address, parse_rate
from bot.wording import fields_of, phrase, section

log = logging.getLogger(__name__)


STATIC_DIR = Path(__file__).resolve().parent / "webchat_static"
STATIC_FILES = {
    "chat.css": "text/css; charset=utf-8",
    "chat.js": "text/javascript; charset=utf-8",
}
#: Pages filled in from guidance/interface.yml: file -> wording section of its placeholders.
PAGES = {
    "index.html": "channels.webchat.page",
    "neutral.html": "channels.webchat.neutral",  # where quick hide goes (no script, no data)
}
HTML = "text/html; charset=utf-8"
DEFAULT_SESSION_HOURS = 8.0
MAX_SESSION_HOURS = 24.0 * 7
#: Sign-in attempts (invite codes, personal keys) per client address: 10 a minute.
DEFAULT_ENROL_RATE = (10, 60.0)
#: The page refuses longer messages too; 20,000 characters is a long account of a concern.
MAX_MESSAGE_CHARS = 20_000
MAX_BODY_BYTES = 256 * 1024
MAX_CODE_CHARS = 64
#: ``{{key}}`` in a page: the sentence ``<section>.<key>``, HTML-escaped.
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

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


# --------------------------------------------------------------------------- wording


def script_wording() -> dict[str, Any]:
    """What the page's script says, for it to read from the page (`data-wording`).

    Contacts are filled in here; other fields (``{count}``, ``{headline}``) are left for the
    script to fill. The banner headlines are the same words as the Teams red card's.
    """
    texts: dict[str, Any] = {}
    for key, template in section("channels.webchat.script").items():
        kept: dict[str, Any] = {
            name: "{" + name + "}" for name in fields_of(template) - {"contact"}
        }
        texts[key] = phrase(f"channels.webchat.script.{key}", **kept)
    texts["headline"] = {
        outcome: phrase(f"common.outcome_headline.{outcome}")
        for outcome in section("common.outcome_headline")
    }
    return texts


def render_page(template: str, wording_section: str) -> str:
    """A page with each ``{{key}}`` replaced by its sentence, HTML-escaped; ``{{wording}}``
    is the script's wording as (escaped) JSON, for a ``data-`` attribute (no inline script,
    so the strict Content-Security-Policy holds)."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "wording":
            return html.escape(json.dumps(script_wording(), ensure_ascii=False), quote=True)
        return html.escape(phrase(f"{wording_section}.{key}"), quote=True)

    return PLACEHOLDER.sub(fill, template)


def _message(key: str, **values: Any) -> str:
    return phrase(f"channels.webchat.errors.{key}", **values)


# --------------------------------------------------------------------------- replies


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


def concern_alerts(sender_id: str) -> int:
    """Concern alerts waiting for a DSL or teacher: a count shown when they sign in again.

    Blocking (database); 0 when they cannot be counted: signing in must not depend on it.
    """
    try:
        from bot.services import services

        return int(services().concerns.pending_count(f"{CHANNEL}:{sender_id}"))
    except Exception as exc:  # noqa: BLE001 - signing in must not depend on it
        log.warning("webchat: concern alerts not counted: %s", type(exc).__name__)
        return 0


def forget_person(sender_id: str) -> int:
    """ "Forget me": erase the conversation (events and key) and every draft of this person.

    Drafts are owned by the channel-qualified id the actions use (`webchat:<sender id>`).
    Returns how many stored events were erased. Failures are logged by type only. Blocking.
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


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class WebRequest:
    """What the handler needs of an HTTP request: its route under /webhooks/webchat/
    ("", "static/<file>", "enrol", "message", "forget"), method, body and client address
    (the one the sign-in limit counts)."""

    route: str
    method: str = "GET"
    body: bytes = b""
    client: str = ""


@dataclass(frozen=True)
class WebResponse:
    """An HTTP answer, always with the security headers."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of_json(cls, data: Any, status: int = 200, **headers: str) -> WebResponse:
        return cls(
            status,
            json.dumps(data, ensure_ascii=False).encode("utf-8"),
            "application/json",
            {**SECURITY_HEADERS, "Cache-Control": "no-store", **headers},
        )

    @classmethod
    def error(cls, status: int, error: str, message: str, **headers: str) -> WebResponse:
        return cls.of_json({"error": error, "message": message}, status, **headers)

    def json(self) -> Any:
        return json.loads(self.body)


def read_json_object(body: bytes) -> dict[str, Any] | WebResponse:
    """The body as a JSON object, or the 413/400 answer that refuses it."""
    if len(body) > MAX_BODY_BYTES:
        return WebResponse.error(413, "too_large", _message("too_large"))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return WebResponse.error(400, "bad_json", _message("bad_json"))
    if not isinstance(data, dict):
        return WebResponse.error(400, "bad_json", _message("bad_json"))
    return data


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class WebChatHandler:
    """Every web chat request, without a web server: `handle(authorization, request)`.

    `auth` is made on first use (the pepper and database may not exist at load time);
    `forget` and `alerts` are the blocking "Forget me" erasure and the concern-alert count.
    """

    def __init__(
        self,
        auth: Callable[[], WebChatAuth],
        on_new_message: OnNewMessage,
        enrol_limit: RateLimiter,
        forget: Callable[[str], int] = forget_person,
        alerts: Callable[[str], int] = concern_alerts,
    ) -> None:
        self._make_auth = auth
        self._on_new_message = on_new_message
        self.enrol_limit = enrol_limit
        self._forget = forget
        self._alerts = alerts

    @functools.cached_property
    def auth(self) -> WebChatAuth:
        return self._make_auth()

    @functools.cached_property
    def _files(self) -> dict[str, tuple[bytes, str]]:
        files = {
            name: ((STATIC_DIR / name).read_bytes(), ctype) for name, ctype in STATIC_FILES.items()
        }
        for name, wording_section in PAGES.items():
            page = render_page((STATIC_DIR / name).read_text(encoding="utf-8"), wording_section)
            files[name] = (page.encode("utf-8"), HTML)
        return files

    async def handle(self, authorization: str | None, request: WebRequest) -> WebResponse:
        """One request: (status, body, headers), whatever it is."""
        route, method = request.route, request.method.upper()
        if method == "GET" and route == "":
            return self._file("index.html")
        if method == "GET" and route.startswith("static/"):
            name = route[len("static/") :]
            if name == "index.html":  # the page itself is served at "/" only
                return WebResponse.error(404, "not_found", _message("not_found"))
            return self._file(name)
        if method == "POST" and route == "enrol":
            return await self.enrol(request)
        if method == "POST" and route == "message":
            return await self.message(authorization, request)
        if method == "POST" and route == "forget":
            return await self.forget(authorization)
        return WebResponse.error(404, "not_found", _message("not_found"))

    def _file(self, name: str) -> WebResponse:
        found = self._files.get(name)
        if found is None:
            return WebResponse.error(404, "not_found", _message("not_found"))
        body, content_type = found
        return WebResponse(
            200, body, content_type, {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
        )

    async def _sender_of(self, authorization: str | None) -> str | None:
        return await asyncio.to_thread(self.auth.sender_of, authorization)

    async def enrol(self, request: WebRequest) -> WebResponse:
        """Sign in with an invite code or a personal key: a token (and a new key, once)."""
        if not self.enrol_limit.allow(request.client):
            log.warning("webchat: sign-in attempts rate limited")
            wait = str(self.enrol_limit.retry_after(request.client))
            return WebResponse.error(429, "too_many", _message("too_many"), **{"Retry-After": wait})
        data = read_json_object(request.body)
        if isinstance(data, WebResponse):
            return data
        code = data.get("code")
        if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_CHARS:
            return WebResponse.error(400, "bad_request", _message("no_code"))
        signed_in = await asyncio.to_thread(self.auth.sign_in, code)
        if signed_in is None:
            log.warning("webchat: a sign-in was refused")
            return WebResponse.error(403, "code_refused", _message("code_refused"))
        answer: dict[str, Any] = {"token": signed_in.token, "expires": signed_in.expires}
        if signed_in.personal_key is None:
            log.info("webchat: a session started with a personal sign-in key")
            count = await asyncio.to_thread(self._alerts, signed_in.sender_id)
            return WebResponse.of_json({**answer, **({"concern_alerts": count} if count else {})})
        log.info("webchat: a session started with an invite code")
        return WebResponse.of_json({**answer, "personal_key": signed_in.personal_key})

    async def message(self, authorization: str | None, request: WebRequest) -> WebResponse:
        """One message through the assistant; its replies, one object per reply."""
        sender_id = await self._sender_of(authorization)
        if sender_id is None:
            return WebResponse.error(401, "session", _message("session_ended"))
        data = read_json_object(request.body)
        if isinstance(data, WebResponse):
            return data
        text = data.get("message")
        if not isinstance(text, str) or not text.strip():
            return WebResponse.error(400, "bad_request", _message("no_message"))
        if len(text) > MAX_MESSAGE_CHARS:
            too_long = phrase("common.too_long", limit=f"{MAX_MESSAGE_CHARS:,}")
            return WebResponse.error(413, "too_large", too_long)
        collector = WebChatCollector()
        message = UserMessage(text, collector, sender_id, input_channel=CHANNEL, metadata=None)
        key = await run_turn(self._on_new_message(message), CHANNEL)
        closing = phrase_after_replies(key, bool(collector.messages))
        if closing == BUSY:
            return WebResponse.error(503, "busy", _message("busy"), **retry_after_headers())
        if closing == NOT_SAVED:
            await collector.send_response(sender_id, {"text": phrase(NOT_SAVED)})
        elif closing is not None:
            return WebResponse.error(500, "assistant_error", _message("assistant_error"))
        return WebResponse.of_json(collector.messages)

    async def forget(self, authorization: str | None) -> WebResponse:
        """ "Forget me": un-enrol, then erase the conversation and drafts."""
        sender_id = await self._sender_of(authorization)
        if sender_id is None:
            return WebResponse.error(401, "session", _message("session_ended_forget"))
        await asyncio.to_thread(self.auth.forget, sender_id)
        erased = await asyncio.to_thread(self._forget, sender_id)
        log.info("webchat: a member chose to be forgotten (%d stored events erased)", erased)
        return WebResponse.of_json({"forgotten": True})


# --------------------------------------------------------------------------- the channel


class WebChatInput(InputChannel):
    """Rasa input channel ``webchat``: a route table over `WebChatHandler`."""

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

    def make_auth(self) -> WebChatAuth:
        """On first use: the pepper and the database may not exist when the channel loads."""
        from bot.services import services

        return WebChatAuth.from_pepper(services().pepper, self.session_hours, services().enrolment)

    def handler(self, on_new_message: OnNewMessage) -> WebChatHandler:
        return WebChatHandler(self.make_auth, on_new_message, self.enrol_limit)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("webchat", __name__)
        handler = self.handler(on_new_message)

        async def serve(request: Request, route: str) -> HTTPResponse:
            client = client_address(
                request.ip, request.headers.get("X-Forwarded-For"), self.trust_forwarded_for
            )
            answer = await handler.handle(
                request.headers.get("Authorization"),
                WebRequest(route, request.method, request.body or b"", client),
            )
            return response.raw(
                answer.body,
                status=answer.status,
                content_type=answer.content_type,
                headers=dict(answer.headers),
            )

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            # The page's links are relative ("static/chat.js", "message"), so it must be
            # served from a path ending in "/" (a relative redirect also works behind a
            # proxy that mounts the service under a prefix).
            if not request.path.endswith("/"):
                return response.redirect(
                    request.path.rsplit("/", 1)[-1] + "/", headers=SECURITY_HEADERS
                )
            return await serve(request, "")

        @bp.route("/static/<name:str>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            return await serve(request, f"static/{name}")

        @bp.route("/enrol", methods=["POST"])
        async def enrol(request: Request) -> HTTPResponse:
            return await serve(request, "enrol")

        @bp.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            return await serve(request, "message")

        @bp.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            return await serve(request, "forget")

        return bp
