"""More detail typed in place of the answer to "is anyone in immediate danger?" (t13b probe).

A practitioner often adds to their story before answering ("He has also been sharing videos
from a neo-Nazi group"): that is not a "yes, someone is in danger" (it used to end the triage
at `emergency`, "call 999"), and not "not sure" either: its facts are kept and the question
is asked again. A real danger in it is the risk check's (bot/risk), which runs first.
"""

from __future__ import annotations

import pytest

from bot.triage.conversation import read_reply

DETAIL = [
    "He has also been sharing videos from a neo-Nazi group in the class chat",
    "She has been posting far-right memes as well",
    "They did say the attack on the mosque was deserved",
    "He's got a new group of older friends too",
]


@pytest.mark.parametrize("text", DETAIL)
def test_more_detail_is_not_an_answer_to_the_danger_question(text: str) -> None:
    reading = read_reply("immediate_risk", text)
    assert reading.values.get("immediate_risk") is None, reading
    assert reading.how == "none"


def test_the_detail_is_kept_as_facts() -> None:
    reading = read_reply("immediate_risk", DETAIL[0])
    assert reading.values.get("engagement") == "yes"


@pytest.mark.parametrize(
    "text, value",
    [
        ("Yes, he said he'd hurt someone tonight", "yes"),
        ("yes", "yes"),
        ("I think so, she has a knife", "yes"),
        ("No", "no"),
        ("No, he's at home", "no"),
        ("Not right now, she's in school", "no"),
        ("not sure", "unsure"),
    ],
)
def test_a_plain_answer_to_the_danger_question_still_counts(text: str, value: str) -> None:
    assert read_reply("immediate_risk", text).values.get("immediate_risk") == value


# -- classes seen in the development sets' misses (own wordings) --------------------------

from bot.triage.extract import answer_facts, mentioned_facts  # noqa: E402


@pytest.mark.parametrize(
    "text",
    [
        "No, nothing about going abroad, a banned group or plans for an attack.",
        "No - there's no talk of travelling to fight, joining a proscribed group or planning anything.",
    ],
)
def test_a_leading_no_covers_the_list_that_follows_it(text: str) -> None:
    assert answer_facts("terrorism", text).get("terrorism") == "no"


def test_a_no_turned_round_by_but_still_counts_the_rest() -> None:
    text = "No, but he has been planning to attack the mosque on the high street"
    assert answer_facts("terrorism", text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "She cares about animals but only campaigns peacefully, nothing extreme.",
        "He wants to change things by voting and writing to his MP.",
        "They go on legal marches for the cause, that's all.",
    ],
)
def test_a_cause_pursued_lawfully_is_not_an_extremist_view(text: str) -> None:
    assert answer_facts("ideology", text).get("ideology") == "no"


def test_a_pupils_question_in_a_lesson_is_not_a_view_held() -> None:
    text = "A year 9 asked me in history whether the caliphate was a real country. Should I worry?"
    assert mentioned_facts(text).get("ideology") is None


@pytest.mark.parametrize(
    "text",
    [
        "He told me he's a member of The Base, which I think is banned, and they set him jobs.",
        "She's been filming the power station for her handler. It sounds like planning to me.",
        "He says a handler gives him tasks each week.",
    ],
)
def test_membership_of_a_banned_group_or_scouting_for_a_handler_goes_to_the_police(
    text: str,
) -> None:
    assert mentioned_facts(text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "His new mate uses his bank card and has moved into his flat.",
        "Some men have taken over her flat and take all her benefits.",
    ],
)
def test_financial_abuse_and_cuckooing_are_other_harms(text: str) -> None:
    assert mentioned_facts(text).get("other_safeguarding") == "yes"
