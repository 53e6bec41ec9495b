"""The turn lock store against a real Redis: tickets taken atomically by several
replicas at once, turns refused while Redis is down and served again when it is back."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.runtime.lock_store import (
    _BACKOFF_CAP,
    _CHANGE_DEADLINE,
    _COMPARE_AND_SET,
    LockContended,
    TurnLockStore,
    TurnRefused,
)
from tests.helpers.settings import reread_settings
from tests.prod.services import require, running_redis


@pytest.fixture()
def redis(tmp_path):
    require("redis-server")
    with running_redis(tmp_path) as server:
        yield server


def test_without_redis_the_locks_are_in_memory(monkeypatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("REDIS_HOST", raising=False)
    reread_settings(monkeypatch)
    assert TurnLockStore().backend == "memory"
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    reread_settings(monkeypatch)
    assert TurnLockStore().backend == "redis"


def test_replicas_taking_tickets_at_once_never_get_the_same_one(redis) -> None:
    replicas = [TurnLockStore(url=redis.url) for _ in range(4)]

    def take(store: TurnLockStore) -> list[int]:
        return [store.issue_ticket("conv-1") for _ in range(25)]

    with ThreadPoolExecutor(4) as pool:
        tickets = [t for batch in pool.map(take, replicas) for t in batch]
    assert sorted(tickets) == list(range(100))  # none lost, none given twice
    assert len(replicas[0].get_lock("conv-1").tickets) == 100


def test_turns_of_one_conversation_on_two_replicas_run_one_after_the_other(redis) -> None:
    one, two = TurnLockStore(url=redis.url), TurnLockStore(url=redis.url)
    order: list[str] = []

    async def turn(store: TurnLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock("conv-2"):
            order.append(f"{name} start")
            await asyncio.sleep(0.2)
            order.append(f"{name} end")

    async def both() -> None:
        await asyncio.gather(turn(one, "first", 0), turn(two, "second", 0.05))

    asyncio.run(both())
    assert order == ["first start", "first end", "second start", "second end"]
    assert one.get_lock("conv-2") is None  # released once nobody waits


def test_redis_down_refuses_the_turn_and_back_serves_it(redis, caplog) -> None:
    store = TurnLockStore(url=redis.url)

    async def turn() -> str:
        async with store.lock("conv-3"):
            return "served"

    assert asyncio.run(turn()) == "served"
    redis.stop()
    with pytest.raises(TurnRefused):
        asyncio.run(turn())
    assert "Turn refused: the lock store (redis) cannot be reached" in caplog.text
    redis.start()
    assert asyncio.run(turn()) == "served"


def test_a_dead_replicas_ticket_lapses_and_a_live_long_turn_keeps_its_place(redis) -> None:
    dead, live = TurnLockStore(url=redis.url), TurnLockStore(url=redis.url)
    dead.lifetime = live.lifetime = 1.0
    dead.issue_ticket("conv-4", 1.0)  # taken, then the replica died: never renewed
    order: list[str] = []

    async def turn(name: str, delay: float, length: float) -> None:
        await asyncio.sleep(delay)
        async with live.lock("conv-4"):
            order.append(f"{name} start")
            await asyncio.sleep(length)
            order.append(f"{name} end")

    async def both() -> float:
        started = asyncio.get_running_loop().time()
        await asyncio.gather(turn("long", 0, 2.5), turn("next", 0.2, 0))
        return asyncio.get_running_loop().time() - started

    took = asyncio.run(both())
    # the long turn (2.5 s, over twice the lifetime) is not overtaken while it runs
    assert order == ["long start", "long end", "next start", "next end"]
    assert took < 5  # the dead ticket lapsed after about a second


def _commands(store: TurnLockStore) -> dict[str, int]:
    stats = store.red.info("commandstats")
    return {name.removeprefix("cmdstat_"): v["calls"] for name, v in stats.items()}


def test_a_turn_nobody_waits_for_is_four_round_trips_to_redis(redis) -> None:
    """Take the ticket (GET, then a compare-and-set script), find it first in line as
    issued (no further read), release it (GET, compare-and-set). Before: WATCH, GET,
    MULTI, SET, EXEC to take it, a GET to see it was first, and WATCH, GET, MULTI, DEL,
    EXEC to release it: eleven commands in seven round trips, each one holding up the
    Rasa server's event loop. Still one transaction per change (the tests above)."""
    store = TurnLockStore(url=redis.url)

    async def turn() -> None:
        async with store.lock("conv-6"):
            pass

    asyncio.run(turn())  # the script is loaded into Redis once
    before = _commands(store)
    asyncio.run(turn())
    after = _commands(store)
    used = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    used = {k: n for k, n in used.items() if n and k != "info"}
    # Redis counts the commands the script runs too: its GET each time, SET, then DEL
    assert used == {"get": 2 + 2, "evalsha": 2, "set": 1, "del": 1}, used
    assert store.get_lock("conv-6") is None  # released: nobody waits


# --- a compare-and-set that loses is retried after a growing pause, within a deadline ----------


class _Recorded:
    """A store's compare-and-set results and the pauses it asked for (slept for real
    unless `clock` is given: then the pause only moves that clock)."""

    def __init__(self, store: TurnLockStore, clock: list[float] | None = None) -> None:
        self.swaps: list[int] = []
        self.pauses: list[float] = []
        script = store.red.register_script(_COMPARE_AND_SET)

        def swap(**kwargs) -> int:
            result = int(script(**kwargs))
            self.swaps.append(result)
            return result

        def sleep(seconds: float) -> None:
            self.pauses.append(seconds)
            if clock is None:
                time.sleep(seconds)
            else:
                clock[0] += seconds

        store._swap_script = swap
        store._sleep = sleep
        if clock is not None:
            store._clock = lambda: clock[0]

    @property
    def lost(self) -> int:
        return self.swaps.count(0)


def _meddling(store: TurnLockStore, other: TurnLockStore, times: int):
    """`store`'s changes, each of the first `times` overtaken by a change `other` makes
    between `store`'s read and its compare-and-set (another replica at that instant)."""
    original = store._change
    left = [times]

    def change(conversation_id, apply):
        def overtaken(lock):
            if left[0] > 0:
                left[0] -= 1
                other.issue_ticket(conversation_id)
            return apply(lock)

        return original(conversation_id, overtaken)

    store._change = change


def test_a_contender_that_loses_pauses_longer_each_time_and_then_proceeds(redis) -> None:
    one, two = TurnLockStore(url=redis.url), TurnLockStore(url=redis.url)
    seen_one, seen_two = _Recorded(one), _Recorded(two)
    one._random = lambda: 1.0  # the longest pause each time: the bound itself
    _meddling(one, two, times=4)
    ticket = one.issue_ticket("conv-7")
    assert ticket == 4  # both proceeded: the other's four tickets, then this one
    assert sorted(t.number for t in one.get_lock("conv-7").tickets) == [0, 1, 2, 3, 4]
    assert seen_one.swaps == [0, 0, 0, 0, 1]
    assert seen_one.pauses == [0.002, 0.004, 0.008, 0.016]  # one pause per loss, doubling
    assert seen_two.swaps == [1, 1, 1, 1] and seen_two.pauses == []
    one._random = lambda: 0.0
    assert one._pause(1) == 0.001 and one._pause(30) == 0.025  # never 0, at most the cap


def test_two_contenders_on_one_conversation_both_proceed_and_never_spin(redis) -> None:
    """Two replicas taking and releasing tickets as fast as they can: every ticket is
    given once, and every lost compare-and-set is followed by one pause (none retried
    at once)."""
    stores = [TurnLockStore(url=redis.url) for _ in range(2)]
    seen = [_Recorded(store) for store in stores]
    start = threading.Barrier(2)
    # The first `collisions` compare-and-sets of the two meet at a barrier, both having
    # read the lock: in each such round at least one of them loses (without this the
    # test could pass with no collision at all, and so prove nothing about the pauses).
    collisions, together = 5, threading.Barrier(2, timeout=10)
    for store in stores:
        recorded_swap, calls = store._swap_script, [0]

        def colliding(recorded_swap=recorded_swap, calls=calls, **kwargs) -> int:
            calls[0] += 1
            if calls[0] <= collisions:
                together.wait()
            return recorded_swap(**kwargs)

        store._swap_script = colliding

    def work(store: TurnLockStore) -> list[int]:
        start.wait()
        taken = []
        for _ in range(40):
            taken.append(store.issue_ticket("conv-8"))
            store.update_lock("conv-8")
        return taken

    with ThreadPoolExecutor(2) as pool:
        tickets = [t for batch in pool.map(work, stores) for t in batch]
    assert sorted(tickets) == list(range(80))
    assert sum(each.lost for each in seen) >= collisions
    for each in seen:
        assert len(each.pauses) == each.lost  # a pause after every loss, none otherwise
        assert all(pause > 0 for pause in each.pauses)


def test_a_lock_that_never_stops_changing_refuses_the_turn_at_the_deadline(redis, caplog) -> None:
    clock = [0.0]  # moved only by the pauses: no real waiting
    one, two = TurnLockStore(url=redis.url), TurnLockStore(url=redis.url)
    seen = _Recorded(one, clock)
    _meddling(one, two, times=500)  # more than the deadline allows

    async def turn() -> None:
        async with one.lock("conv-9"):
            pass

    with pytest.raises(LockContended):
        asyncio.run(turn())
    assert isinstance(LockContended(), TurnRefused)  # answered as a refused turn
    assert "Turn refused: a turn lock kept changing" in caplog.text
    assert seen.lost == len(seen.pauses) + 1  # no pause after the last loss
    assert sum(seen.pauses) == pytest.approx(_CHANGE_DEADLINE)  # the last one cut short
    assert 5 < seen.lost < 100  # capped pauses: neither a spin nor one long wait
    assert max(seen.pauses) <= _BACKOFF_CAP


def test_a_release_that_gives_up_is_logged_as_a_release_not_as_a_refused_turn(
    redis, caplog
) -> None:
    """The served turn's release lost to other replicas until the deadline: its ticket
    lapses on its own. The log must say that, not "Turn refused" (no turn was)."""
    clock = [0.0]
    one, two = TurnLockStore(url=redis.url), TurnLockStore(url=redis.url)
    ticket = one.issue_ticket("conv-10")
    _Recorded(one, clock)
    _meddling(one, two, times=500)
    one.cleanup("conv-10", ticket)  # gives up quietly: the turn was served
    assert "could not release a turn lock (LockContended)" in caplog.text
    assert "Turn refused" not in caplog.text
