"""Free text in place of the buttons: answers in the practitioner's own words are understood.

Own sentences (none from eval/).
"""

from __future__ import annotations

import pytest

from bot.triage.extract import answer_facts, mentioned_facts


@pytest.mark.parametrize("asked", ["ideology", "engagement"])
@pytest.mark.parametrize("reply", ["National Action.", "Atomwaffen", "Hamas, he says"])
def test_a_proscribed_group_named_alone_answers_yes(asked: str, reply: str) -> None:
    assert answer_facts(asked, reply).get(asked) == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "he's part of National Action and goes to their meetings",
        "She's a member of Hezbollah according to her brother",
    ],
)
def test_membership_said_with_a_contraction_is_membership(text: str) -> None:
    assert mentioned_facts(text).get("terrorism") == "yes"


@pytest.mark.parametrize(
    "reply",
    [
        "there's nothing to suggest anything today",
        "nothing immediate, no",
        "nothing to indicate that at all",
    ],
)
def test_nothing_to_suggest_danger_is_a_no(reply: str) -> None:
    assert answer_facts("immediate_risk", reply).get("immediate_risk") == "no"


@pytest.mark.parametrize(
    "asked, reply, value",
    [
        # a closing "so no" is the answer, whatever the sentence before it says
        ("dsl_consulted", "she is off sick this week so no", "no"),
        ("dsl_consulted", "he's been in meetings all day, so not yet", "no"),
        # the family told, in everyday words
        ("family_aware", "I rang home this morning and spoke to his mum", "yes"),
        ("family_aware", "her dad came in yesterday and we talked it through", "yes"),
        # an adult's refusal in everyday words
        ("adult_consent", "he told me to mind my own business", "refused"),
        ("adult_consent", "she wants nothing to do with it", "refused"),
        # other worries described, not named
        ("other_safeguarding", "home is chaotic and the police have been round twice", "yes"),
        # capability described: taught to shoot
        ("capability", "his uncle in the army taught him to shoot", "yes"),
    ],
)
def test_everyday_answers_to_the_other_questions(asked: str, reply: str, value: str) -> None:
    assert answer_facts(asked, reply).get(asked) == value
