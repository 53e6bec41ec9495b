"""The scenarios of tests/e2e/scenarios_t13b.yml through the shared scenario runner, over REST
against the real Rasa and action servers: triage outcomes of every class with personas that
answer in their own words, VTR drafts with varied answers and corrections, odd input.

Each class failed before the t13b changes (the draft's "anything else to add?" was asked for
ever, dates in words were refused, a correction became the date of birth, a social worker's
"I have to refer a service user" got a guidance answer, more detail in place of "is anyone in
danger?" ended at 999, markup was echoed in the summary).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

pytestmark = pytest.mark.servers

HERE = Path(__file__).resolve().parent
RUNNER = SHARED / "eval" / "scenarios.py"


class ScenariosFailed(Exception):
    """The runner ran and some scenario failed (not: the runner is missing or broke)."""

    def __init__(self, output: str) -> None:
        super().__init__(output[-8000:])
        self.output = output


def test_varied_scenarios_pass(assistant):
    _passes(assistant, "scenarios_t13b.yml")


# r12eng (triage replies with everyday idioms that borrow danger words). The third scenario
# ("knocked out of" beside "her"/"him") was open until r18 taught the risk model that a
# change of friends is a concern, not a 999 (data/risk/train_r18.yml, tests/risk/test_r18.py).
# Run here so it is seen: any scenario failing fails the test.
KNOWN_OPEN: set[str] = set()


def test_idiom_triage_scenarios_pass(assistant):
    try:
        _passes(assistant, "scenarios_r12eng.yml")
    except ScenariosFailed as failed:
        failing = set(re.findall(r"^FAIL\s+(\S+)", failed.output, re.M))
        assert failing, failed.output[-2000:]
        assert failing <= KNOWN_OPEN, f"newly failing: {sorted(failing - KNOWN_OPEN)}"
        pytest.xfail(f"{sorted(failing)}: the risk model's 999 (bot/risk)")


def _passes(assistant, scenarios: str) -> None:
    runner = RUNNER
    assert runner.exists(), f"scenario runner not found at {runner}"
    result = subprocess.run(
        [
            sys.executable,
            str(runner),
            str(HERE / scenarios),
            "--url",
            assistant.rest_url,
            "--show",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise ScenariosFailed(result.stdout)
