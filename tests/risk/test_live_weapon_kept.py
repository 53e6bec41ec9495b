"""A weapon at hand now keeps 999, whatever calm frame shares its sentence (issue 12).

The precision frames of this session (an incident over, a precaution, a policy question,
"all sorted") covered a whole sentence; a cold review found live weapons told after a "but"
or a comma in such a sentence silenced. They now calm only the danger signs of their own
clause (lexicon_precision.yml `calm_clauses`, r25); this test is the guard that the
`live_weapon` patch they listed in `unless` is no longer needed.
Sentences written for the review, not taken from any evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess

LIVE = [
    "Dad came round to school with a machete.",
    "Police dealt with it last time, now he's back at the gate with a gun.",
    "It was a false alarm last time but there is a man with a gun in reception now.",
    "Risk assessment done, but a man is in reception with a gun.",
    "I'm doing the risk assessment for the trip and a parent has just turned up with a knife.",
    "We are following the procedure for lockdown, a man has a gun in the hall.",
    "What's the policy on a pupil who is holding a knife to another pupil in the corridor?",
    "It's all sorted now but he's back and has a knife to her throat.",
    "All sorted with the first lad but the second one is holding a knife to a boy's throat.",
    "She said she's fine now but he has a knife and is outside the classroom.",
]

STILL_CALM = [
    "Do we have a protocol for a bag left at the gate?",
    "She fainted in assembly but came round and is fine now, sitting with the nurse.",
    "The police dealt with it and he's been excluded, all sorted now.",
    "Risk assessment for the archery club is done and signed off.",
]


@pytest.mark.parametrize("text", LIVE)
def test_a_live_weapon_beside_a_calm_frame_is_999(text: str) -> None:
    assert assess(text).level == "emergency", text


@pytest.mark.parametrize("text", STILL_CALM)
def test_the_calm_frames_still_calm_their_own_sentences(text: str) -> None:
    assert assess(text).level == "none", text
