"""Someone locked or shut in against their will is a risk to their safety now: 999 (r26).

Class 2 of r26's probing: "a child is kept locked in the cupboard at home", "her dad locks
her in her room with no food for days", "he's been shut in the shed" got nothing: the
lexicon's confinement words led to 999 only beside a hazard or a threat. A person (not a
thing, not oneself) locked or shut in a place, or kept locked up, is read as confinement.
Twins: things locked away, people locked out, a detention, a drill, a hug, the past.
Sentences written for this file, none taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.risk import assess, assess_rules

CONFINED = [
    "A child is kept locked in the cupboard at home.",
    "She says her dad locks her in her room with no food for days.",
    "He's been shut in the shed since this morning.",
    "Her stepmum keeps her locked in the bedroom when visitors come.",
    "The neighbours say the little boy is locked in the garage again.",
    "My pupil told me her brother has locked her in the cellar and taken her phone.",
    "A year 4 girl says she gets shut in the dog crate when she's naughty.",
    "They've locked him inside the van outside the chip shop.",
    "He keeps his girlfriend locked up in the flat and won't let her see anyone.",
    "Her uncle shuts her in the loft whenever she speaks to boys.",
]


@pytest.mark.parametrize("text", CONFINED)
def test_someone_locked_or_shut_in_is_999(text: str) -> None:
    found = assess_rules(text)
    assert found.level == "emergency", (text, found.as_dict())


CALM = [
    "We lock the cupboard with the chemicals at the end of every day.",
    "The kids locked themselves out of the minibus at the services.",
    "She locked her bike in the shed before registration.",
    "He locked me in a headlock in PE, just messing about.",
    "The caretaker locks the pupils' coats in the cloakroom over lunch.",
    "We keep the guinea pigs locked in their hutch at night.",
    "She shuts herself in her room all weekend playing games.",
    "Year 2 are kept in at break because it's raining.",
    "Last year she told us her dad used to lock her in her room when she was little, it was "
    "dealt with by social care.",
    "During the lockdown drill the children are kept locked in the classroom until the all "
    "clear.",
]


@pytest.mark.parametrize("text", CALM)
def test_things_locked_away_and_people_locked_out_stay_calm(text: str) -> None:
    assert assess_rules(text).level == "none", (text, assess_rules(text).as_dict())
    assert assess(text).level == "none", (text, assess(text).as_dict())
