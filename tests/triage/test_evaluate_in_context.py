"""`make eval-triage` checks each reply as the answer to the question asked, like the
assistant (bot/risk/in_context.py): own cases, no eval/ sentences."""

from __future__ import annotations

import yaml

from bot.risk import assess
from bot.triage.evaluate import evaluate, load_cases

_CASES = [
    {
        "id": "denial-with-context",
        "opening": "A 15 year old boy has a swastika drawn on his pencil case and says it's a joke",
        "answers": [
            {
                "when": "immediate|danger",
                # r24: a reply that is still an alarm read alone (the library one is calm now)
                "reply": "No, she's in the sports hall with her PE teacher right now",
            },
            {"when": "how old|child or", "reply": "15"},
        ],
        "default": "no",
        "expect_outcome_in": ["consult_dsl", "refer"],
    },
    {
        "id": "denial-with-a-threat",
        "opening": "A 15 year old boy has a swastika drawn on his pencil case and says it's a joke",
        "answers": [
            {
                "when": "immediate|danger",
                "reply": "No, but he told me he's bringing a machete to school on Monday",
            }
        ],
        "default": "no",
        "expect_outcome_in": ["emergency"],
    },
]


def test_the_runner_reads_replies_as_answers_to_the_question(tmp_path) -> None:
    # T5: the denial must be an alarm alone, or the case holds without any context
    # (it did: "Not right now, he's in his maths lesson this morning" is calm for assess)
    assert assess(_CASES[0]["answers"][0]["reply"]).level != "none"
    path = tmp_path / "cases.yml"
    path.write_text(yaml.safe_dump(_CASES))
    results = {r.case.id: r for r in evaluate(load_cases(path), use_risk=True)}
    assert results["denial-with-context"].correct, results["denial-with-context"].transcript
    assert results["denial-with-a-threat"].outcome == "emergency"
    assert results["denial-with-a-threat"].turns == 1  # at the very reply, not later
