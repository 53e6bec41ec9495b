"""Answers and openings in a practitioner's plain words, read as they mean (issue 13).

Each class here was misread before: a safe child described with where she is, a far-off
date read as no answer at all, reported speech read as the family being told, violence at
home not recognised as a safeguarding worry, another adult in the story taken for the
person's age, travel to marry a fighter not read as travel to join a terrorist group, and
lawful mainstream politics read as extremist views. Own sentences (none from eval/).
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts, mentioned_facts


@pytest.mark.parametrize(
    "reply",
    [
        "he's in my office and safe",
        "she's at her nan's and perfectly safe now",
        "they're back in lessons and safe",
        "the concert is months away, he's in maths right now",
        "that's weeks away and she's at school today",
        "not until next term, nobody's at risk today",
    ],
)
def test_a_safe_person_or_a_far_off_date_is_no_immediate_danger(reply: str) -> None:
    assert answer_facts("immediate_risk", reply).get("immediate_risk") == "no"


@pytest.mark.parametrize(
    "reply",
    [
        "he's in my office and safe but his brother isn't",
        "it's weeks away but he said he'd do it tonight",
        "she's in school and safe, but the man is waiting outside with a knife",
    ],
)
def test_a_contrast_or_a_near_time_keeps_the_danger_open(reply: str) -> None:
    assert answer_facts("immediate_risk", reply).get("immediate_risk") != "no"


@pytest.mark.parametrize(
    "text",
    [
        "a year 4 boy told me his dad punches his mum when he's drunk",
        "she said her stepdad hits her mum and the kids hide upstairs",
        "year 2 girl says mummy's boyfriend hurts mummy and she is frightened to go home",
        "he told us he's scared to go home because of the shouting and hitting",
    ],
)
def test_violence_at_home_told_in_plain_words_is_a_safeguarding_worry(text: str) -> None:
    facts = mentioned_facts(text)
    assert facts.get("other_safeguarding") == "yes"
    assert facts.get("family_aware") != "yes"  # "told me his dad ..." is not telling the dad


@pytest.mark.parametrize(
    "reply",
    [
        "she chats to a man on telegram who says he's a fighter",
        "he's been messaging a woman in another country who sends him sermons",
        "he meets an older man at the gym who gives him leaflets",
    ],
)
def test_another_adult_in_the_story_is_not_the_persons_age(reply: str) -> None:
    assert "age_group" not in answer_facts("engagement", reply)


def test_the_person_described_as_a_man_is_still_an_adult() -> None:
    assert mentioned_facts("a young man on our apprenticeship keeps sharing isis videos").get(
        "age_group"
    ) == "adult"


@pytest.mark.parametrize(
    "text",
    [
        "she's saving up to fly to turkey and then marry a fighter she met online",
        "he plans to leave in the summer to join an IS fighter who's been grooming him",
        "she's going out there to be the wife of a jihadi, she has a passport now",
    ],
)
def test_travel_to_marry_or_join_a_fighter_goes_to_the_police(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "she met a fighter in a film at the cinema and loved it",
        "he wants to fly to spain to marry his girlfriend",
    ],
)
def test_fighters_in_films_and_weddings_abroad_are_not_terrorism(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") != "yes"


@pytest.mark.parametrize(
    "reply",
    [
        "he said he'll 'do something' at the carol concert",
        "she keeps saying she's going to do something at the parade",
    ],
)
def test_a_stated_act_at_a_named_event_answers_the_planning_question(reply: str) -> None:
    assert answer_facts("terrorism", reply).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "reply",
    [
        "ordinary mainstream politics, he argues his side respectfully",
        "she cares about human rights and is against violence, there's no extremist material",
        "he backs a mainstream party and debates politely in class",
    ],
)
def test_mainstream_lawful_politics_answers_the_extremism_question_no(reply: str) -> None:
    assert answer_facts("ideology", reply).get("ideology") == "no"


@pytest.mark.parametrize(
    "reply",
    [
        "he's in the youth wing of a mainstream political party",
        "only a lawful march with her family, no group",
    ],
)
def test_a_mainstream_party_or_lawful_march_is_not_engagement(reply: str) -> None:
    assert answer_facts("engagement", reply).get("engagement") != "yes"


@pytest.mark.parametrize(
    "reply",
    [
        "mainstream party on paper but he says all muslims should be deported",
        "he says it's respectful debate but he shares national action stickers",
    ],
)
def test_a_lawful_label_never_hides_a_view_of_concern(reply: str) -> None:
    assert answer_facts("ideology", reply).get("ideology") != "no"
