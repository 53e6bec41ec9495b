"""A reply read AS an answer to the question asked (bot/risk/in_context.py).

Own sentences, written for these classes (none from eval/ or ../shared/eval): a denial of
danger with context, a negated echo of the question, a hedged answer about means or plans;
and the guard rails: new evidence in the same reply keeps its 999 or police, and with no
question asked the reply is read exactly as `bot.risk.assess` reads it.
"""

from __future__ import annotations

import pytest

from bot.risk import assess
from bot.risk.in_context import AskedQuestion, assess_reply, load_answers, read_reply

DANGER = AskedQuestion(frozenset({"danger"}), ("triage_immediate_risk",))
THREAT = AskedQuestion(frozenset({"threat"}), ("triage_intent",))
MEANS = AskedQuestion(frozenset({"capability"}), ("triage_capability",))
PLANS = AskedQuestion(frozenset({"planning"}), ("triage_terrorism",))


# -- (a) a denial of danger, with where and when people are ---------------------------------

#: Each one an alarm when read alone (T1: a case `assess` already reads as calm could not
#: fail if `assess_reply` returned `assess(text)`; those were replaced).
DENIALS_WITH_CONTEXT = [
    # r24: "...in the library with her form tutor..." is calm read alone since r24's calm
    # answers (precision, issue 12), so it could no longer fail here; replaced
    "No, she's in the sports hall with her PE teacher right now",
    "no, he's at home tonight with his brother",
    "no, he hasn't got a knife on him right now",
]


@pytest.mark.parametrize("reply", DENIALS_WITH_CONTEXT)
def test_a_denial_of_danger_with_context_is_not_an_alarm(reply: str) -> None:
    assert assess(reply).level != "none"  # read alone: an alarm
    found = assess_reply(reply, DANGER)
    assert found.level == "none", (reply, found.as_dict())
    assert not found.doubts


# -- (b) a negated or hedged echo of the question ---------------------------------------------


#: Each one an alarm when read alone (T2: three of the four cases here before were calm
#: for `assess` already, so they held with no context at all; replaced).
NEGATED_ECHOES = [
    (PLANS, "No, he isn't planning an attack or going to travel to Syria to fight"),
    (MEANS, "No, he hasn't got a gun or a knife with him today"),
]


@pytest.mark.parametrize("asked, reply", NEGATED_ECHOES)
def test_a_negated_echo_of_the_question_does_not_count(asked: AskedQuestion, reply: str) -> None:
    assert assess(reply).level != "none"  # without the question: an alarm
    assert assess_reply(reply, asked).level == "none", read_reply(reply, asked)


@pytest.mark.parametrize(
    "reply",
    [
        "No, he has never threatened anybody or said he would hurt anyone",
        "Nope, she hasn't made threats or talked about wanting to kill anyone",
    ],
)
def test_a_negated_echo_is_read_as_a_negated_clause(reply: str) -> None:
    """What `assess` already reads as calm is still read as the answer it is (T2)."""
    reading = read_reply(reply, THREAT)
    assert any(c.kind == "negated" for c in reading.clauses), reading
    assert reading.assessment.level == "none"


def test_a_hedged_answer_about_means_is_asked_about_not_sent_to_999() -> None:
    reply = "Not that I'm aware of, his stepdad might have a shotgun in the house, I'm not sure"
    assert assess(reply).level == "emergency"  # read alone: a weapon at hand
    found = assess_reply(reply, MEANS)
    assert found.level == "none", found.as_dict()
    # What was set aside still looks like danger: ask, quoting the reply's own word.
    assert found.ask_if_in_danger
    assert any("shotgun" in w for d in found.doubts for w in d.words)
    assert all("shotgun" in d.reason for d in found.doubts)


# -- (c) what the reply adds always counts ----------------------------------------------------


@pytest.mark.parametrize(
    "asked, reply, level, word",
    [
        (
            DANGER,
            "No, but he told me he's bringing a machete to school on Monday",
            "emergency",
            "machete",
        ),
        (
            DANGER,
            "Not at the moment, but she's climbed onto the roof of the sports block",
            "emergency",
            "roof",
        ),
        (
            THREAT,
            "He hasn't threatened anyone, but he said he will stab his stepdad tonight",
            "emergency",
            "stab",
        ),
        (DANGER, "nobody is, but he has signed up to National Action", "police", "national action"),
        (MEANS, "I'm not sure, he might have a knife on him right now", "emergency", "knife"),
    ],
)
def test_new_evidence_in_the_same_reply_keeps_its_alarm(
    asked: AskedQuestion, reply: str, level: str, word: str
) -> None:
    reading = read_reply(reply, asked)
    # T3: the reply was read as an answer (its answer set aside, the rest kept), not left
    # to `assess` alone; the alarm still stands on the words the reply added
    assert any(c.kind in ("denial", "negated", "hedged", "unsure") for c in reading.clauses)
    assert any(word in c.text.lower() for c in reading.clauses)
    found = assess_reply(reply, asked)
    assert found.level == level, (reply, found.as_dict())
    assert any(word in w.lower() for m in found.matches for w in m.words), found.as_dict()
    for match in found.matches:  # every reason quotes words the reply really holds
        assert all(w.lower() in reply.lower() for w in match.words), match


def test_a_contrast_that_is_itself_a_denial_is_still_a_denial() -> None:
    reply = "No, though he hasn't said he wants to hurt anyone either"
    reading = read_reply(reply, THREAT)
    assert [c.kind for c in reading.clauses] == ["denial", "negated"], reading  # T4
    assert reading.assessment.level == "none"


def test_the_context_never_raises_an_alarm() -> None:
    """Cutting a reply into clauses may not find an alarm the whole message does not raise."""
    reply = "No, it was in his history essay, where he wrote that the bomber was a hero"
    reading = read_reply(reply, THREAT)
    assert len(reading.clauses) > 1  # T4: it was cut into clauses, read one by one
    assert _rank(reading.assessment.level) <= _rank(assess(reply).level)


# -- no question, no change ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "Not right now, he's in his maths lesson this morning",
        "No, he has never threatened anybody or said he would hurt anyone",
        "He has a knife in his bag and says he'll use it at break",
    ],
)
def test_with_no_question_the_reply_is_read_as_assess_reads_it(reply: str) -> None:
    assert assess_reply(reply, None) == assess(reply)
    assert AskedQuestion.from_names(["action_listen", None]) is None


def test_the_question_is_found_from_slots_and_bot_actions() -> None:
    asked = AskedQuestion.from_names(["triage_capability", "utter_check_danger"])
    assert asked is not None and asked.kinds == {"capability", "danger"}
    assert AskedQuestion.from_names(["vtr_intent"]).kinds == {"threat"}  # type: ignore[union-attr]
    assert AskedQuestion.any_question().kinds == set(load_answers()["echoes"])


def _rank(level: str) -> int:
    return {"none": 0, "police": 1, "emergency": 2}[level]


def test_a_negation_does_not_hide_a_sign_of_danger_the_question_did_not_ask_about() -> None:
    """The negation's reach is read from words: what it may wrongly cover is asked about."""
    reply = "Nobody knows if anyone saw him swallow the tablets"
    reading = read_reply(reply, DANGER)
    assert reading.clauses and reading.clauses[0].kind == "negated"  # T4: read as an answer
    found = reading.assessment
    assert found.level != "none" or found.ask_if_in_danger, reading
    assert any("tablets" in w for d in found.doubts for w in d.words) or found.level != "none"


def test_a_negated_echo_of_the_means_question_is_not_asked_about_again() -> None:
    reply = "No, he hasn't got access to guns or any knives that I know of"
    found = assess_reply(reply, MEANS)
    assert found.level == "none" and not found.doubts, found.as_dict()
