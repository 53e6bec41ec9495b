"""Classes of triage miss read on set J as a development set (issue 13), in fresh words.

- study material named in the opening (a project, coursework, an RE question) is asked
  about, not taken as a sign; material spread to others, with intent, or placed in set work
  only by the person's own account still goes to the DSL (SET 2.3; Thurrock pack, myths);
- the practitioner's word that the person holds no such view (critical of it, no support
  for it, only a question asked) answers the extremism question "no";
- travel abroad to join a proscribed group, named by its short name, is the police route
  (SET 2.4; Thurrock pack).
Each class is tested both ways, through whole conversations where the outcome is the point.
"""

from __future__ import annotations

import pytest

from bot.triage.conversation import TriageConversation, read_reply
from bot.triage.extract import answer_facts, mentioned_facts
from bot.triage.outcome import area_contact
from tests.triage._play import BASE, INBOX, TRIAGE, play

# -- study material in the opening ---------------------------------------------------------

STUDY_OPENINGS = [
    "For her media studies coursework a year 12 girl collected far-right propaganda leaflets "
    "from the 1970s. Should I refer her?",
    "A year 10 lad's citizenship project on symbols of hate has a swastika on the front "
    "cover. Is that a Prevent referral?",
    "One of my A-level politics students is writing an essay on jihadist recruitment and "
    "has printed extremist material for it. Do I need to refer?",
]
SET_WORK_ANSWERS = {
    "immediate_risk": "no",
    "age_group": "17",
    "ideology": "no, it's part of the set work and she has shown no support for it",
    "other_safeguarding": "no",
    "dsl_consulted": "no",
}


@pytest.mark.parametrize("opening", STUDY_OPENINGS)
def test_material_placed_in_study_is_not_a_sign_by_itself(opening: str) -> None:
    facts = mentioned_facts(opening)
    assert facts.get("engagement") != "yes", facts
    assert facts.get("ideology") != "yes", facts


@pytest.mark.parametrize("opening", STUDY_OPENINGS)
def test_study_confirmed_as_set_work_ends_with_no_concern(opening: str) -> None:
    conv, asked = play(opening, SET_WORK_ANSWERS)
    outcome = conv.outcome()
    assert outcome is not None and outcome.outcome == "no_concern", (asked, conv.facts)
    assert "ideology" in asked  # the assistant asked, rather than assumed


@pytest.mark.parametrize(
    "opening",
    [
        # spread to others: not studying it
        "For his history project a year 9 printed swastika posters and has been sharing them "
        "in the class group chat. Should I refer?",
        # with intent alongside
        "For her RE coursework a year 11 girl downloaded extremist material and now says "
        "the bombers were heroes. Refer?",
        # the study only in the person's own account
        "A year 8 boy has swastikas on his planner and claims it's for his history homework. "
        "Refer?",
        # no study at all
        "A year 10 girl keeps Nazi propaganda leaflets in her locker. Should I refer?",
    ],
)
def test_material_beyond_study_still_goes_to_the_dsl(opening: str) -> None:
    assert mentioned_facts(opening).get("engagement") == "yes", opening
    conv, _ = play(opening, {"immediate_risk": "no", "dsl_consulted": "no"}, default="no")
    outcome = conv.outcome()
    assert outcome is not None and outcome.outcome == "consult_dsl", conv.facts


# -- the practitioner's word that no view is held ------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "he only asked a question after the assembly, that's all",
        "she's quite critical of the ideology, it was a discussion in class",
        "no support for the attackers at all, he was shocked by it",
        "the posters were for the GCSE history display analysing how the regime used fear",
    ],
)
def test_no_view_held_in_the_practitioners_words_answers_no(reply: str) -> None:
    assert answer_facts("ideology", reply).get("ideology") == "no", reply


@pytest.mark.parametrize(
    "reply",
    [
        "he said the attackers did the right thing",
        "she shares their propaganda with her friends",
        "he says he's critical of it but keeps the flag on his wall",
    ],
)
def test_a_view_or_material_held_is_not_read_as_no(reply: str) -> None:
    assert answer_facts("ideology", reply).get("ideology") != "no", reply


def test_a_question_in_a_lesson_with_no_support_ends_with_no_concern() -> None:
    conv, asked = play(
        "In a PSHE lesson a year 7 girl asked me why people join terrorist groups. Do I "
        "refer her?",
        {
            "immediate_risk": "no",
            "ideology": "she only asked a question, no sympathy for them at all",
            "other_safeguarding": "no",
        },
    )
    outcome = conv.outcome()
    assert outcome is not None and outcome.outcome == "no_concern", (asked, conv.facts)


# -- travel abroad to join a proscribed group named by its short name ----------------------


@pytest.mark.parametrize(
    "opening",
    [
        "A year 13 boy has been asking about passports and told his tutor he'll go over to "
        "join IS when he turns 18. What should I do?",
        "My 17 year old student is putting money aside to travel and fight for IS next year.",
    ],
)
def test_travel_to_join_a_group_by_its_short_name_is_the_police_route(opening: str) -> None:
    conv, _ = play(opening, {"immediate_risk": "no"}, default="not sure")
    outcome = conv.outcome()
    assert outcome is not None and outcome.outcome == "police", conv.facts


@pytest.mark.parametrize(
    "text",
    [
        "the debate club she wants to join is full this term",
        "the youth group he'd like to join IS NOT open to under 16s",
        "WHAT HE WANTS TO JOIN IS THE ARMY",
        "she wrote an essay about women who travelled to join IS",
        "he would never join IS, he says they are evil",
    ],
)
def test_the_word_is_or_study_of_travellers_is_not_the_police_route(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") != "yes", text


# -- "Prevent referral or police?" asked in the middle of the questions --------------------


@pytest.mark.parametrize(
    "reply", ["prevent referral or police", "so is it the dsl or ring the police", "police or channel"]
)
def test_asking_which_route_answers_no_question(reply: str) -> None:
    reading = read_reply("engagement", reply)
    assert reading.how == "none" and "engagement" not in reading.values, reading


def test_asking_which_route_does_not_turn_a_described_sign_into_lawful_service() -> None:
    reply = "she said she'd go and join them next summer, prevent or police"
    assert answer_facts("engagement", reply).get("engagement") == "yes"


def test_the_triage_goes_on_after_the_route_question() -> None:
    conv = TriageConversation(TRIAGE, lambda area: area_contact(BASE, area, INBOX, "essex"))
    conv.start("A year 10 boy keeps saying Muslims should all be deported. Should I refer?")
    conv.reply("no")  # the danger question
    asked = conv.asked
    assert conv.reply("prevent referral or police") is False  # asked again, nothing lost
    assert conv.asked == asked and conv.facts.intent == "yes"


#: Set work named beside material the person keeps, watches, draws or wears as their own
#: (a cold review of t20): what staff saw is a sign, the project does not erase it.
OWN_USE_BESIDE_SET_WORK = [
    "His RE homework was covered in swastikas and he has far-right propaganda videos he "
    "watches at home.",
    "She has been examining how the attackers chose their targets and has nazi propaganda "
    "on her phone.",
    "His history project on Nazi propaganda included swastikas he has been putting on his "
    "locker.",
    "She is printing far-right propaganda for her coursework and keeps it in her bedroom, "
    "she's obsessed.",
]


@pytest.mark.parametrize("opening", OWN_USE_BESIDE_SET_WORK)
def test_material_kept_as_their_own_beside_set_work_is_still_a_sign(opening: str) -> None:
    assert mentioned_facts(opening.lower()).get("engagement") == "yes", opening
