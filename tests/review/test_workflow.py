"""The review workflow: statuses along the SET flowchart (SET 2.5, SET 2.7), moves, storage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.review.workflow import (
    CANNOT_OPEN,
    ReviewStatuses,
    StatusChanged,
    TransitionRefused,
    WorkflowError,
    known_citations,
    load_workflow,
    parse_workflow,
)
from tests.review.factories import ROOT

WORKFLOW_FILE = ROOT / "guidance" / "review" / "workflow.yml"
SOURCES_FILE = ROOT / "guidance" / "sources.yml"
SEED = Path("/work/shared/seeds/004_f52dff3649b67895.txt")


@pytest.fixture(scope="module")
def workflow():
    return load_workflow(WORKFLOW_FILE, SOURCES_FILE)


def test_the_statuses_follow_the_set_flowchart(workflow):
    assert workflow.initial == "received"
    assert [s.id for s in workflow.statuses] == [
        "received",
        "screening",
        "information_gathering",
        "channel_panel",
        "other_support",
        "no_further_action",
    ]
    assert {s.id for s in workflow.statuses if s.outcome} == {
        "channel_panel",
        "other_support",
        "no_further_action",
    }
    cited = {c for s in workflow.statuses for c in s.citations}
    assert {"SET 2.5", "SET 2.7"} <= cited


@pytest.mark.parametrize(
    "current, wanted",
    [
        ("received", "screening"),
        ("screening", "information_gathering"),
        ("information_gathering", "channel_panel"),
        ("information_gathering", "other_support"),
        ("information_gathering", "no_further_action"),
        ("channel_panel", "other_support"),  # SET 2.8: the panel may conclude other support
        ("channel_panel", "no_further_action"),  # SET 2.8: the risk has been reduced
    ],
)
def test_allowed_moves(workflow, current, wanted):
    assert workflow.check_move(current, wanted).id == wanted


@pytest.mark.parametrize(
    "current, wanted",
    [
        ("received", "channel_panel"),  # every referral is screened first (SET 2.5)
        ("received", "no_further_action"),
        ("screening", "channel_panel"),  # information gathering comes before the decision
        ("no_further_action", "screening"),
        ("other_support", "channel_panel"),
        ("screening", "screening"),
        ("received", "made_up"),
    ],
)
def test_moves_outside_the_flowchart_are_refused(workflow, current, wanted):
    with pytest.raises(TransitionRefused):
        workflow.check_move(current, wanted)


def test_referrer_wording_carries_nothing_from_a_referral(workflow):
    for status in workflow.statuses:
        assert status.referrer_label and status.referrer_text
        assert "{" not in status.referrer_text and "}" not in status.referrer_text


def test_every_citation_is_a_known_source(workflow):
    known = known_citations(SOURCES_FILE)
    assert all(c in known for s in workflow.statuses for c in s.citations)


@pytest.mark.skipif(not SEED.exists(), reason="the SET policy text is not on this machine")
def test_words_quoted_from_the_policy_are_in_the_policy(workflow):
    policy = " ".join(SEED.read_text(encoding="utf-8").split())
    quoted = [q for s in workflow.statuses for q in re.findall(r'"([^"]+)"', s.hint)]
    assert quoted, "the hints quote the flowchart"
    for phrase in quoted:
        assert phrase in policy, phrase


def _raw() -> dict:
    return yaml.safe_load(WORKFLOW_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda d: d["statuses"][0]["next"].append("nowhere"), "unknown"),
        (lambda d: d["statuses"][1].update(referrer_text="About {forename}"), "placeholders"),
        (lambda d: d["statuses"][1].update(citations=["SET 9.9"]), "unknown citations"),
        (lambda d: d["statuses"][0].update(next=[]), "cannot be reached"),
        (lambda d: d.update(initial="start"), "initial status"),
        (lambda d: d["statuses"][2].pop("referrer_text"), "missing"),
    ],
)
def test_a_broken_workflow_file_is_refused_with_a_reason(change, says):
    data = _raw()
    change(data)
    with pytest.raises(WorkflowError, match=says):
        parse_workflow(data, known_citations(SOURCES_FILE))


class TestStoredStatuses:
    def test_a_new_referral_is_received(self, workflow, db_url):
        state = ReviewStatuses(db_url, workflow).state("VTR-0001")
        assert state.status == "received" and state.updated_by == "" and state.problem is None

    def test_a_change_is_stored_with_who_made_it(self, workflow, db_url):
        statuses = ReviewStatuses(db_url, workflow)
        statuses.change("VTR-0001", "received", "screening", "rita")
        statuses.change("VTR-0001", "screening", "information_gathering", "ada")
        state = statuses.state("VTR-0001")
        assert state.status == "information_gathering" and state.updated_by == "ada"

    def test_a_change_from_a_stale_page_is_refused(self, workflow, db_url):
        statuses = ReviewStatuses(db_url, workflow)
        statuses.change("VTR-0001", "received", "screening", "rita")
        with pytest.raises(StatusChanged) as raised:
            statuses.change("VTR-0001", "received", "screening", "ada")
        assert raised.value.current == "screening"

    def test_a_refused_move_changes_nothing(self, workflow, db_url):
        statuses = ReviewStatuses(db_url, workflow)
        with pytest.raises(TransitionRefused):
            statuses.change("VTR-0001", "received", "channel_panel", "rita")
        assert statuses.state("VTR-0001").status == "received"

    def test_a_problem_mark_keeps_the_status(self, workflow, db_url):
        statuses = ReviewStatuses(db_url, workflow)
        statuses.mark_problem("VTR-0002", CANNOT_OPEN)
        assert statuses.state("VTR-0002").problem == CANNOT_OPEN
        assert statuses.state("VTR-0002").status == "received"
        statuses.change("VTR-0002", "received", "screening", "rita")
        assert statuses.state("VTR-0002").problem == CANNOT_OPEN
        statuses.mark_problem("VTR-0002", None)
        assert statuses.state("VTR-0002").problem is None
        assert statuses.state("VTR-0002").status == "screening"
