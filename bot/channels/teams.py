"""Microsoft Teams (Bot Framework): activities in, replies through the Bot Connector.

Registered in credentials.yml as ``bot.channels.teams.TeamsInput:``; every setting may be
left out there and come from the environment instead (``TEAMS_APP_ID``,
``TEAMS_APP_PASSWORD``, ``TEAMS_TENANT_ID``, ``TEAMS_ALLOWED_TENANTS``,
``TEAMS_OPENID_METADATA_URL``, ``TEAMS_TOKEN_URL``, ``TEAMS_ISSUERS``; see
`bot.channels.teams_auth.settings_from`). Without an app id, secret and allowed tenant the
channel still loads, and answers 503.

Routes (under /webhooks/teams/): ``GET /`` health; ``POST /webhook`` the Bot Framework
messaging endpoint. A request is served only once its token and activity pass every check
in `bot.channels.teams_auth` (401 or 403 otherwise, and nothing reaches Rasa); malformed
JSON is 400; activities other than messages are acknowledged and go no further; messages
from group chats and team channels get a fixed "one-to-one chats only" reply, not Rasa.

Replies are posted to ``{serviceUrl}/v3/conversations/{id}/activities/{replyToId}`` with
the app's token, and only to a service URL a verified token vouched for. Shapes come from
`bot.channels.adaptive_cards`. Neither tokens nor message text are ever logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import adaptive_cards as cards
from bot.channels.refusals import TURN_ERRORS, failure_key
from bot.channels.rendering import link_of
from bot.channels.teams_auth import (
    HTTP_TIMEOUT_SECONDS,
    AppToken,
    AuthError,
    SigningKeys,
    TeamsSettings,
    VouchedServiceUrls,
    activity_tenant,
    authorise_activity,
    normalise_service_url,
    settings_from,
    verify_token,
)
from bot.enrolment import Enrolment, looks_like_code
from bot.services import services
from bot.wording import phrase

log = logging.getLogger(__name__)

CHANNEL = "teams"
MAX_BODY_BYTES = 256 * 1024
#: As the web chat: a long account of a concern fits; anything longer is cut.
MAX_MESSAGE_CHARS = 20_000
MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
#: Concerns about a pupil are not for a group chat or a team channel (the app manifest
#: offers one-to-one chats only; this holds if it is installed elsewhere anyway).
#: Staff only: a school's tenant holds its pupils too (see `TeamsInput._gate`).
#: Every sentence comes from guidance/interface.yml (`common.*`, `channels.teams.*`).


# --------------------------------------------------------------------------- activities in


def parse_activity(body: bytes) -> dict[str, Any] | None:
    """The activity, or None for anything that is not a JSON object."""
    try:
        activity = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    return activity if isinstance(activity, dict) else None


def sender_id(activity: Mapping[str, Any]) -> str:
    """The user's Entra object id when Teams gives it (stable across chats), else from.id."""
    found = activity.get("from")
    sender: Mapping[str, Any] = found if isinstance(found, dict) else {}
    return str(sender.get("aadObjectId") or sender.get("id") or "")


def _submitted_payload(value: Any) -> str:
    """The payload of a card button press (`value` is an object, or JSON text of one)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ""
    payload = value.get("payload") if isinstance(value, dict) else None
    return payload if isinstance(payload, str) else ""


def user_text(activity: Mapping[str, Any]) -> str:
    """What the user said: a pressed button's payload, else the text without @mentions."""
    text = _submitted_payload(activity.get("value"))
    if not text:
        raw = activity.get("text")
        text = MENTION.sub(" ", raw) if isinstance(raw, str) else ""
    return text.strip()[:MAX_MESSAGE_CHARS]


@dataclass(frozen=True)
class ConversationReference:
    """Where and to whom replies to one activity go."""

    service_url: str
    conversation: dict[str, Any]
    bot: dict[str, Any]
    user: dict[str, Any]
    reply_to_id: str

    @classmethod
    def of(cls, activity: Mapping[str, Any], service_url: str) -> ConversationReference:
        def obj(key: str) -> dict[str, Any]:
            value = activity.get(key)
            return dict(value) if isinstance(value, dict) else {}

        return cls(
            service_url=normalise_service_url(service_url),
            conversation=obj("conversation"),
            bot=obj("recipient"),
            user=obj("from"),
            reply_to_id=str(activity.get("id") or ""),
        )

    @property
    def activities_url(self) -> str:
        """``/v3/conversations/{id}/activities[/{replyToId}]``, ids percent-encoded (Teams
        conversation ids contain ``:``, ``;`` and ``@``)."""
        base = (
            f"{self.service_url}/v3/conversations/"
            f"{quote(str(self.conversation.get('id', '')), safe='')}/activities"
        )
        return f"{base}/{quote(self.reply_to_id, safe='')}" if self.reply_to_id else base

    def push_address(self) -> dict[str, Any]:
        """Enough to write to this person later (a proactive message: no reply-to id)."""
        return {
            "service_url": self.service_url,
            "conversation": {"id": self.conversation.get("id", "")},
            "bot": self.bot,
            "user": {"id": self.user.get("id", "")},
        }

    @classmethod
    def from_push_address(cls, address: Mapping[str, Any]) -> ConversationReference:
        return cls(
            service_url=normalise_service_url(str(address.get("service_url", ""))),
            conversation=dict(address.get("conversation") or {}),
            bot=dict(address.get("bot") or {}),
            user=dict(address.get("user") or {}),
            reply_to_id="",
        )

    def reply(self, **fields: Any) -> dict[str, Any]:
        """A message activity from the bot to the user in this conversation."""
        activity: dict[str, Any] = {
            "type": "message",
            "from": self.bot,
            "recipient": self.user,
            "conversation": self.conversation,
            **fields,
        }
        if self.reply_to_id:
            activity["replyToId"] = self.reply_to_id
        return activity


# --------------------------------------------------------------------------- activities out


class Connector:
    """Posts activities to the Bot Connector with the app's token, to vouched URLs only."""

    def __init__(self, token: AppToken, vouched: VouchedServiceUrls) -> None:
        self._token = token
        self._vouched = vouched

    async def post(self, reference: ConversationReference, activity: dict[str, Any]) -> bool:
        """Send one activity; a refused token is renewed once. False if it did not go."""
        if reference.service_url not in self._vouched:
            log.error("teams: not posting to a service URL no verified token vouched for")
            return False
        for attempt in (1, 2):
            try:
                status = await self._send(reference.activities_url, activity)
            except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as exc:
                log.error("teams: reply not sent (%s)", type(exc).__name__)
                return False
            if status in (401, 403) and attempt == 1:
                self._token.forget()
                continue
            if status >= 300:
                log.error("teams: connector refused a reply (HTTP %s)", status)
            return status < 300
        return False

    async def _send(self, url: str, activity: dict[str, Any]) -> int:
        headers = {"Authorization": f"Bearer {await self._token.get()}"}
        timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(
                url, json=activity, headers=headers, allow_redirects=False
            ) as answer:
                await answer.read()
                return answer.status


class TeamsOutput(OutputChannel):
    """Rasa replies as Teams activities, in the order Rasa gives them."""

    def __init__(self, connector: Connector, reference: ConversationReference) -> None:
        self._connector = connector
        self._reference = reference

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def _post(self, **fields: Any) -> None:
        await self._connector.post(self._reference, self._reference.reply(**fields))

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Outcomes get their own shapes; everything else goes Rasa's usual way.

        Emergency: the words alone first (nothing may precede them), then the red card with
        any buttons. Triage outcome: one card with text, reasons and buttons together.
        """
        custom: Any = message.get("custom")
        if cards.is_emergency(custom):
            if message.get("text"):
                await self.send_text_message(recipient_id, message["text"])
            card = cards.emergency_card(custom, message.get("buttons") or [])
            await self._post(attachments=[card])
        elif cards.is_outcome(custom):
            text = message.get("text") or ""
            card = cards.outcome_card(custom, text, message.get("buttons") or [])
            # `summary` is what a notification shows instead of "sent a card".
            await self._post(attachments=[card], summary=cards.summary(text))
        else:
            await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._post(text=cards.teams_text(text), textFormat="markdown")

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._post(attachments=[cards.hero_card(text, buttons)])

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Outcome payloads become cards; other custom payloads are data for other
        channels (citations, markers) and are not shown in Teams."""
        if cards.is_emergency(json_message):
            await self._post(attachments=[cards.emergency_card(json_message)])
        elif cards.is_outcome(json_message):
            await self._post(attachments=[cards.outcome_card(json_message)])
        elif (link := link_of(json_message)) is not None:  # a one-time PDF link
            title, url = link
            card = {"buttons": [{"type": "openUrl", "title": title, "value": url}]}
            await self._post(attachments=[{"contentType": cards.HERO_CARD, "content": card}])

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._post(attachments=[cards.hero_card("", image=image)])

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        if isinstance(attachment, str):
            await self.send_text_message(recipient_id, attachment)


# --------------------------------------------------------------------------- the channel

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TeamsInput(InputChannel):
    """The Teams messaging endpoint: checks each request, then hands the text to Rasa."""

    def __init__(
        self, settings: TeamsSettings, enrolment: Callable[[], Enrolment] | None = None
    ) -> None:
        self.settings = settings
        self._make_enrolment = enrolment or (lambda: services().enrolment)
        self._enrolment: Enrolment | None = None
        self.keys = SigningKeys(settings.metadata_urls)
        self.vouched = VouchedServiceUrls()
        self.connector = Connector(AppToken(settings), self.vouched)
        if not settings.configured:
            log.warning(
                "teams: not configured, answering 503 (set %s)", ", ".join(settings.missing())
            )

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TeamsInput:
        return cls(settings_from(credentials))

    async def handle(
        self, authorization: str | None, body: bytes, on_new_message: OnNewMessage
    ) -> tuple[int, dict[str, Any]]:
        """One POST to the messaging endpoint: (HTTP status, JSON body)."""
        if not self.settings.configured:
            return 503, {"error": "teams channel not configured"}
        try:
            verified = await verify_token(authorization, self.settings, self.keys)
        except AuthError as exc:
            return self._refused(exc)
        activity = parse_activity(body)
        if activity is None:
            return 400, {"error": "body is not a JSON activity"}
        try:
            service_url = authorise_activity(verified, activity, self.settings)
        except AuthError as exc:
            return self._refused(exc)
        self.vouched.add(service_url)
        if activity.get("type") != "message":
            return 200, {}
        reference = ConversationReference.of(activity, service_url)
        if not sender_id(activity) or not reference.conversation.get("id"):
            return 400, {"error": "activity lacks a sender or a conversation"}
        if reference.conversation.get("conversationType", "personal") != "personal":
            only_here = phrase("channels.teams.personal_only")
            await self.connector.post(reference, reference.reply(text=only_here))
            return 200, {}
        refusal = await self._gate(activity)
        if refusal is not None:
            await self.connector.post(reference, reference.reply(text=refusal))
        else:
            await self._converse(activity, reference, on_new_message)
        return 200, {}

    async def _gate(self, activity: Mapping[str, Any]) -> str | None:
        """Staff only: None to go on to Rasa, else the only reply this person gets.

        Why: the tenant check admits everyone in a school's Microsoft 365 tenant, pupils
        included. Allowed: an Entra object id in TEAMS_ALLOWED_USERS, or a person enrolled
        once with an invite code (`make invite CHANNEL=teams`), remembered as a keyed hash.
        """
        sender = sender_id(activity)
        if sender.lower() in self.settings.allowed_users:
            return None
        if self._enrolment is None:  # on first use: the database may not exist at load time
            self._enrolment = self._make_enrolment()
        enrolment = self._enrolment
        if await asyncio.to_thread(enrolment.is_enrolled, CHANNEL, sender):
            return None
        text = user_text(activity)
        if looks_like_code(text) and await asyncio.to_thread(
            enrolment.redeem, CHANNEL, sender, text
        ):
            log.info("teams: a new member enrolled with an invite code")
            return phrase("common.enrolment.welcome")
        log.info("teams: refused a sender who is neither allow-listed nor enrolled")
        return phrase("common.enrolment.refusal")

    @staticmethod
    def _refused(exc: AuthError) -> tuple[int, dict[str, Any]]:
        log.warning("teams: request refused (%s): %s", exc.status, exc.reason)
        return exc.status, {"error": "unauthorized" if exc.status == 401 else "forbidden"}

    async def _converse(
        self,
        activity: dict[str, Any],
        reference: ConversationReference,
        on_new_message: OnNewMessage,
    ) -> None:
        output = TeamsOutput(self.connector, reference)
        message = UserMessage(
            user_text(activity),
            output,
            sender_id(activity),
            input_channel=self.name(),
            metadata={
                "teams": {"tenant_id": activity_tenant(activity)},
                # kept (encrypted) with a sealed referral, so news of it can be pushed
                "push_address": reference.push_address(),
            },
        )
        try:
            await on_new_message(message)
        except (Exception, *TURN_ERRORS) as exc:  # noqa: BLE001 - the user must hear something
            log.error("teams: handling a message failed (%s)", type(exc).__name__)
            await output.send_text_message(message.sender_id, phrase(failure_key(exc)))

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("teams_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.settings.configured})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "activity too large"}, status=413)
            status, body = await self.handle(
                request.headers.get("Authorization"), request.body, on_new_message
            )
            return response.json(body, status=status)

        return bp


# --------------------------------------------------------------------------- news (push)


class TeamsPusher:
    """Sends news of a referral to the person who sent it, in their one-to-one chat.

    The service URL was vouched for by a verified token when they sent the referral; it is
    kept encrypted with the referral's route, never taken from anywhere else.
    """

    def __init__(self, settings: TeamsSettings) -> None:
        self._settings = settings
        self._token = AppToken(settings)

    async def push(self, route: Any, text: str) -> None:
        reference = ConversationReference.from_push_address(route.address)
        if not reference.service_url or not reference.conversation.get("id"):
            raise LookupError("no Teams address kept for this referral")
        vouched = VouchedServiceUrls()
        vouched.add(reference.service_url)
        if not await Connector(self._token, vouched).post(reference, reference.reply(text=text)):
            raise ConnectionError("the Bot Connector did not take the message")


def pusher_from_environment() -> TeamsPusher | None:
    settings = settings_from(None)
    return TeamsPusher(settings) if settings.configured else None
