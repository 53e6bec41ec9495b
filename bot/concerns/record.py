"""The decision record of one concern, as JSON, CSV and PDF.

Concern, who raised it and when, the facts and the assistant's advice with its citations,
every decision with its reasons (who and when), and the chronology. The PDF reuses the
referral documents' look (`bot.referral.render`: fonts, table, "OFFICIAL-SENSITIVE" page
furniture) without changing it. Wording: guidance/concerns/record.yml.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from bot.concerns.rows import Org
from bot.concerns.store import Concern, pseudonym
from bot.store.db import utcnow

WORDING_FILE = Path(__file__).resolve().parents[2] / "guidance" / "concerns" / "record.yml"


@functools.lru_cache(maxsize=1)
def wording() -> dict[str, Any]:
    with WORDING_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def decision_label(kind: str) -> str:
    return wording()["decisions"].get(kind, kind)


def _when(at: datetime | None) -> str:
    return f"{at:%d/%m/%Y %H:%M} UTC" if at else ""


def to_dict(concern: Concern, org: Org | None, now: datetime | None = None) -> dict[str, Any]:
    """Everything the record holds, in a stable shape (the JSON export)."""
    raiser = next((s for s in concern.steps if s.kind == "raised"), None)
    triage = concern.details.get("triage") or {}
    return {
        "reference": concern.ref,
        "school": {
            "id": concern.org_id,
            "name": org.name if org else "",
            "area": org.area if org else "",
        },
        "status": concern.status,
        "raised": {
            "by": pseudonym(concern.raised_by, raiser.actor_role if raiser else ""),
            "at": concern.created_at.isoformat(),
        },
        "concern": {k: concern.details.get(k, "") for k in ("words", "when", "where")},
        "advice": {
            "outcome": triage.get("outcome", ""),
            "headline": triage.get("headline", ""),
            "reasons": triage.get("reasons", []),
            "steps": triage.get("steps", []),
            "citations": triage.get("citations", []),
            "facts": triage.get("facts", {}),
        },
        "decisions": [
            {
                "decision": s.data.get("decision"),
                "label": decision_label(s.data.get("decision", "")),
                "reasons": s.data.get("reasons", ""),
                "review_on": s.data.get("review_on"),
                "changed_from": s.data.get("changed_from"),
                "by": pseudonym(s.actor, s.actor_role),
                "at": s.at.isoformat(),
            }
            for s in concern.decisions
        ],
        "review_due": concern.review_due.isoformat() if concern.review_due else None,
        "chronology": [
            {
                "at": s.at.isoformat(),
                "step": s.kind,
                "by": pseudonym(s.actor, s.actor_role),
                "text": s.data.get("text")
                or (decision_label(s.data["decision"]) if "decision" in s.data else "")
                or s.data.get("review_on", ""),
            }
            for s in concern.steps
        ],
        "exported_at": (now or utcnow()).isoformat(),
    }


def to_json(concern: Concern, org: Org | None) -> bytes:
    return json.dumps(to_dict(concern, org), indent=2, ensure_ascii=False).encode()


def to_csv(concern: Concern, org: Org | None) -> bytes:
    """The chronology, one step a row (reference, time, step, by, detail), for a record system."""
    record = to_dict(concern, org)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "school", "at", "step", "by", "detail", "reasons", "review_on"])
    decisions = iter(record["decisions"])
    for step in record["chronology"]:
        decision = next(decisions) if step["step"] == "decision" else {}
        detail = step["text"]
        if step["step"] == "raised":
            detail = record["concern"]["words"]
        writer.writerow(
            [
                record["reference"],
                record["school"]["name"],
                step["at"],
                wording()["steps"].get(step["step"], step["step"]),
                step["by"],
                detail,
                decision.get("reasons", ""),
                decision.get("review_on") or "",
            ]
        )
    return out.getvalue().encode()


def to_pdf(concern: Concern, org: Org | None, now: datetime | None = None) -> bytes:
    """The record as an A4 PDF in the referral documents' style (fonts, tables, marking)."""
    now = now or utcnow()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from bot.referral.render import (
        _form_table_class,
        _markup,
        _numbered_canvas,
        form_table_style,
        pdf_fonts,
    )

    words = wording()
    labels, headings = words["labels"], words["headings"]
    record = to_dict(concern, org)
    regular, bold = pdf_fonts()
    navy = colors.HexColor("#1F3864")
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5, splitLongWords=1)
    title = ParagraphStyle(
        "title", base, fontName=bold, fontSize=17, leading=21, spaceAfter=8, textColor=navy
    )
    meta = ParagraphStyle("meta", base, fontSize=10, leading=13.5)
    heading = ParagraphStyle(
        "heading",
        base,
        fontName=bold,
        fontSize=12.5,
        leading=16,
        spaceBefore=12,
        spaceAfter=5,
        keepWithNext=1,
        textColor=navy,
    )
    label = ParagraphStyle("label", base, fontName=bold)
    width = A4[0] - 4 * cm - 2 * 6
    label_width = 5.2 * cm
    style = form_table_style()

    def table(rows: list[tuple[str, str]]) -> Any:
        data = [[Paragraph(escape(k), label), Paragraph(_markup(v or ""), base)] for k, v in rows]
        return _form_table_class()(
            data,
            colWidths=[label_width, width - label_width],
            style=style,
            hAlign="LEFT",
            splitByRow=1,
            splitInRow=1,
        )

    story: list[Any] = [Paragraph(escape(words["title"]), title)]
    for key, value in (
        ("reference", record["reference"]),
        ("school", record["school"]["name"]),
        ("area", record["school"]["area"].capitalize()),
        ("raised_by", record["raised"]["by"]),
        ("raised_at", _when(concern.created_at)),
        ("exported_at", _when(now)),
    ):
        story.append(Paragraph(f"<b>{escape(labels[key])}:</b> {_markup(value)}", meta))
    story.append(Paragraph(escape(headings["concern"]), heading))
    story.append(table([(labels[k], record["concern"][k]) for k in ("words", "when", "where")]))
    advice = record["advice"]
    if advice["outcome"]:
        story.append(Paragraph(escape(headings["triage"]), heading))
        facts = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in advice["facts"].items() if v)
        story.append(
            table(
                [
                    (labels["outcome"], advice["headline"] or advice["outcome"]),
                    (labels["facts"], facts),
                    (labels["reasons"], "\n".join(f"• {r}" for r in advice["reasons"])),
                    (labels["steps"], "\n".join(f"• {s}" for s in advice["steps"])),
                    (labels["citations"], "; ".join(advice["citations"])),
                ]
            )
        )
    story.append(Paragraph(escape(headings["decisions"]), heading))
    for decision in record["decisions"]:
        rows = [
            (labels["decision"], decision["label"]),
            (labels["decision_reasons"], decision["reasons"]),
            (labels["decided_by"], decision["by"]),
            (labels["decided_at"], _when(datetime.fromisoformat(decision["at"]))),
        ]
        if decision["review_on"]:
            rows.append((labels["review_on"], decision["review_on"]))
        if decision["changed_from"]:
            rows.append((labels["changed_from"], decision_label(decision["changed_from"])))
        story.append(table(rows))
    story.append(Paragraph(escape(headings["chronology"]), heading))
    story.append(
        table(
            [
                (
                    _when(datetime.fromisoformat(s["at"])),
                    f"{words['steps'].get(s['step'], s['step'])} ({s['by']})"
                    + (f"\n{s['text']}" if s["text"] else ""),
                )
                for s in record["chronology"]
            ]
        )
    )
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2.2 * cm,
        bottomMargin=2.2 * cm,
        title=f"Concern record {concern.ref}",
        author="",
        subject="OFFICIAL-SENSITIVE",
        creator="",
        producer="",
        invariant=1,
    )
    # The document's creation date is the export's (render.py's canvas stamps it).
    doc.build(story, canvasmaker=_numbered_canvas(concern.ref, regular, bold, now))
    return out.getvalue()
