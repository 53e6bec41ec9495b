"""Classes found in set N's misses (t22, issue 13), tested in our own words, not the set's.

- The danger question answered with when ("it's this evening, in a couple of hours") or
  with the person at hand ("she's at the gates right now"): a yes (SET 2.5, 999).
- Planning, travel to join and membership told in plain words, in the opening: a group's
  meetings attended or its card held; routes to Syria; travel abroad to join a group; a
  bomb's makings found together; an act planned at a place of worship (SET 2.4, Thurrock pack).
- The planning question is asked once any sign is seen, engagement too; a "yes" to it that
  tells only of recruiting others to a chat is engagement, asked about, not the police route.
- The lead already acting ("the DSL sent the referral") has been consulted.
- Self-harm and low mood seen, not named, and postcode rivalry are other safeguarding; a
  worry named with a hedge ("she might be mixed up with older lads") is a worry.
- "She was upset and confused", to the extremism question: a reaction, not a view.
"""

from __future__ import annotations

import pytest

from bot.triage.conversation import read_reply
from bot.triage.extract import mentioned_facts
from tests.triage._play import play


@pytest.mark.parametrize(
    "text",
    [
        "it's this evening, in a couple of hours",
        "mum says tonight",
        "she's at the gates right now",
        "he's on his way here now",
        "tonight",
    ],
)
def test_the_danger_question_answered_with_when_or_at_hand_is_a_yes(text: str) -> None:
    reading = read_reply("immediate_risk", text)
    assert reading.how == "answer" and reading.values["immediate_risk"] == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "she's in her maths lesson right now",
        "today she's at her nan's",
        "no, it's weeks away",
        "not tonight, he's grounded",
    ],
)
def test_where_someone_is_or_a_far_time_is_no_yes(text: str) -> None:
    assert read_reply("immediate_risk", text).values.get("immediate_risk") != "yes"


@pytest.mark.parametrize(
    "text",
    [
        "a year 13 has been attending meetings of National Action with his cousin",
        "she has a Sonnenkrieg Division membership card in her purse",
        "he's been looking at routes into Syria on his phone",
        "she keeps posting that she wants to go overseas to join the brothers",
        "they found nails and fertiliser with wires in his shed",
        "he and a friend were heard planning to do something at the mosque",
    ],
)
def test_planning_travel_and_membership_in_plain_words_are_for_the_police(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "he went to a meeting of the chess club",
        "she wants to go abroad to join a volunteering group",
        "he's planning to do something nice at the school concert",
        "he bought fertiliser for the allotment",
        "she's trying to get other parents to join the PTA group",
    ],
)
def test_everyday_meetings_travel_and_plans_are_not(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") != "yes"


def test_the_planning_question_is_asked_once_engagement_is_seen_and_travel_goes_to_police():
    conv, asked = play(
        "Should I refer a 15 year old who watches ISIS propaganda every night?",
        {
            "immediate_risk": "no",
            "terrorism": "yes, he's saved up for a flight and says he'll join the fighters",
        },
    )
    assert "terrorism" in asked
    assert conv.outcome().outcome == "police"


def test_a_yes_that_tells_only_of_recruiting_is_engagement_not_the_police_route() -> None:
    reading = read_reply("terrorism", "yes, she's been inviting her friends into the chat")
    assert reading.values["terrorism"] == "unsure"
    assert reading.values["engagement"] == "yes"
    assert read_reply("terrorism", "yes, he wants to travel to join the fighters").values[
        "terrorism"
    ] == "yes"


@pytest.mark.parametrize(
    "text", ["the DSL sent the referral last week", "our safeguarding lead's on it with me"]
)
def test_the_lead_already_acting_has_been_consulted(text: str) -> None:
    assert read_reply("dsl_consulted", text).values["dsl_consulted"] == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "a 13 year old has scars on her wrists and says she feels hopeless",
        "a year 9 boy is feeling worthless and not eating",
        "he's in a feud with lads from the rival estate",
    ],
)
def test_self_harm_low_mood_and_area_rivalry_seen_are_other_safeguarding(text: str) -> None:
    assert mentioned_facts(text).get("other_safeguarding") == "yes"


def test_self_harm_seen_with_no_extremism_ends_on_the_safeguarding_route() -> None:
    conv, _ = play(
        "A 15 year old has fresh cuts on his arms and says he feels worthless. Nothing "
        "extremist at all.",
        {"immediate_risk": "no, he's with the nurse"},
        default="no",
    )
    assert conv.outcome().outcome == "safeguarding"


@pytest.mark.parametrize(
    "text", ["she might be mixed up with older lads", "I think he's being bullied online"]
)
def test_a_worry_named_with_a_hedge_is_a_worry(text: str) -> None:
    assert read_reply("other_safeguarding", text).values["other_safeguarding"] == "yes"


def test_a_reaction_to_the_news_is_not_a_view() -> None:
    assert read_reply("ideology", "she was upset and confused").values["ideology"] == "no"
    assert read_reply("ideology", "he was curious and said they were right").values[
        "ideology"
    ] != "no"


@pytest.mark.parametrize(
    "text",
    [
        "he's been promoting National Action on his snapchat",
        "she runs a channel for The Base and tells people to sign up",
    ],
)
def test_promoting_a_proscribed_group_is_for_the_police(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") == "yes"


def test_a_yes_about_a_banned_group_recruiting_stays_a_yes() -> None:
    reading = read_reply("terrorism", "yes, recruiting for the banned group online")
    assert reading.values["terrorism"] == "yes"
