"""Issue 12, r12gen: classes that must generalise, each with sentences written for this file.

Class 2: risk to life read from the SITUATION (a vulnerable person + a present hazard or
threat), by the rules alone so the reason quotes the words. Class 4: a reply that denies
or hedges danger (the answers to the should-I-refer questions) is not an alarm, while the
evidence it does not deny still is. None of these sentences comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

SITUATIONS = [
    ("nobody knows where the toddler is and the gate to the canal is open", "young_child_missing"),
    ("my 5 year old has wandered off at the fair and we can't find him", "young_child_missing"),
    ("a little boy from reception went off with a man none of the staff know", "child_taken"),
    ("her ex has locked her in the bathroom and says he'll kill her if she rings anyone",
     "held_and_threatened"),
    ("my cousin is holding his girlfriend in the shed and he has a machete", "held_with_a_weapon"),
    ("somebody shoved lit rags through the letterbox and the kids are asleep upstairs",
     "fire_with_people_inside"),
    ("I can smell gas through the neighbour's door and she isn't answering",
     "unresponsive_near_a_hazard"),
    ("a lad has been swept out past the pier and is waving for help in the water",
     "unresponsive_near_a_hazard"),
    ("she has no pulse", "risk_to_life_now"),
    ("I can't get him to wake up", "risk_to_life_now"),
    ("my daughter's throat is swelling after eating a cashew", "risk_to_life_now"),
]


@pytest.mark.parametrize(("text", "rule"), SITUATIONS)
def test_a_present_situation_is_999_by_a_rule_that_names_it(text: str, rule: str) -> None:
    assessment = assess_rules(text)
    assert assessment.level == "emergency", text
    assert rule in {m.rule for m in assessment.matches}
    assert any("rule:" in r for r in assessment.reasons)


CALM_SITUATIONS = [
    "we did paediatric first aid today: checking a pulse, choking, the recovery position",
    "the reception children are going to the fire station next week to see the engine",
    "she has a nut allergy and her epipen is in the office, the care plan is up to date",
    "a novel we read in year 9 has a girl who is kidnapped and gets away",
    "the gas safety check is booked for the flats on Thursday",
]


@pytest.mark.parametrize("text", CALM_SITUATIONS)
def test_the_same_words_in_a_calm_situation_are_no_999(text: str) -> None:
    assert assess_rules(text).level != "emergency", text


DENIALS = [
    "No, she isn't in danger, and nobody else is right now.",
    "She hasn't got any tablets on her and isn't anywhere near the bridge.",
    "No, he has never threatened anyone or talked about hurting people.",
    "Not as far as I know, and I couldn't say whether that group is banned.",
]


@pytest.mark.parametrize("text", DENIALS)
def test_an_answer_that_denies_danger_is_no_alarm(text: str) -> None:
    assert assess(text).level == "none", text


NOT_DENIED = [
    ("He hasn't threatened anyone, but he has a knife in his bag right now.", "emergency"),
    ("No, she isn't in danger, but her brother has swallowed a load of pills and won't wake up.",
     "emergency"),
]


@pytest.mark.parametrize(("text", "level"), NOT_DENIED)
def test_a_denial_cancels_only_the_evidence_it_denies(text: str, level: str) -> None:
    assert assess(text).level == level, text


ORDINARY = [
    # "the plan" alone is any plan (a support plan, a return-to-school plan)
    "We agreed the plan for his return to lessons with his mum on Monday.",
    # "stay away from" is advice unless a time makes it a warning
    "Her uncle keeps telling her to stay away from the boys in her class.",
    # a family visit abroad is travel, not travel to join a group
    "She is travelling to Afghanistan in the holidays to see her grandma.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_with_an_ordinary_reading_are_no_alarm(text: str) -> None:
    assert assess(text).level == "none", text


def test_a_family_visit_does_not_hide_a_group_named_in_the_same_sentence() -> None:
    text = "He's going to Somalia to see his cousins and then to join al shabaab"
    assert assess(text).level in {"police", "emergency"}


def test_the_proscribed_list_is_dated_and_flags_what_it_is_unsure_of() -> None:
    import yaml

    from bot.risk.detector import PROSCRIBED_PATH

    data = yaml.safe_load(PROSCRIBED_PATH.read_text(encoding="utf-8"))
    assert data["source"].startswith("https://www.gov.uk/")
    assert data["read_on"] and data["complete"] is False
    unsure = {e["name"]: e for e in data["organisations"] if "unsure" in e}
    assert {"Palestine Action", "Maniacs Murder Cult"} <= set(unsure)
    for entry in unsure.values():
        assert str(entry["unsure_as_of"]) == str(data["read_on"])
        assert len(entry["unsure"]) > 20  # says why, not just a flag


def test_fire_safety_words_are_no_fire() -> None:
    assert assess_rules("his DT project is a map of the fire exits, on fire doors and drills").level == "none"
    assert assess_rules("the bins behind the flats are on fire and a child is still inside").level == (
        "emergency"
    )


DUAL_USE_ORDINARY = [
    "in science he asked how acetone takes nail varnish off",
    "she uses hydrogen peroxide to bleach her hair, her mum said",
]
DUAL_USE_POINTED = [
    "he has been buying peroxide in bulk and hiding it under his bed",
    "she has got hold of acetone and was asking which entrance of the gurdwara has no camera",
]


@pytest.mark.parametrize("text", DUAL_USE_ORDINARY)
def test_a_dual_use_material_alone_is_no_police_rule(text: str) -> None:
    assert assess_rules(text).level == "none", text


@pytest.mark.parametrize("text", DUAL_USE_POINTED)
def test_a_dual_use_material_pointed_at_harm_is_police(text: str) -> None:
    assessment = assess_rules(text)
    assert assessment.level in {"police", "emergency"}, text
    assert any(m.rule.startswith("dual_use") for m in assessment.matches)


WARNINGS = [
    "A boy in her class told her to keep her little brother home from the Vaisakhi parade tomorrow.",
    "Someone messaged my tutee: don't go near the bonfire night display tonight, trust me.",
]
ORDINARY_STAY_AWAY = [
    "Mum rang to say keep him home from the trip tomorrow, he has a temperature.",
    "We asked parents to keep away from the side gate at 3pm because of the roadworks.",
]


@pytest.mark.parametrize("text", WARNINGS)
def test_a_warning_to_keep_away_from_an_event_soon_is_999(text: str) -> None:
    assert assess(text).level == "emergency", text


@pytest.mark.parametrize("text", ORDINARY_STAY_AWAY)
def test_staying_away_for_an_ordinary_reason_is_no_alarm(text: str) -> None:
    assert assess(text).level == "none", text


def test_means_target_and_time_in_three_sentences_are_read_together() -> None:
    text = "He's been sharpening a machete all week. The gurdwara opens at 6 tonight."
    assessment = assess_rules(text)
    assert assessment.level == "emergency"
    assert "machete" in assessment.reasons[0] and "gurdwara" in assessment.reasons[0]


def test_a_lesson_sentence_gives_no_means_to_the_reading_across_sentences() -> None:
    text = "In history we read about the swords of the Vikings. The cathedral visit is tomorrow."
    assert assess_rules(text).level == "none"
