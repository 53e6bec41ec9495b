"""Which replies interrupt a form's question (bot/referral/interruptions.py), without NLU:
the intent NLU heard is given, the text decides with it."""

from __future__ import annotations

import pytest

from bot.referral.interruptions import interrupts, keeps_it


@pytest.mark.parametrize(
    "intent, text",
    [
        ("stop", "stop"),
        ("stop", "can we pause this for now"),
        ("request_human", "I'd rather speak to someone"),
        ("edit_field", "change the surname"),
        ("list_drafts", "show my drafts"),
        ("delete_draft", "delete it"),
        ("ask_guidance", "What counts as capability?"),
        ("ask_why", "Why do you need that?"),
        ("stop", "Why should I carry on?"),  # any listed intent: a question interrupts
    ],
)
def test_a_request_or_a_question_interrupts_the_vtr_form(intent: str, text: str) -> None:
    assert interrupts("vtr_form", intent, text)


@pytest.mark.parametrize(
    "intent, text",
    [
        ("stop", "Stopford"),  # a surname NLU heard as "stop"
        ("request_human", "Mr Callington"),  # "call" only as a word
        ("ask_guidance", "She talks about the caliphate a lot"),  # not shaped like a question
        ("ask_why", "because of the videos"),
        ("inform", "What counts as capability?"),  # an intent that never interrupts
        (None, "stop"),
        ("stop", "stop " + "and also " * 10),  # a long answer that mentions stopping
        # over 80 characters: an answer in the person's own words, even with "fix" in it
        (
            "edit_field",
            "We tried to fix things with the family at the start of term, and it did not help at all",
        ),
    ],
)
def test_an_answer_that_sounds_like_a_request_is_still_an_answer(intent, text) -> None:
    assert not interrupts("vtr_form", intent, text)


def test_only_stop_interrupts_the_concern_form_whatever_its_words() -> None:
    long_stop = "stop, I'd rather tell the DSL in person because " + "it is complicated " * 8
    assert interrupts("concern_form", "stop", long_stop)
    # a teacher may be quoting a pupil's question: it is their account, not a request
    assert not interrupts("concern_form", "ask_guidance", "Why are they like this?")
    assert not interrupts("concern_form", "request_human", "talk to someone")


def test_triage_is_interrupted_by_a_request_but_not_by_a_guidance_intent_in_own_words():
    """Asked only about a reply that answered nothing (bot/actions/triage.py)."""
    assert interrupts("triage_form", "stop", "stop")
    assert interrupts("triage_form", "ask_why", "why do you ask that " * 10)  # any length
    assert interrupts("triage_form", "ask_guidance", "what is Channel?")
    said = "He's been talking about the caliphate a lot"
    assert not interrupts("triage_form", "ask_guidance", said, own_words=True)
    assert interrupts("triage_form", "stop", "stop it, he talks a lot", own_words=True)
    assert not interrupts("triage_form", "inform", "what is Channel?")


def test_a_form_without_rules_is_never_interrupted() -> None:
    assert not interrupts("some_other_form", "stop", "stop")


@pytest.mark.parametrize(
    "text, kept",
    [
        ("yes delete it", False),
        ("delete it", False),
        ("no, don't delete it", True),
        ("do not delete", True),
        ("keep it", True),
        ("never mind", True),
    ],
)
def test_a_delete_request_with_a_no_in_it_keeps_the_draft(text: str, kept: bool) -> None:
    assert keeps_it(text) is kept
