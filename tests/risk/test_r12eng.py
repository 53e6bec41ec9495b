"""r12eng: false alarms. A model 999 or police must rest on evidence the message holds.

Three classes, each with sentences written for this file (none from an evaluation set):

1. the model's 999 with no danger evidence in the message (no means, act, risk to life,
   danger sign, warning, place of danger...) is no 999: the assistant asks "Is anyone in
   danger right now?" (with 999 in the same reply) instead;
2. everyday phrasal idioms that borrow danger words ("hanging around with", "had a shot
   at", "knocked out of the cup") carry no danger weight, for the rules nor the model: the
   model reads the message with the rules' idioms taken out (one list, in the lexicon);
3. a description of a Prevent concern (views, symbols, material, older friends, grooming
   online: SET 2.3) with no means, plan, travel, named group, target place or close time
   is for the DSL or a referral (SET 2.5), not 999 or the police.

And what must not move: named proscribed-group membership, attack planning, travel to
join, target research and acquiring the means still go to the police or 999.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules, combined, get_detector
from bot.risk.model import ModelVerdict

# --- class 1: the model's 999 needs danger evidence ------------------------------------


class _Fixed:
    def __init__(self, verdict: ModelVerdict) -> None:
        self._verdict = verdict

    def verdict(self, text: str) -> ModelVerdict:
        return self._verdict


@pytest.fixture()
def model(monkeypatch: pytest.MonkeyPatch):
    def use(verdict: ModelVerdict) -> None:
        monkeypatch.setattr(combined, "get_model", lambda: _Fixed(verdict))
        combined.assess.cache_clear()

    yield use
    combined.assess.cache_clear()


EMERGENCY = ModelVerdict("emergency", 0.9, ("gone",), 0.9, ("gone",))
POLICE = ModelVerdict("police", 0.9, ("online",), 0.0, ())

NO_DANGER_EVIDENCE = [
    "Attendance has gone down since the autumn and homework has stopped coming in",
    "my tutee keeps asking to see the counsellor but won't say what it's about",
    "Quiet, withdrawn, not eating much, keeps looking at the floor in lessons",
]


@pytest.mark.parametrize("text", NO_DANGER_EVIDENCE)
def test_a_model_999_with_no_danger_evidence_asks_instead(model, text: str) -> None:
    model(EMERGENCY)
    assessment = combined.assess(text)
    assert assessment.level == "none", assessment.reasons
    assert assessment.ask_if_in_danger
    assert "model" in assessment.doubts[0].reason


def test_a_model_999_with_danger_evidence_is_still_999(model) -> None:
    model(EMERGENCY)
    text = "She has gone very quiet and is standing on the ledge of the top corridor window"
    assessment = combined.assess(text)
    assert assessment.level == "emergency"


# --- class 2: everyday idioms carry no danger weight -----------------------------------

CI_REPLY = (
    "She's started hanging around with some older lads who are into it and wears a "
    "Celtic cross necklace"
)

IDIOMS = [
    ("He's been hanging round with the year 13s at lunch", "hanging"),
    ("she hangs out with a new crowd from the skate park after school", "hangs"),
    ("We had a shot at the climbing wall on the trip and everyone loved it", "shot"),
    ("He's having another shot at his theory test on Friday", "shot"),
    ("We got knocked out of the netball tournament in the semi final", "knocked out"),
    ("Her dance video blew up online over half term", "blew up"),
    ("The leavers' assembly was an absolute riot", "riot"),
    ("Parents came armed with questions about the new uniform", "armed"),
    ("The year 11s were killing some time in the library before the exam", "killing"),
    ("He absolutely bombed his driving test", "bombed"),
]


@pytest.mark.parametrize(("text", "word"), IDIOMS)
def test_an_everyday_idiom_is_no_alarm_and_no_evidence(text: str, word: str) -> None:
    assessment = assess(text)
    assert assessment.level == "none", assessment.reasons
    assert not assessment.ask_if_in_danger, assessment.doubts
    danger = {"act", "means", "risk to life", "attack named", "sign of danger"}
    named = [w for kind, words in get_detector().features(text).items() if kind in danger
             for w in words]
    assert not any(word in w for w in named), named


@pytest.mark.parametrize(("text", "word"), IDIOMS)
def test_the_model_does_not_read_an_idiom(text: str, word: str) -> None:
    assert word not in get_detector().model_reading(text).lower()


def test_the_model_reads_everything_else_as_typed() -> None:
    text = "He's got a KNIFE in his bag and is waiting by the gates"
    assert get_detector().model_reading(text) == text


def test_the_idiom_in_the_failing_ci_reply_is_no_999() -> None:
    assessment = assess(CI_REPLY)
    assert assessment.level == "none", assessment.reasons
    assert "hanging" not in get_detector().model_reading(CI_REPLY)


REAL_DANGER_WITH_THE_SAME_WORDS = [
    ("someone has shot at the bus stop outside school and a boy is bleeding", "emergency"),
    ("a lad is hanging from the tree behind the sports hall", "emergency"),
    ("he got knocked out in a fight at the gates and isn't waking up", "emergency"),
    ("he is armed with a knife in the canteen right now", "emergency"),
]


@pytest.mark.parametrize(("text", "level"), REAL_DANGER_WITH_THE_SAME_WORDS)
def test_the_same_words_meant_literally_keep_their_alarm(text: str, level: str) -> None:
    assert assess(text).level == level


# --- class 3: a Prevent concern described is for the DSL, not 999 or the police --------

CONCERNS = [
    CI_REPLY,
    "He has started wearing a badge with a black sun on his blazer and calls people traitors",
    "She shares memes saying a secret elite is replacing white people and the media lies",
    "A boy in year 9 has made a friend online, a man in his thirties who sends him videos "
    "about the coming race war",
    "An older man online has been messaging my pupil, sending him far-right material and "
    "telling him not to tell his parents",
    "His video blew up online and now he's getting messages from accounts with the "
    "sonnenrad as their picture",
    "She's been watching hours of an extremist preacher's videos every night and now says "
    "music is haram",
    "He's got new friends who are much older and into white nationalism, he has dropped "
    "his old mates",
]


@pytest.mark.parametrize("text", CONCERNS)
def test_a_prevent_concern_described_is_no_999_and_no_police(text: str) -> None:
    assessment = assess(text)
    assert assessment.level == "none", assessment.reasons


@pytest.mark.parametrize("verdict", [EMERGENCY, POLICE], ids=["999", "police"])
def test_the_model_alone_does_not_raise_a_concern_description(model, verdict) -> None:
    model(verdict)
    # nothing here says "now": a concern that also says "now" is asked about (review 6,
    # tests/risk/test_review6.py), since "gone to meet him now" must never be silence
    text = "Since she started following a far-right influencer she calls her classmates invaders"
    assessment = combined.assess(text)
    assert assessment.level == "none", assessment.reasons
    assert not assessment.ask_if_in_danger


# What must not move (regression guards: these hold today and must hold after the fix).
STILL_POLICE_OR_999 = [
    "He told me he is now a member of National Action and is recruiting others at the youth club",
    "He says he's going to travel to Syria to join the fighters next month, he's saved up",
    "He's been looking up the layout of the mosque on Google Maps and noting when prayers finish",
    "He's bought fertiliser and fuel and asked how much you'd need to make a bomb",
    "He's planning an attack on the Pride march next month with his far-right mates",
]


@pytest.mark.parametrize("text", STILL_POLICE_OR_999)
def test_evidence_of_terrorism_still_goes_to_the_police(text: str) -> None:
    assert assess(text).level in {"police", "emergency"}


def test_a_concern_with_a_plan_is_not_explained_away(model) -> None:
    model(POLICE)
    text = "He's into far-right memes and is planning an attack on the mosque with his mates"
    assert combined.assess(text).level in {"police", "emergency"}


def test_the_rules_read_the_new_idioms_too() -> None:
    assert assess_rules("We got knocked out of the cup in the last minute").level == "none"
    assert assess_rules("we had a shot at the quiz and came second").level == "none"
