"""The form base class (bot/actions/form_base.py) through the two forms that use it: an
answer is taken, a reply that doesn't fit is asked again and counted, an interruption
pauses the form, and the form resumes with its question without taking the interruption
as an answer."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot.actions._common import owner_id
from bot.actions.concerns import ValidateConcernForm
from bot.actions.referral import MAX_RETRIES, ValidateVtrForm
from bot.services import services
from tests.actions.conftest import responses, run, slots_set, user_turn


def _draft(**values: str) -> str:
    tracker = user_turn("start a referral")
    store = services().drafts
    draft = store.create(owner_id(tracker))
    draft.values.update(values)
    store.save(owner_id(tracker), draft)
    return draft.id


def _values(draft_id: str) -> dict[str, str]:
    return services().drafts.get(owner_id(user_turn("x")), draft_id).values


def _vtr(text: str, asked: str, draft_id: str, intent: str = "inform", **kwargs):
    slots = {"draft_id": draft_id, "requested_slot": asked, **kwargs.pop("slots", {})}
    tracker = user_turn(text, intent, slots=slots, active_loop="vtr_form", **kwargs)
    return run(ValidateVtrForm(), tracker)


# -- VTR form ------------------------------------------------------------------------------


def test_an_answer_is_stored_in_the_draft_and_the_next_question_is_named(var: Path):
    draft_id = _draft(imminent_risk="no")
    events, messages = _vtr("Zebedee", "vtr_forename", draft_id)
    slots = slots_set(events)
    assert slots["vtr_forename"] == "set" and slots["vtr_retries"] == 0
    assert slots["requested_slot"] == "vtr_surname"
    assert _values(draft_id)["forename"] == "Zebedee"
    assert messages == []


def test_a_reply_that_does_not_fit_is_asked_again_and_counted(var: Path):
    draft_id = _draft(imminent_risk="no", forename="Zebedee", surname="Quill")
    events, messages = _vtr("31/02/2011", "vtr_date_of_birth", draft_id, slots={"vtr_retries": 0})
    assert responses(messages) == ["utter_field_problem"]
    assert slots_set(events) == {"vtr_retries": 1, "requested_slot": "vtr_date_of_birth"}
    assert "date_of_birth" not in _values(draft_id)


def test_on_the_last_try_the_reply_is_kept_as_typed_and_the_form_moves_on(var: Path):
    draft_id = _draft(imminent_risk="no", forename="Zebedee", surname="Quill")
    events, messages = _vtr(
        "31/02/2011", "vtr_date_of_birth", draft_id, slots={"vtr_retries": MAX_RETRIES}
    )
    assert "utter_field_problem" not in responses(messages)
    assert _values(draft_id)["date_of_birth"] == "31/02/2011"
    slots = slots_set(events)
    assert slots["vtr_retries"] == 0 and slots["requested_slot"] != "vtr_date_of_birth"


def test_words_after_a_no_to_the_danger_question_are_saved_while_it_is_asked_again(var: Path):
    """ "No, but ..." to "is anyone in danger?": asked again on its own, and the words after
    the no are in the saved draft's concern (nothing typed is lost), as the reply says."""
    draft_id = _draft()
    typed = "no but his older brother has the same flag on his wall"
    events, messages = _vtr(typed, "vtr_imminent_risk", draft_id, slots={"vtr_retries": 0})
    assert responses(messages) == ["utter_field_problem"]
    assert "his older brother has the same flag on his wall" in messages[0]["problem"]
    assert slots_set(events)["requested_slot"] == "vtr_imminent_risk"
    values = _values(draft_id)
    assert "imminent_risk" not in values
    assert values["concern"] == "his older brother has the same flag on his wall"


def test_an_interruption_pauses_the_form_and_stores_nothing(var: Path):
    draft_id = _draft(imminent_risk="no")
    for text, intent in (
        ("stop", "stop"),
        ("What counts as capability?", "ask_guidance"),
        ("can I talk to a person", "request_human"),
    ):
        events, messages = _vtr(text, "vtr_forename", draft_id, intent=intent)
        assert events == [] and messages == [], text  # Rasa rejects the form; a rule answers
    assert "forename" not in _values(draft_id)


def test_a_surname_nlu_hears_as_stop_is_still_an_answer(var: Path):
    draft_id = _draft(imminent_risk="no", forename="Zebedee")
    events, _ = _vtr("Stopford", "vtr_surname", draft_id, intent="stop")
    assert slots_set(events)["vtr_surname"] == "set"
    assert _values(draft_id)["surname"] == "Stopford"


def test_after_the_interruption_the_form_resumes_with_its_question(var: Path):
    """The rule answered "why?" and runs the form again: the latest message was the
    interruption, so it is not taken as the answer; the same question is asked."""
    draft_id = _draft(imminent_risk="no")
    events, messages = _vtr(
        "why do you need the first name?",
        "vtr_forename",
        draft_id,
        intent="ask_why",
        after=[
            {"event": "action", "name": "action_explain_question"},
            {"event": "bot", "text": "Because ..."},
        ],
    )
    assert slots_set(events) == {"requested_slot": "vtr_forename"}
    assert messages == [] and "forename" not in _values(draft_id)


def test_a_worry_the_safety_net_asked_about_is_not_stored_as_a_name(var: Path):
    draft_id = _draft(imminent_risk="no")
    events, _ = _vtr(
        "she's standing on the bridge",
        "vtr_forename",
        draft_id,
        slots={"vtr_retries": 1},
        after=[{"event": "action", "name": "utter_check_danger"}],
    )
    # asked again, and not counted as a failed try
    assert slots_set(events) == {"vtr_retries": 1, "requested_slot": "vtr_forename"}
    assert "forename" not in _values(draft_id)


def test_yes_to_immediate_danger_closes_the_form_with_the_emergency_reply(var: Path):
    draft_id = _draft()
    events, messages = _vtr("yes", "vtr_imminent_risk", draft_id)
    assert responses(messages) == ["utter_emergency"]
    assert messages[0]["risk_reason"]  # interface wording, filled
    slots = slots_set(events)
    assert slots["paused_form"] == "vtr_form" and "requested_slot" not in slots
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def test_without_its_draft_the_form_closes_and_says_so(var: Path):
    events, messages = _vtr("Zebedee", "vtr_forename", "no-such-draft")
    assert responses(messages) == ["utter_no_draft"]
    assert slots_set(events) == {"requested_slot": None, "last_answer": "no_draft"}


# -- concern form --------------------------------------------------------------------------


def _concern(text: str, asked: str | None, intent: str = "inform", **slots):
    tracker = user_turn(
        text,
        intent,
        slots={"requested_slot": asked, "concern_task": "raise", **slots},
        active_loop="concern_form",
    )
    return run(ValidateConcernForm(), tracker)


def test_the_concern_form_takes_each_answer_and_asks_the_next_for_its_task():
    events, _ = _concern("He said the video was right", "concern_words")
    assert slots_set(events) == {
        "concern_words": "He said the video was right",
        "concern_retries": 0,
        "requested_slot": "concern_when",
    }
    events, _ = _concern("today", "concern_where", concern_words="x", concern_when="today")
    assert slots_set(events)["requested_slot"] is None  # all three asked: the form is done


def test_the_concern_form_activation_names_the_first_question_of_the_task():
    events, _ = _concern("Record a decision", None, concern_task="decide")
    assert slots_set(events) == {"requested_slot": "concern_text"}
    events, _ = _concern(
        "Record a decision", None, concern_task="decide", concern_task_decision="monitor"
    )
    assert slots_set(events) == {"requested_slot": "concern_text"}


def test_a_monitoring_decision_asks_for_a_review_date_and_retries_a_bad_one():
    slots = {"concern_task": "decide", "concern_task_decision": "monitor", "concern_text": "x"}
    past = (date.today() - timedelta(days=1)).strftime("%d/%m/%Y")
    events, messages = _concern(past, "concern_review", concern_retries=0, **slots)
    assert responses(messages) == ["utter_concern_bad_date"]
    assert slots_set(events) == {"concern_retries": 1, "requested_slot": "concern_review"}
    later = date.today() + timedelta(days=30)
    events, messages = _concern(later.strftime("%d/%m/%Y"), "concern_review", **slots)
    assert messages == []
    assert slots_set(events)["concern_review"] == later.isoformat()
    assert slots_set(events)["requested_slot"] is None


def test_stop_interrupts_the_concern_form_but_a_question_is_the_teachers_words():
    events, messages = _concern("stop please, I'll tell her in person", "concern_words", "stop")
    assert events == [] and messages == []
    events, _ = _concern("Why are they like this?", "concern_words", "ask_guidance")
    assert slots_set(events)["concern_words"] == "Why are they like this?"


def test_a_button_press_in_the_concern_form_is_no_answer_and_not_counted():
    events, _ = _concern('/concern_open{"concern_ref": "C-ABCDEF"}', "concern_words", "x")
    assert slots_set(events) == {"concern_retries": 0, "requested_slot": "concern_words"}
