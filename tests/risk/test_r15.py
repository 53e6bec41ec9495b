"""Issue 12, r15: immediate risk that generalises, class by class.

Every sentence here was written for this file (none comes from an evaluation set). Each
class is a kind of message, not a list of examples: the rules must read the act, the
target, the clause and the activity, and every reason must quote words of the message.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules
from bot.risk.detector import normalise


def _quotes_the_message(text: str, reasons: list[str]) -> bool:
    """Every quoted word in every reason is a word of the message (no invented evidence)."""
    import re

    lowered = normalise(text).lower()
    for reason in reasons:
        for quoted in re.findall(r"'([^']+)'", reason.replace("'s ", "\u2019s ")):
            if quoted.replace("\u2019", "'") not in lowered:
                return False
    return True


# -- class 1: an act of serious violence on a real target is no idiom -------------------

GRAVE_ACTS = [
    "a year 11 has just knifed the dinner lady by the vending machines",
    "someone's torched the gurdwara and the flames are spreading to the houses",
    "my neighbour's son has blown up his stepdad's van on the drive",
    "two men have petrol-bombed the corner shop and run off",
    "he stabbed his girlfriend in the stairwell and he's still in the flats",
    "they've set fire to the synagogue's side door",
]


@pytest.mark.parametrize("text", GRAVE_ACTS)
def test_a_grave_act_on_a_person_place_or_vehicle_is_999_by_a_rule(text: str) -> None:
    assessment = assess_rules(text)
    assert assessment.level == "emergency", (text, assessment.as_dict())
    assert _quotes_the_message(text, assessment.reasons), assessment.reasons


IDIOM_WITH_A_TARGET = [
    "he's told the lads he'll shoot the head of year when he sees him on Friday",
    "she keeps saying she's going to attack the caretaker after school today",
]


@pytest.mark.parametrize("text", IDIOM_WITH_A_TARGET)
def test_an_idiom_followed_by_a_real_target_is_read_literally(text: str) -> None:
    assessment = assess_rules(text)
    assert assessment.level == "emergency", (text, assessment.as_dict())
    assert _quotes_the_message(text, assessment.reasons), assessment.reasons


CALM_IDIOMS = [
    "my head's going to explode if I read one more policy",
    "the year 13 drama lot are killing it in rehearsals this week",
    "she blew up at him in the staff meeting about the rota",
    "he felt stabbed in the back by his best mate over the prom tickets",
    "my phone blew up with messages about the inset day",
    "the kids blew up the balloons for the leavers' party",
    "she absolutely torched her opponent in the debate final",
    "we're going to kill it at the concert tonight",
    "let's attack the question from a different angle in period 3",
]


@pytest.mark.parametrize("text", CALM_IDIOMS)
def test_an_idiom_with_no_real_target_stays_calm(text: str) -> None:
    assert assess_rules(text).level == "none", (text, assess_rules(text).as_dict())
    assert assess(text).level == "none", (text, assess(text).as_dict())


PAST_GRAVE_ACTS = [
    "in history we learned how the IRA blew up the hotel in Brighton",
    "his uncle stabbed a man years ago and went to prison for it",
]


@pytest.mark.parametrize("text", PAST_GRAVE_ACTS)
def test_a_grave_act_told_as_history_is_no_999(text: str) -> None:
    assert assess_rules(text).level != "emergency", text


# -- class 2: "since" and "because" start a clause; reported threats are intent ----------

CLAUSE_KEEPS_DANGER = [
    "he's got a blade in his blazer pocket since his cousin was jumped last month",
    "she has a gun in her locker because her brother was attacked last year",
    "he's sat on the edge of the roof because he got excluded last week",
]


@pytest.mark.parametrize("text", CLAUSE_KEEPS_DANGER)
def test_a_past_reason_after_since_or_because_does_not_make_the_danger_past(text: str) -> None:
    assessment = assess_rules(text)
    assert assessment.level == "emergency" or assessment.ask_if_in_danger, assessment.as_dict()


def test_the_past_in_the_same_clause_is_still_the_past() -> None:
    text = "he carried a knife last year because he was scared on the estate"
    assert assess_rules(text).level == "none"


REPORTED_THREATS = [
    "my tutee told his mate he'd burn down the youth centre tonight",
    "apparently she told a friend she'd stab her stepdad when he gets home tonight",
    "he messaged the group that he'd shoot the caretaker tomorrow",
]


@pytest.mark.parametrize("text", REPORTED_THREATS)
def test_a_reported_would_is_intent(text: str) -> None:
    assessment = assess_rules(text)
    assert assessment.level == "emergency", assessment.as_dict()
    assert _quotes_the_message(text, assessment.reasons), assessment.reasons


HAD_NOT_WOULD = [
    "he'd stabbed his finger with the compass and needed a plaster, all sorted now",
    "she said she'd bring the cake in tomorrow for the bake sale",
]


@pytest.mark.parametrize("text", HAD_NOT_WOULD)
def test_had_and_harmless_would_are_no_threat(text: str) -> None:
    assert assess_rules(text).level == "none", assess_rules(text).as_dict()


def test_a_first_person_would_is_a_hypothetical() -> None:
    text = "in English a girl wrote that she thinks I'd murder the referee if I could"
    assert assess_rules(text).level == "none", assess_rules(text).as_dict()


# -- class 3: an idiom explains only its own words ---------------------------------------

IDIOM_ELSEWHERE = [
    "this inspection is killing me and someone has stacked jerry cans of petrol by the fire door",
    "the kids were dead excited, and there's a bag of pills on the floor of the toilets",
    "my phone blew up all afternoon and now there's a lad standing on the railway bridge",
]


@pytest.mark.parametrize("text", IDIOM_ELSEWHERE)
def test_an_idiom_elsewhere_in_the_sentence_leaves_the_danger_question(text: str) -> None:
    rules = assess_rules(text)
    assert rules.level != "none" or rules.ask_if_in_danger, rules.as_dict()
    combined = assess(text)
    assert combined.level != "none" or combined.ask_if_in_danger, combined.as_dict()
    for found in (rules, combined):
        words = [w for m in (*found.matches, *found.doubts) for w in m.words]
        assert words and all(w.lower() in normalise(text).lower() for w in words), words


# -- class 4: a person and a routine time are pastoral context, not a 999 ---------------

PASTORAL = [
    "at break a lad from year 8 said he misses his grandad a lot",
    "after school a lad told me his sister has left home for uni",
    "a girl came to me after the lesson and said she's fallen out with her mates",
    "this morning a student said her dad gets grumpy when he's tired",
]


@pytest.mark.parametrize("text", PASTORAL)
def test_pastoral_context_asks_instead_of_999(text: str) -> None:
    found = assess(text)
    assert found.level == "none", found.as_dict()
    for doubt in found.doubts:  # when asked, the reason quotes the message
        assert all(w.lower() in normalise(text).lower() for w in doubt.words), doubt


PASTORAL_WITH_DANGER = [
    "at lunch a lad said he's going to stab his brother when he gets home tonight",
    "after PE a girl told me she swallowed all of her mum's tablets this morning",
]


@pytest.mark.parametrize("text", PASTORAL_WITH_DANGER)
def test_pastoral_context_with_real_danger_is_still_999(text: str) -> None:
    assert assess(text).level == "emergency", assess(text).as_dict()


# -- class 5: a benign activity explains planning and materials words --------------------

BENIGN_ACTIVITIES = [
    "the allotment society ordered 25 kilos of fertiliser for the new plots",
    "for the DofE expedition he's been researching how to build a shelter and planning routes",
    "the orienteering club printed maps of the country park for Saturday",
    "she's organising the chess club and recruiting year 7s for the league",
    "for the field trip we need maps of the estuary and a list of who is coming",
    "in gardening club they're mixing compost and weedkiller for the borders",
]


@pytest.mark.parametrize("text", BENIGN_ACTIVITIES)
def test_a_benign_activity_is_no_police_case(text: str) -> None:
    assert assess(text).level == "none", assess(text).as_dict()


BENIGN_WORDS_WITH_A_TARGET = [
    "he says the gardening club is cover, he's been buying kilos of fertiliser to blow up the mosque",
    "the chess club lad is recruiting for National Action and handing out their stickers",
]


@pytest.mark.parametrize("text", BENIGN_WORDS_WITH_A_TARGET)
def test_a_benign_activity_does_not_hide_a_target_group_or_act(text: str) -> None:
    assert assess(text).level in ("police", "emergency"), assess(text).as_dict()


def test_a_benign_place_is_not_a_benign_activity() -> None:
    text = "he's been testing a pipe bomb down at his dad's allotment every weekend"
    assert assess_rules(text).level in ("police", "emergency"), assess_rules(text).as_dict()


# -- class 6: a proscribed organisation by its abbreviation, used as an organisation ---

ABBREVIATION_AS_ORGANISATION = [
    "a year 10 keeps telling everyone he's SKD now and showing the badge",
    "my apprentice says the AWD lads meet in the woods every other Sunday",
    "she's started saying she's Base now and that the others will vet me",
    "he shared an AQ magazine with the whole group chat",
]


@pytest.mark.parametrize("text", ABBREVIATION_AS_ORGANISATION)
def test_an_abbreviation_used_as_an_organisation_is_police(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "police", found.as_dict()
    assert any("read on" in r for r in found.reasons), found.reasons
    assert _quotes_the_message(text, found.reasons), found.reasons


ABBREVIATION_OTHER_READING = [
    "he's in NA now and has a sponsor, ninety days clean",
    "the new van is AWD now, much better on the farm track",
    "put NA in the box if the question doesn't apply",
    "the AQA paper is on Tuesday",
    "the base of the triangle is 6cm",
]


@pytest.mark.parametrize("text", ABBREVIATION_OTHER_READING)
def test_an_abbreviation_with_another_reading_is_calm(text: str) -> None:
    assert assess(text).level == "none", assess(text).as_dict()


# -- class 6b: travel to join a group, phrased without a known travel verb ----------------

TRAVEL_TO_JOIN = [
    "my nephew says he's heading out to fight with the mujahideen once he has the money",
    "he's been talking about going over to fight for the Taliban when he's old enough",
    "her boyfriend wants her to move out to Idlib to live with the fighters",
]


@pytest.mark.parametrize("text", TRAVEL_TO_JOIN)
def test_travel_to_join_a_group_without_a_travel_verb_is_police(text: str) -> None:
    found = assess_rules(text)
    assert found.level in ("police", "emergency"), found.as_dict()
    assert _quotes_the_message(text, found.reasons), found.reasons


TRAVEL_ORDINARY = [
    "he's heading out to Leeds to fight for his place in the first team",
    "she wants to move out to Bristol to live with her cousins",
]


@pytest.mark.parametrize("text", TRAVEL_ORDINARY)
def test_ordinary_travel_is_calm(text: str) -> None:
    assert assess(text).level == "none", assess(text).as_dict()


# -- class 6c: calm messages that borrowed danger words (games, trends, pictures) ---------

CALM_BORROWED = [
    "the year 8s keep yelling 'defuse the bomb' while playing Counter-Strike in the IT suite at lunch",
    "there's a new 'grenade' dance trend on TikTok and they want to do it at the talent show tonight",
    "a year 3 drew a picture of a soldier with a rifle for his Remembrance project",
    "in art she painted a knight holding a sword with a dragon behind him",
]


@pytest.mark.parametrize("text", CALM_BORROWED)
def test_games_trends_and_pictures_are_calm(text: str) -> None:
    assert assess_rules(text).level == "none", assess_rules(text).as_dict()


def test_a_real_weapon_next_to_a_picture_is_still_999() -> None:
    text = "he drew a picture of the head and now he's in her office with a knife"
    assert assess(text).level == "emergency", assess(text).as_dict()
