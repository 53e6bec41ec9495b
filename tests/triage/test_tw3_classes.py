"""Classes of miss found on the tw3 development cases (issue 13), tested in fresh words.

- the danger question answered with a story of harm close at hand, with no "yes" in it;
- recruiting for, handing out leaflets for, or swearing allegiance to a proscribed group
  (named before "them" in the same sentence): the police route (SET 1.3; Thurrock pack);
- a question put openly to a teacher about how something is made is not preparation;
- other harms told in plain words: gangs, a controlling partner, an unwanted marriage;
- "just that remark" to the extremism question is how much was seen, not "no";
- the practitioner placing what was read or searched in set coursework: not extremism.
Each class is tested both ways: what should count does, what should not does not.
"""

from __future__ import annotations

import pytest

from bot.triage.conversation import read_reply
from bot.triage.extract import answer_facts, mentioned_facts

# -- the danger question answered as a story --------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "oh no - a girl has just come to tell me he's at the bus station right now with a blade",
        "I didn't think so, but his mate says he'll set fire to the community hall tonight",
        "someone phoned: she's up on the car park roof at the moment and says she'll jump",
        "he messaged the group that he will drive his van into the market crowd in an hour",
    ],
)
def test_harm_close_at_hand_told_in_a_story_is_a_yes(reply: str) -> None:
    reading = read_reply("immediate_risk", reply)
    assert reading.values.get("immediate_risk") == "yes", reading


@pytest.mark.parametrize(
    "reply",
    [
        "no, he's gone home for today",
        "not tonight, he's calm now; he did talk about stabbing someone last month",
        "she's in lessons today, but she spoke of an attack at the festival next year",
        "no, nobody will be hurt today",
        "no, he's in class today, he was cautioned for carrying a knife last year",
        "the march he wants to disrupt is months away, though he mentioned it today",
    ],
)
def test_a_time_or_an_act_alone_or_negated_is_not_a_yes(reply: str) -> None:
    assert answer_facts("immediate_risk", reply).get("immediate_risk") != "yes", reply


def test_more_of_the_story_without_a_near_time_is_still_asked_again() -> None:
    reading = read_reply("immediate_risk", "She has a kitchen knife collection too")
    assert reading.how == "none" and reading.values.get("immediate_risk") is None


# -- a proscribed group: recruiting, leaflets, allegiance --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a cleaner has been recruiting students for National Action in the car park",
        "he hands out flyers for Hezbollah outside the mosque after prayers",
        "she shares Daesh nasheeds online and told a friend she has sworn allegiance to them",
    ],
)
def test_recruiting_leaflets_or_allegiance_for_a_proscribed_group_is_police(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") == "yes", text


@pytest.mark.parametrize(
    "text",
    [
        "he watched a documentary about people recruiting for Daesh",
        "she wrote an essay on how National Action handed out leaflets for years",
        "he is recruiting players for the football team",
        "he hands out leaflets for the Labour Party",
        "he has not sworn allegiance to Daesh, he just reads about them",
    ],
)
def test_study_ordinary_groups_or_negation_are_not_the_police_route(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") != "yes", text


def test_a_question_asked_openly_of_a_teacher_is_not_preparation() -> None:
    asked = "she asked her physics teacher how to make ricin, out of curiosity"
    assert mentioned_facts(asked).get("terrorism") != "yes"
    doing = "she has been making ricin in her bedroom to poison people"
    assert mentioned_facts(doing).get("terrorism") == "yes"


# -- other harms in plain words ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a boy in year 9 has got mixed up with a drugs gang on the estate",
        "her husband takes her wages and reads her texts every night",
        "his parents are pressuring him to marry a girl he has never met",
        "she is being sent overseas for a wedding to an older man and she doesn't want to",
    ],
)
def test_other_harms_told_plainly_are_a_safeguarding_worry(text: str) -> None:
    facts = mentioned_facts(text)
    assert facts.get("other_safeguarding") == "yes", (text, facts)
    assert facts.get("engagement") != "yes" and facts.get("terrorism") != "yes", facts


@pytest.mark.parametrize(
    "text",
    [
        "her sister is getting married in the spring and she is a bridesmaid",
        "at her cousin's wedding she doesn't want to be a bridesmaid",
        "he controls the ball well in midfield",
        "she checks the register every morning",
        "he checks his phone all through lessons",
        "she keeps her phone in her blazer pocket",
    ],
)
def test_ordinary_life_is_not_a_harm(text: str) -> None:
    assert mentioned_facts(text).get("other_safeguarding") != "yes", text


def test_a_gang_with_a_cause_named_is_still_engagement() -> None:
    facts = mentioned_facts("he's joined a neo-nazi gang and wears their badges")
    assert facts.get("ideology") == "yes"


# -- "just that remark" is not "no" ------------------------------------------------------


@pytest.mark.parametrize(
    "reply", ["only that one slogan, nothing more", "just the thing he said in form time"]
)
def test_just_that_remark_is_never_no(reply: str) -> None:
    assert read_reply("ideology", reply).values.get("ideology") != "no", reply


@pytest.mark.parametrize("reply", ["just football, nothing political", "only the band he likes"])
def test_just_something_else_is_still_no(reply: str) -> None:
    assert read_reply("ideology", reply).values.get("ideology") == "no", reply


# -- set coursework ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "it's her sociology coursework on protest movements, set by the department",
        "it was an assignment for citizenship; the sites were news pages",
    ],
)
def test_set_work_in_the_practitioners_words_is_not_extremism(reply: str) -> None:
    assert answer_facts("ideology", reply).get("ideology") == "no", reply


@pytest.mark.parametrize(
    "reply",
    [
        "he claims it's for his history project",
        "it's for his project, he says",
        "it's an essay, but he keeps praising the bombers",
        "it's coursework, and he shares the group's propaganda too",
    ],
)
def test_their_own_account_or_a_sign_alongside_is_not_no(reply: str) -> None:
    assert answer_facts("ideology", reply).get("ideology") != "no", reply
