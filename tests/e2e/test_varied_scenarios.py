"""The scenarios of tests/e2e/scenarios_t13b.yml through the shared scenario runner, over REST
against the real Rasa and action servers: triage outcomes of every class with personas that
answer in their own words, VTR drafts with varied answers and corrections, odd input.

Each class failed before the t13b changes (the draft's "anything else to add?" was asked for
ever, dates in words were refused, a correction became the date of birth, a social worker's
"I have to refer a service user" got a guidance answer, more detail in place of "is anyone in
danger?" ended at 999, markup was echoed in the summary).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

pytestmark = pytest.mark.servers

HERE = Path(__file__).resolve().parent
RUNNER = SHARED / "eval" / "scenarios.py"


def test_varied_scenarios_pass(assistant):
    runner = RUNNER
    assert runner.exists(), f"scenario runner not found at {runner}"
    result = subprocess.run(
        [
            sys.executable,
            str(runner),
            str(HERE / "scenarios_t13b.yml"),
            "--url",
            assistant.rest_url,
            "--show",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-8000:]
