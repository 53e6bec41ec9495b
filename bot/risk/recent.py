"""A memo of the last few messages' results that forgets them within seconds.

Why: one turn asks the risk check about the same message several times (the NLU component,
the safety-net policy, the detector's own questions), so the result and the parse are
memoised. `functools.lru_cache` kept the last texts for as long as the process lived: on a
quiet night the last concerns typed stayed readable in memory for hours (a core dump, a
profiler), though the product keeps no plain text (review S2-4, DESIGN.md). This memo keeps
an entry only for `seconds` (a turn is far shorter) and a daemon timer empties it even
when no further message arrives. Thread-safe: Rasa's threads and the action server call it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

Result = TypeVar("Result")

#: How long a message's result is kept: long enough for every question one turn asks of
#: it (even the first turn, which loads the model, on a busy machine), far too short to be
#: a record of what was typed.
TURN_SECONDS = 60.0


class MemoInfo(NamedTuple):
    """As `functools.lru_cache`'s `cache_info()`, for the fields callers read."""

    hits: int
    misses: int
    maxsize: int
    currsize: int


class RecentMemo(Generic[Result]):
    """`function(text)` memoised for at most `maxsize` texts, each for at most `seconds`."""

    def __init__(
        self, function: Callable[[str], Result], maxsize: int, seconds: float = TURN_SECONDS
    ) -> None:
        self._function = function
        self._maxsize = maxsize
        self._seconds = seconds
        self._entries: OrderedDict[str, tuple[float, Result]] = OrderedDict()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._hits = 0
        self._misses = 0
        self.__wrapped__ = function
        self.__doc__ = function.__doc__

    def __call__(self, text: str) -> Result:
        now = time.monotonic()
        with self._lock:
            self._forget_older_than(now - self._seconds)
            entry = self._entries.get(text)
            if entry is not None:  # kept in storing order, so the oldest is always first
                self._hits += 1
                return entry[1]
            self._misses += 1
        result = self._function(text)
        with self._lock:
            self._entries[text] = (time.monotonic(), result)  # its life starts when stored
            self._entries.move_to_end(text)
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)
            self._schedule_purge()
        return result

    def _forget_older_than(self, oldest: float) -> None:
        while self._entries:
            first = next(iter(self._entries.values()))
            if first[0] >= oldest:
                break
            self._entries.popitem(last=False)

    def _schedule_purge(self) -> None:
        if self._timer is not None:
            return
        self._timer = threading.Timer(self._seconds, self._purge)
        self._timer.daemon = True
        self._timer.start()

    def _purge(self) -> None:
        with self._lock:
            self._timer = None
            self._forget_older_than(time.monotonic() - self._seconds)
            if self._entries:
                self._schedule_purge()

    def cache_clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._hits = self._misses = 0

    def cache_info(self) -> MemoInfo:
        with self._lock:
            return MemoInfo(self._hits, self._misses, self._maxsize, len(self._entries))


def recent(
    maxsize: int, seconds: float = TURN_SECONDS
) -> Callable[[Callable[[str], Result]], RecentMemo[Result]]:
    """Decorator form of `RecentMemo`."""

    def wrap(function: Callable[[str], Result]) -> RecentMemo[Result]:
        return RecentMemo(function, maxsize, seconds)

    return wrap


__all__ = ["MemoInfo", "RecentMemo", "TURN_SECONDS", "recent"]
