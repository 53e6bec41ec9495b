"""What a channel says when the assistant could not take, or could not keep, a message.

Three failures, three different things to tell the person (`bot.runtime.turn_errors`):

* **Refused before the turn** (the lock store cannot be reached, a conversation's lock kept
  changing or vanished, or the tracker database did not answer while the conversation was
  read). Nothing of the message was taken, so it must be sent again, and that is safe: the
  person hears "busy, please send it again"; HTTP callers get 503 with ``Retry-After``.
  (haproxy retries only connection failures, never a 503: turns are not idempotent, and a
  refused one is for the person or client to send again.)
* **Not saved after the turn** (`TrackerNotSaved`): every action ran and every reply went
  out, but the conversation could not be stored. The replies stand, followed by "I may not
  remember that last message"; nobody is told to send it again, which could repeat what
  the turn did (a confirm, say).
* **Anything else** failed while handling the message: "something went wrong".

Every sentence ends with the 999 line: a failed message may have been the one that said
someone is in danger. The words live in guidance/interface.yml (``common.busy``,
``common.not_saved``, ``common.failed``); channels only choose between them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from bot.runtime.turn_errors import (
    REFUSED_BEFORE_THE_TURN,
    TrackerDatabaseUnavailable,
    TrackerNotSaved,
)

log = logging.getLogger(__name__)

#: Seconds an HTTP caller is told to wait before sending a refused message again: long
#: enough for a contended lock to settle, short enough that nobody gives up.
RETRY_AFTER_SECONDS = 2

#: What channels catch by name, ahead of their "timed out" handling: the tracker errors are
#: `asyncio.CancelledError`s (so that Rasa's fail-safe tracker store lets them through).
TURN_ERRORS: tuple[type[BaseException], ...] = (
    *REFUSED_BEFORE_THE_TURN,
    TrackerDatabaseUnavailable,
)

BUSY = "common.busy"
NOT_SAVED = "common.not_saved"
FAILED = "common.failed"


def was_refused(exc: BaseException) -> bool:
    """True when the message was refused before any of it was handled (send it again)."""
    return isinstance(exc, REFUSED_BEFORE_THE_TURN)


def was_not_saved(exc: BaseException) -> bool:
    """True when the turn ran and answered but could not be stored."""
    return isinstance(exc, TrackerNotSaved)


def failure_key(exc: BaseException) -> str:
    """The interface phrase key for a message whose handling raised `exc`."""
    if was_refused(exc):
        return BUSY
    return NOT_SAVED if was_not_saved(exc) else FAILED


def retry_after_headers() -> dict[str, str]:
    """The headers of a 503 for a refused message."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


async def run_turn(turn: Awaitable[Any], channel: str) -> str | None:
    """Await one turn: None when it went through, else the phrase key of what went wrong.

    The one place where the channels that answer in the HTTP response (REST, the web chat)
    tell the three failures apart and log them: by type only, never the text. A timeout
    (a plain `asyncio.CancelledError`) is not a failure of the turn to report here: it is
    raised on, so the web server answers it as Rasa does.
    """
    try:
        await turn
    except TURN_ERRORS as exc:
        log.error("%s: a turn was refused or not saved (%s)", channel, type(exc).__name__)
        return failure_key(exc)
    except asyncio.CancelledError:
        log.error("%s: handling a message timed out", channel)
        raise
    except Exception as exc:  # noqa: BLE001 - never log the text, only what failed
        log.error("%s: handling a message failed (%s)", channel, type(exc).__name__)
        return FAILED
    return None


def phrase_after_replies(key: str | None, answered: bool) -> str | None:
    """The phrase key to add after a turn's replies, if any, once it ended with `key`.

    A turn not saved keeps its replies and says so; a turn that failed or was refused
    without a word said gets its sentence (each ends with the 999 line), so nobody is left
    with silence; one that had already answered stands as it is.
    """
    if key == NOT_SAVED:
        return NOT_SAVED
    return key if key is not None and not answered else None
