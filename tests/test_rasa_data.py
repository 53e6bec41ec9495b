"""The Rasa training data and domain validate cleanly (`rasa data validate --fail-on-warnings`)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_rasa_data_validate_passes_with_fail_on_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "data",
            "validate",
            "--domain",
            "domain",
            "--data",
            "data",
            "--config",
            "config.yml",
            "--fail-on-warnings",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
