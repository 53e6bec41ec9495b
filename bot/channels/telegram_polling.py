"""`make telegram`: Telegram for a bot without a public URL, by polling instead of a webhook.

Long-polls the Bot API (`getUpdates`, with python-telegram-bot) and posts each update, as
Telegram would, to the running assistant's own webhook with the secret header. The poller
is only a pipe: the Rasa process stays the one place that checks the secret, gates on
enrolment and talks to Rasa, so polling and webhook mode cannot drift apart.

Delivery is at least once and in order: an update is confirmed to Telegram (the offset
moves past it) only once the assistant took it (2xx) or refused it for good (400); while
the assistant is down or starting (connection refused, 5xx, 503 unconfigured), the same
update is retried with backoff. A 403 means the two sides have different secrets: the
poller stops rather than drop messages. Telegram keeps unconfirmed updates for 24 hours.

Settings come from the environment like the channel's: TELEGRAM_BOT_TOKEN,
TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_BASE_URL (optional), and the assistant's address
(`--rasa-url`, else RASA_URL, else http://127.0.0.1:$RASA_PORT). Telegram refuses
getUpdates while a webhook is set, so polling removes the webhook first (pending updates
are kept). Neither the token nor any message text is logged.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

import httpx
from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.channels.telegram import SECRET_HEADER, TelegramSettings, retry_seconds
from bot.config import get_config

log = logging.getLogger("bot.channels.telegram_polling")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
LONG_POLL_SECONDS = 25
MAX_BACKOFF_SECONDS = 30.0


class SecretMismatch(RuntimeError):
    """The assistant refused the poller's secret: retrying cannot help."""


def default_rasa_url() -> str:
    return get_config().rasa_url


def webhook_url(rasa_url: str) -> str:
    return f"{rasa_url.rstrip('/')}/webhooks/telegram/webhook"


async def relay(client: httpx.AsyncClient, url: str, secret: str, update: Update) -> bool:
    """Post one update to the assistant. True: done with it (taken, or refused for good).

    False: try again later (the assistant is down, starting or failing).
    """
    try:
        reply = await client.post(
            url,
            content=update.to_json().encode(),
            headers={"Content-Type": "application/json", SECRET_HEADER: secret},
        )
    except httpx.HTTPError as exc:
        log.warning("assistant unreachable at %s (%s)", url, type(exc).__name__)
        return False
    if reply.status_code == 403:
        raise SecretMismatch("TELEGRAM_WEBHOOK_SECRET differs between the poller and Rasa")
    if reply.status_code == 503:
        log.warning("the assistant's Telegram channel is not configured (503); retrying")
        return False
    if reply.status_code >= 500 or reply.status_code == 429:
        log.warning("the assistant answered %s; retrying", reply.status_code)
        return False
    if reply.status_code >= 400:
        log.warning(
            "the assistant refused update %s (%s); skipped", update.update_id, reply.status_code
        )
    return True


async def _backoff(attempt: int) -> None:
    await asyncio.sleep(min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** min(attempt, 6)))


async def deliver(send: Callable[[], Awaitable[bool]]) -> None:
    """Retry `send` with backoff until it reports the update done."""
    attempt = 0
    while not await send():
        await _backoff(attempt)
        attempt += 1


async def poll(
    bot: Bot,
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    long_poll: int = LONG_POLL_SECONDS,
) -> None:
    """Fetch updates and relay them one at a time, in order, until cancelled."""
    offset: int | None = None
    failures = 0
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=long_poll, allowed_updates=ALLOWED_UPDATES
            )
        except RetryAfter as exc:
            await asyncio.sleep(retry_seconds(exc))
            continue
        except (TimedOut, NetworkError) as exc:
            log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
            await _backoff(failures)
            failures += 1
            continue
        failures = 0
        for update in updates:
            await deliver(lambda u=update: relay(client, url, secret, u))
            offset = update.update_id + 1


async def run(settings: TelegramSettings, rasa_url: str, long_poll: int = LONG_POLL_SECONDS) -> int:
    """Check the token, drop any webhook, then poll until cancelled. The exit status."""
    if not settings.configured:
        log.error("set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (the Rasa side needs both)")
        return 2
    bot = settings.make_bot()
    try:
        await bot.initialize()  # getMe: a wrong token fails here, not on the first message
        await bot.delete_webhook(drop_pending_updates=False)
        log.info("polling Telegram as @%s; relaying to %s", bot.username, webhook_url(rasa_url))
        async with httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=5.0)) as client:
            await poll(bot, client, webhook_url(rasa_url), settings.webhook_secret, long_poll)
    except InvalidToken:  # its message contains the token: say it without
        log.error("Telegram rejected TELEGRAM_BOT_TOKEN")
        return 2
    except SecretMismatch as exc:
        log.error("%s; stopping so that no update is dropped", exc)
        return 3
    except TelegramError as exc:
        log.error("Telegram error: %s", type(exc).__name__)
        return 1
    finally:
        try:
            await bot.shutdown()
        except Exception:  # noqa: BLE001, S110 - best effort on the way out
            pass
    return 0


async def _main_async(settings: TelegramSettings, rasa_url: str, long_poll: int) -> int:
    """`run` with Ctrl-C and SIGTERM stopping it cleanly (unconfirmed updates come again)."""
    task = asyncio.ensure_future(run(settings, rasa_url, long_poll))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        log.info("stopped")
        return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bot.channels.telegram_polling",
        description="Relay Telegram updates to the running assistant by long polling.",
    )
    parser.add_argument("--rasa-url", default=default_rasa_url(), help="the assistant's base URL")
    parser.add_argument("--long-poll", type=int, default=LONG_POLL_SECONDS, help="seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("httpx", "httpcore"):  # request URLs carry the token
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.exit(asyncio.run(_main_async(TelegramSettings.resolve(), args.rasa_url, args.long_poll)))


if __name__ == "__main__":
    main()
