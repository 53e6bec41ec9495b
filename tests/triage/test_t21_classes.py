"""Classes found by t21 (issue 13), in our own words.

A wish, plan or threat to harm people for who they are, told in the opening ("he told a
friend he wants to hurt Jewish people"), is the intent dimension (SET 2.3) wherever it is
said, not only as the reply to the intent question: it is kept, never asked again, and a
"no" to the other questions does not end at "no concern".
"""

from __future__ import annotations

import pytest

from bot.triage.extract import mentioned_facts
from tests.triage._play import play


@pytest.mark.parametrize(
    "text",
    [
        "a boy in year 9 told his friend he wants to hurt Jewish people",
        "she keeps saying she would like to kill the immigrants in her street",
        "he threatened to stab a gay lad in his class",
        "one of my apprentices talks about attacking mosques",
        "he said he is going to beat up some Muslims after the match",
    ],
)
def test_a_wish_or_threat_to_harm_a_group_is_intent_in_any_message(text: str) -> None:
    facts = mentioned_facts(text)
    assert facts.get("intent") == "yes"
    assert facts.get("ideology") == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "he has never threatened to hurt any Muslims",
        "she hasn't said she wants to attack anyone",
        "he said he wants to hurt people when he gets angry",  # no group: asked, not assumed
        "she says she wants to hurt herself",
    ],
)
def test_a_denied_threat_or_one_with_no_group_is_not_taken_as_intent(text: str) -> None:
    assert mentioned_facts(text).get("intent") != "yes"


def test_the_opening_threat_is_not_asked_again_and_never_ends_as_no_concern() -> None:
    conv, asked = play(
        "Should I refer? A 15 year old told his mates he wants to hurt Jewish people",
        {"terrorism": "no, nothing like that"},
    )
    assert "intent" not in asked and "ideology" not in asked
    assert "terrorism" in asked  # intent seen: is anything being planned? (SET 2.4)
    outcome = conv.outcome()
    assert outcome is not None and outcome.outcome in ("refer", "consult_dsl")


# -- free-text answers in the person's own words ----------------------------------------


def test_a_wish_to_harm_oneself_told_for_intent_is_a_safeguarding_worry_not_intent() -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply("intent", "she's talked about wanting to hurt herself, nobody else")
    assert reading.how == "answer"
    assert reading.values["intent"] == "no"
    assert reading.values["other_safeguarding"] == "yes"
    reading = read_reply("intent", "he told his tutor he wants to kill himself")
    assert reading.values["intent"] != "yes"
    assert reading.values["other_safeguarding"] == "yes"


def test_another_member_of_staff_but_not_the_dsl_is_a_no_to_the_dsl_question() -> None:
    from bot.triage.conversation import read_reply

    for text in (
        "I told his form tutor, but not the DSL so far",
        "I've had a word with the head of year but not with our safeguarding lead",
    ):
        reading = read_reply("dsl_consulted", text)
        assert reading.how == "answer" and reading.values["dsl_consulted"] == "no", text


@pytest.mark.parametrize(
    "text",
    [
        "things are hard at home and children's services are already involved",
        "she's got a social worker because of stuff with her stepdad",
        "yes, there's an early help plan in place",
    ],
)
def test_services_already_involved_is_a_yes_to_other_safeguarding(text: str) -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply("other_safeguarding", text)
    assert reading.how == "answer" and reading.values["other_safeguarding"] == "yes"


def test_a_group_called_the_enemy_after_a_no_to_threats_is_intent() -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply(
        "intent", "he's never threatened anyone but he reckons Muslims are the enemy"
    )
    assert reading.values["intent"] == "yes"


def test_a_parent_who_shares_the_views_is_implicated_but_a_supportive_one_is_not() -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply(
        "family_aware", "not sure they know, and honestly his dad agrees with his opinions"
    )
    assert reading.how == "answer" and reading.values["family_implicated"] == "yes"
    for text in ("his mum supports him", "her dad is backing her all the way"):
        assert "family_implicated" not in read_reply("family_aware", text).values, text


def test_it_skill_in_plain_words_is_capability() -> None:
    from bot.triage.conversation import read_reply

    for text in (
        "she's a real wizard with computers",
        "he got into trouble for hacking into teachers' email accounts",
    ):
        reading = read_reply("capability", text)
        assert reading.how == "answer" and reading.values["capability"] == "yes", text


def test_taking_in_the_groups_material_after_a_no_is_engagement() -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply("engagement", "nope, although he watches their videos for hours")
    assert reading.values["engagement"] == "yes"


def test_a_young_carer_is_another_safeguarding_worry() -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply(
        "other_safeguarding", "she looks after her nan most nights, she is a young carer"
    )
    assert reading.values["other_safeguarding"] == "yes"


def test_the_lead_who_sent_the_person_here_has_been_consulted() -> None:
    from bot.triage.conversation import read_reply

    for text in ("our safeguarding lead suggested I run it past you", "the DSL asked me to check"):
        reading = read_reply("dsl_consulted", text)
        assert reading.how == "answer" and reading.values["dsl_consulted"] == "yes", text


@pytest.mark.parametrize(
    "text",
    [
        "I'd rather not ask him just yet, he'd be upset",
        "I don't want to ask her until I know more",
        "I can't ask them, they've stopped coming in",
    ],
)
def test_not_wanting_to_ask_the_adult_is_not_asked_not_refused(text: str) -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply("adult_consent", text)
    assert reading.how == "answer" and reading.values["adult_consent"] == "not_asked"


def test_travel_to_fight_in_plain_words_answers_the_planning_question_yes() -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply("terrorism", "she says she wants to get out there and fight")
    assert reading.values["terrorism"] == "yes"


@pytest.mark.parametrize(
    "text",
    ["I'm honestly worried she could hurt somebody", "he could put the little ones at risk"],
)
def test_a_risk_to_others_in_plain_words_answers_the_public_interest_question(text: str) -> None:
    from bot.triage.conversation import read_reply

    reading = read_reply("public_interest", text)
    assert reading.how == "answer" and reading.values["public_interest"] == "yes"


def test_a_risk_to_oneself_or_a_no_is_not_a_risk_to_others() -> None:
    from bot.triage.conversation import read_reply

    assert read_reply("public_interest", "no, I don't think he'd harm anyone").values == {
        "public_interest": "no"
    }
    assert (
        read_reply("public_interest", "she might hurt herself").values.get("public_interest")
        != "yes"
    )
