"""Review of session 11: a person named by the weapon they carry ("a gunman", "an armed
intruder") said to be here now got no 999 ("there's a gunman in the school": none), because
the weapon rules read the weapon's own word ("gun") and a presence phrase, and "gunman" is
neither. Calm twins: a film, a past attack, a drill, a hypothetical, an arrest, a denial."""

from __future__ import annotations

import pytest

from bot.risk import assess

EMERGENCIES = [
    "there's a gunman in the school",
    "a gunman is in the grounds",
    "the victim is stable, the gunman is still loose in the school",
    "lockdown drill now because a gunman is in the grounds",
    "armed intruder at the gates, we've locked the doors",
    "active shooter on site, kids in classrooms",
    "knifeman in reception shouting at the office staff",
    "two gunmen are in the building",
]

CALM = [
    "we watched a film where a gunman is in the school",
    "the gunman in the 1996 attack was a local man",
    "what do we do if a gunman is in the school?",
    "our lockdown drill pretends an armed intruder is at the gate",
    "the gunman was arrested yesterday and is in custody",
    "the book's villain is a gunman at large in london",
    "my son plays a game where you're an active shooter, should I worry",
    "no gunman on site, it was a false alarm",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_someone_armed_here_now_is_999(text: str) -> None:
    assert assess(text).level == "emergency"


@pytest.mark.parametrize("text", CALM)
def test_an_armed_person_in_a_story_a_drill_or_the_past_is_no_alarm(text: str) -> None:
    assert assess(text).level == "none"


def test_a_procedure_question_about_what_the_speaker_sees_now_keeps_its_999() -> None:
    """Set G's twin class: "if" with someone "in front of me" is no hypothetical."""
    text = ("quick q on procedure - if the lad right in front of me is threatening to stab a"
            " girl with his knife what do I do")
    assert assess(text).level == "emergency"
    assert assess("if a pupil threatens to stab someone, what's the procedure?").level == "none"
