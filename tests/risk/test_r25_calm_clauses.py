"""A calm frame calms the danger signs of its own clause only (issue 12, r25).

A precaution or a store, a policy question, an incident over, "all sorted" or a joke in one
clause used to silence a live danger told in another clause of the same sentence ("risk
assessment done, but a man is in reception with a gun"). Each frame kind is put beside a
danger now, in both orders, joined by "but", a comma, "and" and a full stop. And the calm
frames still calm what they are about: a thing stored, an incident told in the past.
Sentences written for this class, not taken from any evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

#: One calm clause per frame kind (lexicon_precision.yml `calm_clauses.frames`).
CALM = {
    "precaution": "the risk assessment for the trip is done",
    "store": "the DT knives are kept in a locked cabinet",
    "policy_question": "I was checking the policy on lockdowns",
    "under_control": "the police dealt with it last time",
    "resolved": "it's all sorted now",
    "found_safe": "one boy has been found safe",
    "joke": "we all laughed",
    "lesson": "we did a lesson on knife crime",
    "past": "the police dealt with him last week",
}

#: Dangers now, each told in the present.
DANGER = [
    "a man is in reception with a gun",
    "a lad is holding a knife to another boy's throat in the corridor",
    "another boy is still missing by the canal",
]


def _joined(first: str, second: str, join: str) -> str:
    if join == ".":
        return f"{first[0].upper()}{first[1:]}. {second[0].upper()}{second[1:]}."
    glue = {"but": " but ", ",": ", ", "and": " and "}[join]
    return f"{first[0].upper()}{first[1:]}{glue}{second}."


CASES = [
    _joined(first, second, join)
    for kind, calm in CALM.items()
    for danger in DANGER
    for join in ("but", ",", "and", ".")
    for first, second in ((calm, danger), (danger, calm))
]


@pytest.mark.parametrize("text", CASES)
def test_a_calm_frame_never_calms_a_danger_in_another_clause(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", (text, found.as_dict())


STILL_CALM = [
    # a store told passively: the thing is kept, nobody is held (r25)
    "Knives are kept in a locked cabinet in DT.",
    "The craft knives in the art room are always kept locked in the store cupboard.",
    "Acids are locked in the prep room and signed out by the technician.",
    # an incident over ends what was told before it, in the past
    "He brought a lock knife into school last term, the police dealt with it.",
    "A boy in year 9 had a fit at break, we called his mum and he was fine after.",
    "Both girls who went missing on the trip by the river were found safe and well.",
    "He said he'd blow the school up, we all laughed and so did he.",
    # a time gone dates the clauses told in the past, before or after it
    "Last week, he brought a knife into school.",
    "He brought a knife in, but that was last year.",
    "We read a story in English about a boy who brings a gun to school.",
    # the frame in its own clause, the danger word only named
    "Is there a policy on kitchen knives in the staffroom?",
]


@pytest.mark.parametrize("text", STILL_CALM)
def test_the_calm_frames_still_calm_their_own_clause(text: str) -> None:
    assert assess(text).level == "none", (text, assess(text).as_dict())


MISSING_BESIDE_FOUND = [
    "One child found safe but another still missing by the river.",
    "We've found one of them safe, the other is still missing near the lake.",
    "A year 5 boy is still unaccounted for near the quarry, his friend has been found safe.",
]


@pytest.mark.parametrize("text", MISSING_BESIDE_FOUND)
def test_found_safe_does_not_calm_another_child_still_missing(text: str) -> None:
    assert assess_rules(text).level == "emergency", text


WORKLOAD = [
    "Apologies for the delay, I'm drowning in marking this week and reports are due.",
    "Honestly drowning in emails today, can you give me the short version of the duty?",
]


@pytest.mark.parametrize("text", WORKLOAD)
def test_drowning_in_a_workload_is_an_idiom(text: str) -> None:
    assert assess(text).level == "none", text


#: An everyday event sets the scene for what follows it, never for what was told before.
EVERYDAY_AFTER_A_WEAPON = [
    "He says he has his dad's shotgun in the car and the careers day tomorrow is where they'll "
    "all be.",
    "She has a machete in her locker, and world book day this afternoon is when she'll use it.",
]
EVERYDAY_SETS_THE_SCENE = [
    "Our gaming club plays Counter-Strike on Fridays and the kids love defusing the bomb on "
    "site B.",
]


@pytest.mark.parametrize("text", EVERYDAY_AFTER_A_WEAPON)
def test_an_everyday_event_after_a_weapon_does_not_calm_it(text: str) -> None:
    assert assess_rules(text).level == "emergency", text


@pytest.mark.parametrize("text", EVERYDAY_SETS_THE_SCENE)
def test_an_everyday_event_still_sets_the_scene_after_it(text: str) -> None:
    assert assess(text).level == "none", text


#: A reason after "since" or "because" has its own time; a relative clause of someone doing
#: something now is not the policy's or the story's.
RELATIVES_AND_REASONS = [
    ("What is our policy on a boy who is waving a knife at staff in the car park?", "emergency"),
    ("We read a play in English with a boy who is kidnapped and escapes.", "none"),
]


@pytest.mark.parametrize(("text", "level"), RELATIVES_AND_REASONS)
def test_relative_clauses(text: str, level: str) -> None:
    assert assess(text).level == level, text
