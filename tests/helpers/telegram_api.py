"""A loopback stand-in for the Telegram Bot API, for tests with the real python-telegram-bot.

Serves `POST/GET /bot<token>/<method>` on 127.0.0.1 from a thread and records every call.
It implements what the channel and the poller use (getMe, sendMessage, answerCallbackQuery,
getUpdates, deleteWebhook, setWebhook, editMessageReplyMarkup) and enforces the Bot API
limits that matter to them, so a reply that would fail on Telegram fails here too:
4,096 characters a message (UTF-16 code units), 64 bytes of callback data, a known token.

Also builds the update JSON Telegram would send (messages, edits, stickers, button presses).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
#: Form fields that ptb sends JSON-encoded (everything else is a plain string).
JSON_FIELDS = {
    "reply_markup",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "entities",
}
INT_FIELDS = {"offset", "limit", "timeout", "message_id"}
BOT_USER = {
    "id": 700000001,
    "is_bot": True,
    "first_name": "Prevent assistant (test)",
    "username": "prevent_test_bot",
}


@dataclass(frozen=True)
class Call:
    """One Bot API request as the stand-in understood it."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_form(body: bytes) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        if key in JSON_FIELDS:
            params[key] = json.loads(value)
        elif key in INT_FIELDS:
            params[key] = int(value)
        else:
            params[key] = value
    return params


class FakeTelegram:
    """The stand-in: start it, point `Bot(token, base_url=f"{fake.base_url}/bot")` at it."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.max_long_poll = 2.0  # seconds a getUpdates may wait for something to arrive

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTelegram:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                fake._serve(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *_: Any) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- HTTP --------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        try:
            prefix = f"/bot{self.token}/"
            if not handler.path.startswith(prefix):
                raise ApiError(401, "Unauthorized")
            method = handler.path[len(prefix) :].split("?", 1)[0]
            ctype = handler.headers.get("Content-Type", "")
            if ctype.startswith("application/json"):
                params = json.loads(body or b"{}")
            else:
                params = _decode_form(body)
            result = self._dispatch(method, params)
            status, payload = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status = exc.code
            payload = {"ok": False, "error_code": exc.code, "description": exc.description}
        except (ValueError, KeyError) as exc:
            status = 400
            payload = {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler: Callable[[dict[str, Any]], Any] | None = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        if method != "getUpdates":  # polling calls are counted apart, they are many
            self._record(method, params)
        return handler(params)

    def _record(self, method: str, params: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(Call(method, params))
            self._lock.notify_all()

    # --- Bot API methods -------------------------------------------------------------------

    def _api_getMe(self, _: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return BOT_USER

    def _api_deleteWebhook(self, _: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:  # noqa: N802
        if not params.get("url"):
            raise ApiError(400, "Bad Request: bad webhook: an HTTPS URL must be provided")
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:  # noqa: N802
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old or query ID is invalid")
        return True

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        text = params.get("text", "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        return message

    def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), self.max_long_poll)
        deadline = time.monotonic() + wait
        with self._lock:
            self.calls.append(Call("getUpdates", params))
            if offset:  # confirmed: Telegram forgets everything before the offset
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._lock.wait(timeout=max(0.0, deadline - time.monotonic()))
            limit = int(params.get("limit") or 100)
            return list(self._updates[:limit])

    # --- what tests use ----------------------------------------------------------------------

    def queue_update(self, update: dict[str, Any]) -> None:
        """Make `update` available to getUpdates (polling mode)."""
        with self._lock:
            self._updates.append(update)
            self._lock.notify_all()

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        """Params of every sendMessage to `chat_id`, oldest first."""
        return [
            c.params for c in self.calls_of("sendMessage") if int(c.params["chat_id"]) == chat_id
        ]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
        """Block until `predicate()` is truthy (re-checked on every recorded call)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                self._lock.release()
                try:
                    value = predicate()
                finally:
                    self._lock.acquire()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the stand-in did not see the expected calls in time")
                self._lock.wait(timeout=min(remaining, 0.5))

    # --- updates as Telegram sends them ----------------------------------------------------

    def next_update_id(self) -> int:
        return next(self._update_ids)

    @staticmethod
    def _user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Staff", "language_code": "en"}

    def _message(self, user_id: int, chat_id: int | None = None, **content: Any) -> dict[str, Any]:
        chat_id = user_id if chat_id is None else chat_id
        chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": "Staff"}
        if chat_id < 0:
            chat = {"id": chat_id, "type": "group", "title": "Staff room"}
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._user(user_id),
            **content,
        }

    def text_update(self, user_id: int, text: str, chat_id: int | None = None) -> dict[str, Any]:
        return {
            "update_id": self.next_update_id(),
            "message": self._message(user_id, chat_id, text=text),
        }

    def edited_update(self, user_id: int, text: str) -> dict[str, Any]:
        message = self._message(user_id, text=text, edit_date=int(time.time()))
        return {"update_id": self.next_update_id(), "edited_message": message}

    def sticker_update(self, user_id: int) -> dict[str, Any]:
        sticker = {
            "file_id": "CAACAgIAAxkBAAE",
            "file_unique_id": "AgADAQADAQ",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return {
            "update_id": self.next_update_id(),
            "message": self._message(user_id, sticker=sticker),
        }

    def photo_update(self, user_id: int) -> dict[str, Any]:
        photo = [{"file_id": "AgACAgQ", "file_unique_id": "AQAD", "width": 90, "height": 90}]
        return {
            "update_id": self.next_update_id(),
            "message": self._message(user_id, photo=photo, caption="see this"),
        }

    def callback_update(
        self, user_id: int, data: str, pressed_on: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A press of an inline button carrying `data`, on the message sent with `pressed_on`
        (the params of a recorded sendMessage: its text and keyboard)."""
        sent = pressed_on or {"text": "(earlier message)"}
        message = self._message(user_id, text=sent.get("text", ""))
        message["from"] = BOT_USER
        if sent.get("reply_markup"):
            message["reply_markup"] = sent["reply_markup"]
        return {
            "update_id": self.next_update_id(),
            "callback_query": {
                "id": f"cbq-{next(self._message_ids)}",
                "from": self._user(user_id),
                "chat_instance": "-1234567890",
                "message": message,
                "data": data,
            },
        }


@contextmanager
def running_fake_telegram(token: str) -> Iterator[FakeTelegram]:
    fake = FakeTelegram(token).start()
    try:
        yield fake
    finally:
        fake.stop()
