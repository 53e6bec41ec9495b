"""Health and metrics of a Rasa replica: /webhooks/ops/live, /ready and /metrics.

Not a chat channel: it takes no messages. Loaded from credentials.yml like the others,
so every Rasa replica has these routes (the load balancer checks /ready). On start it
times every turn the agent handles, whichever channel it came from
(`prevent_turn_seconds`, `prevent_turns_total`; see bot/metrics.py). Keep the path off
the public proxy: metrics are for the monitoring network.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.metrics import count_turn, metrics_text

log = logging.getLogger(__name__)


def _timed(handle: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(handle)
    async def handle_message(message: UserMessage, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await handle(message, *args, **kwargs)
        finally:
            count_turn(message.input_channel or "other", time.perf_counter() - started)

    handle_message.prevent_timed = True  # type: ignore[attr-defined]
    return handle_message


def instrument(agent: Any) -> None:
    """Time the agent's turns (idempotent)."""
    if agent is not None and not getattr(agent.handle_message, "prevent_timed", False):
        agent.handle_message = _timed(agent.handle_message)


async def readiness(agent: Any) -> tuple[bool, str]:
    """Ready when the model is loaded and the tracker database and lock store answer."""
    if agent is None or not agent.is_ready():
        return False, "model not loaded"
    instrument(agent)  # the agent is replaced when a model is loaded over HTTP
    engine = getattr(agent.tracker_store, "engine", None)
    if engine is not None:
        try:
            await asyncio.get_running_loop().run_in_executor(None, _ping_database, engine)
        except Exception as exc:  # noqa: BLE001
            return False, f"tracker database unreachable ({type(exc).__name__})"
    red = getattr(agent.lock_store, "red", None)
    if red is not None:
        try:
            await asyncio.get_running_loop().run_in_executor(None, red.ping)
        except Exception as exc:  # noqa: BLE001
            return False, f"lock store unreachable ({type(exc).__name__})"
    return True, "ready"


def _ping_database(engine: Any) -> None:
    from sqlalchemy import text

    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


class OpsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "ops"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        ops = Blueprint("prevent_ops", __name__)

        @ops.listener("after_server_start")
        async def start_timing(app: Any, _loop: Any) -> None:
            instrument(getattr(app.ctx, "agent", None))

        @ops.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @ops.route("/live", methods=["GET"])
        async def live(_: Request) -> HTTPResponse:
            return response.text("ok\n")

        @ops.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            ok, why = await readiness(getattr(request.app.ctx, "agent", None))
            return response.text(f"{why}\n", status=200 if ok else 503)

        @ops.route("/metrics", methods=["GET"])
        async def metrics(_: Request) -> HTTPResponse:
            body, kind = metrics_text()
            return response.raw(body, content_type=kind)

        return ops
