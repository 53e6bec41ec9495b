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
