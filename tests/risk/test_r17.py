"""Issue 12, r17: calm precision. A Prevent concern described is the DSL's, not 999 or police.

Every sentence here was written for this file (none comes from an evaluation set). Each
class below failed on the code before its fix; the "still" lists show the same words where
they are real evidence and must keep their alarm.

Policy (SET PREVENT Policy and Guidance, section 2.3, "Example indicators that an individual
is engaged with an extremist group, cause or ideology"): "Possession of material or symbols
associated with an extremist cause" and "Communications with others that suggest
identification with a group/cause/ideology" are signs of ENGAGEMENT, assessed through the
DSL and a referral (SET 2.5). Someone "already engaged in illegal terrorist-related activity"
(SET 2.1: membership of, contact with, promoting or recruiting for, or funding a proscribed
group; planning) goes to the police, and "travelling to join a proscribed organisation or
planning" supersedes local referral (Thurrock pack, 002). So watching, keeping, listening
to or passing on a proscribed group's media is the DSL route; the police only when the
message also holds recruitment, promotion, membership, contact, funding, instructions or a
plan.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

# -- 1. a proscribed group's media watched, kept or passed on: engagement (SET 2.3) --------

MEDIA_ENGAGEMENT = [
    "a year 9 lad has been watching Islamic State execution clips on his tablet, his mum found them",
    "one of my sixth formers keeps sending al-Qaeda nasheeds to the class group chat, she says they're catchy",
    "a learner downloaded some Hamas propaganda clips onto his laptop and watches them in the evenings",
    "he has been sharing National Action videos with a couple of mates on Snapchat",
    "she listens to IS nasheeds on her headphones at break and hums them in class",
    # the group's people in its media ("clips of ... fighters") are no support for them
    "a year 9 girl has been posting clips of Islamic State fighters in her form group chat, says she likes the songs",
]


@pytest.mark.parametrize("text", MEDIA_ENGAGEMENT)
def test_a_groups_media_watched_or_shared_is_engagement_for_the_dsl(text: str) -> None:
    rules = assess_rules(text)
    assert rules.level == "none", [m.reason for m in rules.matches]
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


MEDIA_WITH_PROMOTION = [
    "he keeps sending ISIS videos to younger pupils and telling them to join",
    "she runs an account reposting National Action propaganda and asks her followers to sign up",
    "he posts Atomwaffen videos every night calling them heroes and saying everyone should back them",
    "he told me he is a member of National Action and goes to their meetings",
    "he has been sending money to Hamas fighters through a link someone shared with him",
    "he is raising money for ISIS fighters on a gaming site",
    "he wants to go and join the ISIS fighters in Syria",
    # making the group's media is producing for it (promotion), not watching it
    "a boy in year 9 has been making videos in a mask with an Islamic State flag behind him",
]


@pytest.mark.parametrize("text", MEDIA_WITH_PROMOTION)
def test_media_with_membership_promotion_or_funding_is_still_police(text: str) -> None:
    result = assess(text)
    assert result.level == "police", [m.reason for m in result.matches]
    # a reason names the evidence: the group and the link, never a bare probability
    assert result.reasons and all("'" in r for r in result.reasons)


# -- 2. an idle search about joining a group: a concern, not a plan -----------------------

IDLE_SEARCHES = [
    "a year 8 boy googled how to join ISIS after a news report scared him, he was upset when I asked",
    "IT flagged that a pupil had searched how do you join Hamas once on a school computer",
    "my tutee looked up how to join the Islamic State because his friends dared him to",
]


@pytest.mark.parametrize("text", IDLE_SEARCHES)
def test_a_search_about_joining_with_no_plan_is_a_concern(text: str) -> None:
    rules = assess_rules(text)
    assert rules.level == "none", [m.reason for m in rules.matches]
    assert assess(text).level == "none"


SEARCHES_WITH_MORE = [
    "he searched how to join ISIS and has booked a flight to Turkey for the summer to go and fight for them",
    "she searched how to join al-Shabaab and has been messaging a recruiter on Telegram",
]


@pytest.mark.parametrize("text", SEARCHES_WITH_MORE)
def test_a_search_with_travel_or_contact_is_still_police(text: str) -> None:
    assert assess(text).level in ("police", "emergency")


# -- 3. where something was seen is not a target ------------------------------------------

WHERE_SEEN = [
    "he has a Sonnenrad as his desktop background on the school laptop and says it's just Norse",
    "a year 10 girl was scrolling far-right memes on a school computer during registration",
    "the boy was reading incel forums on the school ipad and laughing about it",
]


@pytest.mark.parametrize("text", WHERE_SEEN)
def test_the_device_or_room_where_it_was_seen_is_not_a_target_place(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


@pytest.mark.parametrize(
    "text",
    [
        "he says he will attack the school one day and has been researching guns",
        "he has been searching how to attack the school on the school laptop",
        # the real evidence (a home and a routine gathered) is read, not the laptop's "school"
        "his search history on the school computer has the home address of our MP and pictures of his house",
    ],
)
def test_a_school_that_is_the_target_is_still_a_target(text: str) -> None:
    assert assess(text).level in ("police", "emergency")


# -- 4. a child repeating what an adult at home says ---------------------------------------

RELAYED_VIEWS = [
    "a reception child told her friend that her mummy says the immigrants should all be killed",
    "a year 2 boy keeps repeating that his uncle says we need to get rid of the muslims, he doesn't know what it means",
    "at circle time a 5 year old said my daddy says the jews should be shot, the other children were upset",
    'Year 1 girl said at snack time "my mummy says we should kill all the foreigners". She\'s only 5. I\'ve told her class teacher.',
    # "her lunch" is the meal she was eating, not a time something will happen
    "A nursery child announced that her grandad says the foreigners need to be killed, while she was eating her lunch. She is 4.",
    'Lunchtime supervisor here. A small girl in reception said "my mummy says we need to kill the foreigners" as she ate her lunch. I\'ve told her teacher.',
]


@pytest.mark.parametrize("text", RELAYED_VIEWS)
def test_a_young_child_repeating_a_relatives_view_is_for_the_dsl(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


@pytest.mark.parametrize(
    "text",
    [
        "my daddy says he's going to stab mummy tonight and he has got the big knife out now",
        "my dad says we should kill them all and he's got a gun in the shed, he's going to the mosque tomorrow",
    ],
)
def test_a_child_telling_of_an_adults_threat_with_means_or_time_is_still_999(text: str) -> None:
    assert assess(text).level == "emergency"


# -- 5. lessons: a question asked in chemistry, RE or history -----------------------------

LESSONS = [
    "in chemistry today a year 11 asked why ammonium nitrate fertiliser is explosive, we talked about storage rules",
    "a pupil asked in science how explosives release energy so quickly, we did the equation on the board",
]


@pytest.mark.parametrize("text", LESSONS)
def test_a_question_in_a_lesson_is_no_alarm(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


@pytest.mark.parametrize(
    "text",
    [
        "after chemistry he asked the technician how much ammonium nitrate he would need for a bomb",
        "a year 12 asked in chemistry how to make a pipe bomb at home and said he will try it on the mosque",
    ],
)
def test_making_explosives_is_still_police_in_or_out_of_a_lesson(text: str) -> None:
    assert assess(text).level in ("police", "emergency")


@pytest.mark.parametrize(
    "text",
    [
        "in chemistry he said he would make a bomb and blow up the school tomorrow",
        "in physics a lad told his mate he has a knife in his bag",
    ],
)
def test_a_threat_or_weapon_told_in_a_lesson_is_still_999(text: str) -> None:
    assert assess(text).level == "emergency"


# -- 6. a membership that is over and was dealt with ---------------------------------------

ENDED = [
    "Years ago a former pupil joined National Action and was convicted; I'm writing it up as a training case study",
    "A few years back one of our leavers joined National Action and went to prison for it. We tell his story in assemblies",
]


@pytest.mark.parametrize("text", ENDED)
def test_a_membership_that_ended_in_a_conviction_is_a_case_told(text: str) -> None:
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


STILL_LINKED = [
    "he joined National Action last year and still goes to their meetings",
    "his brother was convicted of being in National Action and now he's joined too",
    "he was convicted of a public order offence and has since joined National Action",
]


@pytest.mark.parametrize("text", STILL_LINKED)
def test_a_link_that_goes_on_is_still_police(text: str) -> None:
    result = assess(text)
    assert result.level == "police", [m.reason for m in result.matches]
    # "years back" is no link: a reason quotes only real evidence
    assert all("'back'" not in r for r in result.reasons)


# -- 7. "give me" is a request to the assistant, not giving to a group ---------------------

def test_asking_the_assistant_to_give_an_outline_of_a_banned_group_is_no_alarm() -> None:
    text = "please give us the background on why Atomwaffen Division is on the banned list, it's for an assembly"
    result = assess(text)
    assert result.level == "none", [m.reason for m in result.matches]


def test_giving_to_a_group_is_still_support() -> None:
    assert assess("he keeps giving his wages to Hamas fighters").level == "police"
