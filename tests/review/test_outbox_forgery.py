"""Rows written into the outbox by anyone but the assistant are refused, not shown as genuine.

The inbox certificate is public, so whoever can write the bot's database could seal a
"referral" of their own. Only one signed with the assistant's key, checked against the
certificate the review app is configured with, is opened and shown.
"""

from __future__ import annotations

import pytest

from bot.review.audit import AuditLog
from bot.review.workflow import CANNOT_OPEN, ReviewStatuses, load_workflow
from bot.sealing import Sealer, local_identity
from tests.review.factories import (
    FORENAME,
    ROOT,
    StaffClient,
    queue_referral,
    referral_values,
    sealed_envelope,
)

FORGED_NAME = "Forgedina"


@pytest.fixture()
def rita(review_url) -> StaffClient:
    client = StaffClient(review_url)
    assert client.sign_in("rita").status_code == 303
    return client


def test_a_genuine_referral_shows_who_signed_it(case, rita):
    page = rita.get(f"/referrals/{case.routed}").text
    assert FORENAME in page
    assert 'id="signed-by"' in page and "Prevent safeguarding assistant (local)" in page


@pytest.mark.parametrize("how", ["unsigned", "signed_by_an_impostor"])
def test_a_forged_row_is_refused_and_flagged(case, inbox, rita, tmp_path, how):
    if how == "unsigned":
        forger = Sealer([inbox.cert])
    else:  # a key and certificate of their own, even with the assistant's name
        impostor = local_identity(tmp_path / "impostor", "Prevent safeguarding assistant (local)")
        forger = Sealer([inbox.cert], signer=impostor)
    reference = "VTR-F0F0F0F0"
    values = referral_values(forename=FORGED_NAME)
    queue_referral(case.url, sealed_envelope(forger, reference, values), reference)

    page = rita.get(f"/referrals/{reference}")
    assert page.status_code == 200
    assert 'id="not-from-assistant"' in page.text
    assert FORGED_NAME not in page.text and 'id="signed-by"' not in page.text
    workflow = load_workflow(ROOT / "guidance" / "review" / "workflow.yml")
    assert ReviewStatuses(case.url, workflow).state(reference).problem == CANNOT_OPEN
    assert reference in rita.get("/queue?status=problems").text
    [entry] = [
        e for e in AuditLog(case.url).recent(100, "open_referral") if e.reference == reference
    ]
    assert entry.outcome == "failed" and entry.detail == "not_from_assistant"


def test_a_forged_row_is_flagged_in_the_queue_before_anyone_opens_it(case, inbox, rita):
    reference = "VTR-F0F0F0F1"
    queue_referral(case.url, sealed_envelope(Sealer([inbox.cert]), reference), reference)
    problems = rita.get("/queue?status=problems").text
    assert reference in problems
    for genuine in case.references:
        assert genuine not in problems
    [entry] = AuditLog(case.url).recent(10, "arrival_refused")
    assert entry.reference == reference and entry.outcome == "not_from_assistant"
    assert AuditLog(case.url).recent(10, "open_referral") == []  # nobody opened it
    rita.get("/queue")  # checked once only
    assert len(AuditLog(case.url).recent(10, "arrival_refused")) == 1
