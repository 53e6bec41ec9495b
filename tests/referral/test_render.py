"""The referral as the Prevent team reads it: JSON, DOCX and PDF hold every answer exactly.

Each document is read back the way a reader's software would (python-docx, pypdf) and every
answer is looked for, names in any script included ("Zoë", "Łukasz Wójcik", "عائشة").

Arabic in the PDF: ReportLab (without the optional uharfbuzz/rlbidi) stores and draws the
letters in logical order, unjoined and left to right. pypdf assumes right-to-left letters were
drawn right to left and hands each run of them back reversed, so "عائشة" extracts as "ةشئاع",
and the spaces around the run may move. The PDF checks below compare Arabic in that form.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from pypdf import PdfReader

from bot.referral import render
from bot.referral.form import load_form
from bot.referral.progress import Draft

ROOT = Path(__file__).resolve().parents[2]
FORM = load_form(ROOT / "referral_forms" / "vtr.yml")
SEALED_AT = datetime(2025, 3, 14, 10, 42, 7, tzinfo=timezone.utc)
#: A referral as sealed for the inbox (what the Prevent team receives).
META = render.RenderMeta(
    reference="VTR-0F3A9C2E",
    referral_date="14/03/2025",
    area_name="Essex",
    sealed_at=SEALED_AT,
    rendered_at=SEALED_AT,
)
SUBMITTED_LINE = "Submitted 14/03/2025 10:42 UTC: sealed for the Prevent inbox by the referrer"
ARABIC_NAME = "عائشة"
SCRIPT = '<script>alert(1)</script> & ADHD; mother said "it\'s fine" <b>not bold</b>'
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]+")
_PAGE_FURNITURE = re.compile(r"^(OFFICIAL-SENSITIVE|Reference: \S+|Page \d+ of \d+)$")


def _concern(length: int = 10_000) -> str:
    """A long concern in several paragraphs and lines, each line marked so it can be found."""
    paragraphs = []
    number = 0
    while sum(len(p) + 2 for p in paragraphs) < length + 200:
        number += 1
        paragraphs.append(
            f'Entry {number:03d}: in form time Zoë said the group online "had the answers".\n'
            f"She showed Łukasz Wójcik a video & asked if <others> agreed (tag Q{number:03d}Z)."
        )
    text = "\n\n".join(paragraphs)[:length].rstrip()
    return text + "\nLast line of the concern: END-OF-CONCERN."


CONCERN = _concern()
VALUES = {
    "imminent_risk": "no",
    "forename": "Zoë",
    "surname": "Wójcik-Khan",
    "date_of_birth": "about 17",  # 16+, so "capacity" applies; no dependence on today's date
    "gender": "Female",
    "address": "12 Acacia Avenue, Chelmsford CM1 1AA",
    "nationality": "British",
    "immigration_status": "British citizen",
    "first_language": "English and Polish",
    "phone": "07700 900123",
    "school": "Chelmsford College",
    "family": f"Mother: {ARABIC_NAME} Khan (knows about this)\nFather: Tomasz Wójcik, not in contact",
    "concern": CONCERN,
    "ideology": "extreme_right_wing",
    "indicators": "Engagement: watching videos nightly\nIntent: none seen\nCapability: none seen",
    "other_vulnerabilities": SCRIPT,
    "consent": "Family told on 10/03/2025; they agree to the referral.",
    "capacity": "No doubts about capacity",
    "dsl_discussed": "Yes, with Mr Patel (DSL), who advised a referral",
    "other_agencies": "Children's social care, ref SC-12345 & CAMHS",
    "action_taken": "Spoke to the family; removed phone in lessons",
    "referrer_name": "Łukasz Wójcik",
    "referrer_role": "Head of Year 12",
    "referrer_organisation": "Chelmsford College",
    "referrer_relationship": "Her teacher",
    "referrer_phone": "01245 452196",
    "referrer_email": "l.wojcik@college.ac.uk",
    "area": "essex",
}
DISPLAYED = {
    **VALUES,
    "imminent_risk": "No",
    "ideology": "Extreme right-wing",
    "area": "Essex",
}
TRIAGE = {"outcome": "refer", "citations": ["SET 2.5"]}


def _draft(**changes: str) -> Draft:
    return Draft(
        id="0f3a9c2e-1111-2222-3333-444455556666",
        status="ready",
        values={**VALUES, **changes},
        triage=TRIAGE,
    )


@pytest.fixture(scope="module")
def draft() -> Draft:
    return _draft()


@pytest.fixture(scope="module")
def docx_bytes(draft: Draft) -> bytes:
    return render.to_docx(FORM, draft, META)


@pytest.fixture(scope="module")
def pdf_bytes(draft: Draft) -> bytes:
    return render.to_pdf(FORM, draft, META)


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _as_pypdf_reads(value: str) -> str:
    """pypdf hands back each run of right-to-left letters reversed (see the module doc)."""
    return _RTL.sub(lambda m: m.group(0)[::-1], value)


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _pdf_body(pages: list[str]) -> str:
    """The text of every page less its header and footer."""
    lines = [
        line
        for page in pages
        for line in page.splitlines()
        if not _PAGE_FURNITURE.match(line.strip())
    ]
    return "\n".join(lines)


def _docx_text(doc) -> tuple[list[str], dict[str, str]]:
    paragraphs = [p.text for p in doc.paragraphs]
    cells = {}
    for table in doc.tables:
        for row in table.rows:
            label, value = (cell.text for cell in row.cells)
            cells[label] = value
    return paragraphs, cells


# --------------------------------------------------------------------------- JSON


def test_json_round_trips_with_every_field(draft):
    data = render.to_json(FORM, draft, META)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert json.loads(json.dumps(data)) == data
    assert data["form"] == "vtr" and data["form_version"] == FORM.version
    assert (data["reference"], data["referral_date"], data["area"]) == (
        "VTR-0F3A9C2E",
        "14/03/2025",
        "Essex",
    )
    assert data["status"] == "submitted"
    assert data["sealed_at"] == "2025-03-14T10:42:07+00:00"
    assert data["triage"] == TRIAGE
    assert [s["id"] for s in data["sections"]] == [s.id for s in FORM.sections]
    fields = {f["id"]: f for s in data["sections"] for f in s["fields"]}
    # every field, in order; the three indicator parts are in the indicators row
    assert list(fields) == [f.id for f in FORM.fields if not f.part_of]
    assert "indicators" in fields  # ask_in_chat: false still goes on the form
    for field_id, value in DISPLAYED.items():
        assert fields[field_id]["value"] == value, field_id
        assert fields[field_id]["label"] == FORM.field(field_id).label


def test_unknown_renders_as_not_known_everywhere():
    draft = _draft(gender="unknown", nationality="unknown", ideology="unknown")
    data = render.to_json(FORM, draft, META)
    fields = {f["id"]: f["value"] for s in data["sections"] for f in s["fields"]}
    assert fields["gender"] == fields["nationality"] == fields["ideology"] == "Not known"
    assert "unknown" not in json.dumps(data)

    _, cells = _docx_text(Document(io.BytesIO(render.to_docx(FORM, draft, META))))
    assert cells["Gender"] == cells["Nationality"] == "Not known"
    assert cells["Ideology or cause (if known)"] == "Not known"

    body = _pdf_body(_pdf_pages(render.to_pdf(FORM, draft, META)))
    assert "Gender\nNot known" in body
    assert "unknown" not in body


def test_unanswered_is_blank_and_fields_that_do_not_apply_are_left_out():
    draft = Draft(values={"date_of_birth": "14/02/2013", "concern": "Seen at school."})
    data = render.to_json(FORM, draft, META)
    fields = {f["id"]: f["value"] for s in data["sections"] for f in s["fields"]}
    assert "capacity" not in fields  # 16+ only
    assert fields["forename"] == "" and fields["imminent_risk"] == ""
    assert data["triage"] is None and data["status"] == "submitted"
    _, cells = _docx_text(Document(io.BytesIO(render.to_docx(FORM, draft, META))))
    assert "Capacity concerns (16+)" not in cells and cells["First name(s)"] == ""
    body = _pdf_body(_pdf_pages(render.to_pdf(FORM, draft, META)))
    assert "Capacity concerns" not in body and "Seen at school." in body


def test_choice_given_in_own_words_is_shown_as_written():
    draft = _draft(ideology="Incel forums, I think", imminent_risk="yes")
    fields = {
        f["id"]: f["value"]
        for s in render.to_json(FORM, draft, META)["sections"]
        for f in s["fields"]
    }
    assert fields["ideology"] == "Incel forums, I think"
    assert fields["imminent_risk"] == "Yes"


def test_meta_for_a_draft_uses_today_and_the_draft_id(draft):
    from datetime import date

    meta = render.RenderMeta.for_draft(draft, today=date(2025, 3, 4))
    assert meta == render.RenderMeta("VTR-0F3A9C2E", "04/03/2025", "Essex")


# --------------------------------------------------------------------------- DOCX


def test_docx_holds_every_value_exactly(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    paragraphs, cells = _docx_text(doc)

    for field_id, value in DISPLAYED.items():
        if field_id == "concern":
            continue
        assert cells[FORM.field(field_id).label] == value, field_id
    # The concern in full, as its own paragraphs, line breaks kept.
    concern = [p.text for p in doc.paragraphs if p.style.name == render.CONCERN_STYLE]
    assert len(concern) > 10
    assert "\n\n".join(concern) == CONCERN
    # Names exactly, wherever they are; markup characters literally.
    everything = "\n".join(paragraphs + [f"{k}\n{v}" for k, v in cells.items()])
    for name in ("Zoë", "Łukasz Wójcik", ARABIC_NAME, SCRIPT):
        assert name in everything


def test_docx_layout(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    footer = section.footer.paragraphs[0].text
    assert "Reference: VTR-0F3A9C2E" in footer and "Page" in footer
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[0] == "Vulnerable to Radicalisation (VTR) referral"
    assert body[1:4] == ["Reference: VTR-0F3A9C2E", "Date of referral: 14/03/2025", "Area: Essex"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in FORM.sections]  # the referrer block comes last
    assert len(doc.tables) == len(FORM.sections)
    last = doc.tables[-1]
    assert [r.cells[0].text for r in last.rows][:4] == [
        "Referrer's name",
        "Referrer's role",
        "Referrer's organisation",
        "Referrer's relationship to the person",
    ]
    assert not [r for t in doc.tables for r in t.rows if r.cells[0].text.startswith("Your ")]
    assert (last.rows[-1].cells[0].text, last.rows[-1].cells[1].text) == (
        "Date of referral",
        "14/03/2025",
    )
    # The document properties: what it is, by whom (the assistant), when; nothing personal.
    props = doc.core_properties
    assert props.author == render.document_author() == "Prevent safeguarding assistant (SET)"
    assert props.title == "Vulnerable to Radicalisation (VTR) referral VTR-0F3A9C2E"
    assert props.created.replace(tzinfo=None) == SEALED_AT.replace(tzinfo=None)
    assert props.modified.replace(tzinfo=None) == SEALED_AT.replace(tzinfo=None)
    assert "Zoë" not in (props.title or "") + (props.author or "")


# --------------------------------------------------------------------------- PDF


def test_pdf_uses_a_unicode_font(pdf_bytes):
    regular, _ = render.pdf_fonts()
    assert regular != "Helvetica", "no DejaVu Sans found: apt-get install fonts-dejavu-core"
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf_bytes)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Embedded subsets ("/AAAAAA+DejaVuSans"); the canvas also lists an unused Helvetica.
    assert any(name.endswith("+DejaVuSans") for name in fonts), fonts
    assert any(name.endswith("+DejaVuSans-Bold") for name in fonts), fonts


def test_pdf_holds_every_short_value(pdf_bytes):
    pages = _pdf_pages(pdf_bytes)
    body = _pdf_body(pages)
    flat, squashed = _spaces(body), _squash(body)
    for field_id, value in DISPLAYED.items():
        if field_id == "concern":
            continue
        if _RTL.search(value):
            assert _squash(_as_pypdf_reads(value)) in squashed, field_id
        else:
            assert _spaces(value) in flat, field_id
    for name in ("Zoë", "Łukasz Wójcik", SCRIPT):
        assert name in flat
    assert ARABIC_NAME[::-1] in body  # the Arabic letters, exactly (as pypdf reads them)
    first_page = _spaces(pages[0])  # "Reference: ..." is also footer text, filtered from body
    for label in (
        "Vulnerable to Radicalisation (VTR) referral",
        "Reference: VTR-0F3A9C2E",
        "Date of referral: 14/03/2025",
        "Area: Essex",
    ):
        assert label in first_page
    assert [s.title for s in FORM.sections if s.title not in flat] == []


def test_pdf_holds_the_whole_concern(pdf_bytes):
    body = _pdf_body(_pdf_pages(pdf_bytes))
    start = body.index("What has been seen or heard") + len("What has been seen or heard")
    end = body.index("Ideology or cause (if")
    found = body[start:end]
    for chunk in (
        'Entry 001: in form time Zoë said the group online "had the answers".',
        "She showed Łukasz Wójcik a video & asked if <others> agreed (tag Q040Z).",
        "Entry 060:",
        "Last line of the concern: END-OF-CONCERN.",
    ):
        assert chunk in found, chunk
    assert _squash(found) == _squash(CONCERN)  # every character, in order
    assert len(_squash(found)) > 8_000


def test_pdf_pages_are_marked_and_numbered(pdf_bytes):
    pages = _pdf_pages(pdf_bytes)
    assert len(pages) >= 3  # a 10,000-character concern runs over pages
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines()]
        assert "OFFICIAL-SENSITIVE" in lines
        assert f"Page {number} of {len(pages)}" in lines
        assert "Reference: VTR-0F3A9C2E" in lines
    reader = PdfReader(io.BytesIO(pdf_bytes))
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4


def test_pdf_is_the_same_every_time(draft, pdf_bytes):
    assert render.to_pdf(FORM, draft, META) == pdf_bytes


def test_long_answers_everywhere_still_lay_out():
    """Every long field at its maximum, many short lines: rows split across pages, no error."""
    values = {
        spec.id: ("A line of an answer that goes on\n" * 200)[: spec.max]
        for spec in FORM.fields
        if spec.type == "long_text"
    }
    values["concern"] = _concern(20_000)
    draft = _draft(**values)
    pdf = render.to_pdf(FORM, draft, META)
    docx = render.to_docx(FORM, draft, META)
    body = _pdf_body(_pdf_pages(pdf))
    assert _squash(values["other_vulnerabilities"]) in _squash(body)
    _, cells = _docx_text(Document(io.BytesIO(docx)))
    assert cells["Other vulnerabilities"] == values["other_vulnerabilities"]


def test_control_characters_do_not_break_the_documents():
    draft = _draft(gender="F\x00e\x0bmale\x1f")
    _, cells = _docx_text(Document(io.BytesIO(render.to_docx(FORM, draft, META))))
    assert cells["Gender"] == "Female"
    assert "Female" in _pdf_body(_pdf_pages(render.to_pdf(FORM, draft, META)))


# --------------------------------------------------------------------------- what it says it is


def test_a_sealed_referral_says_submitted_with_the_time_in_every_format(draft):
    pdf_first = _spaces(_pdf_pages(render.to_pdf(FORM, draft, META))[0])
    assert SUBMITTED_LINE in pdf_first and "DRAFT" not in pdf_first
    doc = Document(io.BytesIO(render.to_docx(FORM, draft, META)))
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[4] == f"Status: {SUBMITTED_LINE}"
    assert not [t for t in body if "DRAFT" in t]
    data = render.to_json(FORM, draft, META)
    assert (data["status"], data["sealed_at"]) == ("submitted", "2025-03-14T10:42:07+00:00")


def test_meta_for_sealing_is_stamped_now_in_utc(draft):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    meta = render.RenderMeta.for_sealing(draft)
    assert before <= meta.sealed_at <= datetime.now(timezone.utc)
    assert meta.referral_date == f"{meta.sealed_at:%d/%m/%Y}"
    assert meta.status(draft) == "submitted"


def test_a_draft_still_says_draft():
    draft = _draft()
    meta = render.RenderMeta("VTR-0F3A9C2E", "14/03/2025", "Essex")
    assert render.to_json(FORM, draft, meta)["status"] == "ready"
    assert render.to_json(FORM, draft, meta)["sealed_at"] is None
    first = _spaces(_pdf_pages(render.to_pdf(FORM, draft, meta))[0])
    assert "DRAFT: ready, not yet sealed or sent" in first


def test_pdf_properties_are_the_assistant_the_title_and_the_sealing_time(pdf_bytes):
    info = PdfReader(io.BytesIO(pdf_bytes)).metadata
    assert info.title == "Vulnerable to Radicalisation (VTR) referral VTR-0F3A9C2E"
    assert info.author == "Prevent safeguarding assistant (SET)"
    assert info.creation_date == SEALED_AT  # not 1 January 2000
    assert info.modification_date == SEALED_AT


def test_the_indicators_row_is_filled_on_every_document(draft, docx_bytes, pdf_bytes):
    label = FORM.field("indicators").label
    _, cells = _docx_text(Document(io.BytesIO(docx_bytes)))
    assert cells[label] == VALUES["indicators"]
    assert "Engagement: watching videos nightly" in _pdf_body(_pdf_pages(pdf_bytes))
