"""A per-client sliding-window rate limit, in memory, for the public doors that cost work.

Why in the app itself: a proxy in front may or may not limit, and the review app's sign-in
costs a 128 MiB scrypt per attempt, the web chat's enrolment an invite look-up; without a
limit one client can guess without end or tie up the server's memory. Each process keeps its
own counts (enough for one app process; several processes each allow the limit).

Plain Python, thread-safe, no framework.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


def client_address(peer: str | None, forwarded_for: str | None, trust_forwarded_for: bool) -> str:
    """The address a rate limit counts against.

    The socket peer; or, behind a trusted HTTPS proxy (which every client reaches the app
    through, so the peer is always the proxy), the address that proxy appended last to
    X-Forwarded-For. Earlier entries are the client's own to forge, so they are ignored. Only
    trust the header when a proxy always sets it: otherwise each client could name itself.
    """
    if trust_forwarded_for:
        last = (forwarded_for or "").split(",")[-1].strip()
        if last:
            return last[:64]
    return peer or "unknown"


class RateLimiter:
    """At most `limit` events per client in any `window` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_clients = max_clients
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count one event for `client`; False (and not counted) if over the limit."""
        now = self._clock()
        with self._lock:
            events = self._events.get(client)
            if events is None:
                if len(self._events) >= self._max_clients:
                    self._forget_idle(now)
                events = self._events.setdefault(client, deque())
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def retry_after(self, client: str) -> int:
        """Seconds until `client` may try again (0 if it may now)."""
        now = self._clock()
        with self._lock:
            events = self._events.get(client)
            if not events or len(events) < self.limit:
                return 0
            return max(1, int(self.window - (now - events[0]) + 0.999))

    def _forget_idle(self, now: float) -> None:
        for client in [c for c, e in self._events.items() if not e or now - e[-1] >= self.window]:
            del self._events[client]
        if len(self._events) >= self._max_clients:  # still full: drop the oldest half
            for client in list(self._events)[: self._max_clients // 2]:
                del self._events[client]


def parse_rate(value: str, default: tuple[int, float]) -> tuple[int, float]:
    """``"10/60"`` -> (10, 60.0): events per seconds. Empty -> `default`; ValueError if bad."""
    value = (value or "").strip()
    if not value:
        return default
    count, _, seconds = value.partition("/")
    limit, window = int(count), float(seconds or "60")
    if limit < 1 or window <= 0:
        raise ValueError(value)
    return limit, window
