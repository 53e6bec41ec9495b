"""Review of session 11: wanting to die said beside the means at hand ("in the shed with
petrol and a lighter and says he wants to die") only asked "is anyone in danger?", and a
stroke told by its signs ("her face is drooping and she can't speak") the same. Both are a
risk to life now: 999 (SET 2.5). Calm twins: a lesson, a hypothetical question, a poem, a
stroke in the past."""

from __future__ import annotations

import pytest

from bot.risk import assess

EMERGENCIES = [
    "he's in the shed with petrol and a lighter and says he wants to die",
    "she's got a bottle of pills in her hand and keeps saying she wants to die",
    "he has a rope in his bag and texted that he wants to end it",
    "my colleague's face is drooping and she can't speak",
    "one side of her face is numb and she's slurring",
]

CALM = [
    "in PSHE we talked about why people who want to die might hoard pills",
    "what should I do if a pupil says they want to die and has pills?",
    "the poem's narrator wants to die and holds a knife",
    "my granny had a stroke last year, her face drooped on one side",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_wanting_to_die_with_the_means_or_a_stroke_now_is_999(text: str) -> None:
    assert assess(text).level == "emergency"


@pytest.mark.parametrize("text", CALM)
def test_the_same_words_in_a_lesson_a_question_a_poem_or_the_past_are_no_alarm(text: str) -> None:
    assert assess(text).level == "none"
