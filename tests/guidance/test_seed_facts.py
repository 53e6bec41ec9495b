"""Topic answers carry the seeds' own facts, paraphrased, with the section they come from
(issue 13: key facts the answers left out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guidance import load_guidance

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base():
    return load_guidance(ROOT / "guidance")


@pytest.mark.parametrize(
    ("topic", "facts", "citation"),
    [
        # SET 2.8: support depends on risk, vulnerability and local resource; open cases
        # are reviewed at every panel; Birmingham: "a support package, tailored to an
        # individual's needs"
        ("support_types", ["tailored", "reviewed at every panel", "early stages"], "SET 2.8"),
        ("support_types", ["tailored"], "Birmingham"),
        # SET 2.1: "not the purpose of Channel to provide an alternative to the criminal
        # justice system"
        ("channel_not_criminal_justice", ["not an alternative to the criminal justice"], "SET 2.1"),
        # Channel is voluntary and only works with consent: people can decline it
        ("consent_for_channel_support", ["voluntary", "can decline"], "Middlesbrough"),
        # SET 2.4: clarify the information first - the child, the family, other professionals;
        # an adult's consent before acting or sharing, unless in the public interest
        (
            "consult_dsl_first",
            [
                "clarifying the information",
                "talking to the child",
                "family",
                "other professionals",
                "before taking action or sharing information",
                "public interest",
            ],
            "SET 2.4",
        ),
        # SET 2.8: earlier and lower-level responses are more likely to be effective; a
        # mentor is a suitable adult as a role model; the risks posed to the provider
        ("risk_and_intervention", ["more likely to be effective"], "SET 2.8"),
        ("intervention_providers", ["role model", "risks posed to the provider"], "SET 2.8"),
        # SET 2.3: another group as threatening what they stand for, blamed for all ills
        ("indicators_intent", ["threatening what they stand for", "blaming"], "SET 2.3"),
        # SET 2.4: an adult's consent before taking action or sharing information
        ("consent_adults", ["before taking action or sharing information"], "SET 2.4"),
        # SET 2.1: referral "will not lead to" a criminal record
        ("myth_criminal_record", ["will not lead to a criminal record"], "SET 2.1"),
        # Home Office FAQ (Thurrock pack): the duty to secure freedom of speech, academic freedom
        ("what_prevent_is_not", ["freedom of speech", "academic freedom"], "Thurrock myths"),
    ],
)
def test_the_answer_holds_the_seed_facts_with_their_source(base, topic, facts, citation):
    t = base.topics[topic]
    missing = [f for f in facts if f not in t.answer]
    assert not missing, (topic, missing)
    assert citation in t.citations
