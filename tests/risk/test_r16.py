"""Issue 12, r16: a Prevent concern described is for the DSL, not 999 or the police.

Every sentence here was written for this file (none comes from an evaluation set). A
drawing or poster of a weapon or a figure, an extremist "aesthetic" or admiration for a
far-right figure, with no plan, no weapon at hand, no date, no target and no travel, is a
concern for the DSL or a referral (SET 2.3, 2.5): no 999, no police. A real weapon beside a
drawing is still 999.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

# -- a drawing or a poster shows a weapon: no weapon is there --------------------------

DEPICTIONS = [
    "my year 4 boy drew a picture of a soldier with a rifle and wrote his brother's name under it",
    "she has drawn pictures of men holding knives all over her maths book, her mum says she copies them from TikTok",
    "in art he sketched a tank with a machine gun and a flag on the side",
    "a year 8 lad keeps doodling swords and bombs in the margins of his planner",
    "there's a poster of a masked fighter with a rifle on his bedroom wall, his dad told me",
]


@pytest.mark.parametrize("text", DEPICTIONS)
def test_a_drawn_or_pictured_weapon_is_no_weapon_at_hand(text: str) -> None:
    rules = assess_rules(text)
    assert rules.level == "none", [m.reason for m in rules.matches]
    assert assess(text).level != "emergency"


REAL_WEAPON_BESIDE_A_DRAWING = [
    "he drew a picture for me in art. He's got a knife in his bag right now and says he'll use it",
    "she sketched the hall in art this morning. Now she's in the corridor waving a knife at people",
]


@pytest.mark.parametrize("text", REAL_WEAPON_BESIDE_A_DRAWING)
def test_a_real_weapon_in_another_sentence_is_still_999(text: str) -> None:
    assert assess(text).level == "emergency"


# -- admiring a far-right figure, an extremist aesthetic: a concern ---------------------

FIGURES_AND_AESTHETICS = [
    "his nan found a framed photo of Hitler under his bed and he calls him a great leader",
    "a year 9 girl has been quoting Oswald Mosley in her history essays and says he was right",
    "he's really into accelerationist memes and music but has never talked about doing anything",
]


@pytest.mark.parametrize("text", FIGURES_AND_AESTHETICS)
def test_admiration_or_an_aesthetic_is_a_concern_for_the_dsl(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


STILL_POLICE = [
    "he's joined an accelerationist group online and they've given him a list of targets",
    "he says he'll do what Hitler did to the Jewish families on our street next week",
]


@pytest.mark.parametrize("text", STILL_POLICE)
def test_a_plan_or_a_target_beside_a_figure_is_not_calm(text: str) -> None:
    assert assess(text).level in {"police", "emergency"}


NEGATED_REPORTED_INTENT = [
    "a lad of 16 with a framed poster of Oswald Mosley above his bed, his gran is worried about him",
]


@pytest.mark.parametrize("text", NEGATED_REPORTED_INTENT)
def test_no_intent_said_or_a_figure_on_a_wall_is_calm(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


DRAWN_FIGURES = [
    "a year 2 drew a soldier holding a gun next to his house and coloured it in red",
    "my reception child drew a stick man with a knife and said it was daddy's friend",
]


@pytest.mark.parametrize("text", DRAWN_FIGURES)
def test_a_figure_drawn_with_a_weapon_is_no_weapon_at_hand(text: str) -> None:
    assert assess_rules(text).level == "none", assess_rules(text).as_dict()
    assert assess(text).level != "emergency"


def test_drawing_a_knife_on_someone_is_still_999() -> None:
    assert assess("a lad just drew a knife on the caretaker in the car park").level == "emergency"


def test_a_question_what_now_does_not_make_a_drawing_an_emergency() -> None:
    text = "A year 3 girl drew a soldier with a rifle shooting at a house. Her brother told her to. What now?"
    assert assess(text).level != "emergency"
