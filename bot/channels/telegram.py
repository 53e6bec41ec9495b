"""Telegram channel (python-telegram-bot 22): webhook in, Bot API out, enrolled staff only.

Registered in credentials.yml as `bot.channels.telegram.TelegramInput` with `access_token`,
`webhook_secret` and `api_base_url` (each falls back to TELEGRAM_BOT_TOKEN,
TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_BASE_URL). Routes, under /webhooks/telegram/:

* `GET /`: health.
* `POST /webhook`: one Telegram update. Checked in this order, cheapest and most
  important first: the channel is configured (else 503), the
  `X-Telegram-Bot-Api-Secret-Token` header matches (else 403), the body is an update
  (else 400). Only then is anything read, enrolled or passed to Rasa.

Every update is untrusted. Who may talk: a person enrolled with a one-time invite code
(`bot.enrolment`); anyone else gets one polite refusal and nothing reaches Rasa. Only
private chats are served, so a concern is never discussed in a group.

Sender id for Rasa (and for enrolment) is the Telegram *user* id, as a string. Enrolment
admits a person, not a chat; a conversation about a pupil belongs to the member of staff
who started it; and since only private chats are served, the user id is also the chat id
that replies go to. (In a group, the chat id would mix several people into one tracker.)

Replies are plain text (no parse_mode), so nothing a user or the guidance contains can be
read by Telegram as markup: there is nothing to escape, and nothing to get wrong. Message
text, tokens and secrets are never logged; log lines carry only kinds and error types.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.error import Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.channels.refusals import FAILED, TURN_ERRORS, failure_key
from bot.channels.rendering import clean_text, link_of, split_text, utf16_len
from bot.channels.telegram_auth import SECRET_HEADER, SECRET_SHAPE, refusal
from bot.channels.telegram_auth import secret_matches as secret_matches  # re-exported
from bot.config import get_config
from bot.enrolment import Enrolment, looks_like_code
from bot.services import services
from bot.wording import phrase

log = logging.getLogger(__name__)

CHANNEL = "telegram"
DEFAULT_API_BASE_URL = "https://api.telegram.org"
MAX_MESSAGE = 4096  # Bot API: characters (UTF-16 code units) of a message's text
MAX_CALLBACK_DATA = 64  # Bot API: bytes of an inline button's callback_data
MAX_UPDATE_BYTES = 1_000_000  # real updates are a few kB; anything huge is not Telegram
DIGEST_PREFIX = "#b:"  # callback_data standing for a payload too long for Telegram

#: The replies this channel makes itself, by wording id (guidance/interface.yml).
REFUSAL = "common.enrolment.refusal"
WELCOME = "common.enrolment.welcome"
ALREADY_ENROLLED = "common.enrolment.already_enrolled"
TEXT_ONLY = "channels.telegram.text_only"
EDITED = "channels.telegram.edited"
PRIVATE_ONLY = "channels.telegram.private_only"
BUTTON_EXPIRED = "channels.telegram.button_expired"

#: Telegram's own commands, as this assistant's intents (anything else is passed as typed).
COMMANDS = {"/start": "/greet", "/help": "/bot_capabilities"}


def keep_token_and_text_out_of_logs() -> None:
    """httpx logs every request URL at INFO, and the Bot API URL contains the bot token; ptb
    logs the parameters of every call (message text) at DEBUG. Neither may reach the logs.
    Done when a bot is made (`TelegramSettings.make_bot`), not when this module is imported."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)


# --- settings ----------------------------------------------------------------------------------


def _setting(credentials: Mapping[str, Any] | None, key: str, env: str) -> str:
    """From credentials.yml, else the environment; blank or an unexpanded `${...}` is unset."""
    value = str((credentials or {}).get(key) or "").strip()
    if not value or value.startswith("${"):
        value = get_config().channel_env.get(env, "").strip()
    return value


@dataclass(frozen=True)
class TelegramSettings:
    """What the channel needs to know; `repr` never shows the token or the secret."""

    token: str = field(default="", repr=False)
    webhook_secret: str = field(default="", repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL

    @classmethod
    def resolve(cls, credentials: Mapping[str, Any] | None = None) -> TelegramSettings:
        return cls(
            token=_setting(credentials, "access_token", "TELEGRAM_BOT_TOKEN"),
            webhook_secret=_setting(credentials, "webhook_secret", "TELEGRAM_WEBHOOK_SECRET"),
            api_base_url=(
                _setting(credentials, "api_base_url", "TELEGRAM_API_BASE_URL")
                or DEFAULT_API_BASE_URL
            ).rstrip("/"),
        )

    @property
    def configured(self) -> bool:
        """Both are needed: without a secret, anyone who finds the URL could post updates."""
        return bool(self.token and self.webhook_secret)

    @property
    def bot_base_url(self) -> str:
        """ptb appends the token: `{api}/bot<token>/<method>`."""
        return f"{self.api_base_url}/bot"

    def make_bot(self) -> Bot:
        keep_token_and_text_out_of_logs()
        return Bot(token=self.token, base_url=self.bot_base_url)


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked us to wait (ptb gives seconds or a timedelta)."""
    delay = exc.retry_after
    return float(delay.total_seconds() if isinstance(delay, timedelta) else delay)


# --- buttons -----------------------------------------------------------------------------------


class ButtonPayloads:
    """Rasa payloads as callback_data, which Telegram caps at 64 bytes.

    A payload that fits is sent as it is, so a button keeps working after a restart. A
    longer one (e.g. `/ask_guidance{"guidance_topic": "<a long topic id>"}`) is sent as a
    short digest and remembered here (the most recent few thousand); a press of a digest
    this process no longer knows falls back to the button's title, read from the message.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._by_token: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        if len(payload.encode()) <= MAX_CALLBACK_DATA and not payload.startswith(DIGEST_PREFIX):
            return payload
        digest = hashlib.sha256(payload.encode()).digest()[:18]
        token = DIGEST_PREFIX + base64.urlsafe_b64encode(digest).decode()
        self._by_token[token] = payload
        self._by_token.move_to_end(token)
        while len(self._by_token) > self._capacity:
            self._by_token.popitem(last=False)
        return token

    def decode(self, data: str) -> str | None:
        """The payload behind `data`; None for a digest this process does not know."""
        if not data.startswith(DIGEST_PREFIX):
            return data
        return self._by_token.get(data)


def inline_keyboard(
    buttons: Iterable[Mapping[str, Any]], payloads: ButtonPayloads
) -> InlineKeyboardMarkup:
    """Rasa buttons as an inline keyboard, one button a row (titles are whole phrases)."""
    rows = []
    for button in buttons:
        title = clean_text(str(button.get("title") or "")).strip()
        payload = str(button.get("payload") or title)
        if not title:
            continue
        rows.append([InlineKeyboardButton(title[:64], callback_data=payloads.encode(payload))])
    return InlineKeyboardMarkup(rows)


def title_of_pressed(update: Update, data: str) -> str | None:
    """The title of the button carrying `data` on the message it was pressed on, if any."""
    query = update.callback_query
    markup = getattr(getattr(query, "message", None), "reply_markup", None) if query else None
    for row in getattr(markup, "inline_keyboard", ()) or ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def telegram_pieces(text: str) -> list[str]:
    """A reply as Telegram messages: plain text, cut at the best boundary under 4,096."""
    return split_text(clean_text(text), MAX_MESSAGE, measure=utf16_len)


# --- inbound -----------------------------------------------------------------------------------

Kind = Literal["text", "button", "non_text", "edited", "ignored"]


@dataclass(frozen=True)
class Inbound:
    """What an update means to this channel, independent of how Telegram shaped it."""

    kind: Kind
    user_id: int | None = None
    chat_id: int | None = None
    private: bool = True
    text: str = ""
    callback_id: str | None = None


class BadUpdate(ValueError):
    """The body is not a Telegram update."""


def parse_update(body: bytes) -> Update:
    """The update in `body`, or BadUpdate (never anything else) for whatever it is instead."""
    if len(body) > MAX_UPDATE_BYTES:
        raise BadUpdate("too large")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadUpdate("not JSON") from exc
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise BadUpdate("not an update")
    try:
        update = Update.de_json(data, None)
    except Exception as exc:  # noqa: BLE001 - ptb raises whatever the bad shape provokes
        raise BadUpdate("malformed update") from exc
    if update is None:
        raise BadUpdate("empty update")
    return update


def read_update(update: Update) -> Inbound:
    """Classify an update: typed text, a button press, something that is not text, an edit."""
    query = update.callback_query
    if query is not None:
        chat = getattr(query.message, "chat", None)
        return Inbound(
            "button",
            user_id=query.from_user.id,
            chat_id=chat.id if chat else None,
            private=bool(chat and chat.type == "private"),
            text=query.data or "",
            callback_id=query.id,
        )
    if update.edited_message is not None:
        message, kind = update.edited_message, "edited"
    elif update.message is not None:
        message = update.message
        kind = "text" if message.text is not None else "non_text"
    else:  # channel posts, member updates, polls...: nothing a person said to us
        return Inbound("ignored")
    if message.from_user is None:
        return Inbound("ignored")
    return Inbound(
        kind,  # type: ignore[arg-type]
        user_id=message.from_user.id,
        chat_id=message.chat.id,
        private=message.chat.type == "private",
        text=message.text or "",
    )


def invite_code_in(text: str) -> str | None:
    """A code typed as it is, or sent by a `t.me/<bot>?start=<code>` link (`/start CODE`)."""
    candidate = text.strip()
    if candidate.lower().startswith("/start "):
        candidate = candidate[len("/start ") :].strip()
    return candidate if looks_like_code(candidate) else None


def as_rasa_text(text: str) -> str:
    """Typed text for Rasa: control characters dropped, Telegram's commands as intents."""
    text = clean_text(text).strip()
    command = text.split("@", 1)[0].lower()  # "/start@prevent_bot" in a client's menu
    return COMMANDS.get(command, text)


class RecentIds:
    """Update ids already handled: Telegram re-delivers an update it thinks went missing."""

    def __init__(self, capacity: int = 1024) -> None:
        self._capacity = capacity
        self._seen: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True


# --- outbound ----------------------------------------------------------------------------------


class TelegramOutput(OutputChannel):
    """Sends Rasa's replies with ptb: plain text, split to fit, buttons as inline keyboards."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, bot: Bot, payloads: ButtonPayloads) -> None:
        self.bot = bot
        self.payloads = payloads

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for piece in telegram_pieces(text):
            await self._send(recipient_id, piece)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """The keyboard goes on the last piece, under the question it answers."""
        pieces = telegram_pieces(text or "") or [phrase("channels.telegram.choose")]
        for piece in pieces[:-1]:
            await self._send(recipient_id, piece)
        await self._send(recipient_id, pieces[-1], inline_keyboard(buttons, self.payloads))

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Dropped: the outcome payloads are for machines, and their text was already sent.

        Only a payload that carries its own `text` (meant for people) is shown.
        """
        text = json_message.get("text") if isinstance(json_message, dict) else None
        if isinstance(text, str) and text.strip():
            await self.send_text_message(recipient_id, text)
        link = link_of(json_message)
        if link is not None:  # a one-time PDF link: a button that opens it
            title, url = link
            button = InlineKeyboardButton(title[:64], url=url)
            await self._send(recipient_id, title, InlineKeyboardMarkup([[button]]))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_text_message(recipient_id, phrase("channels.telegram.image", url=image))

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self.send_text_message(
            recipient_id, phrase("channels.telegram.attachment", attachment=attachment)
        )

    async def _send(
        self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """One message; waits out a flood limit once; a user who blocked the bot is skipped."""
        for attempt in (1, 2):
            try:
                await self.bot.send_message(
                    chat_id=chat_id,
                    text=text,
                    reply_markup=markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                return
            except RetryAfter as exc:
                if attempt == 2:
                    raise
                await asyncio.sleep(min(retry_seconds(exc), 30.0))
            except Forbidden:
                log.info("telegram: a user has blocked the bot; reply dropped")
                return


# --- the channel -------------------------------------------------------------------------------


class TelegramInput(InputChannel):
    """Rasa input channel for Telegram; see the module docstring for what it lets through."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Never raises for missing settings: an unconfigured channel answers 503 instead."""
        settings = TelegramSettings.resolve(credentials)
        if not settings.configured:
            log.warning(
                "telegram: no bot token or webhook secret configured; the webhook answers 503"
            )
        elif not SECRET_SHAPE.match(settings.webhook_secret):
            log.warning("telegram: the webhook secret must be 1-256 of A-Z a-z 0-9 _ -")
        return cls(settings)

    def __init__(
        self,
        settings: TelegramSettings | None = None,
        enrolment: Callable[[], Enrolment] | None = None,
    ) -> None:
        self.settings = settings or TelegramSettings.resolve()
        self._make_enrolment = enrolment or (lambda: services().enrolment)
        self._enrolment: Enrolment | None = None
        self.payloads = ButtonPayloads()
        self._recent = RecentIds()
        self._bot: Bot | None = None
        self._bot_ready = False

    def get_output_channel(self) -> TelegramOutput | None:
        """For Rasa's own sends (e.g. reminders); None while no token is configured."""
        return self._output() if self.settings.configured else None

    def _output(self) -> TelegramOutput:
        """The bot is made on first use, inside the server's event loop that will drive it."""
        if self._bot is None:
            self._bot = self.settings.make_bot()
        return TelegramOutput(self._bot, self.payloads)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram = Blueprint("prevent_telegram", __name__)

        @telegram.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.settings.configured else "unconfigured"})

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            status, body = await self.handle(
                request.headers.get(SECRET_HEADER), request.body or b"", on_new_message
            )
            return response.json(body, status=status)

        @telegram.listener("after_server_stop")
        async def close_bot(*_: Any) -> None:
            if self._bot is not None:
                await self._bot.shutdown()

        return telegram

    async def handle(
        self,
        secret: str | None,
        body: bytes,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> tuple[int, dict[str, Any]]:
        """One POST to the webhook, `secret` its secret header: (HTTP status, JSON body).

        The same shape as Teams' `TeamsInput.handle`, tested without a server.
        """
        status, refused = refusal(self.settings.configured, self.settings.webhook_secret, secret)
        if status:
            return status, refused
        try:
            update = parse_update(body)
        except BadUpdate as exc:
            log.info("telegram: refused a body that is not an update (%s)", exc)
            return 400, {"error": "not a Telegram update"}
        if self._recent.first_time(update.update_id):
            await self.handle_update(update, on_new_message)
        # 200 even when handling failed: Telegram would re-send the same update forever.
        return 200, {"ok": True}

    async def handle_update(
        self, update: Update, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """One authenticated update: gate it, then pass it to Rasa or answer it here."""
        inbound = read_update(update)
        out = self._output()
        await self._initialise(out.bot)
        if inbound.callback_id:
            await self._answer_callback(out.bot, inbound.callback_id)
        if inbound.kind == "ignored" or inbound.chat_id is None or inbound.user_id is None:
            return
        chat = str(inbound.chat_id)
        try:
            if not inbound.private:
                await out.send_text_message(chat, phrase(PRIVATE_ONLY))
                return
            sender = str(inbound.user_id)
            reply = await self._gate(sender, inbound)
            if reply is None and inbound.kind == "button":
                text = self.payloads.decode(inbound.text) or title_of_pressed(update, inbound.text)
                reply = None if text else BUTTON_EXPIRED
            else:
                text = inbound.text
            if reply is not None:
                await out.send_text_message(chat, phrase(reply))
                return
            log.debug("telegram: %s update passed to Rasa", inbound.kind)
            await on_new_message(
                UserMessage(as_rasa_text(text or ""), out, sender, input_channel=CHANNEL)
            )
        except (Exception, *TURN_ERRORS) as exc:  # noqa: BLE001 - the user hears something
            log.error("telegram: handling an update failed: %s", type(exc).__name__)
            await self._apologise(out, chat, failure_key(exc))

    async def _gate(self, sender: str, inbound: Inbound) -> str | None:
        """The reply (a wording id) that ends this update here, or None to pass it to Rasa.

        Not enrolled: a valid unused code enrols, anything else is refused. Enrolled:
        a code is not spent again, and only text (typed or a button) goes on.
        """
        if self._enrolment is None:  # on first use: the database may not exist at load time
            self._enrolment = self._make_enrolment()
        enrolment = self._enrolment
        code = invite_code_in(inbound.text) if inbound.kind == "text" else None
        if not await asyncio.to_thread(enrolment.is_enrolled, CHANNEL, sender):
            redeemed = bool(code) and await asyncio.to_thread(
                enrolment.redeem, CHANNEL, sender, code or ""
            )
            if redeemed:
                log.info("telegram: a new member enrolled with an invite code")
                return WELCOME
            return REFUSAL
        if code:
            return ALREADY_ENROLLED
        if inbound.kind == "non_text":
            return TEXT_ONLY
        if inbound.kind == "edited":
            return EDITED
        if inbound.kind == "text" and not as_rasa_text(inbound.text):
            return TEXT_ONLY  # only control characters or spaces
        return None

    async def _initialise(self, bot: Bot) -> None:
        """Once: open ptb's HTTP client and check the token (getMe), so it can be closed.

        A failure is logged and sending is tried anyway; it is retried on the next update.
        """
        if self._bot_ready:
            return
        try:
            await bot.initialize()
            self._bot_ready = True
        except InvalidToken:  # ptb's message for this contains the token: not logged
            log.error("telegram: Telegram rejected the bot token")
        except TelegramError as exc:
            log.warning("telegram: getMe failed: %s", type(exc).__name__)

    @staticmethod
    async def _answer_callback(bot: Bot, callback_id: str) -> None:
        """Stops the client's spinner on the button; for anyone, enrolled or not."""
        try:
            await bot.answer_callback_query(callback_id)
        except TelegramError as exc:  # a query older than 15 minutes: nothing to stop
            log.info("telegram: answerCallbackQuery failed: %s", type(exc).__name__)

    @staticmethod
    async def _apologise(out: TelegramOutput, chat: str, key: str = FAILED) -> None:
        try:
            await out.send_text_message(chat, phrase(key))
        except Exception as exc:  # noqa: BLE001 - Telegram itself is failing: nothing to do
            log.error("telegram: could not send the apology either: %s", type(exc).__name__)


# --- news pushed to referrers (bot.channels.push) -----------------------------------------------


class TelegramPusher:
    """Sends news of a referral to the member of staff who sent it (sender id = user id)."""

    def __init__(self, settings: TelegramSettings) -> None:
        self._settings = settings

    async def push(self, route: Any, text: str) -> None:
        async with self._settings.make_bot() as bot:
            await TelegramOutput(bot, ButtonPayloads()).send_text_message(route.sender_id, text)


def pusher_from_environment() -> TelegramPusher | None:
    settings = TelegramSettings.resolve()
    return TelegramPusher(settings) if settings.token else None
