"""The queue (metadata only) and opening a sealed referral in memory, laid out by section."""

from __future__ import annotations

import pytest

from bot.review.cases import (
    PROBLEMS,
    CannotOpen,
    CaseNotFound,
    layout_sections,
    open_referral,
    queue_page,
    queued_at,
)
from bot.review.inbox_key import InboxKey
from bot.review.workflow import CANNOT_OPEN, ReviewStatuses, load_workflow
from bot.sealing import Sealer
from tests.review.factories import (
    CONCERN_SENTINEL,
    FORENAME,
    ROOT,
    SURNAME,
    assistant_identity,
    form,
    queue_referral,
    sealed_envelope,
)

WORKFLOW = load_workflow(ROOT / "guidance" / "review" / "workflow.yml")


ASSISTANT = assistant_identity().certificate


@pytest.fixture()
def key(inbox) -> InboxKey:
    return InboxKey(inbox.cert, inbox.key)


def _fill(db_url, sealer, count):
    refs = [f"VTR-{n:04d}" for n in range(count)]
    for ref in refs:
        queue_referral(db_url, sealed_envelope(sealer, ref), ref)
    return refs


class TestQueue:
    def test_newest_first_with_counts_per_status(self, db_url, sealer):
        refs = _fill(db_url, sealer, 4)
        statuses = ReviewStatuses(db_url, WORKFLOW)
        statuses.change(refs[0], "received", "screening", "rita")
        page = queue_page(db_url, WORKFLOW)
        assert [r.reference for r in page.rows] == list(reversed(refs))
        assert page.counts["received"] == 3 and page.counts["screening"] == 1
        assert page.counts["channel_panel"] == 0 and page.total == 4
        screened = next(r for r in page.rows if r.reference == refs[0])
        assert screened.status_label == "Screening" and screened.updated_by == "rita"

    def test_filter_by_status_and_by_problem(self, db_url, sealer):
        refs = _fill(db_url, sealer, 3)
        statuses = ReviewStatuses(db_url, WORKFLOW)
        statuses.change(refs[1], "received", "screening", "rita")
        statuses.mark_problem(refs[2], CANNOT_OPEN)
        assert [r.reference for r in queue_page(db_url, WORKFLOW, "screening").rows] == [refs[1]]
        assert {r.reference for r in queue_page(db_url, WORKFLOW, "received").rows} == {
            refs[0],
            refs[2],
        }
        marked = queue_page(db_url, WORKFLOW, PROBLEMS)
        assert [r.reference for r in marked.rows] == [refs[2]] and marked.problems == 1

    def test_pages(self, db_url, sealer):
        _fill(db_url, sealer, 7)
        first = queue_page(db_url, WORKFLOW, page=1, per_page=3)
        last = queue_page(db_url, WORKFLOW, page=99, per_page=3)
        assert first.pages == 3 and len(first.rows) == 3
        assert last.page == 3 and len(last.rows) == 1

    def test_each_referral_gets_one_review_row_with_its_arrival_time(self, db_url, sealer):
        from bot.review.cases import sync_queue

        refs = _fill(db_url, sealer, 3)
        ReviewStatuses(db_url, WORKFLOW).mark_problem(refs[0], CANNOT_OPEN)  # a row, no time
        assert sync_queue(db_url, WORKFLOW) == 3
        assert sync_queue(db_url, WORKFLOW) == 0
        page = queue_page(db_url, WORKFLOW)
        assert all(row.received_at is not None for row in page.rows) and page.total == 3
        assert ReviewStatuses(db_url, WORKFLOW).state(refs[0]).problem == CANNOT_OPEN

    def test_an_unknown_reference_is_not_found(self, db_url):
        with pytest.raises(CaseNotFound):
            queued_at(db_url, "VTR-NOPE")


class TestOpening:
    def test_the_referral_is_laid_out_by_the_forms_sections(self, db_url, sealer, key):
        queue_referral(db_url, sealed_envelope(sealer, "VTR-0001", full_documents=True), "VTR-0001")
        opened = open_referral(db_url, key, form(), "VTR-0001", ASSISTANT)
        titles = [s.title for s in opened.sections]
        form_titles = [s.title for s in form().sections]
        assert titles == [t for t in form_titles if t in titles]  # the form's order
        person = next(s for s in opened.sections if s.id == "person")
        values = {f.id: f.value for f in person.fields}
        assert values["forename"] == FORENAME and values["surname"] == SURNAME
        concern = next(f for s in opened.sections for f in s.fields if f.id == "concern")
        assert concern.long and CONCERN_SENTINEL in concern.value and "\n\n" in concern.value
        assert [name.rsplit(".", 1)[1] for name, _, _ in opened.attachments] == [
            "pdf",
            "docx",
            "json",
        ]
        assert opened.area == "Southend" and not opened.warnings
        assert FORENAME not in repr(opened)

    def test_a_referral_sealed_to_another_key_does_not_open(self, db_url, stranger, key):
        envelope = sealed_envelope(Sealer([stranger.cert]), "VTR-0002")
        queue_referral(db_url, envelope, "VTR-0002")
        with pytest.raises(CannotOpen) as raised:
            open_referral(db_url, key, form(), "VTR-0002", ASSISTANT)
        assert raised.value.reason == "wrong_key_or_tampered"

    def test_a_truncated_envelope_does_not_open(self, db_url, sealer, key):
        envelope = sealed_envelope(sealer, "VTR-0003")
        queue_referral(db_url, envelope[: len(envelope) // 2], "VTR-0003")
        with pytest.raises(CannotOpen):
            open_referral(db_url, key, form(), "VTR-0003", ASSISTANT)

    def test_a_reference_that_differs_inside_is_flagged(self, db_url, sealer, key):
        queue_referral(db_url, sealed_envelope(sealer, "VTR-INSIDE"), "VTR-OUTSIDE")
        assert open_referral(db_url, key, form(), "VTR-OUTSIDE", ASSISTANT).warnings == [
            "reference_mismatch"
        ]


def test_answers_the_form_no_longer_has_are_still_shown():
    data = {
        "sections": [
            {
                "id": "person",
                "title": "About the person",
                "fields": [
                    {"id": "forename", "label": "First name(s)", "value": "Ann"},
                    {"id": "old_field", "label": "Retired question", "value": "kept"},
                ],
            },
            {
                "id": "legacy",
                "title": "A section from an older form",
                "fields": [
                    {"id": "x", "label": "Something", "value": "line one\nline two"},
                ],
            },
        ]
    }
    sections = layout_sections(form(), data)
    assert [s.id for s in sections] == ["person", "legacy"]
    assert [f.id for f in sections[0].fields] == ["forename", "old_field"]
    assert sections[1].fields[0].long
