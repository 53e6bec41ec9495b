"""Session 10's cold review of r25's clause-scoped calm frames.

An incident over ("the police dealt with him", "all sorted") calms what was told before it
in the past, but never when a later clause says it is not over: the person is back, has
escaped, is on the way, or is somewhere now. Before this, each of the first five messages
was silenced (the weapon clause came first and was told in the past).
"""

from __future__ import annotations

import pytest

from bot.risk import assess


@pytest.mark.parametrize(
    "text",
    [
        "He came in with a knife, the police dealt with him, but he's back",
        "He came in with a knife, the police dealt with him, but he's returned",
        "A man came into reception with a gun, all sorted, but he has come back",
        "He attacked a teacher with a knife, the police dealt with him, he escaped and is on "
        "his way back",
        "A man came into the school with a gun, all sorted, he's gone towards the nursery",
        "a parent threatened staff with a machete, it was dealt with, then he turned up again",
    ],
)
def test_an_incident_over_does_not_calm_what_a_later_clause_says_is_back(text):
    assert assess(text).level == "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "He brought a knife in last week, the police dealt with it",
        "a man came in with a knife on monday, police dealt with it and he was arrested",
        "he threatened a boy with scissors, it was dealt with and he apologised",
    ],
)
def test_an_incident_over_with_nothing_after_it_still_calms(text):
    assert assess(text).level != "emergency", text
