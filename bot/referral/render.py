"""Render a referral draft as the document the Prevent team reads: JSON, Word (DOCX) and PDF.

The layout follows the form data (`referral_forms/vtr.yml`): one heading and one two-column
table (label | answer) per section, in the form's order. Two things are laid out specially:

* the concern (field ``concern``) is printed in full as its own paragraphs under its section,
  keeping the writer's line breaks (it can be 20,000 characters);
* the referrer section (``referrer``) comes last, as the referrer block, with the date of
  referral.

What is shown for an answer is `display_value`: "" when unanswered, "Not known" for the stored
``unknown``, the label of a choice, "Yes"/"No", the area's name. Fields that do not apply to this
person (e.g. capacity under 16, see `draft.applies`) are left out.

Names must come out exactly in any script ("Zoë", "Łukasz Wójcik", "عائشة"): the PDF embeds a
Unicode TrueType font (DejaVu Sans, see `FONT_CANDIDATES`) and falls back to Helvetica, which
covers Latin-1 only, when none is found. ReportLab neither shapes nor reorders right-to-left
text unless the optional `uharfbuzz` and `rlbidi` packages are installed, which this project does
not require: Arabic is stored in logical order and drawn letter by letter, unjoined and left to
right (legible letters, but reversed for an Arabic reader). pypdf, which expects right-to-left text
drawn right to left, extracts such a run reversed ("عائشة" comes back as "ةشئاع"). Word shapes
and orders Arabic properly in the DOCX.

Nothing here touches the network or writes files: each renderer returns bytes.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bot.referral.form import (
    UNKNOWN,
    FieldSpec,
    FormSpec,
    Section,
    _messages_file,
    area_name,
    marked_unchecked,
    unchecked,
)
from bot.referral.progress import Draft, applies

DOCUMENT_TITLE = "Vulnerable to Radicalisation (VTR) referral"
MARKING = "OFFICIAL-SENSITIVE"
NOT_KNOWN = "Not known"
CONCERN_FIELD = "concern"
REFERRER_SECTION = "referrer"
_YES_NO = {"yes": "Yes", "no": "No"}
SUBMITTED = "submitted"  # the JSON status of a sealed referral (the document says so too)
# Characters XML 1.0 (DOCX, ReportLab markup) cannot hold; tabs and newlines are kept.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _document_words() -> dict[str, Any]:
    """How a document names itself (referral_forms/messages.yml, `document`)."""
    return _messages_file()["document"]


def document_author() -> str:
    """The author in the PDF and DOCX properties: the assistant, never a person."""
    return str(_document_words()["author"])


@dataclass(frozen=True)
class RenderMeta:
    """What the document shows beyond the answers.

    `sealed_at` (UTC) is set when the referral is sealed for the inbox: the document then
    says "Submitted" with that time and its status is ``submitted``; without it the document
    is a draft and says so. `rendered_at` is the creation date in the file properties (the
    sealing time, else now).
    """

    reference: str
    referral_date: str  # DD/MM/YYYY: set when sealed; today's date for a draft
    area_name: str
    sealed_at: datetime | None = None
    rendered_at: datetime | None = None

    @classmethod
    def for_draft(cls, draft: Draft, today: date | None = None) -> RenderMeta:
        """For a draft not sealed yet: reference from the draft id, today's date."""
        today = today or date.today()
        area = draft.values.get("area", "")
        return cls(
            reference=f"VTR-{draft.short_id}",
            referral_date=today.strftime("%d/%m/%Y"),
            area_name="" if area == UNKNOWN else area_name(area),
        )

    @classmethod
    def for_sealing(cls, draft: Draft, now: datetime | None = None) -> RenderMeta:
        """For the referral as it is sealed and submitted: dated and stamped `now` (UTC)."""
        now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
        draft_meta = cls.for_draft(draft, now.date())
        return cls(draft_meta.reference, draft_meta.referral_date, draft_meta.area_name, now, now)

    @property
    def created(self) -> datetime:
        """The creation date for the file properties (UTC)."""
        stamp = self.rendered_at or self.sealed_at or datetime.now(timezone.utc)
        return (
            stamp.astimezone(timezone.utc) if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
        )

    def status(self, draft: Draft) -> str:
        """``submitted`` once sealed, else the draft's own status."""
        return SUBMITTED if self.sealed_at is not None else draft.status

    def sealed_text(self) -> str:
        """The sealing time as people read it, e.g. "14/03/2025 10:42 UTC"."""
        if self.sealed_at is None:
            return ""
        return f"{self.created:%d/%m/%Y %H:%M} UTC"


# --------------------------------------------------------------------------- the answers


def display_value(spec: FieldSpec, value: Any) -> str:
    """How an answer reads on the document."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    if text == UNKNOWN:
        return NOT_KNOWN
    if unchecked(spec, text):  # kept as typed after several tries: the team sees it marked
        return marked_unchecked(text)
    if spec.type == "choice":
        return spec.choices.get(text, text)
    if spec.type == "yes_no":
        return _YES_NO.get(text.lower(), text)
    if spec.type == "area":
        return area_name(text)
    return text


def _rows(section: Section, draft: Draft) -> list[tuple[FieldSpec, str]]:
    return [
        (spec, display_value(spec, draft.values.get(spec.id)))
        for spec in section.fields
        if applies(spec, draft) and not spec.part_of  # parts are shown in their field's row
    ]


def _layout(form: FormSpec, draft: Draft) -> tuple[list[Section], Section | None]:
    """The body sections in form order, and the referrer section to print last (if any)."""
    referrer = next((s for s in form.sections if s.id == REFERRER_SECTION), None)
    if referrer is None:
        referrer = next(
            (s for s in form.sections if any(f.id == "referrer_name" for f in s.fields)), None
        )
    body = [s for s in form.sections if s is not referrer and _rows(s, draft)]
    return body, referrer


def _split_concern(rows: list[tuple[FieldSpec, str]]) -> tuple[tuple[FieldSpec, str] | None, list]:
    concern = next((r for r in rows if r[0].id == CONCERN_FIELD), None)
    return concern, [r for r in rows if r[0].id != CONCERN_FIELD]


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _blocks(text: str) -> list[str]:
    """Paragraphs of a long text: split at blank lines ("\\n\\n".join gives the text back)."""
    return _xml_safe(text).split("\n\n")


def _title(form: FormSpec) -> str:
    return form.title or DOCUMENT_TITLE


def _meta_lines(draft: Draft, meta: RenderMeta) -> list[tuple[str, str]]:
    lines = [
        ("Reference", meta.reference),
        ("Date of referral", meta.referral_date),
        ("Area", meta.area_name),
    ]
    notes = _document_words()["status"]
    status = meta.status(draft)
    if status in notes:
        lines.append((STATUS_LINE, notes[status].format(when=meta.sealed_text())))
    return lines


STATUS_LINE = "Status"


# --------------------------------------------------------------------------- JSON


def to_json(form: FormSpec, draft: Draft, meta: RenderMeta) -> dict[str, Any]:
    """The referral as a JSON-serialisable dict, in the form's order."""
    return {
        "form": form.id,
        "form_version": form.version,
        "reference": meta.reference,
        "referral_date": meta.referral_date,
        "area": meta.area_name,
        "status": meta.status(draft),
        "sealed_at": meta.created.isoformat() if meta.sealed_at is not None else None,
        "sections": [
            {
                "id": section.id,
                "title": section.title,
                "fields": [
                    {"id": spec.id, "label": spec.label, "value": value}
                    for spec, value in _rows(section, draft)
                ],
            }
            for section in form.sections
        ],
        "triage": draft.triage or None,
    }


# --------------------------------------------------------------------------- DOCX

CONCERN_STYLE = "Concern text"  # the paragraph style of the concern, so it can be read back
_DOCX_LABEL_WIDTH_CM = 5.5
_DOCX_VALUE_WIDTH_CM = 11.5  # A4 (21 cm) less 2 cm margins each side
_DOCX_LABEL_SHADE = "F2F2F2"


def to_docx(form: FormSpec, draft: Draft, meta: RenderMeta) -> bytes:
    """The referral as an A4 Word document (python-docx)."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)

    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    concern_style = doc.styles.add_style(CONCERN_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    concern_style.base_style = normal
    concern_style.paragraph_format.space_after = Pt(6)

    _docx_properties(doc, meta)

    # Protective marking at the top (and bottom) of every page; reference and page numbers.
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(MARKING)
    run.bold = True
    run.font.size = Pt(10)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lead = f"{MARKING}    Reference: {_xml_safe(meta.reference)}    Page "
    footer.add_run(lead).font.size = Pt(8)
    _docx_field(footer, "PAGE", Pt(8))
    footer.add_run(" of ").font.size = Pt(8)
    _docx_field(footer, "NUMPAGES", Pt(8))

    title = doc.add_heading(_title(form), level=0)
    for run in title.runs:
        run.font.size = Pt(20)
    for label, value in _meta_lines(draft, meta):
        para = doc.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        para.add_run(f"{label}: ").bold = True
        para.add_run(_xml_safe(value))

    body, referrer = _layout(form, draft)
    for sec in body:
        doc.add_heading(sec.title, level=1)
        concern, rows = _split_concern(_rows(sec, draft))
        if concern is not None:
            heading = doc.add_paragraph()
            heading.add_run(concern[0].label).bold = True
            for block in _blocks(concern[1]):
                doc.add_paragraph(style=CONCERN_STYLE).add_run(block)
        if rows:
            _docx_table(doc, [(spec.label, value) for spec, value in rows])

    if referrer is not None:
        doc.add_heading(referrer.title, level=1)
        rows = [(spec.label, value) for spec, value in _rows(referrer, draft)]
        rows.append(("Date of referral", meta.referral_date))
        _docx_table(doc, rows)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_properties(doc: Any, meta: RenderMeta) -> None:
    """Document properties: the title, the assistant as author, created when rendered.

    Nothing personal: no referrer or person named, no user account.
    """
    props = doc.core_properties
    props.title = f"{DOCUMENT_TITLE} {_xml_safe(meta.reference)}"
    props.subject = MARKING
    props.author = props.last_modified_by = document_author()
    props.comments = props.keywords = props.category = ""
    props.revision = 1
    stamp = meta.created.replace(tzinfo=None)  # python-docx writes naive datetimes as UTC
    props.created = props.modified = stamp
    props.last_printed = stamp


def _docx_field(paragraph: Any, instruction: str, size: Any) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the pages out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    begin = paragraph.add_run()
    begin._r.append(char("begin"))
    code = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    code._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run("1")  # shown until Word updates the field
    paragraph.add_run()._r.append(char("end"))
    for run in paragraph.runs[-5:]:
        run.font.size = size


def _docx_table(doc: Any, rows: list[tuple[str, str]]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    widths = (Cm(_DOCX_LABEL_WIDTH_CM), Cm(_DOCX_VALUE_WIDTH_CM))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for label, value in rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        label_run = cells[0].paragraphs[0].add_run(label)
        label_run.bold = True
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:color"), "auto")
        shade.set(qn("w:fill"), _DOCX_LABEL_SHADE)
        cells[0]._tc.get_or_add_tcPr().append(shade)
        cells[1].paragraphs[0].add_run(_xml_safe(value))  # "\n" -> line break, "\t" -> tab
        for cell in cells:
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    doc.add_paragraph()  # a little air between a table and the next heading


# --------------------------------------------------------------------------- PDF

#: Unicode TrueType fonts tried in order: (regular, bold). DejaVu Sans covers Latin Extended,
#: Greek, Cyrillic, Arabic and Hebrew (not CJK).
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/local/share/fonts/DejaVuSans.ttf", "/usr/local/share/fonts/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans-Bold.ttf"),
)
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
_PDF_SPLIT_ROW_ABOVE = 340.0  # points (about half the A4 frame): taller rows may split
_PDF_FONT = "VTRSans"
_PDF_FONT_BOLD = "VTRSans-Bold"
_fonts: tuple[str, str] | None = None


def _find_font_files() -> tuple[Path, Path] | None:
    """DejaVu Sans: the system's (fonts-dejavu-core), else the copy matplotlib ships."""
    candidates = [(Path(regular), Path(bold)) for regular, bold in FONT_CANDIDATES]
    for root in _FONT_DIRS:  # installed somewhere unusual
        if Path(root).is_dir():
            for found in sorted(Path(root).rglob("DejaVuSans.ttf")):
                candidates.append((found, found.with_name("DejaVuSans-Bold.ttf")))
    spec = importlib.util.find_spec("matplotlib")  # a Rasa dependency; not imported here
    if spec is not None and spec.origin:
        ttf = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
        candidates.append((ttf / "DejaVuSans.ttf", ttf / "DejaVuSans-Bold.ttf"))
    for regular, bold in candidates:
        if regular.is_file():
            return regular, bold if bold.is_file() else regular
    return None


def pdf_fonts() -> tuple[str, str]:
    """The (regular, bold) font names the PDF uses, registering DejaVu Sans the first time."""
    global _fonts
    if _fonts is None:
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        files = _find_font_files()
        if files is None:
            _fonts = ("Helvetica", "Helvetica-Bold")
        else:
            pdfmetrics.registerFont(TTFont(_PDF_FONT, str(files[0])))
            pdfmetrics.registerFont(TTFont(_PDF_FONT_BOLD, str(files[1])))
            for bold, italic, name in (
                (0, 0, _PDF_FONT),
                (1, 0, _PDF_FONT_BOLD),
                (0, 1, _PDF_FONT),
                (1, 1, _PDF_FONT_BOLD),
            ):
                addMapping(_PDF_FONT, bold, italic, name)
            _fonts = (_PDF_FONT, _PDF_FONT_BOLD)
    return _fonts


def pdf_font_file() -> str:
    """Where the PDF font comes from (for diagnostics): a path, or "Helvetica"."""
    files = _find_font_files()
    return str(files[0]) if files else "Helvetica"


def _markup(text: str) -> str:
    """Plain text as ReportLab paragraph markup: <, >, & literal; line breaks kept."""
    return escape(_xml_safe(text)).replace("\n", "<br/>")


def to_pdf(form: FormSpec, draft: Draft, meta: RenderMeta) -> bytes:
    """The referral as an A4 PDF (ReportLab platypus), same layout as the DOCX."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    regular, bold = pdf_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5, splitLongWords=1)
    styles = {
        "title": ParagraphStyle(
            "title",
            base,
            fontName=bold,
            fontSize=17,
            leading=21,
            spaceAfter=8,
            textColor=colors.HexColor("#1F3864"),
        ),
        "meta": ParagraphStyle("meta", base, fontSize=10, leading=13.5),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=bold,
            fontSize=12.5,
            leading=16,
            spaceBefore=12,
            spaceAfter=5,
            keepWithNext=1,
            textColor=colors.HexColor("#1F3864"),
        ),
        "label": ParagraphStyle("label", base, fontName=bold),
        "value": base,
        "concern_label": ParagraphStyle(
            "concern_label", base, fontName=bold, spaceAfter=4, keepWithNext=1
        ),
        "concern": ParagraphStyle("concern", base, fontSize=10, leading=13.5, spaceAfter=6),
        "status": ParagraphStyle(
            "status",
            base,
            fontName=bold,
            fontSize=10,
            leading=13.5,
            textColor=colors.HexColor("#9C0006"),
            spaceBefore=2,
        ),
        "submitted": ParagraphStyle(
            "submitted",
            base,
            fontName=bold,
            fontSize=10,
            leading=13.5,
            textColor=colors.HexColor("#1F3864"),
            spaceBefore=2,
        ),
    }
    # The frame SimpleDocTemplate lays out in keeps 6 pt of padding on each side.
    width = A4[0] - 4 * cm - 2 * 6
    label_width = 5.2 * cm
    table_style = form_table_style()

    def table(rows: list[tuple[str, str]]) -> Any:
        data = [
            [Paragraph(escape(label), styles["label"]), Paragraph(_markup(value), styles["value"])]
            for label, value in rows
        ]
        return _form_table_class()(
            data,
            colWidths=[label_width, width - label_width],
            style=table_style,
            hAlign="LEFT",
            splitByRow=1,
            splitInRow=1,
        )

    story: list[Any] = [Paragraph(escape(_title(form)), styles["title"])]
    for label, value in _meta_lines(draft, meta):
        if label == STATUS_LINE:
            style = styles["submitted"] if meta.sealed_at is not None else styles["status"]
            story.append(Paragraph(escape(value), style))
        else:
            story.append(Paragraph(f"<b>{escape(label)}:</b> {_markup(value)}", styles["meta"]))

    body, referrer = _layout(form, draft)
    for sec in body:
        story.append(Paragraph(escape(sec.title), styles["heading"]))
        concern, rows = _split_concern(_rows(sec, draft))
        if concern is not None:
            story.append(Paragraph(escape(concern[0].label), styles["concern_label"]))
            for block in _blocks(concern[1]):
                if block.strip():
                    story.append(Paragraph(_markup(block.strip("\n")), styles["concern"]))
            story.append(Spacer(1, 4))
        if rows:
            story.append(table([(spec.label, value) for spec, value in rows]))
    if referrer is not None:
        story.append(Paragraph(escape(referrer.title), styles["heading"]))
        rows = [(spec.label, value) for spec, value in _rows(referrer, draft)]
        rows.append(("Date of referral", meta.referral_date))
        story.append(table(rows))

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2.2 * cm,
        bottomMargin=2.2 * cm,
        title=f"{DOCUMENT_TITLE} {meta.reference}",
        author=document_author(),
        subject=MARKING,
        creator=document_author(),
        producer="",
        invariant=1,  # stable object ids; the dates are set from `meta.created` below
    )
    doc.build(story, canvasmaker=_numbered_canvas(meta.reference, regular, bold, meta.created))
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def _form_table_class() -> type:
    """A table whose rows move to the next page whole, unless a row is too tall for that.

    ReportLab splits inside a row (`splitInRow`) whenever the first row does not fit what is
    left of the page; that cuts a three-line answer in two. Here a row is only split when it
    is taller than half a page (a long answer), which also keeps a row taller than a whole page
    from failing the layout.
    """
    from reportlab.platypus import Table

    class FormTable(Table):
        def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
            self._calc(availWidth, availHeight)
            first = self._rowHeights[0] if self._rowHeights else 0
            if availHeight < first <= _PDF_SPLIT_ROW_ABOVE:
                return []  # the first row goes to the next page, whole
            return super().split(availWidth, availHeight)

    return FormTable


def _pdf_timestamp(created: datetime) -> Any:
    """ReportLab's time stamp for the PDF's CreationDate/ModDate, set to `created` (UTC).

    ReportLab otherwise stamps "now" (and, in invariant mode, 1 January 2000).
    """
    import time

    from reportlab.lib.utils import TimeStamp

    stamp = TimeStamp(1)
    epoch = created.timestamp()
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


def _numbered_canvas(reference: str, regular: str, bold: str, created: datetime) -> type:
    """A canvas that holds its pages back to print "Page N of M" once M is known."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _pdf_timestamp(created)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            page_width, page_height = A4
            self.saveState()
            self.setFont(bold, 10)
            self.drawCentredString(page_width / 2, page_height - 1.25 * cm, MARKING)
            self.setStrokeColorRGB(0.65, 0.65, 0.65)
            self.setLineWidth(0.5)
            self.line(2 * cm, page_height - 1.45 * cm, page_width - 2 * cm, page_height - 1.45 * cm)
            self.line(2 * cm, 1.55 * cm, page_width - 2 * cm, 1.55 * cm)
            self.setFont(regular, 8)
            self.drawString(2 * cm, 1.1 * cm, f"Reference: {_xml_safe(reference)}")
            self.setFont(bold, 8)
            self.drawCentredString(page_width / 2, 1.1 * cm, MARKING)
            self.setFont(regular, 8)
            self.drawRightString(page_width - 2 * cm, 1.1 * cm, f"Page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


def iter_values(form: FormSpec, draft: Draft) -> Iterator[tuple[FieldSpec, str]]:
    """Every applicable field with its displayed value, in form order."""
    for section in form.sections:
        yield from _rows(section, draft)


def form_table_style() -> Any:
    """The label / value grid of every PDF the assistant makes (referral, decision record)."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#A6A6A6")),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )
