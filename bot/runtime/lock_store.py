"""The turn lock store: Redis when configured (several Rasa replicas), in memory otherwise.

Rasa serialises the turns of one conversation with a ticket lock kept in a lock store.
With one Rasa process the in-memory store is enough; with N replicas behind a load
balancer every replica must see the same tickets, so they live in Redis. Rasa's own
`RedisLockStore` reads a lock, changes it and writes it back in separate commands: two
replicas taking a ticket at the same moment can overwrite each other's ticket and then
serve two turns of one conversation at once. Here every change is one compare-and-set
in Redis (retried if the lock changed meanwhile, after an exponential pause with jitter,
for at most two seconds), and each lock expires on its own (a replica that dies holding
one cannot block its conversation for good).

When Redis cannot be reached a turn is refused (`TurnRefused`, logged in one clear line)
rather than served without the lock, where it could overtake an earlier turn. The
channels then tell the person the assistant is busy and to send the message again, and
answer HTTP callers 503 with Retry-After (`bot.channels.refusals`).

endpoints.yml::

    lock_store:
      type: bot.runtime.lock_store.TurnLockStore

Redis from `REDIS_URL` (or `REDIS_HOST`, ...; `Config.redis_url`); unset: in memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.config import get_config
from bot.runtime.turn_errors import LockContended, TurnRefused

__all__ = ["LockContended", "TurnLockStore", "TurnRefused"]

logger = logging.getLogger(__name__)
KEY_PREFIX = "prevent:lock:"
#: A lock key outlives its newest ticket by this much, then Redis drops it.
_KEY_GRACE_SECONDS = 60
_SOCKET_TIMEOUT = 2.0
#: A compare-and-set that lost to another replica is retried after a pause: the first
#: about `_BACKOFF_FIRST` seconds, each next one up to twice as long (at most
#: `_BACKOFF_CAP`), half of it fixed and half random (replicas that collided do not
#: collide again in step, and no retry is immediate); after `_CHANGE_DEADLINE` seconds of
#: losing, the change is given up (`LockContended`). The pauses block the replica's event
#: loop (Rasa's lock store interface is synchronous), so the deadline is kept short: with
#: haproxy's per-conversation affinity two replicas rarely touch one lock at all.
_BACKOFF_FIRST = 0.002
_BACKOFF_CAP = 0.05
_CHANGE_DEADLINE = 0.25


class TurnLockStore(LockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, url: str | None = None):
        super().__init__()
        #: Seconds a turn's ticket lives without renewal (PREVENT_TURN_LOCK_SECONDS).
        config = get_config()  # this process's settings, built once
        self.lifetime = config.turn_lock_seconds
        configured = url or (endpoint_config.url if endpoint_config else None) or config.redis_url
        self._memory: dict[str, TicketLock] = {}
        self.red: Any = None
        # The pauses between compare-and-set retries (tests replace them).
        self._sleep: Callable[[float], None] = time.sleep
        self._clock: Callable[[], float] = time.monotonic
        self._random: Callable[[], float] = random.random
        if configured:
            import redis

            self.red = redis.Redis.from_url(
                configured, socket_timeout=_SOCKET_TIMEOUT, socket_connect_timeout=_SOCKET_TIMEOUT
            )
            logger.info("turn locks in Redis (%s)", _where(configured))

    @property
    def backend(self) -> str:
        return "redis" if self.red is not None else "memory"

    # --- storage (Rasa's interface) -------------------------------------------------

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        if self.red is None:
            return self._memory.get(conversation_id)
        raw = self.red.get(KEY_PREFIX + conversation_id)
        return TicketLock.from_dict(json.loads(raw)) if raw else None

    def delete_lock(self, conversation_id: str) -> None:
        if self.red is None:
            self._memory.pop(conversation_id, None)
        else:
            self.red.delete(KEY_PREFIX + conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        if self.red is None:
            self._memory[lock.conversation_id] = lock
        else:
            self.red.set(KEY_PREFIX + lock.conversation_id, lock.dumps(), ex=_ttl(lock))

    # --- every read-modify-write in one transaction ---------------------------------

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]
    ) -> TicketLock | None:
        """Apply `change` to the stored lock atomically; a None result deletes it."""
        if self.red is None:  # one process, and these methods never await: already atomic
            lock = change(self._memory.get(conversation_id))
            if lock is None:
                self._memory.pop(conversation_id, None)
            else:
                self._memory[conversation_id] = lock
            return lock
        key = KEY_PREFIX + conversation_id
        deadline = self._clock() + _CHANGE_DEADLINE
        lost = 0
        while True:
            raw = self.red.get(key)
            lock = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
            new = "" if lock is None else lock.dumps()
            ttl = 0 if lock is None else _ttl(lock)
            if self._swap(keys=[key], args=[raw or b"", new, ttl]):
                return lock
            # another replica changed it meanwhile: pause, then read again
            lost += 1
            left = deadline - self._clock()
            if left <= 0:  # logged by the caller: a refused turn, or a lock left to lapse
                raise LockContended(f"{lost} tries in {_CHANGE_DEADLINE:.2f} s")
            self._sleep(min(left, self._pause(lost)))

    def _pause(self, lost: int) -> float:
        """The pause after losing `lost` compare-and-sets in a row: exponential, capped,
        half of it random. These methods are synchronous (Rasa's lock store interface),
        so the pause holds up this replica's event loop; it is milliseconds, and bounded
        in all by the deadline, like a Redis round trip that times out."""
        bound = min(_BACKOFF_CAP, _BACKOFF_FIRST * 2 ** min(lost - 1, 32))
        return bound / 2 + self._random() * bound / 2

    @property
    def _swap(self) -> Any:
        """A compare-and-set in Redis (one Lua script, so atomic): the lock is replaced
        (or deleted) only if it is still what was read. Two round trips per change (GET,
        then this), where WATCH, GET and MULTI/SET/EXEC took three."""
        script = getattr(self, "_swap_script", None)
        if script is None:
            script = self._swap_script = self.red.register_script(_COMPARE_AND_SET)
        return script

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self._issue(conversation_id, lock_lifetime)[0]

    def _issue(self, conversation_id: str, lifetime: float) -> tuple[int, TicketLock | None]:
        """A new ticket, and the lock if that ticket was first in line as it was issued
        (then it is this turn's until released or lapsed: later tickets are higher)."""
        issued: list[int] = []

        def take(lock: TicketLock | None) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            issued[:] = [lock.issue_ticket(lifetime)]
            return lock

        try:
            lock = self._change(conversation_id, take)
        except LockContended as exc:
            self._log_contended(exc)
            raise
        except TurnRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to reach the store
            raise self._refused(exc) from exc
        first = lock is not None and not lock.is_locked(issued[0])
        return issued[0], lock if first else None

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def release(lock: TicketLock | None) -> TicketLock | None:
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return lock if lock.is_someone_waiting() else None

        try:
            self._change(conversation_id, release)
        except Exception as exc:  # noqa: BLE001 - the turn was served; its ticket expires
            logger.error("could not release a turn lock (%s); it expires", type(exc).__name__)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 0.05,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ticket lock, with two changes for replicas that may die.

        A ticket lives `self.lifetime` seconds (10 by default, not Rasa's 60) and is
        renewed every third of that while its replica waits for or serves the turn. A
        replica killed mid-turn stops renewing, so its ticket lapses within seconds and
        the conversation goes on on another replica (the client's retry of that turn);
        a live replica keeps its place however long a turn takes. Waiting turns poll
        every 50 ms, not every second.
        """
        lifetime = self.lifetime
        ticket, acquired = self._issue(conversation_id, lifetime)
        renewal = asyncio.ensure_future(self._renew(conversation_id, ticket, lifetime))
        try:
            try:
                if acquired is None:  # others are before it: wait for its turn
                    acquired = await self._acquire_lock(
                        conversation_id, ticket, wait_time_in_seconds
                    )
            except LockContended as exc:
                self._log_contended(exc)
                raise
            except LockError:
                raise
            except Exception as exc:  # noqa: BLE001 - Redis went away while waiting
                raise self._refused(exc) from exc
            yield acquired
        finally:
            renewal.cancel()
            self.cleanup(conversation_id, ticket)

    async def _renew(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        def extend(lock: TicketLock | None) -> TicketLock | None:
            for each in lock.tickets if lock is not None else []:
                if each.number == ticket:
                    each.expires = time.time() + lifetime
            return lock

        while True:
            await asyncio.sleep(lifetime / 3)
            try:
                self._change(conversation_id, extend)
            except Exception as exc:  # noqa: BLE001 - it lapses; the turn may be overtaken
                logger.error("could not renew a turn lock (%s)", type(exc).__name__)

    @staticmethod
    def _log_contended(exc: LockContended) -> None:
        """A turn refused because its lock kept changing: logged here, where it is a turn
        (a release or renewal that gives up is logged as such by its own caller)."""
        logger.error("Turn refused: a turn lock kept changing under this replica (%s).", exc)

    def _refused(self, exc: Exception) -> TurnRefused:
        logger.error(
            "Turn refused: the lock store (%s) cannot be reached (%s). Turns are not served "
            "without the lock, so that none is answered out of order.",
            self.backend,
            type(exc).__name__,
        )
        return TurnRefused(f"lock store unreachable: {type(exc).__name__}")


#: KEYS[1] the lock; ARGV: what was read ("" for none), the new value ("" deletes), its TTL.
_COMPARE_AND_SET = """
local current = redis.call('GET', KEYS[1])
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1])
else redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3])) end
return 1
"""


def _ttl(lock: TicketLock) -> int:
    newest = max((t.expires for t in lock.tickets), default=time.time())
    return max(1, int(newest - time.time()) + _KEY_GRACE_SECONDS)


def _where(url: str) -> str:
    """The URL without a password, for the log."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"
