"""News for referrers pushed to channels that can start a conversation (Telegram, Teams).

On the REST channel and the web chat the assistant can only answer, so news waits until
the referrer next writes (`deliver_notices` in the actions). Telegram and Teams can send
first: this loop takes pending news (`bot.referral.updates`), says it in the words of the
domain's responses, and marks it delivered once the channel accepted it. A push that
fails is left pending, so it is pulled at the next message instead: news is never lost.

python -m bot.channels.push --every 5   (started by `make run` when a channel is configured)
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
from pathlib import Path
from typing import Protocol

import yaml

from bot.concerns import Concerns
from bot.concerns.store import alert_message
from bot.config import PROJECT_ROOT, get_config
from bot.referral.updates import ReferrerUpdates, Route, news_response
from bot.services import services
from bot.store.leader import Leadership

log = logging.getLogger("bot.channels.push")
DOMAIN_FILE = PROJECT_ROOT / "domain" / "referral_updates.yml"


class Pusher(Protocol):
    async def push(self, route: Route, text: str) -> None:
        """Send `text` to the person at `route`; raise if the channel did not accept it."""


@functools.lru_cache(maxsize=2)
def _responses(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        domain = yaml.safe_load(fh)
    return {name: variants[0]["text"] for name, variants in domain["responses"].items()}


def say(response: str, values: dict[str, str], path: Path = DOMAIN_FILE) -> str:
    """The response's text with its values, as Rasa would fill it in."""
    text = _responses(path)[response]
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


async def push_pending(updates: ReferrerUpdates, pushers: dict[str, Pusher]) -> int:
    """Push every pending piece of news whose channel can push; returns how many went."""
    from bot.guidance import get_service

    police_phone = get_service().base.police.phone
    inbox = get_config().inbox_address
    pushed = 0
    # News on other channels waits to be pulled when the referrer next writes.
    for update, route in updates.pending(channels=pushers):
        pusher = pushers[route.channel]
        response, values = news_response(update, police_phone, inbox)
        try:
            await pusher.push(route, say(response, values))
        except Exception as exc:  # noqa: BLE001 - left pending; pulled at the next message
            log.warning("push on %s failed: %s", route.channel, type(exc).__name__)
            continue
        pushed += updates.mark_delivered(update.id)
    return pushed


CONCERNS_DOMAIN = PROJECT_ROOT / "domain" / "concerns.yml"


async def push_concern_alerts(concerns: Concerns, pushers: dict[str, Pusher]) -> int:
    """Concern alerts (to a school's DSLs, or to the teacher who raised one), like news.

    Due review dates become alerts first. An alert that cannot be pushed stays pending
    and is said at the person's next message.
    """
    concerns.remind_due_reviews()
    pushed = 0
    for alert, route in concerns.pending_alerts(channels=pushers):
        values = alert_message(alert)
        response = values.pop("response")
        try:
            await pushers[route.channel].push(route, say(response, values, CONCERNS_DOMAIN))
        except Exception as exc:  # noqa: BLE001 - left pending; said at the next message
            log.warning("concern alert on %s failed: %s", route.channel, type(exc).__name__)
            continue
        pushed += concerns.mark_alert_delivered(alert.id)
    return pushed


def configured_pushers() -> dict[str, Pusher]:
    """The channels configured in this environment that can push."""
    pushers: dict[str, Pusher] = {}
    from bot.channels import teams, telegram

    for name, module in (("telegram", telegram), ("teams", teams)):
        pusher = module.pusher_from_environment()
        if pusher is not None:
            pushers[name] = pusher
    return pushers


async def _loop(every: float) -> None:
    pushers = configured_pushers()
    if not pushers:
        log.info("no channel that can push is configured: news waits for the next message")
        return
    updates = services().updates
    concerns = services().concerns
    leadership = Leadership(get_config().database_url, "push")  # one pusher of N replicas
    while True:
        try:
            if leadership.lead():  # news and concern alerts: pushed by one replica only
                count = await push_pending(updates, pushers)
                if count:
                    log.info("pushed %d piece(s) of news", count)
                count = await push_concern_alerts(concerns, pushers)
                if count:
                    log.info("pushed %d concern alert(s)", count)
        except Exception as exc:  # noqa: BLE001 - keep going; the database may be back soon
            log.error("push round failed: %s", type(exc).__name__)
        if not every:
            return
        await asyncio.sleep(every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=float, default=0, help="seconds between rounds (0: once)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(_loop(args.every))


if __name__ == "__main__":
    main()
