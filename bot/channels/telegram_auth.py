"""Whether a POST to the Telegram webhook comes from Telegram: the secret header.

Plain Python (no ptb, no Sanic, no Rasa), like `bot.channels.teams_auth`. Telegram sends the
``secret_token`` given to setWebhook in ``X-Telegram-Bot-Api-Secret-Token`` with every update;
nothing else about an update can be trusted, so this is checked before the body is read.
"""

from __future__ import annotations

import hmac
import re

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
#: Telegram accepts 1-256 characters of these for setWebhook's secret_token.
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def secret_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison, so the secret cannot be guessed a character at a time."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def refusal(configured: bool, expected: str, given: str | None) -> tuple[int, dict[str, str]]:
    """(status, JSON body) refusing the request, or (0, {}) when it may be read.

    Cheapest and most important first: an unconfigured channel answers 503 (so the poller
    retries), a missing or wrong secret 403 (nothing is read, enrolled or passed on).
    """
    if not configured:
        return 503, {"error": "telegram is not configured"}
    if not secret_matches(expected, given):
        return 403, {"error": "forbidden"}
    return 0, {}
