"""Other harms told in plain words are a safeguarding worry (SET 2.5; Middlesbrough update:
mate crime and other harms), so a case with no ideology ends on the safeguarding route even
when the other-worries question is answered "not sure". Wordings written for these tests.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import mentioned_facts
from tests.triage._play import play


@pytest.mark.parametrize(
    "text",
    [
        "He's made to work shifts at his uncle's takeaway for no pay and can't keep his wages.",
        "A stranger online persuaded her to send pictures and now wants money or he'll share them.",
        "His so-called mates are making him pay for all their food and laugh at him.",
        "Her dad threw her out of the house and she's sleeping on friends' sofas.",
        "She told her friend that her stepdad touches her when her mum is at work.",
        "He's been cutting himself on his arms and hides it with long sleeves.",
        "She keeps saying she wants to die and has given away her things.",
        "A man pays him twenty quid a week to look after packages in his bedroom.",
        "He stays out all night and comes home with new trainers he can't explain.",
    ],
)
def test_other_harms_in_plain_words(text):
    facts = mentioned_facts(text)
    assert facts.get("other_safeguarding") == "yes"
    assert facts.get("ideology") != "yes" and facts.get("engagement") != "yes"


@pytest.mark.parametrize(
    "text",
    [
        "He works weekends at his uncle's takeaway and saves his wages for a car.",
        "She sleeps at her friend's house on Fridays after netball.",
        "He bought new trainers with his birthday money.",
    ],
)
def test_ordinary_life_is_not_a_harm(text):
    assert mentioned_facts(text).get("other_safeguarding") is None


def test_a_harm_with_no_ideology_ends_on_the_safeguarding_route():
    conv, _ = play(
        "A year 9 boy has been cutting himself on his arms and hides it with long sleeves.",
        {"immediate_risk": "no", "ideology": "no, nothing like that"},
        default="not sure",
    )
    assert conv.outcome().outcome == "safeguarding"
