"""One-time file links served by the Rasa server: GET /webhooks/files/<token>.

Registered in credentials.yml like a channel so that it runs wherever the assistant runs
(and behind the same HTTPS front); it takes no messages. The file is the SET 2.5 fallback
PDF (`bot.delivery.pickup`): a link works once, then answers 404 like any unknown link.
`handle(token)` answers without a server; the database look-up runs off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.delivery.pickup import Pickup
from bot.services import services
from bot.wording import phrase

log = logging.getLogger(__name__)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
#: Decision records are also exported as JSON and CSV (bot.actions.concerns).
CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
#: What the plain-text pages say (guidance/interface.yml).
GONE = "channels.files.gone"
UNAVAILABLE = "channels.files.unavailable"


@dataclass(frozen=True)
class FileAnswer:
    """What a link answers: the file once, else a plain-text page in the wording."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=lambda: dict(HEADERS))

    @classmethod
    def said(cls, status: int, key: str) -> FileAnswer:
        return cls(status, phrase(key).encode("utf-8"))


Take = Callable[[str], "Pickup | None"]  # PickupStore.take: the file once, else None


def _take(token: str) -> Pickup | None:
    return services().pickups.take(token)


async def handle(token: str, take: Take = _take) -> FileAnswer:
    """One GET of a link, without a server. `take` blocks (database): run off the loop."""
    if not TOKEN.match(token):
        return FileAnswer.said(404, GONE)
    try:
        pickup = await asyncio.to_thread(take, token)
    except Exception as exc:  # noqa: BLE001 - said without details
        log.error("file link failed: %s", type(exc).__name__)
        return FileAnswer.said(503, UNAVAILABLE)
    if pickup is None:
        return FileAnswer.said(404, GONE)
    return FileAnswer(
        200,
        pickup.content,
        CONTENT_TYPES.get(pickup.filename.rsplit(".", 1)[-1], "application/pdf"),
        {**HEADERS, "Content-Disposition": f'attachment; filename="{pickup.filename}"'},
    )


class FileLinksInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "files"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        files = Blueprint("prevent_file_links", __name__)

        @files.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @files.route("/<token>", methods=["GET"])
        async def download(_: Request, token: str) -> HTTPResponse:
            answer = await handle(token)
            return response.raw(
                answer.body,
                status=answer.status,
                content_type=answer.content_type,
                headers=dict(answer.headers),
            )

        return files
