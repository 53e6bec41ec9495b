"""Every sentence and button title the actions send comes from data: domain responses or
guidance/interface.yml (`actions:`), never from a string written in bot/actions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot import wording
from bot.config import PROJECT_ROOT

ACTIONS = sorted((PROJECT_ROOT / "bot" / "actions").glob("*.py"))
#: A word next to a space: the start of a sentence, not an id ("outcome", "vtr_") or a
#: layout piece ("\n\n", "C-").
WORDS = re.compile(r"[A-Za-z]{2,}\s|\s[A-Za-z]{2,}")


def _literal_parts(node: ast.JoinedStr) -> str:
    return "".join(v.value for v in node.values if isinstance(v, ast.Constant))


def _sentences_in_code(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr) and WORDS.search(_literal_parts(node)):
            found.append(f"{path.name}:{node.lineno} f-string")
        if isinstance(node, ast.Dict):  # {"title": "Tell my DSL", ...}
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value in ("title", "text")
                    and isinstance(value, (ast.Constant, ast.JoinedStr))
                ):
                    found.append(f"{path.name}:{node.lineno} {key.value}")
        if isinstance(node, ast.keyword) and node.arg == "text":  # utter_message(text="...")
            if isinstance(node.value, (ast.Constant, ast.JoinedStr)):
                found.append(f"{path.name}:{node.lineno} text=")
    return found


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: p.name)
def test_no_sentence_or_button_title_is_written_in_an_action(path: Path) -> None:
    assert _sentences_in_code(path) == []


def test_the_check_finds_a_sentence_written_in_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(d, ref):\n"
        '    d.utter_message(text="Hello there")\n'
        '    return {"title": f"Open {ref}", "payload": "/x"}, f"Review on {ref}."\n'
    )
    found = " ".join(_sentences_in_code(bad))
    assert "bad.py:2 text=" in found and "bad.py:3 title" in found
    assert found.count("f-string") == 2  # the title's and the sentence's


def _sentences(node: object, key: str = "actions"):
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _sentences(value, f"{key}.{name}")
    elif isinstance(node, str):
        yield key


def test_every_action_sentence_renders_with_its_fields() -> None:
    """Including keys built at run time (buttons, story lines), which a text search misses."""
    keys = list(_sentences(wording._lookup("actions", wording.INTERFACE_FILE)))
    assert len(keys) > 20
    for key in keys:
        fields = wording.fields_of(wording._lookup(key, wording.INTERFACE_FILE)) - {"contact"}
        assert wording.phrase(key, **{name: "x" for name in fields}), key
