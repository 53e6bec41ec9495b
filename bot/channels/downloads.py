"""One-time file links served by the Rasa server: GET /webhooks/files/<token>.

Registered in credentials.yml like a channel so that it runs wherever the assistant runs
(and behind the same HTTPS front); it takes no messages. The file is the SET 2.5 fallback
PDF (`bot.delivery.pickup`): a link works once, then answers 404 like any unknown link.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.services import services

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
GONE = (
    "This link has already been used or has expired. Links to referral files work once, "
    "for 24 hours. Ask the assistant again, or ring your Prevent contact."
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
            if not TOKEN.match(token):
                return response.text(GONE, status=404, headers=HEADERS)
            try:
                pickup = services().pickups.take(token)
            except Exception as exc:  # noqa: BLE001 - said without details
                log.error("file link failed: %s", type(exc).__name__)
                return response.text(
                    "Sorry, the file could not be fetched just now. Please try the link again "
                    "in a minute.",
                    status=503,
                    headers=HEADERS,
                )
            if pickup is None:
                return response.text(GONE, status=404, headers=HEADERS)
            return response.raw(
                pickup.content,
                content_type=CONTENT_TYPES.get(
                    pickup.filename.rsplit(".", 1)[-1], "application/pdf"
                ),
                headers={
                    **HEADERS,
                    "Content-Disposition": f'attachment; filename="{pickup.filename}"',
                },
            )

        return files
