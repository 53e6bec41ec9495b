"""Review rv1 (S2-1): a "safe" clause is a "no" to the danger question only when it plainly
says the person is safe now. Doubt, "nobody is safe", a contrast ("but his sister isn't")
or a question is never a no: the danger question is asked (or answered yes).

Every sentence was written for this file or taken from the cold review; none comes from an
evaluation set.
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts, mentioned_facts

NEVER_A_NO = [
    # the review's examples
    "I don't think he's safe at home",
    "No one is safe around him, he says he'll do it tomorrow",
    "He says nobody at school is safe on Friday",
    "He's safe but his sister isn't",
    "whether she's safe at home is the question",
    "I'm not sure she's safe",
    # our own
    "I doubt she's safe with him tonight",
    "I can't say he's safe, his uncle is back",
    "none of the girls in that house are safe",
    "I don't feel the kids are safe there",
    "is she safe at home?",
    "she's safe for now but her brother is not",
    "if he's safe at his dad's I'd be surprised",
]


@pytest.mark.parametrize("text", NEVER_A_NO)
def test_a_doubtful_or_contrasted_safe_is_never_no_danger(text: str) -> None:
    assert mentioned_facts(text).get("immediate_risk") != "no"
    assert answer_facts("immediate_risk", text).get("immediate_risk") != "no"


SAID_NOT_SAFE = [
    "I don't think he's safe at home",
    "No one is safe around him, he says he'll do it tomorrow",
    "He's safe but his sister isn't",
    "I don't feel the kids are safe there",
]


@pytest.mark.parametrize("text", SAID_NOT_SAFE)
def test_someone_not_safe_answers_yes(text: str) -> None:
    assert answer_facts("immediate_risk", text).get("immediate_risk") != "no"
    from bot.triage.extract import _NOT_SAFE

    assert _NOT_SAFE.search(text.lower())


PLAIN_SAFE = [
    "he's upset but safe, he's here with me",
    "she is safe at home with her mum",
    "they're both safe now",
    "The pupil is safe, she's in the office with me",
    "He's safe now and his mum has collected him",
    "everyone is safe, nobody is in danger",
]


@pytest.mark.parametrize("text", PLAIN_SAFE)
def test_a_plain_statement_of_safety_is_still_a_no(text: str) -> None:
    assert answer_facts("immediate_risk", text).get("immediate_risk") == "no"
