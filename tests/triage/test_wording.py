"""Every user-facing sentence in guidance/triage/*.yml names the section it comes from."""

from __future__ import annotations

import re

import pytest

from bot.guidance import load_guidance
from tests.triage._play import ROOT, TRIAGE

SOURCES = load_guidance(ROOT / "guidance").sources
CITED = re.compile(r"\(([^()]*)\)\.?$")


def _texts() -> list[tuple[str, str]]:
    w = TRIAGE.wording
    out = []
    for name, spec in w.outcomes.items():
        out.append((f"{name}.headline", spec["headline"]))
        out += [(f"{name}.step{i}", s) for i, s in enumerate(spec["steps"])]
    out += [(f"reason.{k}", v) for k, v in w.reasons.items()]
    out += [(f"note.{k}", v) for k, v in w.notes.items()]
    out += [(f"why.{k}", v.text) for k, v in TRIAGE.whys.items()]
    # Outside SET, the area's own seed is the source ({area_citation} is its citation).
    out += [
        (f"outside_set.{k}", v.replace("{area_citation}", "Lewisham"))
        for k, v in w.outside_set.items()
    ]
    return out


def _known(label: str) -> bool:
    return any(
        label.strip().startswith(src_id) or label.strip().startswith(src.label.split(",")[0])
        for src_id, src in SOURCES.items()
    ) or label.strip().startswith(("Thurrock pack", "Lewisham Prevent page", "Middlesbrough"))


@pytest.mark.parametrize(("where", "text"), _texts(), ids=[w for w, _ in _texts()])
def test_each_sentence_cites_a_known_section(where, text):
    text = text.replace("{contacts_dated}", "").strip()
    match = CITED.search(text)
    assert match, f"{where}: no citation at the end"
    labels = [part for part in re.split(r";", match.group(1))]
    assert any(_known(label) for label in labels), f"{where}: {match.group(1)!r}"


def test_the_triage_says_nothing_unsourced():
    text = " ".join(t for _, t in _texts()).lower()
    assert "most lead to support" not in text
