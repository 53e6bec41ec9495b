"""A message to the referrer that names the person or their family is held until confirmed."""

from __future__ import annotations

import pytest

from bot.review.audit import AuditLog
from bot.review.cases import FieldView, OpenedReferral, SectionView
from bot.review.names import names_in, referral_names
from tests.review.factories import FORENAME, SURNAME, StaffClient


@pytest.fixture()
def rita(review_url) -> StaffClient:
    client = StaffClient(review_url)
    assert client.sign_in("rita").status_code == 303
    return client


def _send(client: StaffClient, reference: str, text: str, **extra: str):
    client.get(f"/referrals/{reference}")
    return client.post(f"/referrals/{reference}/messages", {"message": text, **extra})


def test_a_message_with_the_childs_name_is_not_sent_but_warned(case, rita):
    text = f"Has {FORENAME.lower()}'s mother been told about the meeting?"
    response = _send(rita, case.routed, text)
    assert response.status_code == 409
    assert "This message names someone from the referral" in response.text
    assert f"“{FORENAME}”" in response.text and 'id="send-anyway"' in response.text
    assert text.replace("'", "&#39;") in response.text  # kept in the box, to edit
    assert case.updates.take_for(case.sender_id) == []  # nothing reached the chat
    [entry] = AuditLog(case.url).recent(10, "send_message")
    assert entry.outcome == "names_warning" and FORENAME not in entry.detail


def test_edited_without_the_name_it_goes(case, rita):
    assert _send(rita, case.routed, f"Is {SURNAME.split('-')[1]} at school?").status_code == 409
    assert _send(rita, case.routed, "Has the mother been told?").status_code == 303
    [news] = case.updates.take_for(case.sender_id)
    assert news.details["message"] == "Has the mother been told?"


def test_confirmed_it_goes_as_written_and_the_audit_says_so(case, rita):
    text = f"Please bring {FORENAME} {SURNAME}'s file."
    assert _send(rita, case.routed, text).status_code == 409
    assert _send(rita, case.routed, text, confirm_names="yes").status_code == 303
    [news] = case.updates.take_for(case.sender_id)
    assert news.details["message"] == text
    outcomes = [(e.outcome, e.detail) for e in AuditLog(case.url).recent(10, "send_message")]
    assert outcomes[0][0] == "ok" and "after a names warning" in outcomes[0][1]


def _referral(**values: str) -> OpenedReferral:
    fields = [FieldView(k, k, v) for k, v in values.items()]
    return OpenedReferral("VTR-1", "VTR", "", "", [SectionView("person", "Person", fields)], [])


def test_family_names_are_found_but_relationship_words_are_not():
    names = referral_names(
        _referral(
            forename="Zoë Anne",
            surname="Quillfeather-Wójcik",
            family="Mother knows and agrees. Stepdad Mr Baptiste lives abroad; Nan (Ivy) visits.",
        )
    )
    assert {"Zoë", "Anne", "Quillfeather", "Wójcik", "Baptiste", "Ivy"} <= names
    assert not {"Mother", "Stepdad", "Nan", "Mr"} & names
    assert names_in("Is zoe's stepdad Mr BAPTISTE aware?", names) == ["Baptiste", "Zoë"]
    assert names_in("Has the mother been told? Ref VTR-1", names) == []
    assert names_in("Anneliese", names) == []  # whole words only
