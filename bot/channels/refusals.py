"""What a channel says when the assistant could not take a message.

Two different failures, two different things to tell the person:

* A **refused turn** (`bot.runtime.lock_store.TurnRefused`: the lock store cannot be
  reached, or a conversation's lock kept changing under this replica;
  `bot.runtime.tracker_store.TrackerDatabaseUnavailable`: the tracker database did not
  answer within its retry window). The message was not kept: nothing of it was stored,
  so it must be sent again, and it is safe to do so at once. The person hears "busy,
  please send it again"; HTTP callers get 503 with ``Retry-After`` (the load balancer
  and any client may retry; a plain 500 or an empty 200 would read as "answered with
  nothing").
* **Anything else** failed while handling the message: "something went wrong".

Both sentences end with the 999 line: a refused message may have been the one that said
someone is in danger. The words live in guidance/interface.yml (``common.busy``,
``common.failed``); channels only choose between them.
"""

from __future__ import annotations

from bot.runtime.lock_store import TurnRefused
from bot.runtime.tracker_store import TrackerDatabaseUnavailable

#: Seconds an HTTP caller is told to wait before sending a refused message again: long
#: enough for a contended lock to settle, short enough that nobody gives up.
RETRY_AFTER_SECONDS = 2

#: What a refused turn raises. `TrackerDatabaseUnavailable` is an `asyncio.CancelledError`
#: (so that Rasa's fail-safe tracker store lets it through): channels catch these by name,
#: ahead of their "timed out" handling.
REFUSED: tuple[type[BaseException], ...] = (TurnRefused, TrackerDatabaseUnavailable)

BUSY = "common.busy"
FAILED = "common.failed"


def was_refused(exc: BaseException) -> bool:
    """True when the message was refused before any of it was handled (send it again)."""
    return isinstance(exc, REFUSED)


def failure_key(exc: BaseException) -> str:
    """The interface phrase key for a message whose handling raised `exc`."""
    return BUSY if was_refused(exc) else FAILED


def retry_after_headers() -> dict[str, str]:
    """The headers of a 503 for a refused message."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}
