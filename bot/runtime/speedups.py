"""Per-turn costs of Rasa 3.6 removed without changing what it does (found with py-spy
under load; see the README's benchmark section).

* `RemoteAction._validate_action_result` calls `jsonschema.validate(result, spec)` for
  every action reply, which first re-checks the *schema itself* against the metaschema:
  about a quarter of the Rasa server's CPU under load. The schema is a constant, so it
  is checked once and one compiled validator is reused; replies are validated exactly as
  before (the same errors, with the same message).
* `Event.resolve_by_type` walks every subclass of `Event` for every event it rebuilds,
  on every turn, for the whole session. The classes do not change after import, so the
  name → class map is cached (rebuilt if a new subclass appears).

* `RulePolicy` turns the *whole* session into dialogue states (one per action, each
  costly) before every prediction, and then compares only the last few with its rules:
  a rule of L states is checked against the last L states and nothing earlier
  (`RulePolicy._is_rule_applicable`). So only the last (longest rule + 2) states are
  made; the events before them are still applied, so those states are the same. What
  changes is only the key RulePolicy logs when no rule applies (made from fewer states).
  Only in the server: training and `rasa test` keep Rasa's own code.

* `DialogueStateTracker.copy()`, which Rasa calls before running every action, replays
  every event of the session into a new tracker. The copy is made directly instead
  (`clone_tracker`: its own event list, slots and loop state; events shared, as the
  replay shares them too).
* The intent classifier (scikit-learn logistic regression) multiplies each message by
  the transposed weight matrix, which SciPy copies into row order on every call (a
  few MB). The weights are kept in column order once, so the transpose needs no copy;
  the arithmetic, hence every probability, is the same.

`apply()` is idempotent; it runs when the Rasa server loads the tracker store
(bot/runtime/tracker_store.py).
"""

from __future__ import annotations

import itertools
import operator
from typing import Any

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    _fast_action_validation()
    _fast_event_types()
    _recent_rule_states()
    _incremental_applied_events()
    _fast_tracker_copy()
    _contiguous_intent_weights()
    _kept_alive_endpoint_sessions()
    _plain_graph_runs()
    from bot.runtime import action_payload

    action_payload.apply()  # only recent events to the actions that read no older ones
    _applied = True


def _fast_action_validation() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)  # once, instead of on every reply
    validator = cls(spec)

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result


def _fast_event_types() -> None:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    known: dict[str, type] = {}
    count = [0]

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        if not known or len(Event.__subclasses__()) != count[0]:
            known.clear()
            for cls in rasa.shared.utils.common.all_subclasses(Event):
                known.setdefault(cls.type_name, cls)
            count[0] = len(Event.__subclasses__())
        found = known.get(type_name)
        if found is not None:
            return found
        return original(type_name, default)

    Event.resolve_by_type = staticmethod(resolve_by_type)


def _recent_rule_states() -> None:
    import copy
    import functools

    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy

    original = RulePolicy._prediction_states

    def window(policy: Any) -> int:
        found = getattr(policy, "_prevent_state_window", None)
        if found is None:
            lookup = policy.lookup
            keys = [*lookup.get(RULES, {}), *lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
            longest = max((len(policy._rule_key_to_state(key)) for key in keys), default=0)
            found = longest + 2  # every rule state is compared with a real one, and one more
            policy._prevent_state_window = found
        return found

    def _prediction_states(
        self: Any,
        tracker: Any,
        domain: Any,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list:
        recent = copy.copy(tracker)  # the same tracker, whose history yields recent states
        recent.generate_all_prior_trackers = functools.partial(
            _recent_prior_trackers, tracker, window(self)
        )
        return original(self, recent, domain, use_text_for_last_user_input, rule_only_data)

    RulePolicy._prediction_states = _prediction_states


#: ActionExecuted events between the replay snapshot a turn leaves and the first state
#: RulePolicy compares: the snapshot then lies in earlier turns, whose events the next
#: turn's tracker shares (bot/runtime/tracker_store.py), so the next turn can use it.
SNAPSHOT_MARGIN = 8


def _recent_prior_trackers(tracker: Any, keep: int) -> Any:
    """`DialogueStateTracker.generate_all_prior_trackers`, yielding only the last `keep`:
    the earlier events are still applied, in order, so each yielded tracker is in exactly
    the state Rasa's own generator would yield at that point.

    The earlier events are not replayed from the start each time: the tracker keeps a
    snapshot (`_prevent_prior`: the applied events it covers, and a tracker in the state
    they leave) a few actions before the compared states, and the replay starts from a
    copy of it when the applied events begin with exactly those event objects."""
    from rasa.shared.core.events import ActionExecuted

    applied = tracker.applied_events()
    wanted = keep - 1  # ActionExecuted yields kept, then the final one
    start, snap_at, found = (len(applied) if wanted <= 0 else 0), None, 0
    for index in range(len(applied) - 1, -1, -1):
        if isinstance(applied[index], ActionExecuted):
            found += 1
            if found == wanted:
                start = index
            if found == max(wanted, 0) + SNAPSHOT_MARGIN:
                snap_at = index
                break
    prior, done = None, 0
    snapshot = tracker.__dict__.get("_prevent_prior")
    if snapshot is not None:
        objects, state = snapshot
        if len(objects) <= start and all(map(operator.is_, objects, applied)):
            prior, done = clone_tracker(state), len(objects)
    if prior is None:
        prior = tracker.init_copy()
    for index in range(done, start):
        if index == snap_at and index > done:  # a later one than the snapshot used
            tracker._prevent_prior = (applied[:index], clone_tracker(prior))
        prior.update(applied[index])
    for event in applied[start:]:
        if isinstance(event, ActionExecuted):
            yield prior, event.hide_rule_turn
        prior.update(event)
    yield prior, False


#: Rasa's own `applied_events` (the tests compare with it).
rasa_applied_events: Any = None


def _incremental_applied_events() -> None:
    global rasa_applied_events
    from rasa.shared.core.trackers import DialogueStateTracker

    if rasa_applied_events is None:
        rasa_applied_events = DialogueStateTracker.applied_events
    DialogueStateTracker.applied_events = applied_events


def applied_events(self: Any) -> list:
    """`DialogueStateTracker.applied_events`, computed only over the events added since the
    last call on this tracker (or on the tracker it was copied from).

    Rasa's version walks the whole session (twice: once for the loop names), and it runs
    several times per turn (session check, every prediction). It is a left fold over the
    events whose only state is the list built so far, given the loop names of *all* the
    events; so the list for a longer session is the fold of the new events over the list
    for the shorter one, as long as the new events name no new loop (then it starts
    over). The memo (`_prevent_applied`: events covered, loop names, result) is used
    only when the tracker's events begin with exactly those event objects."""
    from rasa.shared.core.events import ActiveLoop

    events = self.events
    memo = self.__dict__.get("_prevent_applied")
    if memo is not None:
        covered, loops, done = memo
        if len(covered) <= len(events) and all(map(operator.is_, covered, events)):
            new = list(itertools.islice(events, len(covered), None))
            names = {e.name for e in new if isinstance(e, ActiveLoop) and e.name}
            if names <= loops:
                if not new:
                    return list(done)
                result = _fold_applied(self, new, loops, list(done))
                self._prevent_applied = (covered + new, loops, result)
                return list(result)
    everything = list(events)
    loops = frozenset(e.name for e in everything if isinstance(e, ActiveLoop) and e.name)
    result = _fold_applied(self, everything, loops, [])
    self._prevent_applied = (everything, loops, result)
    return list(result)


def _fold_applied(tracker: Any, events: list, loop_names: frozenset, applied: list) -> list:
    """The loop of Rasa 3.6's `DialogueStateTracker.applied_events`, from `applied` on."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
        UserUttered,
    )

    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def clone_tracker(tracker: Any, sender_id: str | None = None) -> Any:
    """A tracker in the same state as `tracker`, for a turn to change as it likes: its own
    event list, slots, latest action and loop; the event objects are shared (Rasa never
    changes an event once it is in a tracker: it deep-copies before editing one)."""
    import copy
    from collections import deque

    from rasa.shared.core.trackers import DialogueStateTracker

    clone = DialogueStateTracker.__new__(type(tracker))
    clone.__dict__.update(tracker.__dict__)
    if sender_id is not None:
        clone.sender_id = sender_id
    clone.events = deque(tracker.events, tracker.events.maxlen)
    clone.slots = type(tracker.slots)()
    for name, slot in tracker.slots.items():
        copied = _shallow_copy(slot)  # as DialogueStateTracker.__init__ does
        if isinstance(slot.value, (list, dict)):
            copied.value = copy.deepcopy(slot.value)
        clone.slots[name] = copied
    if isinstance(tracker.latest_action, dict):
        clone.latest_action = dict(tracker.latest_action)
    clone.active_loop = copy.copy(tracker.active_loop)  # flat dataclass, changed in place
    return clone


_PLAIN: dict[type, bool] = {}


def _shallow_copy(obj: Any) -> Any:
    """`copy.copy(obj)`, without its detour through `__reduce_ex__` for a plain class (no
    copy or pickle hooks, no non-empty `__slots__`): a new instance with the same attributes, which
    is exactly what `copy.copy` makes of such an object."""
    import copy

    cls = type(obj)
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = (
            cls.__reduce_ex__ is object.__reduce_ex__
            and cls.__reduce__ is object.__reduce__
            and not any(hasattr(cls, hook) for hook in
                        ("__copy__", "__setstate__", "__getstate__", "__getnewargs_ex__",
                         "__getnewargs__"))
            and not any(vars(klass).get("__slots__") for klass in cls.__mro__)
            and type(obj).__new__ is object.__new__
        )
    if not plain:
        return copy.copy(obj)
    new = object.__new__(cls)
    new.__dict__.update(obj.__dict__)
    return new


def _fast_tracker_copy() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    def copy(self: Any) -> Any:
        return clone_tracker(self)

    DialogueStateTracker.copy = copy


def _plain_graph_runs() -> None:
    """Rasa runs its model graph (NLU for each message, the policies for each prediction)
    through dask's synchronous scheduler, whose bookkeeping (ordering, state dicts,
    callbacks) cost about a fifth as much as the graph's own work under py-spy. The graph is
    evaluated here by the same rules, in one pass, each node once."""
    import dask
    import rasa.engine.runner.dask as runner

    if getattr(runner.dask, "_prevent_plain", False):
        return

    class _Dask:
        """The `dask` module as Rasa's runner sees it, with `get` replaced."""

        _prevent_plain = True

        def __getattr__(self, name: str) -> Any:
            return getattr(dask, name)

        get = staticmethod(graph_get)

    runner.dask = _Dask()


def graph_get(graph: dict, targets: Any) -> Any:
    """`dask.get(graph, targets)` for a graph of plain tasks: every entry computed at most
    once, tasks' arguments resolved as dask resolves them (keys to their values, lists
    element by element, nested tasks run, anything else passed through), data entries
    given as they are; a list of targets gives a tuple of results, as dask.get does."""
    from dask.core import has_tasks, istask

    done: dict[Any, Any] = {}

    def value(key: Any) -> Any:
        if key not in done:
            entry = graph[key]
            done[key] = run(entry) if has_tasks(graph, entry) else entry
        return done[key]

    def run(arg: Any) -> Any:
        if isinstance(arg, list):
            return [run(a) for a in arg]
        if istask(arg):
            return arg[0](*(run(a) for a in arg[1:]))
        try:
            known = arg in graph
        except TypeError:  # unhashable: a value, not a key
            return arg
        return value(arg) if known else arg

    if isinstance(targets, list):
        return tuple(value(t) for t in targets)
    return value(targets)


#: Seconds an idle connection to the action server is kept: below the 5 s after which the
#: action server (Sanic's KEEP_ALIVE_TIMEOUT) closes it, so this side always closes first
#: and never sends a call down a connection the server is closing.
KEEP_ALIVE_SECONDS = 2.0


def _kept_alive_endpoint_sessions() -> None:
    """`EndpointConfig.session()` made a new aiohttp session, hence a new TCP connection,
    for every action call (and the action server a new connection to serve). One session
    per endpoint and event loop is kept instead, with the same headers, authentication
    and timeout; `async with endpoint.session()` no longer closes it."""
    import asyncio

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    if getattr(EndpointConfig.session, "_prevent_kept", False):
        return

    def session(self: Any) -> Any:
        loop = asyncio.get_running_loop()
        kept = self.__dict__.get("_prevent_session")
        if kept is None or kept[0] is not loop or kept[1].closed:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth else None
            )
            made = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
            )
            kept = self._prevent_session = (loop, made)
        return _Kept(kept[1])

    session._prevent_kept = True  # type: ignore[attr-defined]
    EndpointConfig.session = session


class _Kept:
    """`async with` a kept session: gives it, and leaves it open afterwards."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        return None


def _contiguous_intent_weights() -> None:
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )

    original = LogisticRegressionClassifier.process

    def process(self: Any, messages: Any) -> Any:
        column_ordered_weights(getattr(self, "clf", None))
        return original(self, messages)

    LogisticRegressionClassifier.process = process


def column_ordered_weights(clf: Any) -> None:
    """Keep a fitted linear model's weights in column order (same values)."""
    import numpy as np

    weights = getattr(clf, "coef_", None)
    if isinstance(weights, np.ndarray) and not weights.flags.f_contiguous:
        clf.coef_ = np.asfortranarray(weights)
