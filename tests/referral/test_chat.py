"""Drafting by chat: answers, the concern over several messages, pre-fill, summary, edits."""

from __future__ import annotations

from bot.referral import (
    CONCERN_MORE,
    UNKNOWN,
    Draft,
    fields_to_ask,
    get_form,
    looks_like_question,
    missing_labels,
    prefill_from_triage,
    summary,
    take_answer,
)

FORM = get_form()
ANSWERS = {
    "imminent_risk": "no",
    "forename": "Zoë",
    "surname": "Łukasz Wójcik",
    "date_of_birth": "14/02/2011",
    "gender": "female",
    "address": "12 Mill Lane, Chelmsford CM1 1AA",
    "nationality": "British",
    "immigration_status": "don't know",
    "first_language": "English",
    "phone": "don't know",
    "school": "Moulsham Park Academy",
    "family": "Mum, who knows",
    "concern": "She shares videos.",
    CONCERN_MORE: "that's all",
    "ideology": "not sure",
    "engagement": "Watches the group's videos every night",
    "intent": "nothing seen",
    "capability": "don't know",
    "other_vulnerabilities": "none known",
    "consent": "Her mum knows and agrees",
    "dsl_discussed": "Yes, agreed to refer",
    "other_agencies": "none",
    "action_taken": "spoke to her",
    "referrer_name": "Dana Whitfield",
    "referrer_role": "Head of Year",
    "referrer_organisation": "Moulsham Park Academy",
    "referrer_relationship": "Head of year",
    "referrer_phone": "07700 900123",
    "referrer_email": "d.whitfield@example.org",
    "area": "Essex",
}


def fill(draft: Draft) -> list[str]:
    asked = []
    for _ in range(60):
        todo = fields_to_ask(FORM, draft)
        if not todo:
            break
        asked.append(todo[0])
        assert take_answer(FORM, draft, todo[0], ANSWERS[todo[0]]).accepted, todo[0]
    return asked


def test_a_whole_draft_asks_each_field_once_and_nothing_is_missing():
    draft = Draft()
    asked = fill(draft)
    assert len(asked) == len(set(asked))
    assert "capacity" not in asked  # only from 16
    assert missing_labels(FORM, draft) == []
    assert draft.values["surname"] == "Łukasz Wójcik"


def test_a_bad_answer_keeps_everything_else():
    draft = Draft()
    take_answer(FORM, draft, "forename", "Zoë")
    result = take_answer(FORM, draft, "date_of_birth", "31/02/2011")
    assert not result.accepted and "real date" in result.problem
    assert draft.values == {"forename": "Zoë"}
    assert fields_to_ask(FORM, draft)[1] == "date_of_birth" or "date_of_birth" in fields_to_ask(
        FORM, draft
    )


def test_the_concern_can_come_in_several_messages():
    draft = Draft()
    take_answer(FORM, draft, "concern", "First part.")
    assert (
        fields_to_ask(FORM, draft)[fields_to_ask(FORM, draft).index("concern_more")] == CONCERN_MORE
    )
    take_answer(FORM, draft, CONCERN_MORE, "Second part.")
    take_answer(FORM, draft, CONCERN_MORE, "No, that's all")
    assert draft.values["concern"] == "First part.\n\nSecond part."
    assert CONCERN_MORE not in fields_to_ask(FORM, draft)


def test_imminent_risk_yes_is_an_emergency_and_is_kept():
    draft = Draft()
    result = take_answer(FORM, draft, "imminent_risk", "yes")
    assert result.emergency and draft.values["imminent_risk"] == "yes"


def test_at_least_one_way_to_reach_the_referrer_is_needed():
    draft = Draft()
    assert take_answer(FORM, draft, "referrer_phone", "don't know").accepted
    result = take_answer(FORM, draft, "referrer_email", "don't know")
    assert not result.accepted and "phone number or an email" in result.problem


def test_capacity_is_asked_from_sixteen():
    draft = Draft(values={"date_of_birth": "about 17"})
    assert "capacity" in fields_to_ask(FORM, draft)
    draft = Draft(values={"date_of_birth": "about 15"})
    assert "capacity" not in fields_to_ask(FORM, draft)


def test_editing_a_field_asks_only_that_field_then_nothing():
    draft = Draft()
    fill(draft)
    draft.editing = "date_of_birth"
    assert fields_to_ask(FORM, draft) == ["date_of_birth"]
    take_answer(FORM, draft, "date_of_birth", "about 14")
    assert fields_to_ask(FORM, draft) == [] and draft.values["date_of_birth"] == "about 14"


def test_triage_facts_prefill_the_draft():
    draft = Draft()
    facts = {
        "immediate_risk": "no",
        "age": 14,
        "engagement": "yes",
        "intent": "unsure",
        "dsl_consulted": "yes",
    }
    filled = prefill_from_triage(
        draft, facts, {"outcome": "refer", "citations": ["SET 2.5"]}, FORM
    )
    assert set(filled) == {
        "imminent_risk",
        "date_of_birth",
        "engagement",
        "intent",
        "indicators",
        "dsl_discussed",
    }
    assert draft.values["indicators"] == (
        "Engagement: Seen (said in the triage conversation)\n"
        "Intent: Not sure (said in the triage conversation)"
    )
    assert draft.triage["outcome"] == "refer"
    todo = fields_to_ask(FORM, draft)
    assert "imminent_risk" not in todo
    # What the triage did not settle (capability) is asked; the rest is not asked again.
    assert "capability" in todo and "engagement" not in todo and "intent" not in todo
    take_answer(FORM, draft, "capability", "He talked about knives, none found")
    assert draft.values["indicators"].splitlines()[-1] == (
        "Capability: He talked about knives, none found"
    )


def test_without_triage_the_three_indicators_are_asked_and_fill_the_row():
    draft = Draft()
    asked = fill(draft)
    assert ["engagement", "intent", "capability"] == [
        f for f in asked if f in ("engagement", "intent", "capability")
    ]
    assert draft.values["indicators"] == (
        "Engagement: Watches the group's videos every night\n"
        "Intent: nothing seen\n"
        "Capability: Not known"
    )
    rows = dict(summary(FORM, draft))["The concern"]
    labels = [label for label, _ in rows]
    assert FORM.field("indicators").label in labels and "Intent" not in labels


def test_an_indicators_row_carried_whole_is_not_asked_again():
    draft = Draft(values={"indicators": "Engagement: seen"})
    assert not {"engagement", "intent", "capability"} & set(fields_to_ask(FORM, draft))


def test_summary_is_by_section_with_not_known_for_dont_know():
    draft = Draft()
    fill(draft)
    sections = dict(summary(FORM, draft))
    assert ("First name(s)", "Zoë") in sections["About the person"]
    assert ("Immigration status", "Not known") in sections["About the person"]
    assert draft.values["immigration_status"] == UNKNOWN


def test_questions_are_recognised_as_questions_not_answers():
    assert looks_like_question("what counts as capability?")
    assert not looks_like_question("He asked me what the group was about.")


def test_after_several_tries_an_answer_is_kept_as_typed_and_still_listed_as_needed():
    draft = Draft()
    assert not take_answer(FORM, draft, "date_of_birth", "sometime in 2011").accepted
    result = take_answer(FORM, draft, "date_of_birth", "sometime in 2011", last_try=True)
    assert result.accepted and draft.values["date_of_birth"] == "sometime in 2011"
    assert "Date of birth or approximate age" in missing_labels(FORM, draft)
    assert "date_of_birth" not in fields_to_ask(FORM, draft)


def test_a_required_field_left_not_known_blocks_ready_but_not_the_conversation():
    draft = Draft()
    assert take_answer(FORM, draft, "date_of_birth", "don't know", last_try=True).accepted
    assert "date_of_birth" not in fields_to_ask(FORM, draft)
    assert "Date of birth or approximate age" in missing_labels(FORM, draft)


def test_noise_is_never_kept_even_on_the_last_try():
    import random

    rng = random.Random(3)
    noise = bytes(rng.randrange(256) for _ in range(200)).decode("latin-1")
    draft = Draft()
    result = take_answer(FORM, draft, "surname", noise, last_try=True)
    assert not result.accepted and "surname" not in draft.values
    # an ordinary odd answer is still kept as typed the third time
    assert take_answer(FORM, draft, "date_of_birth", "last spring", last_try=True).accepted
    assert draft.values["date_of_birth"] == "last spring"
