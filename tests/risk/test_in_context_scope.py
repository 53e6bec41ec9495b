"""What a negation or a hedge in a reply may explain away, and no more (bot/risk/in_context.py).

Own sentences, written for the classes of the cold review of ctx12 (none from eval/):
S1 a negation governs only the words it negates, never a statement it embeds ("nobody
knows he has ..."); S2 a hedge is not a denial; S3 a 999 set aside by an answer is asked
about; S4 reasons quote the reply as typed; S5 one list of presence words; P3 no reply text
is kept in a process-wide cache.
"""

from __future__ import annotations

import gc
import uuid

import pytest

from bot.risk import assess
from bot.risk.detector import get_detector, load_lexicon
from bot.risk.in_context import (
    AskedQuestion,
    assess_reply,
    load_answers,
    present_here_phrases,
    read_reply,
)

DANGER = AskedQuestion(frozenset({"danger"}), ("triage_immediate_risk",))
THREAT = AskedQuestion(frozenset({"threat"}), ("triage_intent",))
MEANS = AskedQuestion(frozenset({"capability"}), ("triage_capability",))
ANY = AskedQuestion.any_question()


# -- S1: a negation reaches the words it negates, not a statement it embeds -----------------

EMBEDDED_STATEMENTS = [
    (MEANS, "Nobody knows he has got a knife in his blazer"),
    (ANY, "Nobody knows he has got a knife in his blazer"),
    (DANGER, "I haven't told anyone he has a knife on him"),
    (MEANS, "Nobody else knows he has a loaded gun at home and says he'll use it today"),
    (THREAT, "I didn't want to say he has threatened to stab his stepdad tonight"),
]


@pytest.mark.parametrize("asked, reply", EMBEDDED_STATEMENTS)
def test_a_negation_never_covers_a_statement_it_embeds(asked: AskedQuestion, reply: str) -> None:
    # Given a reply whose negation is about who knows or who was told
    assert assess(reply).level == "emergency"  # read alone: means or an act, now
    # When it is read as the answer to the question asked
    found = assess_reply(reply, asked)
    # Then what it states about the means or the act still counts
    assert found.level == "emergency", read_reply(reply, asked)


def test_a_negated_echo_still_covers_what_was_said() -> None:
    """The boundary of S1: "never said he would hurt anyone" denies what was said."""
    reply = "No, he has never threatened anybody or said he would hurt anyone"
    assert assess_reply(reply, THREAT).level == "none"


# -- S2: a hedge is not a denial ---------------------------------------------------------------

HEDGES_WITH_DANGER = [
    "maybe, she's been really low and said she can't go on, she's in the toilets now",
    "I'm not sure, she's been crying in the toilets for an hour and won't come out",
    "not sure, he keeps saying tonight is the night and everyone will see",
]


@pytest.mark.parametrize("reply", HEDGES_WITH_DANGER)
def test_a_hedge_keeps_at_least_a_doubt(reply: str) -> None:
    alone = assess(reply)  # read alone: a 999, or (r12eng: a model 999 with no danger
    assert alone.level == "emergency" or alone.ask_if_in_danger  # evidence) the danger question
    found = assess_reply(reply, DANGER)
    assert found.level == "emergency" or found.ask_if_in_danger, read_reply(reply, DANGER)


def test_a_hedge_never_loses_a_rule_999() -> None:
    """The rules' own 999 (a suicide risk with a time) survives a "maybe" in front of it."""
    reply = "maybe, she's been really low and said she can't go on, she's in the toilets now"
    found = assess_reply(reply, DANGER)
    assert found.level == "emergency"
    assert any(m.rule != "model" for m in found.matches), found.as_dict()


def test_not_yet_with_something_to_come_is_asked_about() -> None:
    """ "Not yet" to "is anyone in danger?" with an act to come is no denial: ask, with 999."""
    reply = "not yet, he says he'll do it after school"
    found = assess_reply(reply, DANGER)
    assert found.ask_if_in_danger, read_reply(reply, DANGER)


def test_not_yet_before_a_999_is_read_as_the_reply_alone() -> None:
    reply = "not yet, he keeps saying tonight is the night and everyone will see"
    assert assess(reply).level == "emergency"
    assert assess_reply(reply, DANGER).level == "emergency"


# -- S3 / C3: a 999 set aside by the answer is asked about, end to end ---------------------


def test_a_denial_with_a_danger_sign_is_asked_about() -> None:
    """A firm no, then only a sign of danger (a roof): the model's 999 becomes the question."""
    reply = "no, she's on the roof of the science block with the caretaker"
    assert assess(reply).level == "emergency"
    found = assess_reply(reply, DANGER)
    assert found.level == "none" and found.ask_if_in_danger, found.as_dict()
    assert any("roof" in w for d in found.doubts for w in d.words)


def test_a_denial_of_the_means_here_now_is_a_denial() -> None:
    """C3, decided: "no" to the danger question and the knife denied as here now is no 999
    and no second danger question; the reply answered that very question."""
    reply = "no, he hasn't got a knife on him right now"
    found = assess_reply(reply, DANGER)
    assert found.level == "none" and not found.doubts, found.as_dict()


# -- S4: the reply's words as typed --------------------------------------------------------------


@pytest.mark.parametrize(
    "reply, words",
    [
        ("nobody is, but he has signed up to The Base", "The Base"),
        ("No, but he's joined National Action", "National Action"),
    ],
)
def test_reasons_quote_the_reply_as_typed(reply: str, words: str) -> None:
    found = assess_reply(reply, DANGER)
    assert found.level == "police", found.as_dict()
    assert any(words in m.words for m in found.matches), found.as_dict()
    assert all(f"'{words}'" in reason for reason in found.reasons), found.reasons


# -- S5: one list of presence words ------------------------------------------------------------


def test_the_presence_words_come_from_the_lexicon_only() -> None:
    assert not isinstance(load_answers().get("present_here"), list)  # no second list here
    phrases = present_here_phrases()
    assert phrases and set(phrases) <= set(load_lexicon()["concepts"]["presence"])


# -- P3: no reply text kept ------------------------------------------------------------------------


def test_no_reply_text_is_kept_after_reading_it() -> None:
    sentinel = "zq" + uuid.uuid4().hex
    reply = f"no, {sentinel} has a knife in his bag"
    read_reply(reply, DANGER)
    assess_reply(reply, MEANS)
    assess.cache_clear()  # bot.risk.combined's own cache is not this module's,
    get_detector()._parsed.cache_clear()  # nor the detector's (both forget within a turn's
    del reply  # time: tests/risk/test_recent.py)
    gc.collect()
    for obj in gc.get_objects():
        if isinstance(obj, (list, tuple, dict)):
            items = obj.keys() if isinstance(obj, dict) else obj
            assert not any(isinstance(i, str) and sentinel in i for i in items)
