"""Classes of triage error found on the development sets, each with fresh wordings.

1. Over-escalation: interest in, or material about, a plan or a journey is not the person
   planning or travelling; a family trip is not travel to join a group; a "yes" that the same
   reply takes back ("..., but nothing definite") is not sure. The police route is for
   planning itself (SET 2.4; Thurrock pack).
2. Safeguarding over-used: views or a mixed/unclear ideology are a Prevent question for the
   lead (SET 2.3, 2.5), and a practitioner's own "nothing else is going on" with no worrying
   content is no concern, not a safeguarding referral.
3. An adult's views with no group behind them still go to the lead (SET 2.5).
Every class has tests that fail on the code before this change (main at 5064c48); the few
cases that passed there are guard rails (the person's own planning is still terrorism; a
plain "no" is still a no) so that the fixes do not overshoot.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts, mentioned_facts
from bot.triage.facts import TriageFacts
from tests.triage._play import play

# -- 1. over-escalation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "She watched a documentary on plots to bomb the underground and won't stop talking about it.",
        "He has been reading about people who travelled to Syria to join ISIS.",
        "He's researching how the Manchester bomber made his device for a history project.",
        "A pupil is going to Iraq this summer to see his grandparents.",
        "She's doing her EPQ on how ISIS recruited teenagers to travel to Syria.",
        "He asked me how you would make a bomb, he said it was for a science project",
        "A year 10 lad is obsessed with the 7/7 bombers and reads everything about how they planned the attack.",
    ],
)
def test_interest_material_or_a_family_trip_is_not_planning_or_travel(text):
    assert mentioned_facts(text).get("terrorism") is None


@pytest.mark.parametrize(
    "text",
    [
        "He is planning to attack the synagogue next month",
        "She's been looking up how to make ricin on her phone",
        "He's been sending money every month to a fund for the mujahideen",
        "He wants to travel to Syria to join the fighters",
    ],
)
def test_the_persons_own_planning_travel_or_funding_is_still_terrorism(text):
    assert mentioned_facts(text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    ("reply", "reading"),
    [
        (
            "He did talk about moving abroad one day, but nothing concrete and no group mentioned",
            "unsure",
        ),
        ("Yes he mentioned it, though I don't think there's any actual plan", "unsure"),
        ("There's no plan that we know of.", "no"),
        ("Not that I know of; I don't know if the group is banned though", "no"),
        ("Yes, he told his friend he's saving up to fly out and join them", "yes"),
    ],
)
def test_a_hedged_answer_to_the_planning_question_is_not_a_yes(reply, reading):
    assert answer_facts("terrorism", reply).get("terrorism") == reading


def test_a_hedged_planning_answer_ends_with_the_lead_not_the_police():
    conv, asked = play(
        "Should I refer a 16 year old who says the Christchurch attacker was a hero?",
        {
            "terrorism": "He did say he might go abroad one day, but nothing definite and no group",
            "dsl_consulted": "not yet",
        },
        default="no",
    )
    result = conv.outcome()
    assert "terrorism" in asked and result.outcome == "consult_dsl"


# -- 2. safeguarding over-used ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "reading"),
    [
        ("No clear ideology, he's into school shooters", "unsure"),
        ("He doesn't follow any particular ideology, it's a mix of things from online", "unsure"),
        ("They're his own views, he isn't part of any group I know of", "yes"),
        ("It's his views, but I don't know of any organisation", "yes"),
        ("Just her faith, no extremist views whatsoever", "no"),
        ("She isn't linked to any group or extremist ideology", "no"),
    ],
)
def test_the_ideology_question_reads_views_and_unclear_ideology(reply, reading):
    assert answer_facts("ideology", reply).get("ideology") == reading


def test_faith_and_nothing_else_going_on_is_no_concern_not_safeguarding():
    conv, asked = play(
        "A year 10 girl started wearing a headscarf and prays at break. Nothing else has "
        "changed and she's doing well.",
        {"ideology": "No, it's just her faith"},
        default="not sure",
    )
    assert "other_safeguarding" not in asked
    assert conv.outcome().outcome == "no_concern"


def test_a_not_sure_about_other_worries_is_not_a_safeguarding_outcome():
    conv, _ = play(
        "A colleague asked if it's a Prevent matter that a year 9 boy plays war games a lot.",
        {"ideology": "No, nothing extremist, it's a hobby"},
        default="not sure",
    )
    result = conv.outcome()
    assert result.outcome == "no_concern"
    text = " ".join(result.reasons)
    assert "weren't sure about other safeguarding worries" in text


def test_a_fascination_with_mass_shooters_and_knives_goes_to_the_lead():
    conv, _ = play(
        "An apprentice, 20, is fascinated by school shooters and has been collecting machetes.",
        {"ideology": "No clear ideology", "dsl_consulted": "no"},
        default="not sure",
    )
    assert conv.facts.capability == "yes"
    assert conv.outcome().outcome in ("consult_dsl", "refer")


# -- 3. adults with views and no group ------------------------------------------------------


def test_an_adults_views_with_no_group_go_to_the_lead():
    conv, _ = play(
        "A man in his fifties who volunteers with us keeps saying immigrants are vermin and the "
        "riots were justified.",
        {"ideology": "Those are his own views, there's no group I know of", "dsl_consulted": "no"},
        default="no",
    )
    assert conv.facts.intent == "yes" and conv.facts.ideology == "yes"
    assert conv.outcome().outcome in ("consult_dsl", "refer")


# -- every outcome's reasons name the evidence, in the practitioner's words -------------------


def _reasons(opening: str, answers: dict[str, str], default: str = "no") -> str:
    conv, _ = play(opening, answers, default=default)
    return " ".join(conv.outcome().reasons)


@pytest.mark.parametrize(
    ("opening", "answers", "quotes"),
    [
        (
            "A 15 year old boy has a far-right badge on his blazer",
            {"intent": "Yes, he told the class immigrants are vermin"},
            [
                "far-right badge on his blazer” (a link to extremism: yes; engagement: yes)",
                "he told the class immigrants are vermin” (intent: yes)",
            ],
        ),
        (
            "A sixth former told me he's been donating every month to a fund for the mujahideen.",
            {},
            [
                "donating every month to a fund for the mujahideen” (planning, travel or membership: yes)"
            ],
        ),
        (
            "A year 11 boy has become very religious and prays at lunch. Nothing else has changed.",
            {"ideology": "No, it's just his faith"},
            [
                "“it's just his faith” (a link to extremism: no)",
                "“Nothing else has changed” (other safeguarding worries: no)",
            ],
        ),
        (
            "Should I refer a 17 year old who says the Christchurch attacker was a hero?",
            {"terrorism": "He said he might go abroad one day, but nothing definite"},
            [
                "“He said he might go abroad one day, but nothing definite” (planning, travel or "
                "membership: not sure)"
            ],
        ),
    ],
)
def test_the_reasons_quote_the_words_each_fact_came_from(opening, answers, quotes):
    text = _reasons(opening, answers)
    assert "in your words" in text
    for quote in quotes:
        assert quote in text


def test_a_bare_yes_or_no_is_not_quoted_and_nothing_unsaid_is_claimed():
    text = _reasons("I'm worried about a pupil", {"age_group": "14", "ideology": "no"})
    assert "in your words" not in text  # only bare answers: nothing to quote
    text = _reasons(
        "A 15 year old boy has a far-right badge on his blazer",
        {"intent": "No, he hasn't threatened anyone or said anything hateful"},
    )
    assert (
        "(intent: yes)" not in text
        and "badge on his blazer” (a link to extremism: yes; engagement: yes)" in text
    )


def test_the_action_reads_the_turns_of_the_latest_triage_from_the_tracker_events():
    from bot.actions.triage import triage_turns

    events = [
        {"event": "user", "text": "an earlier triage"},
        {"event": "action", "name": "action_start_triage"},
        {"event": "user", "text": "old answer"},
        {"event": "user", "text": "A 14 year old has a swastika on his bag"},
        {"event": "action", "name": "action_start_triage"},
        {"event": "slot", "name": "requested_slot", "value": "triage_immediate_risk"},
        {"event": "user", "text": "no"},
        {"event": "slot", "name": "requested_slot", "value": "triage_intent"},
        {"event": "user", "text": "Yes, he said Jews run the country"},
    ]
    assert triage_turns(events) == [
        (None, "A 14 year old has a swastika on his bag"),
        ("immediate_risk", "no"),
        ("intent", "Yes, he said Jews run the country"),
    ]


@pytest.mark.parametrize(
    ("asked", "reply", "fact", "value"),
    [
        ("ideology", "I'd say it's just teenage edginess", "ideology", "no"),
        ("intent", "Only jokes, he says", "intent", "unsure"),
        (
            "capability",
            "Not that I know, his dad has shotguns for farm work though",
            "capability",
            "yes",
        ),
        (
            "terrorism",
            "Not planning, but he did say someone should blow up parliament",
            "intent",
            "yes",
        ),
    ],
)
def test_replies_in_own_words_read_the_practitioners_evidence(asked, reply, fact, value):
    assert answer_facts(asked, reply).get(fact) == value


def test_a_club_membership_is_not_engagement_with_a_group():
    facts = mentioned_facts("He's a member of the chess club and the debating society")
    assert "engagement" not in facts and "ideology" not in facts


@pytest.mark.parametrize(
    "reply", ["Probably not", "Unlikely", "Thankfully no", "I really doubt it", "I wouldn't say so"]
)
def test_a_soft_no_is_a_no(reply):
    assert answer_facts("terrorism", reply).get("terrorism") == "no"
    assert answer_facts("immediate_risk", reply).get("immediate_risk") == "no"


@pytest.mark.parametrize(
    "text",
    [
        "A year 7 boy is obsessed with Minecraft and barely talks to anyone.",
        "She has made new friends this term and seems much happier.",
        "He wears a Chelsea badge on his blazer every day.",
        "He's in a group chat with his football team.",
        "He has a rainbow flag on his bag.",
    ],
)
def test_an_everyday_badge_friends_or_hobby_is_not_a_sign_without_a_cause(text):
    facts = mentioned_facts(text)
    assert "engagement" not in facts and "ideology" not in facts


@pytest.mark.parametrize(
    "text",
    [
        "He wears a far-right badge on his blazer every day.",
        "She has new friends who are into the great replacement stuff.",
        "He's in a group chat where they say Muslims are invading the country.",
        "He has been handing out Patriotic Alternative leaflets at the bus stop.",
        "He went to an EDL march with his uncle.",
        "He has a flag on his bedroom wall and says it means nothing.",
        "He has a symbol drawn on his arm that I didn't recognise.",
    ],
)
def test_the_same_things_with_a_cause_named_are_engagement(text):
    assert mentioned_facts(text).get("engagement") == "yes"


def test_a_hobby_ends_at_no_concern():
    conv, asked = play(
        "Is it a Prevent thing? A year 7 boy is obsessed with Minecraft and barely talks to "
        "anyone at break.",
        {"ideology": "No, I don't think so, it's just a game he loves", "other_safeguarding": "no"},
        default="not sure",
    )
    assert "ideology" in asked and conv.outcome().outcome == "no_concern"


def test_a_safeguarding_outcome_never_rules_out_a_link_the_practitioner_was_unsure_of():
    from tests.triage._play import TRIAGE
    from tests.triage.test_rules import CONTACT

    facts = TriageFacts(
        immediate_risk="no",
        age=14,
        ideology="unsure",
        engagement="no",
        intent="no",
        capability="no",
        other_safeguarding="yes",
    )
    result = TRIAGE.decide(facts, CONTACT)
    text = " ".join([result.headline, *result.reasons])
    assert result.outcome == "safeguarding"
    assert "doesn't sound like a radicalisation concern" not in text
    assert "weren't sure whether there is a link to extremism" in text


def test_reasons_never_claim_signs_seen_when_all_answers_were_not_sure():
    conv, _ = play(
        "A year 11 lad says he wants to go and fight in Ukraine when he's 18.",
        {"immediate_risk": "no", "dsl_consulted": "no"},
        default="not sure",
    )
    result = conv.outcome()
    text = " ".join(result.reasons)
    assert result.outcome == "consult_dsl"
    assert "You have seen signs" not in text and ": none" not in text
    assert "weren't sure about the signs" in text


@pytest.mark.parametrize(
    "text",
    [
        "He told his friend he wants to be the next school shooter.",
        "My year 9 student keeps saying hitler did nothing wrong lol",
    ],
)
def test_more_words_of_intent(text):
    assert mentioned_facts(text).get("intent") == "yes"


def test_admiring_attackers_with_no_plan_said_in_the_opening_is_the_lead_not_the_police():
    conv, asked = play(
        "Sixth former (17) says the 7/7 bombers were martyrs. Nothing about any plan, no group.",
        {"dsl_consulted": "no"},
        default="I don't know",
    )
    assert conv.facts.intent == "yes" and conv.facts.terrorism == "no"
    assert "terrorism" not in asked and conv.outcome().outcome == "consult_dsl"
