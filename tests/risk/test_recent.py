"""bot.risk.recent: the risk check's memo serves one turn and then forgets what was typed."""

from __future__ import annotations

import time

from bot.risk import combined
from bot.risk.detector import get_detector
from bot.risk.recent import TURN_SECONDS, RecentMemo


def _counting() -> tuple[list[str], RecentMemo[int]]:
    calls: list[str] = []

    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    return calls, RecentMemo(length, maxsize=3, seconds=0.05)


def _emptied(memo: RecentMemo[int], within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if memo.cache_info().currsize == 0:
            return True
        time.sleep(0.02)
    return False


def test_the_same_text_within_a_turn_is_read_once() -> None:
    calls, memo = _counting()
    memo.__init__(memo.__wrapped__, maxsize=3, seconds=60)  # type: ignore[misc]
    assert memo("he has a knife") == memo("he has a knife") == 14
    assert calls == ["he has a knife"]


def test_no_more_than_maxsize_texts_are_kept() -> None:
    _, memo = _counting()
    memo.__init__(memo.__wrapped__, maxsize=3, seconds=60)  # type: ignore[misc]
    for text in ("a", "bb", "ccc", "dddd", "eeeee"):
        memo(text)
    assert memo.cache_info().currsize == 3


def test_texts_are_forgotten_with_no_further_message() -> None:
    """Nothing calls the memo again, as on a quiet night: its timer still empties it."""
    calls, memo = _counting()
    memo("she said goodbye to everyone")
    assert memo.cache_info().currsize == 1
    assert _emptied(memo)
    memo("she said goodbye to everyone")
    assert len(calls) == 2  # read afresh, not served from a stale memory


def test_the_risk_check_and_its_parses_use_the_forgetting_memo() -> None:
    """Both memos that hold message text are time-bounded (an lru_cache kept them for hours)."""
    assert isinstance(combined.assess, RecentMemo)
    assert isinstance(get_detector()._parsed, RecentMemo)
    assert combined.assess._seconds <= TURN_SECONDS <= 60
