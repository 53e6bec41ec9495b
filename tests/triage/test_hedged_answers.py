"""Hedged answers in the person's own words count, for every question, the danger one too.

"I'd say no", "probably", "sort of", "hard to tell", "can't be certain": a practitioner
hedges because they are careful, not because they did not answer. Before, these were asked
again (the danger question twice more), or a leading "I'd say" hid the yes or no.
A hedged yes to a sign is a yes (the lead then looks at it: SET 2.5, act early); doubt is
"not sure", which the outcome takes into account. Wordings written for these tests.
"""

from __future__ import annotations

import pytest

from bot.triage.conversation import read_reply

QUESTIONS = ["immediate_risk", "engagement", "intent", "capability", "other_safeguarding",
             "dsl_consulted", "family_aware", "ideology"]


@pytest.mark.parametrize("asked", QUESTIONS)
@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("I'd say yes", "yes"),
        ("I would say no", "no"),
        ("I reckon so", "yes"),
        ("probably", "yes"),
        ("sort of", "yes"),
        ("kind of, yeah", "yes"),
        ("hard to tell really", "unsure"),
        ("it's difficult to say", "unsure"),
        ("can't be certain", "unsure"),
        ("I'm not 100% sure", "unsure"),
        ("haven't a clue", "unsure"),
        ("I'd need to check", "unsure"),
    ],
)
def test_hedged_answers_are_answers(asked, reply, value):
    reading = read_reply(asked, reply)
    assert reading.how == "answer"
    assert reading.values.get(asked) == value
