"""Online grooming towards an ideology, and descriptions that carry a "doesn't" later on.

1. Someone online pushing a worldview onto a child (sermons, lectures, links from an older
   "mentor", telling them their own family are apostates or unbelievers) is a radicalisation
   worry (SET 2.3: "us and them" thinking, contact with those who promote an ideology); it
   ends at least at the DSL (SET 2.5), never at "no concern". Faith on its own is not a sign.
2. An answer in the person's own words that describes what was seen is not a "no" because a
   later clause has "doesn't" in it ("he's dropped his friends and doesn't want to play any
   more"); a "no" that leads or governs the first clause still is one.
Wordings written for these tests.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts, mentioned_facts
from tests.triage._play import play

OPENING = (
    "A dad says his 12 year old has an older online 'mentor' who sends him sermons and "
    "tells him his own parents are apostates."
)


def test_an_online_contact_calling_the_family_unbelievers_is_a_sign():
    facts = mentioned_facts(OPENING)
    assert facts.get("ideology") == "yes"
    assert facts.get("engagement") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "She watches lectures from an imam online and talks to her older cousin about her faith.",
        "He has started praying five times a day and goes to the mosque with his dad.",
    ],
)
def test_faith_and_family_are_not_signs(text):
    facts = mentioned_facts(text)
    assert facts.get("ideology") is None and facts.get("engagement") is None


@pytest.mark.parametrize(
    "reply",
    [
        "he's on discord with him most nights, he's dropped his friends and doesn't want to "
        "play football any more",
        "she messages him constantly, she's quiet in class and won't talk to her old friends",
    ],
)
def test_a_description_with_a_later_negation_is_not_a_no(reply):
    assert answer_facts("ideology", reply).get("ideology") != "no"


@pytest.mark.parametrize(
    "reply",
    [
        "no, it's more that he doesn't sleep and seems low",
        "He doesn't hold any views like that, it's about his home life",
        "she hasn't said anything political at all",
    ],
)
def test_a_no_that_leads_the_reply_is_still_a_no(reply):
    assert answer_facts("ideology", reply).get("ideology") in ("no", None)
    assert answer_facts("ideology", reply).get("ideology") != "yes"


def test_grooming_towards_an_ideology_ends_at_least_at_the_dsl():
    conv, _ = play(
        OPENING,
        {
            "immediate_risk": "no",
            "ideology": "he's on discord with him most nights, he's dropped his friends and "
            "doesn't want to play football any more",
        },
        default="not sure",
    )
    assert conv.outcome().outcome in ("consult_dsl", "refer")
