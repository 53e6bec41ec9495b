"""The decision table: every row reachable, the edges of age and consent, "not sure"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guidance import load_guidance
from bot.triage import AreaContact, Triage, TriageFacts, remaining
from bot.triage.rules import DecisionTableError, parse_table

ROOT = Path(__file__).resolve().parents[2]
TRIAGE = Triage.from_directory(ROOT / "guidance" / "triage")
CONTACT = AreaContact(
    "Essex", "Trevor Willis (t@example)", "01245 452196", "prevent@essex.pnn.police.uk"
)

SEEN = {"engagement": "yes", "intent": "no", "capability": "no", "ideology": "yes"}
CALM = {"immediate_risk": "no"}


def decide(**facts):
    return TRIAGE.decide(TriageFacts.from_mapping({**CALM, **facts}), CONTACT)


# One case per row of guidance/triage/decision_table.yml, in table order.
NONE_SEEN = {"engagement": "no", "intent": "no", "capability": "no"}
ROW_CASES = [
    ("imminent_risk", {"immediate_risk": "yes"}, "emergency"),
    ("terrorism_related", {"terrorism": "yes"}, "police"),
    (
        "adult_refused_public_interest",
        {
            **SEEN,
            "age": 30,
            "dsl_consulted": "yes",
            "adult_consent": "refused",
            "public_interest": "yes",
        },
        "refer",
    ),
    (
        "adult_consents",
        {**SEEN, "age": 30, "dsl_consulted": "yes", "adult_consent": "given"},
        "refer",
    ),
    ("child_refer", {**SEEN, "age": 14, "dsl_consulted": "yes", "family_aware": "yes"}, "refer"),
    ("dsl_not_yet_consulted", {**SEEN, "age": 14, "dsl_consulted": "no"}, "consult_dsl"),
    (
        "unsure_signs_dsl_not_yet_consulted",
        {
            "engagement": "unsure",
            "intent": "no",
            "capability": "no",
            "age": 14,
            "dsl_consulted": "no",
        },
        "consult_dsl",
    ),
    (
        "indicators_unclear",
        {
            "engagement": "unsure",
            "intent": "no",
            "capability": "no",
            "age": 14,
            "dsl_consulted": "yes",
        },
        "consult_dsl",
    ),
    (
        "adult_refused_without_public_interest",
        {
            **SEEN,
            "age": 30,
            "dsl_consulted": "yes",
            "adult_consent": "refused",
            "public_interest": "no",
        },
        "consult_dsl",
    ),
    (
        "adult_not_asked",
        {**SEEN, "age": 30, "dsl_consulted": "yes", "adult_consent": "not_asked"},
        "consult_dsl",
    ),
    (
        "views_without_dimensions",
        {"ideology": "yes", **NONE_SEEN, "other_safeguarding": "no"},
        "consult_dsl",
    ),
    (
        "unclear_link_no_indicators",
        {"ideology": "unsure", **NONE_SEEN, "other_safeguarding": "no"},
        "consult_dsl",
    ),
    ("other_harm_not_extremism", {"ideology": "no", "other_safeguarding": "yes"}, "safeguarding"),
    (
        "no_indicators_other_harm",
        {"ideology": "unsure", **NONE_SEEN, "other_safeguarding": "yes"},
        "safeguarding",
    ),
    (
        "nothing_of_concern_other_unsure",
        {"ideology": "no", "other_safeguarding": "unsure"},
        "no_concern",
    ),
    ("nothing_of_concern", {"ideology": "no", "other_safeguarding": "no"}, "no_concern"),
]


@pytest.mark.parametrize(("row_id", "facts", "outcome"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_each_row_gives_its_outcome(row_id, facts, outcome):
    result = decide(**facts)
    assert result is not None
    assert (result.row_id, result.outcome) == (row_id, outcome)
    assert result.reasons and result.citations and result.steps


def test_every_row_of_the_table_is_reached_by_a_case():
    assert {c[0] for c in ROW_CASES} == {row.id for row in TRIAGE.table.rows}


@pytest.mark.parametrize(
    ("age", "consent_facts", "outcome"),
    [
        (15, {"family_aware": "no"}, "refer"),
        (16, {"family_aware": "yes"}, "refer"),
        (17, {"family_aware": "yes"}, "refer"),
        (18, {"adult_consent": "given"}, "refer"),
        (18, {"adult_consent": "refused", "public_interest": "unsure"}, "consult_dsl"),
    ],
)
def test_age_edges_switch_from_family_to_adult_consent(age, consent_facts, outcome):
    result = decide(**SEEN, age=age, dsl_consulted="yes", **consent_facts)
    assert result.outcome == outcome


def test_sixteen_and_over_gets_the_capacity_note_and_fifteen_does_not():
    assert any(
        "Mental Capacity Act" in n for n in decide(**SEEN, age=16, dsl_consulted="yes").notes
    )
    assert not any(
        "Mental Capacity Act" in n for n in decide(**SEEN, age=15, dsl_consulted="yes").notes
    )


def test_family_implicated_is_not_told_first():
    result = decide(**SEEN, age=13, dsl_consulted="yes", family_aware="no", family_implicated="yes")
    assert result.outcome == "refer"
    assert any("don't seek their consent or tell them" in n for n in result.notes)


def test_family_not_told_is_told_to_talk_to_them_first():
    result = decide(**SEEN, age=13, dsl_consulted="yes", family_aware="no", family_implicated="no")
    assert any("talk to them first" in n for n in result.notes)


def test_not_sure_answers_are_named_in_the_reasons():
    result = decide(**SEEN, age=14, dsl_consulted="unsure")
    assert result.outcome == "consult_dsl"
    assert any("not sure" in r and "DSL" in r for r in result.reasons)


def test_refer_and_consult_never_judge_the_person():
    result = decide(**SEEN, age=14, dsl_consulted="yes")
    text = " ".join([result.headline, *result.reasons, *result.steps, *result.notes]).lower()
    assert "voluntary" in text and "criminal record" in text and "support, not suspicion" in text
    assert "is radicalised" not in text and "is an extremist" not in text


def test_payload_follows_the_contract():
    payload = decide(immediate_risk="yes").payload()
    assert set(payload) == {"outcome", "reasons", "citations"}
    assert payload["outcome"] == "emergency" and "SET 2.5" in payload["citations"]


def test_every_citation_used_by_triage_is_a_known_source():
    sources = load_guidance(ROOT / "guidance").sources
    cited = {c for row in TRIAGE.table.rows for c in row.citations}
    cited |= {c for cs in TRIAGE.wording.note_citations.values() for c in cs}
    cited |= {c for why in TRIAGE.whys.values() for c in why.citations}
    assert cited <= set(sources)


def test_no_outcome_while_questions_remain():
    facts = TriageFacts.from_mapping({"immediate_risk": "no"})
    assert remaining(facts)
    assert TRIAGE.decide(facts, CONTACT) is None


def test_a_row_with_an_unknown_outcome_is_refused():
    with pytest.raises(DecisionTableError, match="unknown outcome"):
        parse_table(
            {
                "rows": [
                    {"id": "x", "when": {"age": [1]}, "outcome": "maybe", "citations": ["SET 2.5"]}
                ]
            },
            ["age"],
        )
