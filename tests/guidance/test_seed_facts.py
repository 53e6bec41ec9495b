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
        # Lewisham: Channel "is not a criminal sanction and it will not affect a person's
        # criminal record" (issue 13, g22: the answer said so only in a list)
        (
            "myth_criminal_record",
            ["not a criminal sanction", "not affect a person's criminal record"],
            "Lewisham",
        ),
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
        # SET 1.1: Protect is "to strengthen our protection against a terrorist attack"
        ("contest", ["strengthen our", "protection against a terrorist attack"], "SET 1.1"),
        # SET 1.2: "We also include in our definition of extremism calls for the death of
        # members of the armed forces"
        ("radicalisation_extremism_definitions", ["armed forces", "included in the definition"],
         "SET 1.2"),
        # SET 2.5: significant harm -> a referral to children's or adult social care
        ("referral_urgency", ["significant harm", "children's or adult social care"], "SET 2.5"),
        # SET 2.7 flowchart: no conflict or major risk -> local authority Prevent lead; the
        # adult lead reviews adults, the families lead children
        ("after_referral", ["local authority Prevent lead", "families lead"], "SET 2.7"),
        # Thurrock handbook (the Prevent Duty): health bodies are under the duty; nurses and
        # teachers are trained in the signs and the referral process
        ("schools_role", ["health", "nurses"], "Thurrock handbook"),
        # SET 2.5: consult the Prevent/Safeguarding Leads, who support the decision to refer
        ("where_to_send", ["Prevent or safeguarding lead"], "SET 2.5"),
    ],
)
def test_the_answer_holds_the_seed_facts_with_their_source(base, topic, facts, citation):
    t = base.topics[topic]
    missing = [f for f in facts if f not in t.answer]
    assert not missing, (topic, missing)
    assert citation in t.citations
