"""Small helpers shared by the action modules: the user's area and button payloads."""

from __future__ import annotations

import functools
import json
import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.config import get_config
from bot.wording import phrase


def bullets(items: Any) -> str:
    """A list as every reply shows one: one bulleted line per item (interface wording)."""
    return "\n".join(phrase("actions.common.bullet", item=item) for item in items)


def user_area(tracker: Tracker) -> str:
    """The area the user said they work in, else the configured default (SET Annex B)."""
    return (tracker.get_slot("area") or get_config().default_area).lower()


def owner_id(tracker: Tracker) -> str:
    """Who owns drafts, notices and news: the sender id qualified by its channel.

    Why: sender ids are not secret (a Telegram id, a Teams id) and each channel has its
    own id space; a Telegram user's id sent over another channel (REST, web chat) names a
    different owner, so it reaches none of that user's drafts or news.
    """
    channel = tracker.get_latest_input_channel() or "cmdline"
    return f"{channel}:{tracker.sender_id}"


def remember_draft_conversation(tracker: Tracker, draft_id: str) -> None:
    """Note which conversation a draft is answered in, for the purge worker to redact."""
    from bot.services import services
    from bot.store.conversations import link_draft

    try:
        vault = services().vault
        link_draft(get_config().database_url, draft_id, vault.owner(tracker.sender_id))
    except Exception as exc:  # noqa: BLE001 - the draft itself is safe; logged, no user data
        _log.error("draft conversation not linked: %s", type(exc).__name__)


def forget_draft_words(tracker: Tracker, draft_id: str) -> None:
    """After a draft is sealed or deleted: the conversation keeps no words of its answers.

    Redacts every stored event of this conversation (`bot.store.conversations`); the
    events of the current turn are written afterwards and hold none of the answers.
    """
    from bot.services import services
    from bot.store.conversations import unlink_draft

    try:
        vault = services().vault
        vault.redact(vault.owner(tracker.sender_id))
        unlink_draft(get_config().database_url, draft_id)
    except Exception as exc:  # noqa: BLE001 - logged loudly by type, never with user data
        _log.error("conversation not redacted after draft %s: %s", draft_id[:8], type(exc).__name__)


def intent_payload(intent: str, **entities: Any) -> str:
    """A button payload that Rasa parses without NLU: `/intent{"entity": "value"}`."""
    return f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return value if isinstance(value, str) else None


def user_just_spoke(tracker: Tracker, form_name: str) -> bool:
    """True when the form runs right after a user message (so that message is an answer).

    After an interruption (a guidance answer, "why?") the form runs again to re-ask its
    question; the latest message then was the interruption, and must not be taken as an
    answer a second time.
    """
    skipped_form = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "action":
            if event.get("name") == form_name and not skipped_form:
                skipped_form = True
                continue
            if event.get("name") in SAFETY_REPLIES:
                continue  # the police advice came first; the message is still the answer
            return event.get("name") == "action_listen"
    return False


def danger_checked_this_turn(tracker: Tracker) -> bool:
    """True when the safety net asked "is anyone in danger?" about the latest message.

    Why: such a message ("she's on the bridge") is a worry, not an answer to the form's
    question; a form must not store it as, say, the surname.
    """
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "action" and event.get("name") == "utter_check_danger":
            return True
    return False


#: Replies the safety net sends before a form takes the same message as its answer.
SAFETY_REPLIES = {"utter_police", "utter_check_danger", "action_resume_after_check"}


_log = logging.getLogger("bot.actions")


class NeverRaise:
    """Mixin: an action that fails says so kindly and never raises to the SDK.

    Why: when an action raises, the SDK answers 500 with the whole tracker in the body and
    Rasa writes that body, with everything the user typed, into its error log. Here the
    failure is logged by action name, exception type and code location only, the user is
    told (`utter_action_failed`), and an event is returned so the conversation goes on.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        run = cls.__dict__.get("run")
        if run is not None:
            setattr(cls, "run", _guarded(run))  # noqa: B010 - replaces the method


def _guarded(run: Callable[..., Awaitable[list[dict[str, Any]]]]) -> Callable[..., Any]:
    @functools.wraps(run)
    async def wrapper(self: Any, dispatcher: Any, tracker: Tracker, domain: Any) -> list[Any]:
        try:
            return await run(self, dispatcher, tracker, domain)
        except Exception as exc:  # noqa: BLE001 - reported below, without user data
            where = traceback.extract_tb(exc.__traceback__)[-1]
            _log.error(
                "action %s failed: %s at %s:%s",
                self.name(),
                type(exc).__name__,
                where.filename.rsplit("/", 1)[-1],
                where.lineno,
            )
            dispatcher.utter_message(response="utter_action_failed")
            return [SlotSet("last_answer", "action_failed")]

    return wrapper


def deliver_notices(dispatcher: Any, tracker: Tracker, reminders: bool = True) -> int:
    """Reminders and news due to this user, each shown once; returns how many were shown.

    Reminders: a draft about to be purged. News: a sent referral was delivered or could
    not be, or the Prevent team updated its status or asked something (`bot.referral.updates`).
    Called from the actions people use to come back to their work (greeting, triage,
    drafts, resume): two indexed queries (~3 ms) when there is nothing to say. Guidance
    answers, the busiest path, ask for news only (`reminders=False`, ~1.5 ms).
    Never from session start: a conversation must never depend on the action server to begin.
    """
    from bot.config import get_config
    from bot.referral.draft_store import PURGE_NOTICE
    from bot.services import services

    shown = 0
    owner = owner_id(tracker)
    try:
        notices_due, news_due, alerts_due = _waiting(owner, reminders)
        notices = services().drafts.take_notices(owner) if notices_due else []
        news = services().updates.take_for(owner) if news_due else []
    except Exception as exc:  # noqa: BLE001 - a reminder must never break an answer
        _log.warning("notices could not be read: %s", type(exc).__name__)
        return 0
    for kind, ref, due in notices:
        if kind == PURGE_NOTICE:
            dispatcher.utter_message(
                response="utter_draft_purge_notice",
                draft_ref=ref,
                due=f"{due:%d/%m/%Y}" if due else phrase("actions.common.soon"),
                days=get_config().draft_retention_days,
            )
            shown += 1
    for update in news:
        dispatcher.utter_message(**news_message(update))
        shown += 1
    if not alerts_due:
        return shown
    from bot.actions.concerns import deliver_concern_alerts  # concerns for staff (DSLs)

    return shown + deliver_concern_alerts(dispatcher, tracker)


@functools.lru_cache(maxsize=8)
def _combined(clauses: tuple[Any, ...]) -> Any:
    """One SELECT of these prebuilt checks (built once: building is most of its cost)."""
    import sqlalchemy as sa

    return sa.select(*clauses)


def _waiting(owner: str, reminders: bool) -> tuple[bool, bool, bool]:
    """Whether (reminders, news, concern alerts) wait for this owner: asked of the three
    stores in one SELECT, one round trip to the database on every turn (separately, each
    check was a connection checkout with its ping, BEGIN, SELECT and ROLLBACK). Only what
    waits is then taken, each by its store, as before. Stores on different databases are
    asked one by one."""
    import sqlalchemy as sa

    from bot.services import services
    from bot.store.db import read_row

    found = services()
    checks = [
        found.drafts.notices_waiting(owner) if reminders else None,
        found.updates.waiting(owner),
        found.concerns.alerts_waiting(owner),
    ]
    asked = [check for check in checks if check is not None]
    answers: list[bool] = []
    if len({url for url, _, _ in asked}) == 1:
        params = {name: value for _, _, given in asked for name, value in given.items()}
        row = read_row(asked[0][0], _combined(tuple(clause for _, clause, _ in asked)), params)
        answers = [bool(value) for value in row]
    else:
        answers = [bool(read_row(url, sa.select(clause), given)[0])
                   for url, clause, given in asked]
    it = iter(answers)
    return tuple(next(it) if check is not None else False for check in checks)  # type: ignore[return-value]


def news_message(update: Any) -> dict[str, Any]:
    """The domain response and its values for one piece of news."""
    from bot.config import get_config
    from bot.guidance import get_service
    from bot.referral.updates import news_response

    response, values = news_response(
        update, get_service().base.police.phone, get_config().inbox_address
    )
    return {"response": response, **values}
