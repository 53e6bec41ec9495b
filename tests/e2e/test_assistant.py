"""End to end: the real Rasa and action servers, talked to over the REST channel."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from tests.conftest import ROOT, SHARED
from tests.helpers.replies import reply_outcomes as _outcomes
from tests.helpers.replies import reply_text as _text
from tests.helpers.servers import running_assistant

pytestmark = pytest.mark.servers


def _sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def test_emergency_first_reply_says_999_with_outcome_payload(assistant):
    replies = assistant.say(
        _sender(), "A pupil has a knife in his blazer and says he'll use it at lunch"
    )
    assert "999" in replies[0]["text"]
    # Rasa's REST channel sends a response's text and its custom payload as two messages.
    payload = next(r["custom"] for r in replies if "custom" in r)
    assert payload["outcome"] == "emergency"
    assert "SET 2.5" in payload["citations"]
    assert any("knife" in reason for reason in payload["reasons"])


def test_emergency_in_the_middle_of_a_conversation_still_wins(assistant):
    sender = _sender()
    assistant.say(sender, "what is channel?")
    replies = assistant.say(
        sender, "he has just told me he's going to stab someone at the mosque today"
    )
    assert "999" in replies[0]["text"]
    assert _outcomes(replies) == ["emergency"]


def test_terrorism_related_but_not_imminent_goes_to_the_police(assistant):
    replies = assistant.say(
        _sender(), "A student has been researching how to make explosives for an attack next year"
    )
    assert "0800 789 321" in _text(replies)
    assert _outcomes(replies) == ["police"]


def test_idiom_is_not_an_emergency(assistant):
    replies = assistant.say(
        _sender(), "this paperwork is killing me, where do I send the VTR form?"
    )
    assert not _outcomes(replies)
    assert "prevent@essex.pnn.police.uk" in _text(replies).lower()


def test_guidance_answer_cites_its_section(assistant):
    replies = assistant.say(_sender(), "does a Channel referral give someone a criminal record?")
    text = _text(replies)
    assert "criminal record" in text.lower()
    assert "Source:" in text


def test_low_nlu_confidence_gets_not_sure_with_topic_buttons_and_a_contact(assistant):
    # `/nlu_fallback` is what the FallbackClassifier makes of a message it is unsure of.
    replies = assistant.say(_sender(), "/nlu_fallback")
    text = _text(replies).lower()
    assert "not sure" in text and "prevent contact" in text
    assert "999" in text


def test_out_of_scope_is_declined_kindly(assistant):
    replies = assistant.say(_sender(), "what's the capital of australia")
    assert "only help with prevent" in _text(replies).lower()


def test_topic_button_payload_answers_that_topic(assistant):
    replies = assistant.say(_sender(), '/ask_guidance{"guidance_topic": "contest"}')
    assert "pursue" in _text(replies).lower()


@pytest.mark.parametrize(
    "message",
    [
        "",
        "😟😟😟",
        "<script>alert('hi')</script> where do I send a referral?",
        "I am worried about a pupil who keeps talking about the group. " * 330,
        "¿Dónde envío el formulario de remisión?",
        "hello\x00\x07 there",
        '/ask_guidance{"guidance_topic": "../../etc/passwd"}',
        '/inform{"area": "atlantis", "paused_form": "nope"}',
    ],
    ids=["empty", "emoji", "html", "20k", "spanish", "control", "bad-topic", "typed-slots"],
)
def test_bad_input_gets_a_kind_reply(assistant, message):
    replies = assistant.say(_sender(), message)
    text = _text(replies)
    assert text.strip(), "every message gets an answer"
    assert "<script>" not in text and "Traceback" not in text


def test_typed_intent_cannot_set_slots(assistant):
    sender = _sender()
    assistant.say(sender, '/greet{"area": "atlantis", "paused_form": "triage_form"}')
    replies = assistant.say(sender, "continue")
    assert "nothing paused" in _text(replies).lower()


def test_emergency_reply_does_not_need_the_action_server(model_path, tmp_path):
    with running_assistant(model_path, tmp_path / "no-actions", with_actions=False) as bot:
        replies = bot.say(_sender(), "there is a man at the school gate with a gun right now")
        assert "999" in replies[0]["text"]
        # A guidance question needs the action server: the user is told, not left in silence.
        replies = bot.say(_sender(), "what is prevent?")
        assert "something went wrong" in _text(replies).lower()


def test_dev_scenarios_pass(assistant):
    runner, scenarios = SHARED / "eval" / "scenarios.py", SHARED / "eval" / "dev.yml"
    assert runner.exists(), f"scenario runner not found at {runner}"
    result = subprocess.run(
        [
            sys.executable,
            str(runner),
            str(scenarios),
            "--url",
            assistant.rest_url,
            "--show",
            "--kinds",
            "emergency,police,not_emergency,faq,robustness",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:]


def test_rasa_test_conversations_pass(model_path, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "core",
            "--model",
            str(model_path),
            "--stories",
            "tests/conversations",
            "--out",
            str(tmp_path / "results"),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    failed = tmp_path / "results" / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:] + detail
    report = json.loads((tmp_path / "results" / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0


def test_triage_asks_only_what_is_unknown_and_ends_with_an_outcome(assistant):
    sender = _sender()
    first = _text(
        assistant.say(
            sender, "Should I refer? A 15 year old keeps sharing nazi memes, no immediate danger"
        )
    )
    assert "immediate danger" not in first.lower()  # already said
    assert "how old" not in first.lower()  # already said
    outcomes: list[str] = []
    for reply in ["no", "no", "his parents know", "yes I've spoken to our DSL"]:
        replies = assistant.say(sender, reply)
        outcomes += _outcomes(replies)
        if outcomes:
            break
    assert outcomes == ["refer"]
    assert "Start a VTR referral draft" in [
        b["title"] for r in replies for b in r.get("buttons") or []
    ]


def test_emergency_mid_triage_pauses_the_form_and_continue_resumes_it(assistant):
    sender = _sender()
    assistant.say(sender, "should I refer a pupil?")
    replies = assistant.say(sender, "he has just pulled a knife out in the corridor")
    assert "999" in replies[0]["text"] and _outcomes(replies) == ["emergency"]
    resumed = _text(assistant.say(sender, "continue")).lower()
    assert "immediate danger" in resumed  # the question it was on


def test_the_server_log_has_no_template_or_slot_errors(assistant):
    """Rasa logs the tracker's slots when a response template or slot name is wrong, and an
    action that fails logs "action … failed". This test's own turns go through the replies
    with the most fields (a triage outcome with its buttons, a draft started from it, a
    question explained mid-form, the drafts listed), so it proves something run alone; run
    after the others in this file, it checks their turns too."""
    sender = _sender()
    outcomes: list[str] = []
    assistant.say(sender, "hello")
    assistant.say(sender, "Should I refer? A 15 year old keeps sharing nazi memes, no danger")
    for reply in ["no", "no", "his parents know", "yes I've spoken to our DSL"]:
        outcomes += _outcomes(assistant.say(sender, reply))
        if outcomes:
            break
    assert outcomes == ["refer"]
    assert "draft" in _text(assistant.say(sender, "start a referral")).lower()
    assistant.say(sender, "no")  # nobody in immediate danger
    assert _text(assistant.say(sender, "why do you need their first name?"))
    assert "draft" in _text(assistant.say(sender, "my drafts")).lower()
    log = (assistant.var_dir / "rasa.log").read_text()
    assert "interpolator" not in log
    assert "non existent slot" not in log
    actions_log = (assistant.var_dir / "actions.log").read_text()
    assert " failed: " not in actions_log, actions_log[-2000:]


def test_triage_in_own_words_uses_the_area_named_and_keeps_what_was_seen(assistant):
    """Issue 13: a denial does not erase a symbol; reasoned answers count; the area named
    gives the contact, with the Annex B date caveat; the configured inbox is named."""
    sender = _sender()
    replies = assistant.say(
        sender,
        "I'm at a school in Thurrock. Should I refer a 14 year old who has an ISIS flag as his "
        "phone background? He says it means nothing.",
    )
    said, outcomes = [_text(replies)], _outcomes(replies)
    answers = [
        "No, nobody is in danger",
        "Yes – he said the attackers were brave, though he hasn't threatened anyone",
        "I haven't noticed anything like that",
        "No, nothing like that",
        "We've spoken to his mum and she's supportive",
        "Our DSL is off sick so I haven't talked to anyone yet",
    ]
    for reply in answers:
        if outcomes:
            break
        replies = assistant.say(sender, reply)
        said.append(_text(replies))
        outcomes += _outcomes(replies)
    text = "\n".join(said)
    assert outcomes == ["consult_dsl"], text
    assert "didn't quite get that" not in text
    assert "Thurrock's Prevent contact" in text and "April 2019" in text
    assert "0800 789 321" in text


def test_the_area_after_an_outcome_gives_its_contact_without_a_new_triage(assistant):
    """QA B6: "we're in Southend" after an outcome started every question again."""
    sender = _sender()
    outcomes: list[str] = []
    replies = assistant.say(
        sender, "Should I refer? A 15 year old keeps sharing nazi memes, no immediate danger"
    )
    for reply in ["no", "no", "his parents know", "not yet"]:
        replies = assistant.say(sender, reply)
        outcomes += _outcomes(replies)
        if outcomes:
            break
    assert outcomes == ["consult_dsl"]
    text = _text(assistant.say(sender, "we're in Southend"))
    assert "Southend's Prevent contact is" in text, text
    assert "immediate danger" not in text.lower() and "work out the next step" not in text
    # The facts were kept: the next message is not a triage question either.
    assert "immediate danger" not in _text(assistant.say(sender, "thanks")).lower()


def test_the_outcome_quotes_the_words_it_rests_on_and_a_faith_is_no_concern(assistant):
    """Issue 13 (t13): the reasons name the evidence in the practitioner's own words, read
    from the conversation held by Rasa; faith with nothing else going on is no concern."""
    sender = _sender()
    replies = assistant.say(
        sender,
        "Should I refer? A year 11 boy has become very religious and prays at lunch. Nothing "
        "else has changed and he's doing well.",
    )
    said, outcomes = [_text(replies)], _outcomes(replies)
    for reply in ["No, nobody is in danger", "No, it's just his faith", "not sure"]:
        if outcomes:
            break
        replies = assistant.say(sender, reply)
        said.append(_text(replies))
        outcomes += _outcomes(replies)
    text = "\n".join(said)
    assert outcomes == ["no_concern"], text
    assert "in your words" in text and "“it's just his faith” (a link to extremism: no)" in text
