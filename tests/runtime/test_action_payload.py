"""The trimmed action call (bot/runtime/action_payload.py): the actions that get only the
latest turns provably read nothing older, and the call is otherwise Rasa's own."""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from bot.config import PROJECT_ROOT
from bot.runtime.action_payload import RECENT_ONLY, USER_TURNS_SENT, recent_events
from tests.actions.conftest import DOMAIN
from tests.actions.conftest import var as var  # the actions' throwaway stores (a fixture)

ACTIONS = PROJECT_ROOT / "bot" / "actions"

#: What reads the conversation's past on an SDK `Tracker` (or serialises it whole).
HISTORY = {
    "events",
    "applied_events",
    "get_last_event_for",
    "events_after_latest_restart",
    "idx_after_latest_restart",
    "current_state",
    "copy",
}
#: SDK tracker methods that read back to the latest user message only.
LATEST_TURN = {"get_latest_input_channel", "slots_to_validate"}


def _functions() -> dict[str, list[ast.AST]]:
    """Every function and method defined in bot/actions, by name."""
    found: dict[str, list[ast.AST]] = {}
    for path in sorted(ACTIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.setdefault(node.name, []).append(node)
    return found


def _own_methods(cls: type) -> list[ast.AST]:
    """The methods an action class runs with, from every class of bot.actions in its MRO."""
    nodes: list[ast.AST] = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("bot.actions"):
            continue
        source = inspect.getsource(klass)
        tree = ast.parse(inspect.cleandoc("\n" + source) if source[0].isspace() else source)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                nodes.append(node)
    return nodes


def history_reads(cls: type) -> list[str]:
    """Why the action may read past events ([] when it cannot): a conservative reading of
    the source. Any function of bot/actions with the name of a call is followed (all of
    them, whatever object it is called on); touching a HISTORY attribute of anything is a
    read; `tracker` may only be read from (`tracker.x`) or passed to a function of
    bot/actions (or an SDK method that reads the latest turn only): passing it anywhere
    else, storing, returning or comparing it counts as a read."""
    functions = _functions()
    todo = list(_own_methods(cls))
    done: set[int] = set()
    why: list[str] = []
    while todo:
        node = todo.pop()
        if id(node) in done:
            continue
        done.add(id(node))
        name = getattr(node, "name", "?")
        for parent in ast.walk(node):
            for child in ast.iter_child_nodes(parent):
                child._parent = parent  # type: ignore[attr-defined]
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and sub.attr in HISTORY:
                why.append(f"{name} reads .{sub.attr}")
            if isinstance(sub, ast.Call):
                callee = _callee(sub)
                if callee in functions and callee not in ("run", "name"):  # own: above
                    todo.extend(functions[callee])
            if isinstance(sub, ast.Name) and sub.id == "tracker":
                parent = getattr(sub, "_parent", None)
                if isinstance(parent, ast.Attribute) and parent.value is sub:
                    continue  # tracker.x: HISTORY attributes are caught above
                if isinstance(parent, ast.Call) and sub is not parent.func:
                    callee = _callee(parent)
                    if callee in functions or callee in LATEST_TURN:
                        continue
                    why.append(f"{name} passes the tracker to {callee}")
                    continue
                if isinstance(parent, ast.keyword):
                    call = getattr(parent, "_parent", None)
                    callee = _callee(call) if isinstance(call, ast.Call) else None
                    if callee in functions or callee in LATEST_TURN:
                        continue
                why.append(f"{name} uses the tracker as a value ({type(parent).__name__})")
    return why


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _registered() -> dict[str, type]:
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    return {name: type(run.__self__) for name, run in executor.actions.items()}


def test_every_recent_only_action_reads_no_older_event():
    actions = _registered()
    assert RECENT_ONLY <= set(actions), sorted(RECENT_ONLY - set(actions))
    for name in sorted(RECENT_ONLY):
        assert history_reads(actions[name]) == [], name


def test_the_reading_sees_the_actions_that_do_read_history():
    """The check is not vacuous: actions known to look back are caught, with the reason."""
    actions = _registered()
    assert any("_last_outcome" in why for why in history_reads(actions["action_start_referral"]))
    assert any(".events" in why for why in history_reads(actions["action_triage_outcome"]))
    assert history_reads(actions["validate_triage_form"])  # the SDK's next_requested_slot
    for reader in ("user_just_spoke", "danger_checked_this_turn"):
        assert any(reader in why for why in history_reads(actions["validate_vtr_form"]))


def _event(kind: str, **more: Any) -> dict[str, Any]:
    return {"event": kind, "timestamp": 1.0, **more}


def _long_conversation(turns: int) -> list[dict[str, Any]]:
    """A session that went through a triage with an outcome, then many questions."""
    events = [_event("action", name="action_session_start"), _event("session_started"),
              _event("action", name="action_listen")]
    for t in range(turns):
        text = "my pupil shares far-right videos" if t == 3 else f"what is channel? {t}"
        intent = "report_concern" if t == 3 else "ask_guidance"
        events.append(_event("user", text=text, input_channel="rest",
                             parse_data={"text": text, "intent": {"name": intent,
                                                                  "confidence": 1.0},
                                         "entities": []}))
        if t == 3:
            events += [_event("action", name="action_start_triage"),
                       _event("slot", name="requested_slot", value="triage_age"),
                       _event("bot", text="Outcome", data={"custom": {"outcome": "refer", "citations": ["SET 2.5"]}}),
                       _event("slot", name="triage_outcome", value="refer")]
        events += [_event("action", name="action_answer_guidance"),
                   _event("bot", text=f"answer {t}", data={}),
                   _event("slot", name="last_answer", value=f"topic{t}"),
                   _event("action", name="action_listen")]
    return events


def _tracker(events: list[dict[str, Any]], slots: dict[str, Any]) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker("payload-test", dict(slots), latest["parse_data"], events, False, None, {},
                   "action_listen")


@pytest.mark.parametrize("name", sorted(RECENT_ONLY))
@pytest.mark.usefixtures("var")
def test_trimmed_and_whole_session_give_the_same_answer(name: str) -> None:
    actions = _registered()
    events = _long_conversation(40)
    slots = {"area": "essex", "triage_outcome": "refer"}

    def run(evts: list[dict[str, Any]]) -> str:
        dispatcher = CollectingDispatcher()
        returned = asyncio.run(actions[name]().run(dispatcher, _tracker(evts, slots), DOMAIN))
        return json.dumps([returned, dispatcher.messages], sort_keys=True, default=str)

    assert run(events[-8:]) == run(events)  # the trimmed call is shorter, answers the same


def test_recent_events_keep_the_last_two_user_turns():
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    events = [ActionExecuted("action_listen")]
    for t in range(5):
        events += [UserUttered(f"q{t}"), ActionExecuted("action_answer_guidance"),
                   BotUttered(f"a{t}"), ActionExecuted("action_listen")]
    kept = recent_events(events)
    assert USER_TURNS_SENT == 2
    assert kept == events[-8:] and kept[0].text == "q3"
    assert recent_events(events[:3]) == events[:3]  # fewer user turns: everything


def test_the_call_is_rasas_own_but_for_the_events(tmp_path: Path):
    """Rasa's action call for a trimmed action equals Rasa's unpatched call with the events
    replaced by the recent ones; other actions' calls are untouched."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.runtime import action_payload

    domain = Domain.from_yaml(
        "version: '3.1'\nslots:\n  area:\n    type: text\n    mappings: [{type: custom}]\n"
        "actions: [action_answer_guidance, action_triage_outcome]\n"
    )
    tracker = DialogueStateTracker("payload", domain.slots)
    tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted(),
                                ActionExecuted("action_listen")], domain)
    for t in range(30):
        tracker.update_with_events([
            UserUttered(f"q{t}", {"name": "ask_guidance", "confidence": 1.0}, input_channel="rest"),
            ActionExecuted("action_answer_guidance"), BotUttered(f"a{t}"),
            SlotSet("area", "essex"), ActionExecuted("action_listen")], domain)
    endpoint = EndpointConfig("http://127.0.0.1:9/webhook")
    guidance = RemoteAction("action_answer_guidance", endpoint)
    summary = RemoteAction("action_triage_outcome", endpoint)
    rasa_guidance = guidance._action_call_format(tracker, domain)
    rasa_summary = summary._action_call_format(tracker, domain)
    action_payload.apply()
    trimmed = guidance._action_call_format(tracker, domain)
    assert len(trimmed["tracker"]["events"]) == 10 < len(rasa_guidance["tracker"]["events"])
    assert trimmed["tracker"]["events"] == rasa_guidance["tracker"]["events"][-10:]
    assert {**trimmed, "tracker": {**trimmed["tracker"], "events": None}} == {
        **rasa_guidance, "tracker": {**rasa_guidance["tracker"], "events": None}}
    assert summary._action_call_format(tracker, domain) == rasa_summary
