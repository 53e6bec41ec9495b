"""The offline triage runner (bot/triage/evaluate.py) on cases of our own."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.triage.evaluate import evaluate, load_cases, main, summary

OWN = Path(__file__).with_name("own_cases.yml")


def test_own_cases_all_reach_their_expected_outcome_on_the_triage_core():
    cases = [c for c in load_cases(OWN) if c.id != "own-emergency"]  # 999 is bot.risk's job
    results = evaluate(cases, use_risk=False)
    misses = {r.case.id: (r.outcome, r.transcript) for r in results if not r.correct}
    assert not misses
    assert summary(results) == f"triage outcome accuracy: {len(cases)}/{len(cases)} = 1.00"


#: Cases the immediate-risk check (bot.risk, issue 12) flags before the triage starts: the
#: triage core gets them right (test above); these are the risk check's to fix.
RISK_FALSE_ALARMS = {"own-family-trip"}  # "flying to Iraq ... to visit her grandparents"


def test_the_risk_check_gives_the_first_outcome_like_the_assistant():
    results = evaluate(load_cases(OWN), use_risk=True)
    assert {r.case.id: r.outcome for r in results}["own-emergency"] == "emergency"
    assert {r.case.id for r in results if not r.correct} <= RISK_FALSE_ALARMS


def test_formats_and_a_wrong_expectation_count(tmp_path):
    path = tmp_path / "cases.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "cases": [
                    {
                        "id": "dict-expect",
                        "kind": "triage",
                        "say": "A 14 year old has a swastika tattoo",
                        "persona": [{"when": "designated", "reply": "no"}],
                        "default": "no",
                        "expect": {"outcome": "consult_dsl"},
                    },
                    {
                        "id": "wrong-on-purpose",
                        "opening": "A 14 year old has a swastika tattoo",
                        "answers": [],
                        "default": "no",
                        "expect_outcome_in": "no_concern",
                    },
                    {"id": "faq", "kind": "faq", "say": "what is channel?", "expect": {}},
                ]
            }
        )
    )
    cases = load_cases(path)
    assert [c.id for c in cases] == ["dict-expect", "wrong-on-purpose"]
    results = evaluate(cases, use_risk=False)
    assert [r.correct for r in results] == [True, False]
    assert summary(results) == "triage outcome accuracy: 1/2 = 0.50"


def test_the_command_prints_the_accuracy(capsys):
    assert main([str(OWN), "--no-risk"]) == 0
    assert "triage outcome accuracy:" in capsys.readouterr().out
