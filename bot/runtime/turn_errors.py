"""Why a turn was not served, or not kept: the exceptions channels tell people about.

Kept apart from the lock store and the tracker store (which import much of Rasa, the
encrypted store and the vault) so that every channel module can name them cheaply.

* Before the turn ran (nothing of the message was taken; sending it again is safe):
  `TurnRefused` (the lock store cannot be reached; a Rasa `LockError`), `LockContended`
  (a lock kept changing under this replica), `TrackerNotRead` (the tracker database did
  not answer while the conversation was read).
* After it ran: `TrackerNotSaved` (every action ran and every reply went out, but the
  conversation could not be stored: the assistant may not remember that last message;
  sending it again could repeat what it did, such as a confirm).

The tracker errors derive from `asyncio.CancelledError`, as a timed-out turn does, so that
Rasa's `FailSafeTrackerStore` (which catches `Exception`) lets them through instead of
serving the turn from an empty tracker.
"""

from __future__ import annotations

import asyncio

from rasa.core.lock_store import LockError


class TurnRefused(LockError):
    """The lock store is unreachable: this turn is not served (it could be out of order)."""


class LockContended(TurnRefused):
    """A lock kept changing under this replica for the lock store's deadline: the turn is
    refused (as when Redis is away) rather than retried without end."""


class TrackerDatabaseUnavailable(asyncio.CancelledError):
    """The tracker database did not answer within the retry window."""


class TrackerNotRead(TrackerDatabaseUnavailable):
    """... while reading the conversation, before the turn ran: the turn is refused."""


class TrackerNotSaved(TrackerDatabaseUnavailable):
    """... while saving it, after the turn ran and its replies went out."""


#: Raised before a turn ran: the person is told the assistant is busy, to send it again.
#: (Rasa's own `LockError`, e.g. a lock key gone while a turn waited, is one too.)
REFUSED_BEFORE_THE_TURN: tuple[type[BaseException], ...] = (LockError, TrackerNotRead)
