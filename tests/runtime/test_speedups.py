"""bot/runtime/speedups.py changes speed only: action replies are validated as before,
events resolve to the same classes."""

from __future__ import annotations

import pytest
import rasa.shared.utils.common
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

from bot.runtime import speedups


def test_action_replies_are_still_validated() -> None:
    speedups.apply()
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [], "responses": []})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_events_resolve_to_the_same_classes() -> None:
    speedups.apply()
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        first = next(
            c for c in rasa.shared.utils.common.all_subclasses(Event)
            if c.type_name == cls.type_name
        )
        assert Event.resolve_by_type(cls.type_name) is first
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("topic") is None


def test_recent_rule_states_are_the_last_of_all_states() -> None:
    """RulePolicy gets only the last states, and they are exactly the last of Rasa's own
    (the earlier events still applied: slots, loops and reverted turns carry over)."""
    import copy
    import functools

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        BotUttered,
        SlotSet,
        UserUtteranceReverted,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.store.test_tracker_store import DOMAIN_YAML

    domain = Domain.from_yaml(DOMAIN_YAML)
    tracker = DialogueStateTracker("someone", domain.slots)
    for n in range(30):
        for event in [
            ActionExecuted("action_listen"),
            UserUttered(f"message {n}", intent={"name": "greet", "confidence": 1.0}),
            *([SlotSet("referral_started", True)] if n == 3 else []),
            *([ActionExecuted("vtr_form"), ActiveLoop("vtr_form")] if n == 10 else []),
            *([UserUtteranceReverted()] if n == 12 else []),
            *([ActiveLoop(None), SlotSet("pupil_name", "x")] if n == 20 else []),
            ActionExecuted("utter_greet"),
            BotUttered("Hello"),
        ]:
            tracker.update(event)
    everything = domain.states_for_tracker_history(tracker)
    for keep in (1, 3, 7, len(everything), len(everything) + 5):
        recent = copy.copy(tracker)
        recent.generate_all_prior_trackers = functools.partial(
            speedups._recent_prior_trackers, tracker, keep
        )
        assert domain.states_for_tracker_history(recent) == everything[-keep:]


def test_a_tracker_copy_is_the_replayed_tracker_and_independent() -> None:
    import math

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.store.test_tracker_store import DOMAIN_YAML

    speedups.apply()
    domain = Domain.from_yaml(DOMAIN_YAML)
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in [
        ActionExecuted("action_listen"),
        UserUttered("hi", intent={"name": "greet", "confidence": 1.0}),
        SlotSet("pupil_name", "Callum"),
        ActionExecuted("vtr_form"),
        ActiveLoop("vtr_form"),
    ]:
        tracker.update(event)
    tracker.model_id = "m1"

    def seen(t: DialogueStateTracker) -> tuple:
        loop = t.active_loop
        return (
            [e.as_dict() for e in t.events], t.current_slot_values(), t.latest_action_name,
            t.latest_message.as_dict(), (loop.name, loop.is_interrupted, loop.rejected),
            t.followup_action,
        )

    replayed = tracker.travel_back_in_time(math.inf)  # Rasa's own copy
    copied = tracker.copy()
    assert seen(copied) == seen(replayed) == seen(tracker)
    copied.interrupt_loop(True)
    copied.reject_action("vtr_form")
    copied.update(SlotSet("pupil_name", "someone else"))
    copied.latest_action["action_name"] = "changed"
    assert seen(tracker) == seen(replayed)


def test_column_ordered_intent_weights_give_the_same_probabilities() -> None:
    import numpy as np
    import scipy.sparse
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(7)
    features = scipy.sparse.random(60, 400, density=0.05, format="csr", random_state=7)
    labels = rng.integers(0, 5, 60)
    clf = LogisticRegression(max_iter=200).fit(features, labels)
    before = clf.predict_proba(features[:7])
    speedups.column_ordered_weights(clf)
    assert clf.coef_.flags.f_contiguous
    assert np.array_equal(clf.predict_proba(features[:7]), before)


def _random_turns(seed: int, turns: int) -> list[list]:
    """Turns of events with everything `applied_events` treats specially: restarts, new
    sessions, reverted actions and messages, loops (one named only late), unhappy paths."""
    import random

    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        ActiveLoop,
        BotUttered,
        Restarted,
        SessionStarted,
        SlotSet,
        UserUtteranceReverted,
        UserUttered,
    )

    rng = random.Random(seed)
    out = []
    for n in range(turns):
        turn = [UserUttered(f"m{n}", intent={"name": rng.choice(["greet", "start_referral"]),
                                             "confidence": 1.0})]
        for _ in range(rng.randint(1, 4)):
            kind = rng.random()
            if kind < 0.05:
                turn.append(rng.choice([Restarted(), SessionStarted()]))
            elif kind < 0.12:
                turn.append(rng.choice([ActionReverted(), UserUtteranceReverted()]))
            elif kind < 0.35:
                loop = "vtr_form" if n < turns // 2 else rng.choice(["vtr_form", "triage_form"])
                turn += [ActionExecuted(loop), ActiveLoop(rng.choice([loop, None]))]
            elif kind < 0.5:
                turn.append(SlotSet("pupil_name", f"p{n}"))
            else:
                turn += [ActionExecuted("utter_greet"), BotUttered(f"b{n}")]
        turn.append(ActionExecuted("action_listen"))
        out.append(turn)
    return out


def test_incremental_applied_events_are_rasas() -> None:
    """After every turn, on the tracker and on copies made between turns (as each turn
    gets one from the tracker cache), the memoised list equals Rasa's own walk."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.store.test_tracker_store import DOMAIN_YAML

    speedups.apply()
    domain = Domain.from_yaml(DOMAIN_YAML)
    for seed in range(12):
        tracker = DialogueStateTracker("someone", domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        for turn in _random_turns(seed, 40):
            tracker = speedups.clone_tracker(tracker)  # the memo travels with the copy
            for event in turn:
                tracker.update(event)
                if event is turn[0]:
                    assert tracker.applied_events() == speedups.rasa_applied_events(tracker)
            assert tracker.applied_events() == speedups.rasa_applied_events(tracker)
        assert "_prevent_applied" in tracker.__dict__
        # a tracker whose earlier events were replaced is walked again, not served stale
        tracker.events[-2] = ActionExecuted("action_replaced")
        assert tracker.applied_events() == speedups.rasa_applied_events(tracker)
        assert tracker.applied_events()[-2].action_name == "action_replaced"


def test_rule_states_from_a_carried_snapshot_are_rasas() -> None:
    """Turn after turn, the recent states RulePolicy gets (replayed from the snapshot the
    previous turn left, carried as the tracker store carries it) are Rasa's last states."""
    import copy
    import functools

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.store.test_tracker_store import DOMAIN_YAML

    speedups.apply()
    domain = Domain.from_yaml(DOMAIN_YAML)
    used = 0
    for seed in range(6):
        tracker = DialogueStateTracker("someone", domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        for turn in _random_turns(seed, 40):
            tracker = speedups.clone_tracker(tracker)
            for event in turn:
                tracker.update(event)
            applied = speedups.rasa_applied_events(tracker)
            everything = domain.states_for_tracker_history(tracker)
            snapshot = tracker.__dict__.get("_prevent_prior")
            if snapshot is not None and all(a is b for a, b in zip(snapshot[0], applied, strict=False)):
                used += 1
            for keep in (3, 7):
                recent = copy.copy(tracker)
                recent.generate_all_prior_trackers = functools.partial(
                    speedups._recent_prior_trackers, tracker, keep
                )
                assert domain.states_for_tracker_history(recent) == everything[-keep:]
    assert used > 100  # the snapshots were really used, not just rebuilt every turn


def test_a_shallow_copy_is_copy_copy() -> None:
    """Every Rasa slot type is copied as `copy.copy` copies it; an object with its own
    copy hook or slots is left to `copy.copy`."""
    import copy

    import rasa.shared.core.slots as slots

    made = [slots.TextSlot("a", [], initial_value="x"), slots.BooleanSlot("b", []),
            slots.CategoricalSlot("c", [], values=["x", "y"]), slots.AnySlot("d", []),
            slots.ListSlot("e", [], initial_value=[1]), slots.FloatSlot("f", [])]
    for slot in made:
        mine, theirs = speedups._shallow_copy(slot), copy.copy(slot)
        assert type(mine) is type(theirs) and vars(mine) == vars(theirs) and mine is not slot
        assert speedups._PLAIN[type(slot)]

    class Hooked:
        def __copy__(self) -> str:
            return "hooked"

    class Slotted:
        __slots__ = ("x",)

    assert speedups._shallow_copy(Hooked()) == "hooked"
    thing = Slotted()
    thing.x = 3
    assert speedups._shallow_copy(thing).x == 3


def test_action_calls_share_one_kept_alive_connection() -> None:
    """Calls through Rasa's EndpointConfig reuse one connection (the same client port at
    the server), carry the endpoint's headers, and go on working after the connection sat
    idle longer than it is kept."""
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from tests.helpers.servers import free_port

    speedups.apply()
    seen: list[tuple[int, str | None]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append((request.transport.get_extra_info("peername")[1],
                     request.headers.get("X-Token")))
        return web.json_response({"ok": len(seen)})

    async def scenario() -> list:
        app = web.Application()
        app.router.add_post("/webhook", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook",
                                  headers={"X-Token": "secret"})
        try:
            answers = [await endpoint.request(json={"n": n}) for n in range(3)]
            await asyncio.sleep(speedups.KEEP_ALIVE_SECONDS + 0.5)
            answers.append(await endpoint.request(json={"n": 3}))
            return answers
        finally:
            await endpoint._prevent_session[1].close()
            await runner.cleanup()

    answers = asyncio.run(scenario())
    assert answers == [{"ok": 1}, {"ok": 2}, {"ok": 3}, {"ok": 4}]
    assert all(token == "secret" for _, token in seen)
    assert len({port for port, _ in seen[:3]}) == 1  # one connection for the three calls
    assert seen[3][0] != seen[0][0]  # the idle one was closed by this side, a new one made


def test_the_plain_graph_run_is_dasks() -> None:
    """Same results as dask.get on a graph with Rasa's shapes (tasks naming their inputs,
    an input given as (name, value) with an unhashable value, a need no node provides) and
    dask's others (nested tasks, lists of keys); each node runs once; errors propagate."""
    import dask

    calls: list[str] = []

    def node(name: str):
        def run(*inputs):
            calls.append(name)
            return (name, [i if not isinstance(i, tuple) else i[0] for i in inputs])
        return run

    graph = {
        "__message__": ("__message__", [{"text": "hi"}]),
        "tokens": (node("tokens"), "__message__"),
        "features": (node("features"), "tokens", "missing_node"),
        "classify": (node("classify"), "features", "tokens", ["tokens", "features"]),
        "nested": (node("nested"), (node("inner"), "classify"), 3),
        "target": (node("target"), "classify", "nested"),
    }
    theirs = dask.get(graph, ["target", "classify"])
    their_calls = sorted(calls)
    calls.clear()
    mine = speedups.graph_get(graph, ["target", "classify"])
    assert mine == theirs and sorted(calls) == their_calls
    assert len(calls) == len(set(calls))
    assert speedups.graph_get(graph, "tokens") == dask.get(graph, "tokens")

    def boom(*_):
        raise ValueError("node failed")

    with pytest.raises(ValueError, match="node failed"):
        speedups.graph_get({**graph, "tokens": (boom, "__message__")}, ["target"])


def test_rasa_runs_its_graph_without_dask_scheduling() -> None:
    import rasa.engine.runner.dask as runner

    speedups.apply()
    assert runner.dask.get is speedups.graph_get
    assert runner.dask.__version__  # the rest of the module as before
